"""Scenario sweeps: a grid of what-ifs, each run on the same seed, as one xarray Dataset.

Every scenario is the model with some assumptions replaced (:meth:`flopcast.Model.replace`) and is run with the
same root seed. Because draws are keyed by assumption name, the assumptions a sweep does not touch get the same
draws in every scenario (common random numbers): differences between scenarios are the effect of the swept
assumptions, not sampling noise.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from flopcast.design import seed_sequence
from flopcast.distributions import Choice, Distribution
from flopcast.errors import FlopcastTypeError, FlopcastValueError
from flopcast.model import Assumption, Model
from flopcast.result import SUMMARY_COLUMNS

if TYPE_CHECKING:
    import xarray as xr

    from flopcast.engine import Engine

__all__ = ["STATS", "sweep", "sweep_effects"]

#: The statistics along the ``stat`` dimension of a sweep (the numeric columns of ``Result.summary``).
STATS = tuple(c for c in SUMMARY_COLUMNS if c != "unit")
_STREAM_ABOVE = 2**22


def _scenario_value(model: Model, name: str, value: Any) -> tuple[Any, Any]:
    """The replacement for ``name`` and the coordinate label of ``value``."""
    node = model[name]
    assert isinstance(node, Assumption)
    dist = node.distribution
    if isinstance(value, str):
        if isinstance(dist, Choice) and dist.labels is not None and value in dist.labels:
            return float(dist.values[dist.labels.index(value)]), value
        labels = list(dist.labels) if isinstance(dist, Choice) and dist.labels is not None else []
        raise FlopcastValueError(
            f"sweep: {name!r} = {value!r} is a label, but {name!r} is not a labelled choice with that label"
            + (f" (labels: {labels})" if labels else "; give numbers or distributions")
        )
    if isinstance(value, Distribution) or hasattr(value, "ppf"):
        return value, repr(value)
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise FlopcastTypeError(
            f"sweep: values of {name!r} must be numbers, distributions or choice labels, got {value!r}"
        )
    return float(value), float(value)


def _check_grid(model: Model, grid: Mapping[str, Sequence[Any]]) -> dict[str, list[Any]]:
    if not isinstance(grid, Mapping) or not grid:
        raise FlopcastValueError("sweep needs a non-empty mapping of assumption name -> list of values")
    axes: dict[str, list[Any]] = {}
    for name, values in grid.items():
        if name not in model or not isinstance(model[name], Assumption):
            raise FlopcastValueError(
                f"sweep: {name!r} is not an assumption of model {model.name!r}; "
                f"assumptions: {', '.join(model.assumptions)}"
            )
        if isinstance(values, str) or not isinstance(values, Iterable):
            raise FlopcastTypeError(f"sweep: the values of {name!r} must be a list, got {type(values).__name__}")
        axis = list(values)
        if not axis:
            raise FlopcastValueError(f"sweep: the axis {name!r} is empty; give at least one value")
        axes[name] = axis
    return axes


def sweep(
    model: Model,
    grid: Mapping[str, Sequence[Any]],
    n: int,
    *,
    seed: int | np.random.SeedSequence | None = None,
    outputs: Iterable[str] | str | None = None,
    prob: float = 0.9,
    design: str = "random",
    chunk_size: int | None = None,
    engine: str | Engine | None = None,
    stream: bool | None = None,
) -> xr.Dataset:
    """Run every combination of the swept values on the same seed; return their summaries as one Dataset.

    Parameters
    ----------
    model : Model
        The base model.
    grid : mapping of str to list
        For each swept assumption, its values: numbers, distributions, or labels of a labelled
        :func:`~flopcast.choice` (e.g. ``{"gpu": ["H100", "B200"]}``).
    n : int
        Draws per scenario.
    seed : int, optional
        One seed for all scenarios (common random numbers).
    outputs : str or iterable of str, optional
        Quantities to summarize (default: every derived quantity).
    prob : float, default 0.9
        Mass of the intervals.
    design, chunk_size, engine
        As in :meth:`flopcast.Model.simulate`.
    stream : bool, optional
        Stream summaries instead of keeping draws (default: when ``n`` > 2**22).

    Returns
    -------
    xarray.Dataset
        One variable per output with dims ``(*swept, "stat")``; ``stat`` holds :data:`STATS` (median,
        interval bounds, Monte Carlo errors...). Units are in each variable's attrs.

    Examples
    --------
    >>> import flopcast as fc
    >>> m = fc.Model("m")
    >>> _ = m.assume("steps", 50, unit="step")
    >>> _ = m.assume("gpu", fc.choice({"H100": 1.0, "B200": 2.3}), unit="1")
    >>> _ = m.assume("cost", fc.lognormal(1, 2), unit="s/step")
    >>> @m.derive(unit="s")
    ... def latency(steps, cost, gpu):
    ...     return steps * cost / gpu
    >>> ds = fc.sweep(m, {"steps": [20, 50], "gpu": ["H100", "B200"]}, n=10_000, seed=1)
    >>> ds["latency"].dims
    ('steps', 'gpu', 'stat')
    >>> median = ds["latency"].sel(stat="median")
    >>> round(float(median.sel(steps=20, gpu="H100") / median.sel(steps=20, gpu="B200")), 6)  # same draws
    2.3
    """
    import xarray as xr

    axes = _check_grid(model, grid)
    names = tuple(model.derived) if outputs is None else model.check_names(outputs, "output")
    if not names:
        raise FlopcastValueError(f"sweep: model {model.name!r} has no derived quantity; pass outputs=")
    root = seed_sequence(seed)
    streamed = (n > _STREAM_ABOVE) if stream is None else bool(stream)
    shape = tuple(len(v) for v in axes.values())
    values = {name: np.empty((*shape, len(STATS))) for name in names}
    coords: dict[str, list[Any]] = {}
    for name, axis in axes.items():
        coords[name] = [_scenario_value(model, name, v)[1] for v in axis]
    for index in itertools.product(*(range(s) for s in shape)):
        changes = {name: _scenario_value(model, name, axes[name][i])[0] for name, i in zip(axes, index, strict=True)}
        scenario = model.replace(**changes)
        run = scenario.simulate(
            n, seed=root, design=design, chunk_size=chunk_size, engine=engine, keep=names, stream=streamed, prob=prob
        )
        table = run.summary(full=True) if streamed else run.summary(prob, full=True)
        for name in names:
            values[name][index] = table.loc[name, list(STATS)].to_numpy(dtype=float)
    dims = (*axes, "stat")
    data = {name: xr.DataArray(v, dims=dims, attrs={"unit": model[name].unit}) for name, v in values.items()}
    return xr.Dataset(
        data,
        coords={**coords, "stat": list(STATS)},
        attrs={"model": model.name, "n": n, "prob": prob, "design": design, "seed": str(root.entropy)},
    )


def sweep_effects(ds: xr.Dataset, output: str, stat: str = "median", log: bool = True) -> xr.Dataset:
    """Which swept assumption moves ``stat`` of ``output`` most: main-effect shares of its variance on the grid.

    On a full factorial grid, the variance of the statistic (on a log scale by default, for multiplicative
    models) splits into the variance of each swept axis's main effect (the mean over the other axes) and
    interactions. Also returns each axis's range of the statistic.

    Examples
    --------
    >>> import flopcast as fc
    >>> m = fc.Model("m")
    >>> _ = m.assume("a", 1.0)
    >>> _ = m.assume("b", 1.0)
    >>> _ = m.assume("noise", fc.lognormal(0.9, 1.1))
    >>> @m.derive
    ... def y(a, b, noise):
    ...     return a * b**2 * noise
    >>> ds = fc.sweep(m, {"a": [1, 2], "b": [1, 2]}, n=2000, seed=0)
    >>> eff = fc.sweep_effects(ds, "y")
    >>> [round(float(x), 2) for x in eff["main_effect_share"].values]
    [0.2, 0.8]
    """
    import xarray as xr

    if output not in ds.data_vars:
        raise FlopcastValueError(
            f"sweep_effects: {output!r} is not an output of this sweep ({', '.join(map(str, ds.data_vars))})"
        )
    if stat not in ds["stat"].values:
        raise FlopcastValueError(f"sweep_effects: stat must be one of {list(ds['stat'].values)}, got {stat!r}")
    y = ds[output].sel(stat=stat)
    if log:
        if bool((y <= 0).any()):
            raise FlopcastValueError(f"sweep_effects: {output!r} has non-positive {stat}; use log=False")
        y = xr.apply_ufunc(np.log, y)
    total = float(y.var())
    axes = list(y.dims)
    shares, ranges = [], []
    for axis in axes:
        main = y.mean(dim=[d for d in axes if d != axis])
        shares.append(float(main.var()) / total if total > 0 else 0.0)
        raw = ds[output].sel(stat=stat).mean(dim=[d for d in axes if d != axis])
        ranges.append(float(raw.max() - raw.min()))
    return xr.Dataset(
        {"main_effect_share": ("input", shares), "range": ("input", ranges)},
        coords={"input": axes},
        attrs={"output": output, "stat": stat, "log": log},
    )
