"""Fast inverse CDF of the Beta distribution for large arrays.

``scipy.special.betaincinv`` is accurate but costs 350-800 ns per value. For large arrays
:func:`beta_ppf` evaluates cached piecewise cubic Hermite interpolants with exact node values
(``betaincinv``) and exact slopes (from ``1 / pdf``) on uniform grids:

* the centre: ``x`` as a function of ``u`` on ``[u_lo, u_hi]``;
* the lower tail: ``log x`` as a function of ``log u`` on ``[log 2**-50, log 0.25]``, where the
  power-law behaviour ``x ~ (c u) ** (1 / alpha)`` becomes a straight line;
* the upper tail: the lower tail of ``Beta(beta, alpha)`` applied to ``1 - u``.

Values not covered by a verified table (``u < 2**-50``, ``u > 1 - 2**-50``, NaN) use the exact
``betaincinv``; so do arrays smaller than :data:`EXACT_BELOW` with ``method="auto"``.
:class:`flopcast.distributions.Beta` uses ``method="table"`` at every size so that the quantile
of a value never depends on the size of the array it is in (prefix property of sampling,
results independent of chunking).

Every table is verified when built: it is compared with ``betaincinv`` at three interior points
of every interval and its range is narrowed until the relative error there is below
``_TABLE_RTOL`` (2e-11). Measured over ``alpha, beta in {0.5, 1, 2, 5, 17, 100}`` (36 pairs,
2e5 random ``u`` each plus a dense grid and the points 1e-6, 1 - 1e-6): max relative error
5.9e-12 against ``scipy.special.betaincinv``; 31-37 ns/value at 1e6 values versus
350-1900 ns/value for ``betaincinv`` (2 CPUs, numpy 2.5, scipy 1.18). Building the tables
of one ``(alpha, beta)`` takes 5-50 ms (up to 0.2 s for ``alpha < 1``), once per process; the
tables are kept in flopcast's disk cache (:mod:`flopcast._disk_cache`), so that later processes read them
back (bit for bit the same) instead.

Depends on numpy, scipy.special and flopcast._disk_cache only.
"""

from __future__ import annotations

import functools
import hashlib
import math
import platform
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import numpy as np
import scipy
import scipy.special as sc
from numpy.typing import NDArray

from flopcast import _disk_cache

__all__ = ["EXACT_BELOW", "BetaPpfTable", "beta_ppf", "beta_ppf_table"]

#: Arrays with fewer values than this use the exact ``betaincinv``.
EXACT_BELOW = 5_000
#: Number of intervals of each table.
_N_INTERVALS = 2048
#: Relative error each table must meet at its check points (the guarantee is 1e-10).
_TABLE_RTOL = 2e-11
_MAX_NARROWING = 16
#: Check points whose error a Newton step puts below this share of ``_TABLE_RTOL`` skip the exact check.
_SCREEN_SHARE = 0.1
#: Shapes outside this range get the exact check at every point (see ``_screened``).
_SCREEN_SHAPES = (0.5, 1e4)
_CENTRE = (2.0**-11, 1.0 - 2.0**-11)
_TAIL = (float(np.log(2.0**-50)), float(np.log(0.25)))

_Array = NDArray[np.float64]
_Index = NDArray[np.intp]
# Maps grid points t to (value, d value / dt) at t.
_NodeFunction = Callable[[_Array], tuple[_Array, _Array]]


