"""Observations of a model's quantities and their likelihoods (numpy only).

An :class:`Observation` says that a quantity of a model was measured, how precisely, and under which known
conditions (``given``): ``observe("latency_s", 1838, sigma=0.2, given={"params": 14e9})``. Its likelihood is one
of four kinds, chosen to be stated simply:

``"relative"`` (the default)
    a relative error: ``log(value) ~ Normal(log(predicted), sigma)``, a lognormal likelihood; ``sigma=0.2`` is a
    log-scale standard deviation of 0.2 (about 20%).
``"absolute"``
    an absolute error: ``value ~ Normal(predicted, sigma)`` in the quantity's unit.
``"at_most"`` / ``"at_least"``
    a soft bound: the log-likelihood is ``log Phi((log(value) - log(predicted)) / sigma)`` (at most; the sign is
    flipped for at least), so a prediction a few ``sigma`` beyond the bound is nearly excluded. The softness is
    relative, like the default kind.

Each kind is one object of :mod:`flopcast.analysis.likelihoods`, which gives its numpy log-density (used by PSIS),
its PyTensor log-density (used by NUTS) and its measurement noise (used by predictive checks).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from flopcast.analysis.likelihoods import LIKELIHOODS
from flopcast.errors import FlopcastTypeError, FlopcastValueError
from flopcast.model import Derived, Model
from flopcast.validate import check_real

__all__ = ["KINDS", "Observation", "inputs_of", "log_likelihood", "noise", "observe", "predict"]

KINDS = tuple(LIKELIHOODS)
"""The likelihood kinds of an observation."""

_ALIASES = {"lognormal": "relative", "normal": "absolute"}

#: Default widths: a relative error of 10% and bounds soft by 5%. An absolute error has no natural default.
_DEFAULT_SIGMA = {"relative": 0.1, "at_most": 0.05, "at_least": 0.05}


@dataclass(frozen=True)
class Observation:
    """A measured value of one quantity of a model, with its likelihood and known conditions.

    Build it with :func:`observe`, which validates its arguments.

    Parameters
    ----------
    quantity : str
        The measured quantity (an assumption or a derived quantity of the model calibrated).
    value : float
        The measured value (the bound for ``"at_most"``/``"at_least"``).
    sigma : float
        The width of the likelihood: log-scale standard deviation (``"relative"`` and bounds) or standard
        deviation in the quantity's unit (``"absolute"``).
    kind : {"relative", "absolute", "at_most", "at_least"}
        The likelihood.
    given : mapping of str to float
        Quantities fixed at known values for this measurement (the conditions of the measurement).
    subject : str
        What was measured (e.g. an open model's name); observations of one subject are held out together by
        :func:`flopcast.analysis.calibration.leave_one_out`.
    source : str
        Where the measurement comes from.
    """

    quantity: str
    value: float
    sigma: float
    kind: str = "relative"
    given: Mapping[str, float] = field(default_factory=dict)
    subject: str = ""
    source: str = ""

    @property
    def label(self) -> str:
        """A readable name: ``"subject: quantity"`` or the quantity alone."""
        return f"{self.subject}: {self.quantity}" if self.subject else self.quantity

    def __str__(self) -> str:
        width = {"absolute": f"+/- {self.sigma:g}"}.get(self.kind, f"sigma(log) {self.sigma:g}")
        what = {"at_most": "<= ", "at_least": ">= "}.get(self.kind, "")
        given = f" given {dict(self.given)}" if self.given else ""
        return f"{self.label} {what}{self.value:g} ({self.kind}, {width}){given}"


def observe(
    quantity: str,
    value: float | None = None,
    *,
    sigma: float | None = None,
    kind: str = "relative",
    at_most: float | None = None,
    at_least: float | None = None,
    given: Mapping[str, float] | None = None,
    subject: str = "",
    source: str = "",
) -> Observation:
    """State an observation of a quantity of a model: its value, its likelihood and its conditions.

    Parameters
    ----------
    quantity : str
        The quantity measured. It is checked against the model by :func:`flopcast.calibrate`.
    value : float
        The measured value, finite; positive for ``"relative"`` and the bounds (they work on the log scale).
    sigma : float, optional
        Width of the likelihood, > 0: a log-scale standard deviation for ``"relative"`` (``0.2`` is about 20%) and
        for the softness of the bounds; a standard deviation in the quantity's unit for ``"absolute"``.
        Defaults: 0.1 for ``"relative"``, 0.05 for the bounds; required for ``"absolute"``.
    kind : {"relative", "absolute", "at_most", "at_least"}, default "relative"
        Relative (lognormal) error, absolute (normal) error, or a soft upper or lower bound.
        ``"lognormal"`` and ``"normal"`` are accepted as aliases of the first two.
    at_most, at_least : float, optional
        Shorthand for a bound: ``observe(q, at_most=x)`` is ``observe(q, x, kind="at_most")``.
    given : mapping of str to float, optional
        Quantities of the model fixed at the known conditions of the measurement (e.g. the parameter count and
        resolution of the model that was timed), so that measurements of different subjects inform the shared
        unknowns of one model.
    subject : str, optional
        What was measured (e.g. ``"Wan2.1-T2V-14B"``).
    source : str, optional
        Where the value comes from.

    Returns
    -------
    Observation

    Examples
    --------
    >>> from flopcast.analysis.observations import observe
    >>> obs = observe("latency_s", 1838, sigma=0.2, given={"params": 14e9}, subject="Wan2.1-T2V-14B")
    >>> print(obs)
    Wan2.1-T2V-14B: latency_s 1838 (relative, sigma(log) 0.2) given {'params': 14000000000.0}
    >>> observe("utilization", 0.6, kind="at_most").sigma
    0.05
    >>> observe("utilization", at_most=0.6) == observe("utilization", 0.6, kind="at_most")
    True
    """
    if not isinstance(quantity, str) or not quantity:
        raise FlopcastTypeError(f"observe(): quantity must be a non-empty string (a quantity's name), got {quantity!r}")
    bounds = {k: v for k, v in (("at_most", at_most), ("at_least", at_least)) if v is not None}
    if bounds:
        if len(bounds) > 1 or value is not None or kind != "relative":
            raise FlopcastValueError(
                f"observe({quantity!r}): give either a value (with kind=) or one bound, at_most= or at_least="
            )
        ((kind, value),) = bounds.items()
    if value is None:
        raise FlopcastValueError(f"observe({quantity!r}): the observed value is missing (or give at_most= / at_least=)")
    if not isinstance(kind, str):
        raise FlopcastTypeError(f"observe(): kind must be a string, one of {KINDS}, got {kind!r}")
    kind = _ALIASES.get(kind, kind)
    if kind not in KINDS:
        raise FlopcastValueError(f"observe(): kind must be one of {KINDS} (or 'lognormal', 'normal'), got {kind!r}")
    val = check_real(value, "value", "observe()")
    if kind != "absolute" and val <= 0.0:
        raise FlopcastValueError(
            f"observe({quantity!r}): a {kind!r} observation works on the log scale, so its value must be > 0, got "
            f"{val!r}; for a quantity that can be zero or negative use kind='absolute' with sigma in its unit"
        )
    if sigma is None:
        if kind == "absolute":
            raise FlopcastValueError(
                f"observe({quantity!r}): an absolute error needs sigma, its standard deviation in the quantity's unit"
            )
        sig = _DEFAULT_SIGMA[kind]
    else:
        sig = check_real(sigma, "sigma", "observe()")
        if sig <= 0.0:
            raise FlopcastValueError(f"observe({quantity!r}): sigma (the error width) must be > 0, got {sig!r}")
    fixed: dict[str, float] = {}
    if given is not None:
        if not isinstance(given, Mapping):
            raise FlopcastTypeError(
                f"observe({quantity!r}): given must be a mapping of quantity name to value, got {given!r}"
            )
        for key, v in given.items():
            if not isinstance(key, str):
                raise FlopcastTypeError(f"observe({quantity!r}): given keys must be quantity names, got {key!r}")
            if key == quantity:
                raise FlopcastValueError(
                    f"observe({quantity!r}): given fixes the observed quantity itself; remove {key!r}"
                )
            fixed[key] = check_real(v, f"given[{key!r}]", "observe()")
    for text, what in ((subject, "subject"), (source, "source")):
        if not isinstance(text, str):
            raise FlopcastTypeError(f"observe(): {what} must be a string, got {type(text).__name__}")
    return Observation(quantity, val, sig, kind, fixed, subject, source)


def log_likelihood(obs: Observation, predicted: np.ndarray) -> np.ndarray:
    """Log-likelihood of an observation for each predicted value (numpy; constants dropped).

    Predictions outside the likelihood's support (non-positive for the log-scale kinds, NaN) get ``-inf``,
    except for ``"at_most"``, which any non-positive prediction satisfies.

    Examples
    --------
    >>> import numpy as np
    >>> from flopcast.analysis.observations import log_likelihood, observe
    >>> log_likelihood(observe("y", 10.0, sigma=0.5), np.array([10.0, -1.0])).tolist()
    [0.0, -inf]
    """
    return LIKELIHOODS[obs.kind].log_density(obs.value, obs.sigma, predicted)


def noise(obs: Observation) -> Callable[[np.ndarray, np.random.Generator], np.ndarray]:
    """The measurement noise of an observation's kind: ``f(predicted, rng) -> simulated measurement``.

    Bounds have no noise model; their simulated measurement is the prediction.
    """
    likelihood = LIKELIHOODS[obs.kind]
    return lambda pred, rng: likelihood.noise(obs.sigma, pred, rng)


def inputs_of(model: Model, obs: Observation) -> tuple[str, ...]:
    """The uncertain assumptions that an observation's prediction depends on (given ones excluded)."""
    uncertain = set(model.uncertain)
    ancestors = model.graph.ancestors([obs.quantity], given=obs.given)
    return tuple(n for n in ancestors if n in uncertain and n not in obs.given)


def predict(model: Model, obs: Observation, values: Mapping[str, Any]) -> Any:
    """The model's prediction of an observation's quantity under its ``given`` conditions.

    Evaluates only the part of the graph the quantity depends on. ``values`` holds assumption values (numbers,
    arrays or PyTensor variables; missing assumptions take their point values) and may hold derived quantities
    too: those that no given value affects are taken from it instead of being recomputed (PSIS passes every
    prior draw, so only the nodes downstream of the given conditions are evaluated again).

    Examples
    --------
    >>> import numpy as np
    >>> import flopcast as fc
    >>> from flopcast.analysis.observations import observe, predict
    >>> m = fc.Model("m")
    >>> _ = m.assume("a", fc.lognormal(1, 10))
    >>> _ = m.assume("b", 2.0)
    >>> @m.derive
    ... def c(a, b):
    ...     return a * b
    >>> predict(m, observe("c", 1.0, given={"b": 3.0}), {"a": np.array([1.0, 2.0])}).tolist()
    [3.0, 6.0]
    """
    graph = model.graph
    # Derived quantities in ``values`` that no given condition affects are reused: the graph is cut there too.
    affected = graph.descendants(obs.given)
    reused = [k for k in values if k not in affected and isinstance(graph.nodes.get(k), Derived)]
    out = graph.evaluate({**values, **obs.given}, outputs=[obs.quantity], given=(*obs.given, *reused))
    return out[obs.quantity]
