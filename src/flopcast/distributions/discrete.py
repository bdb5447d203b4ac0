"""A discrete choice among values or labelled scenarios, with probabilities."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from flopcast.distributions.base import Array, Distribution, _check_labels, _set, weighted_moments
from flopcast.errors import FlopcastValueError
from flopcast.validate import (
    Constraint,
    check_real_tuple,
    check_weights,
)


@dataclass(frozen=True, eq=False, repr=False)  # equality: Distribution.__eq__
class Choice(Distribution):
    """Discrete distribution over a few values (scenarios), optionally labelled.

    Parameters
    ----------
    values : tuple of float
        The possible values (any order; duplicates allowed).
    probs : tuple of float
        Their probabilities: non-negative, summing to 1 (within 1e-9).
    labels : tuple of str or None
        Unique scenario names, one per value.
    """

    values: tuple[float, ...]
    probs: tuple[float, ...]
    labels: tuple[str, ...] | None = None
    arg_constraints: ClassVar[Mapping[str, Constraint]] = {
        "values": check_real_tuple,
        "probs": check_weights,
        "labels": _check_labels,
    }

    def _check_relations(self) -> None:
        n = len(self.values)
        if len(self.probs) != n:
            raise FlopcastValueError(f"Choice: probs must have one entry per value ({n}), got {len(self.probs)}")
        if self.labels is not None and len(self.labels) != n:
            raise FlopcastValueError(f"Choice: labels must have one entry per value ({n}), got {len(self.labels)}")
        order = np.argsort(np.asarray(self.values), kind="stable")
        xs = np.asarray(self.values)[order]
        cum = np.cumsum(np.asarray(self.probs)[order])
        cum /= cum[-1]
        xs.flags.writeable = False
        cum.flags.writeable = False
        _set(self, "_xs", xs)
        _set(self, "_cum", cum)

    def _ppf(self, u: Array) -> Array:
        xs, cum = self.__dict__["_xs"], self.__dict__["_cum"]
        i = np.minimum(np.searchsorted(cum, u, side="left"), xs.size - 1)
        return np.where(np.isnan(u), np.nan, xs[i])

    def _cdf(self, x: Array) -> Array:
        xs, cum = self.__dict__["_xs"], self.__dict__["_cum"]
        i = np.searchsorted(xs, x, side="right")
        out = np.concatenate([[0.0], cum])[i]
        return np.where(np.isnan(x), np.nan, out)

    def _sample(self, rng: np.random.Generator, size: int) -> Array:
        xs, cum = self.__dict__["_xs"], self.__dict__["_cum"]
        i = np.minimum(np.searchsorted(cum, rng.random(size), side="right"), xs.size - 1)
        return np.asarray(xs[i], dtype=np.float64)

    def mean(self) -> float:
        """Return ``sum p_i x_i``."""
        return weighted_moments(self.values, self.probs)[0]

    def var(self) -> float:
        """Return ``sum p_i (x_i - mean)**2`` (inf beyond the float range)."""
        return weighted_moments(self.values, self.probs)[1]

    @property
    def support(self) -> tuple[float, float]:
        """Smallest and largest value."""
        return min(self.values), max(self.values)

    @property
    def is_discrete(self) -> bool:
        """True."""
        return True

    def as_dict(self) -> dict[str, float]:
        """Return ``{label: value}`` (labels ``"0"``, ``"1"``, ... when unlabelled)."""
        labels = self.labels or tuple(str(i) for i in range(len(self.values)))
        return dict(zip(labels, self.values, strict=True))