def _betaincinv(alpha: float, beta: float, u: _Array) -> _Array:
    """``scipy.special.betaincinv`` with a series where it fails.

    It returns NaN for some ``u`` < 1e-100, and for every ``u`` <= 2**-53 when ``alpha`` is just
    above 1 and ``beta`` below 1 (scipy 1.18: ``betaincinv(1.001, 0.999, 2**-60)``). For tiny ``u``,
    ``x = w (1 + (beta - 1) / (alpha + 1) w)`` with ``w = (u alpha B(alpha, beta)) ** (1 / alpha)``
    (error O(w**3)). Below 1e-100 the series is used as it is; above, only where ``betainc`` maps
    it back to ``u`` within 1e-12 relative, otherwise the NaN stays.
    """
    x = np.asarray(sc.betaincinv(alpha, beta, u), dtype=np.float64)
    bad = np.isnan(x) & (u > 0.0) & (u < 1e-15)
    if bad.any():
        ub = u[bad]
        with np.errstate(divide="ignore", under="ignore"):
            w = np.exp((np.log(ub) + math.log(alpha) + sc.betaln(alpha, beta)) / alpha)
        series = w * (1.0 + (beta - 1.0) / (alpha + 1.0) * w)
        with np.errstate(all="ignore"):
            checked = np.abs(sc.betainc(alpha, beta, series) / ub - 1.0) < 1e-12
        x[bad] = np.where((ub < 1e-100) | checked, series, np.nan)
    return x


class _Hermite:
    """Piecewise cubic Hermite interpolant on a uniform grid of ``[t0, t1]``."""

    def __init__(self, t0: float, t1: float, n: int, node_function: _NodeFunction) -> None:
        t = np.linspace(t0, t1, n + 1)
        p, dp = node_function(t)
        m = dp * ((t1 - t0) / n)
        p0, p1, m0, m1 = p[:-1], p[1:], m[:-1], m[1:]
        coef = np.empty((n, 4))
        coef[:, 0] = p0
        coef[:, 1] = m0
        coef[:, 2] = 3.0 * (p1 - p0) - 2.0 * m0 - m1
        coef[:, 3] = 2.0 * (p0 - p1) + m0 + m1
        self._set(t0, t1, coef)

    @classmethod
    def from_coefficients(cls, t0: float, t1: float, coef: _Array) -> _Hermite:
        """The interpolant with these coefficients (one row ``p0, m0, c2, c3`` per interval), as built before."""
        table = cls.__new__(cls)
        table._set(t0, t1, coef)
        return table

    def _set(self, t0: float, t1: float, coef: _Array) -> None:
        n = coef.shape[0]
        self.t0, self.t1, self.n, self.coef = t0, t1, n, coef
        # One contiguous array per coefficient: gathering with take() into a reused buffer writes one value per
        # point and coefficient, where coef[i] would write a (points, 4) temporary and then read it strided.
        self.columns = tuple(np.ascontiguousarray(coef[:, k]) for k in range(4))
        self.inv_h = n / (t1 - t0)

    def __call__(self, t: _Array) -> _Array:
        """Evaluate at ``t`` (values outside ``[t0, t1]`` are clamped to it)."""
        s = np.subtract(t, self.t0)
        s *= self.inv_h
        np.fmax(s, 0.0, out=s)  # also maps NaN to 0 (NaN inputs are handled by callers)
        np.fmin(s, float(self.n), out=s)
        i = s.astype(np.intp)
        np.minimum(i, self.n - 1, out=i)
        s -= i
        c0, c1, c2, c3 = self.columns
        # Horner's rule, c3 s^3 + c2 s^2 + c1 s + c0, in the same order of operations as ever (same bits).
        x = c3.take(i)
        x *= s
        buf = c2.take(i)
        x += buf
        x *= s
        x += c1.take(i, out=buf)
        x *= s
        x += c0.take(i, out=buf)
        return x


