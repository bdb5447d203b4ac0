"""Sensitivity analysis: which assumptions drive each interval.

This module is the public face of the layer: it re-exports the functions of its three parts, the name checks they
share (:mod:`flopcast.analysis.names`) and holds the readable table:

- :func:`flopcast.analysis.sobol.sobol`: first-order, total and optionally second-order Sobol' indices with
  bootstrap confidence intervals, from Saltelli's design in the unit cube mapped through flopcast's inverse CDFs;
- :func:`flopcast.analysis.tornado.tornado`: one-at-a-time swings from a low to a high quantile;
- :func:`flopcast.analysis.ranks.rank_correlations`, :func:`~flopcast.analysis.ranks.prcc` and
  :func:`~flopcast.analysis.ranks.elasticities`: read from an existing :class:`~flopcast.result.Result`, with no
  new model runs (and, unlike Sobol' indices, valid for correlated assumptions).

Every function returns an ``xarray.Dataset`` with dims ``input`` and ``output``; :func:`format_sensitivity` turns
any of them into an aligned text table, and :mod:`flopcast.plots.sensitivity` draws them.

Which one to use
----------------
Sobol' indices answer "what share of the output's variance does this assumption explain, alone (``S1``) and with
its interactions (``ST``)?", for any model, at the cost of ``n * (d + 2)`` model runs. Compute forecasts are
products of uncertain factors with heavy right tails; there the variance of the output is dominated by a few
extreme draws and ``S1``/``ST`` of the raw output converge slowly and describe the tail, not the bulk. Analyse
``log(output)`` instead (``log=True``): a product becomes a sum, the indices converge fast, they are exactly each
factor's share of the log-variance (the variance of orders of magnitude), and they are what the width of a
credible interval on a log axis depends on. Use the raw output when it is a sum or when the mean is what matters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from flopcast.analysis.names import check_inputs, check_outputs, names_of
from flopcast.analysis.ranks import elasticities, prcc, rank_correlations
from flopcast.analysis.sobol import saltelli_indices, sobol
from flopcast.analysis.tornado import tornado
from flopcast.errors import FlopcastValueError
from flopcast.formatting import fixed, interval, number, row, table

if TYPE_CHECKING:
    import xarray as xr


__all__ = [
    # variance-based, new model runs
    "saltelli_indices",
    "sobol",
    # one at a time, new model runs
    "tornado",
    # from an existing Result
    "elasticities",
    "prcc",
    "rank_correlations",
    # reading them
    "format_sensitivity",
    # shared checks
    "check_inputs",
    "check_outputs",
    "names_of",
]


# ---------------------------------------------------------------------------------------------- the readable table
def _sobol_tables(ds: xr.Dataset, digits: int) -> list[str]:
    blocks = []
    level = ds.attrs.get("conf_level", 0.95)
    log = ds.attrs.get("log", False)
    pct = f"{100 * level:g}%"
    for out in ds["output"].values.tolist():
        sub = ds.sel(output=out)
        order = np.argsort(-np.nan_to_num(sub["ST"].values, nan=-np.inf), kind="stable")
        rows = []
        for i in order:
            s1, st = sub["S1"].values[i], sub["ST"].values[i]
            rows.append(
                [
                    str(sub["input"].values[i]),
                    fixed(s1, digits),
                    interval(sub["S1_lower"].values[i], sub["S1_upper"].values[i], decimals=digits),
                    fixed(st, digits),
                    interval(sub["ST_lower"].values[i], sub["ST_upper"].values[i], decimals=digits),
                    fixed(st - s1, digits),
                ]
            )
        title = f"{'log(' + out + ')' if log else out}: Sobol' indices, n = {ds.attrs.get('n')}, {pct} intervals"
        text = title + "\n" + table(["input", "S1", f"S1 {pct}", "ST", f"ST {pct}", "ST-S1"], rows)
        if "S2" in ds:
            s2 = sub["S2"].values
            names = sub["input"].values.tolist()
            pairs = [
                (abs(s2[j, k]), names[j], names[k], s2[j, k], sub["S2_conf"].values[j, k])
                for j in range(len(names))
                for k in range(j + 1, len(names))
            ]
            pairs.sort(key=lambda p: -p[0])
            rows2 = [[f"{a} x {b}", fixed(v, digits), f"+/- {fixed(c, digits)}"] for _, a, b, v, c in pairs[:10]]
            if rows2:
                text += "\n\nlargest second-order indices\n" + table(["pair", "S2", pct], rows2)
        blocks.append(text)
    return blocks


def _tornado_table(ds: xr.Dataset) -> str:
    unit = ds.attrs.get("unit")
    rows = [
        [
            str(name),
            *row([ds["low"].values[i], ds["high"].values[i]]),
            *row([ds["output_at_low"].values[i], ds["output_at_high"].values[i], ds["swing"].values[i]], unit),
        ]
        for i, name in enumerate(ds["input"].values.tolist())
    ]
    ql, qh = ds.attrs.get("quantile_low", 0.05), ds.attrs.get("quantile_high", 0.95)
    title = (
        f"{ds.attrs.get('output', 'output')}: one-at-a-time swings from the {ql:g} to the {qh:g} quantile, "
        f"others at their medians (base {number(float(ds['base']), unit)})"
    )
    return title + "\n" + table(["input", "low", "high", "output at low", "output at high", "swing"], rows)


def _matrix_tables(ds: xr.Dataset, digits: int) -> list[str]:
    blocks = []
    outputs = ds["output"].values.tolist()
    for var in ds.data_vars:
        da = ds[var]
        if set(da.dims) != {"input", "output"}:
            continue
        da = da.transpose("input", "output")
        rows = [
            [str(name), *(fixed(v, digits) for v in da.values[i])] for i, name in enumerate(ds["input"].values.tolist())
        ]
        if var == "src" and "r2" in ds:
            rows.append(["(R^2 of the log-log fit)", *(fixed(v, digits) for v in ds["r2"].values)])
        title = str(da.attrs.get("long_name", var))
        blocks.append(title + "\n" + table(["input", *map(str, outputs)], rows))
    return blocks


def format_sensitivity(ds: xr.Dataset, digits: int = 3) -> str:
    """A readable, aligned text table of any sensitivity Dataset of this layer.

    Sobol' indices are listed per output, sorted by total index, with their intervals and the interaction share
    ``ST - S1``; tornado swings with their input and output values; rank statistics as an input x output matrix.

    Parameters
    ----------
    ds : xarray.Dataset
        The result of :func:`~flopcast.analysis.sobol.sobol`, :func:`~flopcast.analysis.tornado.tornado`,
        :func:`~flopcast.analysis.ranks.rank_correlations`, :func:`~flopcast.analysis.ranks.prcc` or
        :func:`~flopcast.analysis.ranks.elasticities`.
    digits : int, default 3
        Decimals of the indices and correlations.

    Returns
    -------
    str

    Examples
    --------
    >>> import flopcast as fc
    >>> m = fc.Model("m")
    >>> _ = m.assume("a", fc.uniform(0, 1))
    >>> _ = m.assume("b", fc.uniform(0, 1))
    >>> @m.derive
    ... def y(a, b):
    ...     return a + 3 * b
    >>> print(format_sensitivity(tornado(m, "y")))
    y: one-at-a-time swings from the 0.05 to the 0.95 quantile, others at their medians (base 2)
    input   low  high  output at low  output at high  swing
    -----  ----  ----  -------------  --------------  -----
    b      0.05  0.95           0.65            3.35    2.7
    a      0.05  0.95           1.55            2.45    0.9
    """
    if "S1" in ds and "ST" in ds:
        return "\n\n".join(_sobol_tables(ds, digits))
    if "swing" in ds:
        return _tornado_table(ds)
    blocks = _matrix_tables(ds, digits)
    if not blocks:
        raise FlopcastValueError(
            "format_sensitivity(): expected a Dataset from sobol(), tornado(), rank_correlations(), prcc() or "
            f"elasticities(), got variables {list(ds.data_vars)}"
        )
    return "\n\n".join(blocks)
