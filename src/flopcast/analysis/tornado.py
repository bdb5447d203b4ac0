"""One-at-a-time swings: the numbers a tornado chart draws.

Each uncertain assumption moves from its ``low`` to its ``high`` quantile while every other one stays at its
median; the output's values at both ends and their distance (the swing) are sorted from the widest. This is a
local, one-at-a-time view: it ignores interactions and correlations (use :func:`flopcast.analysis.sobol.sobol`
for those), but it reads in the output's own units and costs ``2 d + 1`` model runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from flopcast.analysis.names import check_inputs, check_outputs
from flopcast.errors import FlopcastTypeError, FlopcastValueError
from flopcast.validate import check_probability

if TYPE_CHECKING:
    import xarray as xr

    from flopcast.model import Model

__all__ = ["tornado"]


def tornado(
    model: Model,
    output: str,
    low: float = 0.05,
    high: float = 0.95,
    *,
    inputs: str | Iterable[str] | None = None,
) -> xr.Dataset:
    """Swing each uncertain assumption from its ``low`` to its ``high`` quantile, the others at their medians.

    Parameters
    ----------
    model : Model
        The model.
    output : str
        The quantity whose swings are measured.
    low, high : float, default 0.05 and 0.95
        Quantile levels of the two ends, ``0 < low < high < 1``.
    inputs : str or list of str, optional
        The assumptions to swing (default: every uncertain one; point values are left out).

    Returns
    -------
    xarray.Dataset
        Dim ``input``, sorted by decreasing swing. Variables ``low`` and ``high`` (the input's values at the two
        quantiles), ``output_at_low``, ``output_at_high``, ``swing`` (``|output_at_high - output_at_low|``) and
        the scalar ``base`` (the output with every input at its median); coordinates ``label`` and
        ``input_unit`` of each input. Attrs ``output``, ``output_label``, ``unit`` (the output's),
        ``quantile_low``, ``quantile_high``, ``model``.

    Examples
    --------
    >>> import flopcast as fc
    >>> m = fc.Model("m")
    >>> _ = m.assume("a", fc.uniform(0, 10))
    >>> _ = m.assume("b", fc.uniform(0, 1))
    >>> @m.derive
    ... def y(a, b):
    ...     return a - 30 * b
    >>> ds = tornado(m, "y", low=0.1, high=0.9)
    >>> ds["input"].values.tolist(), ds["swing"].round(6).values.tolist()
    (['b', 'a'], [24.0, 8.0])
    """
    import xarray as xr

    if not isinstance(output, str):
        raise FlopcastTypeError(f"tornado: output must be the name of one quantity, got {type(output).__name__}")
    (out,) = check_outputs(model, output)
    names = check_inputs(model, inputs)
    low = check_probability(low, "low", "tornado")
    high = check_probability(high, "high", "tornado")
    if not low < high:
        raise FlopcastValueError(f"tornado: low must be < high, got low={low} and high={high}")
    d = len(names)
    dists = {name: model.assumptions[name].distribution for name in model.uncertain}
    # One vectorized evaluation: row 0 is the base, rows 1 + 2i and 2 + 2i move input i to low and high.
    values = {name: np.full(2 * d + 1, dist.median()) for name, dist in dists.items()}
    ends = np.empty((d, 2))
    for i, name in enumerate(names):
        ends[i] = dists[name].ppf(np.array([low, high]))
        values[name][1 + 2 * i : 3 + 2 * i] = ends[i]
    with np.errstate(all="ignore"):
        y = np.broadcast_to(
            np.asarray(model.graph.evaluate(values, outputs=[out])[out], dtype=np.float64), (2 * d + 1,)
        )
    at_low, at_high = y[1::2], y[2::2]
    swing = np.abs(at_high - at_low)
    if not np.all(np.isfinite(y)):
        raise FlopcastValueError(f"tornado: output {out!r} is NaN or infinite at some quantiles of its inputs")
    order = np.argsort(-swing, kind="stable")
    ds = xr.Dataset(
        {
            "low": ("input", ends[order, 0]),
            "high": ("input", ends[order, 1]),
            "output_at_low": ("input", at_low[order]),
            "output_at_high": ("input", at_high[order]),
            "swing": ("input", swing[order]),
            "base": ((), float(y[0])),
        },
        coords={
            "input": [names[i] for i in order],
            "label": ("input", [model[names[i]].label for i in order]),
            "input_unit": ("input", [model[names[i]].unit for i in order]),
        },
    )
    ds.attrs.update(
        {
            "method": "tornado",
            "model": model.name,
            "output": out,
            "output_label": model[out].label,
            "unit": model[out].unit,
            "quantile_low": low,
            "quantile_high": high,
        }
    )
    return ds