def _fit(
    t0: float,
    t1: float,
    node_function: _NodeFunction,
    error: Callable[[_Hermite, _Array], _Array],
) -> _Hermite | None:
    """Build a table and narrow ``[t0, t1]`` until ``error`` is small at its check points."""
    for _ in range(_MAX_NARROWING):
        table = _Hermite(t0, t1, _N_INTERVALS, node_function)
        h = (t1 - t0) / _N_INTERVALS
        left = t0 + h * np.arange(_N_INTERVALS)
        err = np.zeros(_N_INTERVALS)
        for s in (0.25, 0.5, 0.75):
            e = error(table, np.asarray(left + s * h, dtype=np.float64))
            err = np.maximum(err, np.where(np.isfinite(e), e, np.inf))
        bad = np.flatnonzero(err > _TABLE_RTOL)
        if bad.size == 0:
            return table
        half = _N_INTERVALS // 2
        low_bad, high_bad = bad[bad < half], bad[bad >= half]
        # Move each offending end past its bad intervals and by 2% of the span more, so that a
        # few rebuilds suffice (each costs ~8,000 betaincinv calls).
        start, margin = t0, 0.02 * (t1 - t0)
        if low_bad.size:
            t0 = start + h * (low_bad.max() + 1) + margin
        if high_bad.size:
            t1 = start + h * high_bad.min() - margin
        if t1 - t0 < 0.25 * (table.t1 - table.t0):
            return None
    return None


def _screened(
    alpha: float, beta: float, size: int, newton: Callable[[_Index], _Array], exact: Callable[[_Index], _Array]
) -> _Array:
    """The error of a table at ``size`` check points: exact where it could matter, by a Newton step elsewhere.

    ``newton(sel)`` estimates the error at the points ``sel`` from one Newton step through the CDF ``betainc``
    (about a quarter of the cost of ``betaincinv``); ``exact(sel)`` compares with ``betaincinv``. Where the
    estimate is below :data:`_SCREEN_SHARE` of the tolerance the point passes on the estimate (the step's own
    error, a few ulps of ``betainc`` times a slope of at most ``1 / min(alpha, beta)`` <= 2 here, is many orders
    of magnitude smaller than that margin); everywhere else, NaN included, ``exact`` decides. So every table,
    its range included, is the one the exact check alone would build, at about half of the cost (checked for
    110 shape pairs in [0.5, 1e6]; the screen is used for shapes in :data:`_SCREEN_SHAPES` only).
    """
    everywhere = np.arange(size)
    low, high = _SCREEN_SHAPES
    if not (low <= alpha <= high and low <= beta <= high):
        # Steep power laws near 0, or shapes so large that betaincinv and betainc disagree (Beta(1e3, 2e5) beyond
        # its median): the exact check throughout.
        return exact(everywhere)
    with np.errstate(all="ignore"):
        err = newton(everywhere)
    unsure = np.flatnonzero(~(err < _SCREEN_SHARE * _TABLE_RTOL))
    if unsure.size:
        with np.errstate(divide="ignore", invalid="ignore"):
            err[unsure] = exact(unsure)
    return err


def _log_pdf(alpha: float, beta: float, x: _Array) -> _Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        return (alpha - 1.0) * np.log(x) + (beta - 1.0) * np.log1p(-x) - sc.betaln(alpha, beta)


def _centre_table(alpha: float, beta: float) -> _Hermite | None:
    def nodes(u: _Array) -> tuple[_Array, _Array]:
        x = _betaincinv(alpha, beta, u)
        return x, np.exp(-_log_pdf(alpha, beta, x))

    def error(table: _Hermite, u: _Array) -> _Array:
        x = table(u)

        def exact(sel: _Index) -> _Array:
            e = _betaincinv(alpha, beta, u[sel])
            return np.abs(x[sel] - e) / e

        def newton(sel: _Index) -> _Array:
            # x - x* ~ (F(x) - u) / pdf(x), the Newton step from the table's value
            xs = x[sel]
            return np.abs((sc.betainc(alpha, beta, xs) - u[sel]) * np.exp(-_log_pdf(alpha, beta, xs))) / xs

        return _screened(alpha, beta, u.size, newton, exact)

    return _fit(*_CENTRE, nodes, error)


