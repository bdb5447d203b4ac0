"""Distribution families to PyMC, through one dispatch for both forms.

``to_pymc(dist, name, named=True)`` creates the named random variable of an assumption inside a ``pm.Model``;
``named=False`` gives the unnamed ``.dist`` form used as a component of a mixture or the base of a truncation.
Each family is registered once, with :func:`functools.singledispatch`; a family with no PyMC counterpart raises a
:class:`~flopcast.errors.FlopcastValueError` that names the assumption and suggests ``method="psis"``.

PyMC is imported inside the functions.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from flopcast.distributions import (
    PERT,
    Beta,
    Choice,
    Distribution,
    LogNormal,
    LogUniform,
    Mixture,
    Normal,
    Point,
    ScipyDistribution,
    Triangular,
    Truncated,
    Uniform,
)
from flopcast.errors import FlopcastValueError

__all__ = ["to_pymc"]

_DIST_FORMS = "Normal, LogNormal, Uniform, Triangular and Beta on [0, 1]"


def unsupported(name: str, dist: Distribution, why: str) -> FlopcastValueError:
    """The error for an assumption's distribution that NUTS cannot sample."""
    return FlopcastValueError(
        f"calibrate(method='nuts'): assumption {name!r} has a {type(dist).__name__} distribution ({dist!r}), which "
        f"NUTS cannot sample: {why}. Use method='psis', or replace it by a point value for the calibration "
        f"(model.replace({name}=...))"
    )


def _named_only(name: str, dist: Distribution, named: bool) -> None:
    if not named:
        raise unsupported(
            name, dist, f"inside a mixture or a truncation only {_DIST_FORMS} have a PyMC counterpart here"
        )


def _family(family: str, name: str, named: bool, **params: Any) -> Any:
    """``pm.<family>(name, **params)``, or its ``.dist(**params)`` form."""
    import pymc as pm

    cls = getattr(pm, family)
    return cls(name, **params) if named else cls.dist(**params)


@functools.singledispatch
def to_pymc(dist: Distribution, name: str, named: bool = True) -> Any:
    """The PyMC counterpart of an assumption's distribution (inside a ``pm.Model`` context when ``named``).

    LogNormal, Normal, Uniform, Triangular map to their PyMC families; LogUniform is ``exp`` of a uniform on
    the log scale; Beta and PERT are a scaled ``pm.Beta``; Truncated is ``pm.Truncated`` (or a narrower
    Uniform/LogUniform); a Mixture of continuous components is ``pm.Mixture``; a Point is a constant. Unnamed
    (``named=False``), only the families with a direct PyMC counterpart exist. Choice (marginalized by the PyMC
    model builder instead) and ScipyDistribution raise a ValueError that suggests ``method="psis"``.

    Examples
    --------
    >>> import pymc as pm
    >>> import flopcast as fc
    >>> from flopcast.analysis.calibration.families import to_pymc
    >>> with pm.Model() as m:
    ...     x = to_pymc(fc.loguniform(1, 100), "x")
    >>> sorted(m.named_vars)
    ['x', 'x_log']
    >>> to_pymc(fc.normal(0, 1), "x", named=False).owner.op.name
    'normal'
    """
    raise unsupported(name, dist, "no PyMC counterpart is known")


@to_pymc.register
def _(dist: Point, name: str, named: bool = True) -> Any:
    _named_only(name, dist, named)
    return dist.value


@to_pymc.register
def _(dist: LogNormal, name: str, named: bool = True) -> Any:
    return _family("LogNormal", name, named, mu=dist.mu, sigma=dist.sigma)


@to_pymc.register
def _(dist: Normal, name: str, named: bool = True) -> Any:
    return _family("Normal", name, named, mu=dist.mu, sigma=dist.sigma)


@to_pymc.register
def _(dist: Uniform, name: str, named: bool = True) -> Any:
    return _family("Uniform", name, named, lower=dist.lower, upper=dist.upper)


@to_pymc.register
def _(dist: Triangular, name: str, named: bool = True) -> Any:
    return _family("Triangular", name, named, lower=dist.lower, c=dist.mode, upper=dist.upper)


@to_pymc.register
def _(dist: LogUniform, name: str, named: bool = True) -> Any:
    _named_only(name, dist, named)
    import pymc as pm

    log_x = pm.Uniform(f"{name}_log", lower=math.log(dist.lower), upper=math.log(dist.upper))
    return pm.Deterministic(name, pm.math.exp(log_x))


@to_pymc.register(Beta)
@to_pymc.register(PERT)
def _(dist: Beta | PERT, name: str, named: bool = True) -> Any:
    b = dist.as_beta() if isinstance(dist, PERT) else dist
    if b.lower == 0.0 and b.upper == 1.0:
        return _family("Beta", name, named, alpha=b.alpha, beta=b.beta)
    _named_only(name, dist, named)
    import pymc as pm

    unit = pm.Beta(f"{name}_unit", alpha=b.alpha, beta=b.beta)
    return pm.Deterministic(name, b.lower + (b.upper - b.lower) * unit)


@to_pymc.register
def _(dist: Truncated, name: str, named: bool = True) -> Any:
    _named_only(name, dist, named)
    base = dist.base
    if isinstance(base, Uniform | LogUniform):  # a truncated uniform is a narrower uniform
        lo, hi = max(base.lower, dist.lower), min(base.upper, dist.upper)
        return to_pymc(type(base)(lo, hi), name)
    import pymc as pm

    lower = None if math.isinf(dist.lower) else dist.lower
    upper = None if math.isinf(dist.upper) else dist.upper
    return pm.Truncated(name, to_pymc(base, name, named=False), lower=lower, upper=upper)


@to_pymc.register
def _(dist: Mixture, name: str, named: bool = True) -> Any:
    _named_only(name, dist, named)
    pairs = [(c, w) for c, w in zip(dist.components, dist.weights, strict=True) if w > 0]
    if any(c.is_discrete for c, _ in pairs):
        raise unsupported(name, dist, "a mixture with point or discrete components has atoms")
    if len(pairs) == 1:
        return to_pymc(pairs[0][0], name)
    import pymc as pm

    comps = [to_pymc(c, name, named=False) for c, _ in pairs]
    return pm.Mixture(name, w=[w for _, w in pairs], comp_dists=comps, default_transform=_support_transform(dist))


@to_pymc.register
def _(dist: Choice, name: str, named: bool = True) -> Any:
    raise unsupported(name, dist, "it is discrete (NUTS needs gradients) and is not marginalized here")


@to_pymc.register
def _(dist: ScipyDistribution, name: str, named: bool = True) -> Any:
    raise unsupported(name, dist, "scipy.stats distributions have no PyTensor log-density")


def _support_transform(dist: Distribution) -> Any:
    """The transform to the real line for a distribution's support (PyMC finds none for mixed components)."""
    from pymc.distributions import transforms

    lo, hi = dist.support
    if math.isinf(lo) and math.isinf(hi):
        return None
    if lo == 0.0 and math.isinf(hi):
        return transforms.log
    return transforms.Interval(None if math.isinf(lo) else lo, None if math.isinf(hi) else hi)
