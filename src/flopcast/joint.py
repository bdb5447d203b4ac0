"""Assumptions drawn jointly from a table of draws, such as a posterior from calibration.

A calibrated model must keep the dependence between its calibrated assumptions (utilization and overhead
trade off against each other in a latency fit). :class:`JointDraws` holds the rows of such draws; every run
picks whole rows, so the dependence is kept exactly, while each assumption's marginal is an :class:`Empirical`
distribution that ``describe()``, ``point()`` and reports use like any other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from flopcast.distributions import Array, Distribution
from flopcast.distributions.base import weighted_moments
from flopcast.errors import FlopcastTypeError, FlopcastValueError

__all__ = ["Empirical", "JointDraws"]


def _weights(weights: Any, size: int, owner: str) -> np.ndarray:
    if weights is None:
        return np.full(size, 1.0 / size)
    try:
        w = np.array(weights, dtype=float)
    except (TypeError, ValueError) as exc:
        raise FlopcastTypeError(f"{owner}: weights must be numeric, got {type(weights).__name__}") from exc
    if w.shape != (size,):
        raise FlopcastValueError(f"{owner}: weights must have shape ({size},), got {w.shape}")
    if not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise FlopcastValueError(f"{owner}: weights must be finite, non-negative and not all zero")
    return w / w.sum()


@dataclass(frozen=True, eq=False, repr=False)
class Empirical(Distribution):
    """The distribution of a finite set of (optionally weighted) draws.

    Parameters
    ----------
    values : array_like
        The draws (finite numbers).
    weights : array_like, optional
        Non-negative weights, normalized to sum to one (default: equal).

    Examples
    --------
    >>> from flopcast.joint import Empirical
    >>> d = Empirical([3.0, 1.0, 2.0, 4.0])
    >>> d.median(), d.mean(), float(d.cdf(2.0))
    (2.0, 2.5, 0.5)
    """

    values: Any
    weights: Any = None

    def __post_init__(self) -> None:
        try:
            v = np.array(self.values, dtype=float).ravel()
        except (TypeError, ValueError) as exc:
            raise FlopcastTypeError(f"Empirical: values must be numeric, got {type(self.values).__name__}") from exc
        if v.size == 0 or not np.all(np.isfinite(v)):
            raise FlopcastValueError("Empirical: values must be a non-empty array of finite numbers")
        w = _weights(self.weights, v.size, "Empirical")
        order = np.argsort(v, kind="stable")
        v, w = v[order], w[order]
        cw = np.cumsum(w)
        cw /= cw[-1]
        for arr in (v, w, cw):
            arr.setflags(write=False)
        object.__setattr__(self, "values", v)
        object.__setattr__(self, "weights", w)
        object.__setattr__(self, "_cumulative", cw)

    def __repr__(self) -> str:
        return f"Empirical(n={self.values.size}, mean={self.mean():.6g}, sd={self.std():.6g})"

    def _ppf(self, u: Array) -> Array:
        cumulative: np.ndarray = self._cumulative  # type: ignore[attr-defined]
        idx = np.searchsorted(cumulative, u, side="left")
        return np.asarray(self.values[np.clip(idx, 0, self.values.size - 1)])

    def _cdf(self, x: Array) -> Array:
        idx = np.searchsorted(self.values, x, side="right")
        cw = np.concatenate([[0.0], self._cumulative])  # type: ignore[attr-defined]
        return np.asarray(cw[idx])

    def _sample(self, rng: np.random.Generator, size: int) -> Array:
        return self._ppf(rng.random(size))

    def mean(self) -> float:
        """Return the weighted mean of the draws."""
        return weighted_moments(self.values, self.weights)[0]

    def var(self) -> float:
        """Return the weighted variance of the draws (inf beyond the float range)."""
        return weighted_moments(self.values, self.weights)[1]

    @property
    def support(self) -> tuple[float, float]:
        """Smallest and largest draw."""
        return float(self.values[0]), float(self.values[-1])


@dataclass(frozen=True, eq=False)
class JointDraws:
    """Rows of joint draws of several assumptions; a run picks whole rows (with the given weights).

    Examples
    --------
    >>> import numpy as np
    >>> from flopcast.joint import JointDraws
    >>> j = JointDraws.from_mapping({"a": [1.0, 2.0], "b": [10.0, 20.0]})
    >>> j.rows(np.array([0.1, 0.9]))["b"].tolist()
    [10.0, 20.0]
    """

    names: tuple[str, ...]
    table: np.ndarray
    cumulative: np.ndarray

    @classmethod
    def from_mapping(cls, draws: Mapping[str, Any], weights: Any = None) -> JointDraws:
        """Validate a mapping of equally long draw arrays (and optional weights) into a joint table."""
        if not isinstance(draws, Mapping) or not draws:
            raise FlopcastValueError("joint draws must be a non-empty mapping of assumption name -> array of draws")
        names = tuple(draws)
        columns = []
        for name in names:
            try:
                col = np.array(draws[name], dtype=float).ravel()
            except (TypeError, ValueError) as exc:
                raise FlopcastTypeError(f"joint draws of {name!r} must be numeric") from exc
            if not np.all(np.isfinite(col)):
                raise FlopcastValueError(f"joint draws of {name!r} contain NaN or infinite values")
            columns.append(col)
        sizes = {c.size for c in columns}
        if len(sizes) != 1 or 0 in sizes:
            raise FlopcastValueError(f"joint draws must all have the same non-zero length, got {sorted(sizes)}")
        table = np.column_stack(columns)
        w = _weights(weights, table.shape[0], "joint draws")
        cumulative = np.cumsum(w)
        cumulative /= cumulative[-1]
        table.setflags(write=False)
        cumulative.setflags(write=False)
        return cls(names, table, cumulative)

    def weights(self) -> np.ndarray:
        """The normalized weight of each row."""
        return np.diff(self.cumulative, prepend=0.0)

    def rows(self, u: np.ndarray) -> dict[str, np.ndarray]:
        """The rows chosen by uniforms ``u`` (inverse CDF of the row weights), one array per name."""
        idx = np.minimum(np.searchsorted(self.cumulative, u, side="left"), self.table.shape[0] - 1)
        picked = self.table[idx]
        return {name: picked[:, j] for j, name in enumerate(self.names)}