@functools.lru_cache(maxsize=256)
def _lower_tail_table(alpha: float, beta: float) -> _Hermite | None:
    """Table of ``log x`` against ``log u`` in the lower tail of ``Beta(alpha, beta)``."""

    def nodes(v: _Array) -> tuple[_Array, _Array]:
        x = _betaincinv(alpha, beta, np.exp(v))
        with np.errstate(divide="ignore", invalid="ignore"):
            y = np.log(x)
            return y, np.exp(v - y - _log_pdf(alpha, beta, x))

    def error(table: _Hermite, v: _Array) -> _Array:
        y = table(v)

        def exact(sel: _Index) -> _Array:
            return np.abs(y[sel] - np.log(_betaincinv(alpha, beta, np.exp(v[sel]))))

        def newton(sel: _Index) -> _Array:
            # y - y* ~ (log F(x) - v) F(x) / (x pdf(x)) at x = exp(y), the Newton step in (log u, log x)
            ys = y[sel]
            log_f = np.log(sc.betainc(alpha, beta, np.exp(ys)))
            return np.abs((log_f - v[sel]) * np.exp(log_f - ys - _log_pdf(alpha, beta, np.exp(ys))))

        return _screened(alpha, beta, v.size, newton, exact)

    return _fit(*_TAIL, nodes, error)


class BetaPpfTable:
    """Verified interpolation tables of the inverse CDF of ``Beta(alpha, beta)``.

    Parameters
    ----------
    alpha, beta : float
        Shape parameters (> 0).
    """

    def __init__(self, alpha: float, beta: float) -> None:
        self.alpha = alpha
        self.beta = beta
        name = _cache_name(alpha, beta)
        stored = None if name is None else _disk_cache.load("beta-ppf", name)
        tables = None if stored is None else _from_arrays(stored)
        if tables is None:
            tables = (_centre_table(alpha, beta), _lower_tail_table(alpha, beta), _lower_tail_table(beta, alpha))
            if name is not None:
                _disk_cache.store("beta-ppf", name, _to_arrays(tables))
        self.centre, self.lower, self.upper = tables

    def __repr__(self) -> str:
        def span(t: _Hermite | None) -> str:
            return "None" if t is None else f"[{t.t0:.4g}, {t.t1:.4g}]"

        return (
            f"BetaPpfTable(alpha={self.alpha!r}, beta={self.beta!r}, centre u in "
            f"{span(self.centre)}, log-tails in {span(self.lower)} / {span(self.upper)})"
        )

    def __call__(self, u: _Array) -> _Array:
        """Evaluate the inverse CDF at the 1-d array ``u``."""
        a, b = self.alpha, self.beta
        if self.centre is None:
            return np.asarray(_betaincinv(a, b, u), dtype=np.float64)
        x = self.centre(u)
        idx = np.flatnonzero(~((u >= self.centre.t0) & (u <= self.centre.t1)))
        if idx.size == 0:
            return x
        uo = u[idx]
        xo = np.empty_like(uo)
        done = np.zeros(uo.shape, dtype=bool)
        with np.errstate(divide="ignore"):
            if self.lower is not None:
                v = np.log(uo)
                sel = np.flatnonzero((v >= self.lower.t0) & (v <= self.lower.t1))
                xo[sel] = np.exp(self.lower(v[sel]))
                done[sel] = True
            if self.upper is not None:
                w = np.log1p(-uo)
                sel = np.flatnonzero((w >= self.upper.t0) & (w <= self.upper.t1) & (uo > 0.5))
                xo[sel] = -np.expm1(self.upper(w[sel]))
                done[sel] = True
        rest = np.flatnonzero(~done)
        if rest.size:
            xo[rest] = _betaincinv(a, b, uo[rest])
        x[idx] = xo
        return x


#: The parts of a :class:`BetaPpfTable`, as named in its cached file.
_PARTS = ("centre", "lower", "upper")


@functools.cache
def _source_digest() -> str | None:
    """A digest of this module's code: a table cached by another version of it is never read back."""
    try:
        return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    except OSError:
        return None


