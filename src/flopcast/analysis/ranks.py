"""Sensitivity read from an existing Result, with no new model runs.

- :func:`rank_correlations`: Spearman's rank correlation of each input with each output (monotone association,
  other inputs free);
- :func:`prcc`: partial rank correlation coefficients, the rank correlation of an input with an output once the
  (linear effect of the) ranks of every other input is removed from both;
- :func:`elasticities`: a least-squares fit of ``log(output)`` on the ``log(input)`` s: its coefficients are
  elasticities (percent change of the output per percent change of the input), and standardized by the standard
  deviations of the logs they are each input's share of the spread in orders of magnitude (for a product of
  independent factors, squared SRCs are exactly their shares of the log-variance and add up to ``R^2 = 1``).

Unlike Sobol' indices these hold for correlated assumptions too (they describe the joint draws as they are),
though with correlated inputs a rank correlation credits an input with what its partners do.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from flopcast.analysis.names import names_of
from flopcast.errors import FlopcastTypeError, FlopcastValueError

if TYPE_CHECKING:
    import xarray as xr

    from flopcast.result import Result

__all__ = ["elasticities", "prcc", "rank_correlations"]


def _columns(
    result: Result, inputs: str | Iterable[str] | None, outputs: str | Iterable[str] | None, who: str
) -> tuple[tuple[str, ...], tuple[str, ...], np.ndarray, np.ndarray]:
    from flopcast.result import Result

    if not isinstance(result, Result):
        raise FlopcastTypeError(f"{who}: expects a flopcast Result (model.simulate(...)), got {type(result).__name__}")
    model = result.model

    def check(names: tuple[str, ...], what: str) -> tuple[str, ...]:
        for name in names:
            if name not in model:
                raise FlopcastValueError(f"{who}: " + model.unknown_message(name, f"quantity ({what})"))
            if name not in result.draws:
                raise FlopcastValueError(
                    f"{who}: {what} {name!r} was not kept in this run; simulate with keep=None or include it in keep"
                )
        return names

    if inputs is None:
        ins = tuple(n for n in model.uncertain if n in result.draws)
        if not ins:
            raise FlopcastValueError(
                f"{who}: the run of model {model.name!r} kept no uncertain assumption"
                + (" (the model has none)" if not model.uncertain else "; simulate with keep=None")
            )
    else:
        ins = check(names_of(inputs, "inputs"), "input")
    if outputs is None:
        outs = tuple(n for n in model.derived if n in result.draws)
        if not outs:
            raise FlopcastValueError(f"{who}: the run kept no derived quantity; name the outputs")
    else:
        outs = check(names_of(outputs, "outputs"), "output")
    x = np.column_stack([np.asarray(result.draws[n], dtype=np.float64) for n in ins])
    y = np.column_stack([np.asarray(result.draws[n], dtype=np.float64) for n in outs])
    if x.shape[0] < 3:
        raise FlopcastValueError(f"{who}: needs at least 3 draws, got {x.shape[0]}")
    for arr, names in ((x, ins), (y, outs)):
        finite = np.isfinite(arr).all(axis=0)
        if not finite.all():
            raise FlopcastValueError(f"{who}: {names[int(np.argmin(finite))]!r} has NaN or infinite draws")
        constant = np.ptp(arr, axis=0) == 0
        if constant.any():
            name = names[int(np.argmax(constant))]
            raise FlopcastValueError(f"{who}: {name!r} is constant in this run, so its correlations are undefined")
    return ins, outs, x, y


def _ranks(x: np.ndarray) -> np.ndarray:
    """Column-wise ranks (ties get their average rank), centred and scaled to unit norm."""
    from scipy.stats import rankdata

    r = rankdata(x, axis=0)
    r -= r.mean(axis=0)
    return np.asarray(r / np.linalg.norm(r, axis=0))


def _dataset(values: dict[str, Any], ins: tuple[str, ...], outs: tuple[str, ...], attrs: dict[str, Any]) -> Any:
    import xarray as xr

    ds = xr.Dataset(values, coords={"input": list(ins), "output": list(outs)})
    ds.attrs.update(attrs)
    return ds


def rank_correlations(
    result: Result,
    inputs: str | Iterable[str] | None = None,
    outputs: str | Iterable[str] | None = None,
) -> xr.Dataset:
    """Spearman rank correlation of each input with each output, from a Result's draws.

    Parameters
    ----------
    result : Result
        A run of a model (any design; correlated assumptions allowed).
    inputs : str or list of str, optional
        Kept quantities to correlate (default: the uncertain assumptions kept).
    outputs : str or list of str, optional
        Kept quantities to explain (default: the derived quantities kept).

    Returns
    -------
    xarray.Dataset
        Variable ``spearman`` with dims ``input``, ``output``.

    Examples
    --------
    >>> import flopcast as fc
    >>> m = fc.Model("m")
    >>> _ = m.assume("a", fc.uniform(0, 1))
    >>> _ = m.assume("b", fc.uniform(0, 1))
    >>> @m.derive
    ... def y(a, b):
    ...     return fc.exp(5 * a)  # monotone in a, independent of b
    >>> ds = rank_correlations(m.simulate(2_000, seed=0))
    >>> rho = ds["spearman"].sel(output="y")
    >>> float(rho.sel(input="a")), bool(abs(rho.sel(input="b")) < 0.1)
    (1.0, True)
    """
    ins, outs, x, y = _columns(result, inputs, outputs, "rank_correlations")
    rho = _ranks(x).T @ _ranks(y)
    ds = _dataset({"spearman": (("input", "output"), np.clip(rho, -1.0, 1.0))}, ins, outs,
                  {"method": "spearman", "model": result.model.name, "n": result.n})  # fmt: skip
    ds["spearman"].attrs["long_name"] = "Spearman rank correlation"
    return ds


def _partial(rx: np.ndarray, ry: np.ndarray) -> np.ndarray:
    """Partial correlations of each column of ``rx`` with each of ``ry`` given the other columns of ``rx``.

    From the inverse of the joint correlation matrix (``-P_iy / sqrt(P_ii P_yy)``) when it is well conditioned;
    otherwise (an input determined by the others, or an output by the inputs) from least-squares residuals, where
    a residual of zero gives NaN: the partial correlation is undefined there.
    """
    d, k = rx.shape[1], ry.shape[1]
    gram = np.concatenate([rx, ry], axis=1)
    gram = gram.T @ gram
    out = np.empty((d, k))
    for j in range(k):
        idx = [*range(d), d + j]
        c = gram[np.ix_(idx, idx)]
        if np.linalg.cond(c) < 1e10:
            p = np.linalg.inv(c)
            out[:, j] = -p[:d, d] / np.sqrt(np.diag(p)[:d] * p[d, d])
            continue
        for i in range(d):
            others = np.delete(rx, i, axis=1)
            if others.shape[1]:
                q, _ = np.linalg.qr(others)
                ex = rx[:, i] - q @ (q.T @ rx[:, i])
                ey = ry[:, j] - q @ (q.T @ ry[:, j])
            else:
                ex, ey = rx[:, i], ry[:, j]
            nx, ny = np.linalg.norm(ex), np.linalg.norm(ey)
            out[i, j] = np.nan if min(nx, ny) < 1e-9 else float(ex @ ey) / (nx * ny)
    return np.clip(out, -1.0, 1.0)


def prcc(
    result: Result,
    inputs: str | Iterable[str] | None = None,
    outputs: str | Iterable[str] | None = None,
) -> xr.Dataset:
    """Partial rank correlation coefficients (PRCC) of each input with each output, from a Result's draws.

    The ranks of the input and of the output are each regressed on the ranks of every other input; the PRCC is
    the correlation of the two residuals. It measures a monotone effect with the other inputs held fixed (in
    rank), where Spearman's correlation lets them vary; for independent inputs of a monotone model it is larger
    in magnitude, and it separates the effects of correlated inputs.

    Parameters
    ----------
    result : Result
        A run of a model (any design; correlated assumptions allowed).
    inputs : str or list of str, optional
        Kept quantities (default: the uncertain assumptions kept).
    outputs : str or list of str, optional
        Kept quantities to explain (default: the derived quantities kept).

    Returns
    -------
    xarray.Dataset
        Variable ``prcc`` with dims ``input``, ``output``; NaN where it is undefined (an input or output that the
        other inputs determine exactly).

    Examples
    --------
    >>> import flopcast as fc
    >>> m = fc.Model("m")
    >>> _ = m.assume("a", fc.uniform(0, 1))
    >>> _ = m.assume("b", fc.uniform(0, 1))
    >>> @m.derive
    ... def y(a, b):
    ...     return a + 0.2 * b  # b's effect is small but, given a, it is all there is
    >>> ds = prcc(m.simulate(5_000, seed=0))
    >>> ds["prcc"].sel(output="y").round(1).values.tolist()
    [1.0, 0.9]
    """
    ins, outs, x, y = _columns(result, inputs, outputs, "prcc")
    value = _partial(_ranks(x), _ranks(y))
    ds = _dataset({"prcc": (("input", "output"), value)}, ins, outs,
                  {"method": "prcc", "model": result.model.name, "n": result.n})  # fmt: skip
    ds["prcc"].attrs["long_name"] = "partial rank correlation coefficient (PRCC)"
    return ds


def elasticities(
    result: Result,
    inputs: str | Iterable[str] | None = None,
    outputs: str | Iterable[str] | None = None,
) -> xr.Dataset:
    """Elasticities and standardized regression coefficients of ``log(output)`` on the ``log(input)`` s.

    A least-squares fit ``log y = c + sum_i b_i log x_i`` on the draws. ``b_i`` is the elasticity (exact for a
    power law ``y = c prod x_i**b_i``); ``src_i = b_i sd(log x_i) / sd(log y)`` is the standardized coefficient,
    whose square is input ``i``'s share of the variance of ``log y`` when the inputs are independent and the fit is
    good (``r2`` near 1).

    Parameters
    ----------
    result : Result
        A run of a model; inputs and outputs must be positive.
    inputs : str or list of str, optional
        Kept quantities (default: the uncertain assumptions kept).
    outputs : str or list of str, optional
        Kept quantities to explain (default: the derived quantities kept).

    Returns
    -------
    xarray.Dataset
        ``elasticity`` and ``src`` with dims ``input``, ``output``; ``r2`` (dim ``output``), the fit's R^2.

    Examples
    --------
    >>> import flopcast as fc
    >>> m = fc.Model("m")
    >>> _ = m.assume("a", fc.lognormal(1, 10))
    >>> _ = m.assume("b", fc.lognormal(1, 100))
    >>> @m.derive
    ... def y(a, b):
    ...     return a**2 * fc.sqrt(b)
    >>> ds = elasticities(m.simulate(1_000, seed=0))
    >>> ds["elasticity"].sel(output="y").round(6).values.tolist(), float(ds["r2"].round(6)[0])
    ([2.0, 0.5], 1.0)
    """
    ins, outs, x, y = _columns(result, inputs, outputs, "elasticities")
    for arr, names in ((x, ins), (y, outs)):
        bad = (arr <= 0).any(axis=0)
        if bad.any():
            name = names[int(np.argmax(bad))]
            raise FlopcastValueError(
                f"elasticities: {name!r} takes values <= 0, so its logarithm is undefined; elasticities need "
                "positive inputs and outputs (leave it out with inputs=/outputs=, or use prcc())"
            )
    lx, ly = np.log(x), np.log(y)
    lx_c, ly_c = lx - lx.mean(axis=0), ly - ly.mean(axis=0)
    coef, *_ = np.linalg.lstsq(lx_c, ly_c, rcond=None)
    resid = ly_c - lx_c @ coef
    r2 = 1.0 - (resid**2).sum(axis=0) / (ly_c**2).sum(axis=0)
    src = coef * lx.std(axis=0)[:, None] / ly.std(axis=0)[None, :]
    ds = _dataset(
        {"elasticity": (("input", "output"), coef), "src": (("input", "output"), src), "r2": ("output", r2)},
        ins,
        outs,
        {"method": "elasticities", "model": result.model.name, "n": result.n},
    )
    ds["elasticity"].attrs["long_name"] = "elasticity d log(output) / d log(input) (log-log least squares)"
    ds["src"].attrs["long_name"] = "standardized regression coefficient on logs"
    ds["r2"].attrs["long_name"] = "R^2 of the log-log fit"
    return ds