def _cache_name(alpha: float, beta: float) -> str | None:
    """The name of the cached tables of ``Beta(alpha, beta)``: everything their bits depend on (None: no cache).

    Building the six tables of the Sora model takes about 0.15 s (a tenth of building and running its report);
    reading them back takes about 5 ms. The shapes are named exactly (``float.hex``), with this module's code
    and the versions of numpy and scipy (whose ``betaincinv``, ``exp`` and ``log`` give the node values) and the
    machine's architecture; see :mod:`flopcast._disk_cache`.
    """
    digest = _source_digest()
    if digest is None:
        return None
    return _disk_cache.key(
        "beta-ppf", float(alpha).hex(), float(beta).hex(), digest, np.__version__, scipy.__version__,
        platform.machine(),
    )  # fmt: skip


def _to_arrays(tables: tuple[_Hermite | None, ...]) -> dict[str, _Array]:
    arrays: dict[str, _Array] = {}
    for part, table in zip(_PARTS, tables, strict=True):
        if table is not None:
            arrays[part] = table.coef
            arrays[f"{part}_range"] = np.array([table.t0, table.t1])
    return arrays


def _from_arrays(arrays: dict[str, _Array]) -> tuple[_Hermite | None, ...] | None:
    """The tables stored by :func:`_to_arrays`, or None when the arrays are not such tables."""
    tables: list[_Hermite | None] = []
    for part in _PARTS:
        if part not in arrays:
            tables.append(None)
            continue
        coef, span = arrays[part], arrays.get(f"{part}_range")
        if coef.shape != (_N_INTERVALS, 4) or coef.dtype != np.float64 or span is None or span.shape != (2,):
            return None
        t0, t1 = (float(v) for v in span)
        if not (math.isfinite(t0) and math.isfinite(t1) and t0 < t1):
            return None
        tables.append(_Hermite.from_coefficients(t0, t1, coef))
    return tuple(tables)


@functools.lru_cache(maxsize=128)
def beta_ppf_table(alpha: float, beta: float) -> BetaPpfTable:
    """Return the verified interpolation tables for ``Beta(alpha, beta)`` (cached).

    Parameters
    ----------
    alpha, beta : float
        Shape parameters (> 0).

    Returns
    -------
    BetaPpfTable
        Callable on 1-d float64 arrays of probabilities.

    Examples
    --------
    >>> from flopcast._ppf_table import beta_ppf_table
    >>> beta_ppf_table(2.0, 5.0).centre is not None
    True
    """
    return BetaPpfTable(alpha, beta)


def beta_ppf(
    u: NDArray[np.float64],
    alpha: float,
    beta: float,
    *,
    method: Literal["auto", "table", "exact"] = "auto",
) -> NDArray[np.float64]:
    """Inverse CDF of the standard Beta distribution, fast for large arrays.

    Parameters
    ----------
    u : ndarray of float64
        Probabilities in ``[0, 1]`` (NaN propagates).
    alpha, beta : float
        Shape parameters (> 0).
    method : {"auto", "table", "exact"}
        ``"exact"`` uses ``scipy.special.betaincinv``; ``"table"`` the cached interpolation
        tables (exact where no table applies); ``"auto"`` the tables for arrays of at least
        :data:`EXACT_BELOW` values.

    Returns
    -------
    ndarray of float64
        Quantiles in ``[0, 1]``, same shape as ``u``; relative error below 1e-10.

    Examples
    --------
    >>> import numpy as np
    >>> from flopcast._ppf_table import beta_ppf
    >>> u = np.linspace(0.0, 1.0, 10_001)
    >>> x = beta_ppf(u, 2.0, 5.0, method="table")
    >>> exact = beta_ppf(u, 2.0, 5.0, method="exact")
    >>> bool(np.allclose(x, exact, rtol=1e-10, atol=0.0))
    True
    """
    u = np.asarray(u, dtype=np.float64)
    if method == "exact" or (method == "auto" and u.size < EXACT_BELOW):
        return _betaincinv(alpha, beta, u)
    flat = u.reshape(-1)  # the tables never write to their input, so a view will do
    return beta_ppf_table(float(alpha), float(beta))(flat).reshape(u.shape)
