"""Sobol' indices with bootstrap confidence intervals, from Saltelli's design through flopcast's inverse CDFs.

The design is SALib's (:func:`SALib.sample.sobol.sample`): a scrambled Sobol' sequence in ``2 d`` dimensions whose
first ``d`` columns are the matrix ``A`` and last ``d`` the matrix ``B``; ``AB_i`` is ``A`` with the column(s) of
factor ``i`` taken from ``B`` (and ``BA_i`` the converse, for second-order indices). Points are moved to the centre
of their cell (``+ 2**-31``) so that no coordinate is exactly 0, then mapped through each assumption's ``ppf``:
any family works, betas and discrete ones included. Only ``A`` and ``B`` go through the inverse CDFs (``2 n d``
values); the ``AB_i`` reuse their columns, where SALib maps all ``n (d + 2)`` rows.

The estimators are those of :func:`SALib.analyze.sobol.analyze`: outputs normalised by their mean and standard
deviation, first order by Saltelli et al. (2010), total order by Jansen (Saltelli et al. 2010, table 2), second
order by Saltelli (2002); intervals are ``z * sd`` of the bootstrap estimates. We compute them ourselves, because
SALib's ``analyze`` loops over inputs and gathers an ``n x resamples`` matrix per input and per index (0.9 s for
15 inputs at ``n = 2**13``, more than the rest of the pipeline together). Here a bootstrap resample's mean of any
per-row quantity is one row of ``W @ F / n``, with ``W`` the resamples x rows matrix of counts (built from one
index matrix, like SALib's) and ``F`` the per-row terms of every estimator, input and output as columns: one
matrix product. ``tests/analysis/test_sobol_salib.py`` checks values and intervals against SALib on the same samples
and the same index matrix (equal to ~1e-12). We also avoid SALib's global random state (``analyze`` draws from
``np.random.randint`` when ``seed`` is falsy, seed 0 included).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.special import ndtri

from flopcast.analysis.names import check_inputs, check_outputs, names_of
from flopcast.design import seed_sequence
from flopcast.errors import FlopcastTypeError, FlopcastValueError, SmallSampleWarning
from flopcast.validate import check_int, check_positive, check_probability

if TYPE_CHECKING:
    import xarray as xr

    from flopcast.model import Model

__all__ = ["saltelli_indices", "saltelli_uniforms", "sobol"]

#: Fewer base samples than this give indices that are noise (ST = 2.2 for a true 0.94 at n = 2): sobol() warns.
MIN_RELIABLE_N = 64
#: Bits of the Sobol' engine (as SALib's and flopcast's designs); points are multiples of 2**-30.
_BITS = 30
_STREAM_DESIGN = 0x50B0_0001  # spawn keys of the design and bootstrap streams under the run's root seed
_STREAM_BOOTSTRAP = 0x50B0_0002


# ------------------------------------------------------------------------------------------------ numpy core
def saltelli_uniforms(d: int, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The matrices ``A`` and ``B`` (each ``n x d``) of SALib's Sobol' design, moved to the centre of their cells.

    ``np.hstack([A, B]) - 2**-31`` is the base sequence of :func:`SALib.sample.sobol.sample` for the same
    generator, and its first ``n`` rows stay the same when ``n`` grows (the sequence continues).

    Examples
    --------
    >>> import numpy as np
    >>> a, b = saltelli_uniforms(3, 8, np.random.default_rng(0))
    >>> a.shape, bool((a > 0).all() and (b < 1).all())
    ((8, 3), True)
    """
    from flopcast.analysis.sobol_sequence import sobol_engine

    engine = sobol_engine(2 * d, _BITS, rng)  # scipy.stats.qmc.Sobol's points, without importing scipy.stats
    base = engine.random(n) + 2.0 ** -(_BITS + 1)
    return base[:, :d], base[:, d:]


def _bootstrap_counts(resamples: np.ndarray) -> np.ndarray:
    """Counts matrix ``W`` (resamples x rows) of an index matrix of shape (rows, resamples)."""
    n, r = resamples.shape
    flat = (resamples.T + n * np.arange(r)[:, None]).ravel()
    return np.bincount(flat, minlength=n * r).reshape(r, n).astype(np.float64)


def saltelli_indices(
    y_a: np.ndarray,
    y_b: np.ndarray,
    y_ab: np.ndarray,
    y_ba: np.ndarray | None,
    resamples: np.ndarray,
    conf_level: float = 0.95,
) -> dict[str, np.ndarray]:
    """First, total and second-order Sobol' indices and their bootstrap half-widths (SALib's estimators).

    Parameters
    ----------
    y_a, y_b : ndarray, shape (n, k)
        Model outputs (``k`` of them) on the rows of ``A`` and ``B``.
    y_ab : ndarray, shape (n, d, k)
        Outputs on ``AB_i`` for each of the ``d`` factors.
    y_ba : ndarray, shape (n, d, k), or None
        Outputs on ``BA_i``, for second-order indices.
    resamples : ndarray of int, shape (n, r)
        Row indices of ``r`` bootstrap resamples (SALib's ``r``).
    conf_level : float
        Confidence level of the normal intervals ``index +/- conf``.

    Returns
    -------
    dict of ndarray
        ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` of shape (d, k); with ``y_ba``, ``S2`` and ``S2_conf`` of shape
        (d, d, k), symmetric, NaN on the diagonal.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.random((2, 4096, 2))
    >>> ab = np.stack([np.column_stack([b[:, 0], a[:, 1]]), np.column_stack([a[:, 0], b[:, 1]])], axis=1)
    >>> f = lambda x: (x[..., 0] + 2 * x[..., 1])[..., None]  # S1 = (1/5, 4/5)
    >>> s = saltelli_indices(f(a), f(b), f(ab), None, rng.integers(4096, size=(4096, 50)))
    >>> np.round(s["S1"][:, 0], 1).tolist(), np.round(s["ST"][:, 0], 1).tolist()
    ([0.2, 0.8], [0.2, 0.8])
    """
    n, k = y_a.shape
    d = y_ab.shape[1]
    parts = [y_a, y_b, y_ab.reshape(n, d * k)] + ([] if y_ba is None else [y_ba.reshape(n, d * k)])
    everything = np.concatenate(parts, axis=1).reshape(n, -1, k)
    # SALib normalises each output by the mean and sd of all its evaluations: the first-order estimator is not
    # shift invariant, and centring keeps its variance small.
    mean = everything.mean(axis=(0, 1))
    sd = everything.std(axis=(0, 1))
    a = (y_a - mean) / sd
    b = (y_b - mean) / sd
    ab = (y_ab - mean) / sd
    ba = None if y_ba is None else (y_ba - mean) / sd

    # Per-row terms; an estimate is a ratio of means of these columns, on all rows or on a resample.
    first = b[:, None, :] * (ab - a[:, None, :])  # (n, d, k)
    total = 0.5 * (a[:, None, :] - ab) ** 2
    cols = [a + b, a * a + b * b, first.reshape(n, -1), total.reshape(n, -1)]
    pairs = [(j, m) for j in range(d) for m in range(j + 1, d)]
    if ba is not None:
        jj = np.array([p[0] for p in pairs], dtype=np.intp)
        mm = np.array([p[1] for p in pairs], dtype=np.intp)
        cols += [a * b, (ba[:, jj, :] * ab[:, mm, :]).reshape(n, -1)]
    terms = np.concatenate(cols, axis=1)

    def estimate(means: np.ndarray) -> dict[str, np.ndarray]:
        # means: (..., columns) of means over n rows; returns indices with leading dims of ``means``.
        lead = means.shape[:-1]
        m1 = means[..., :k] / 2.0
        var = means[..., k : 2 * k] / 2.0 - m1 * m1  # variance of the 2n values of A and B
        off = 2 * k
        s1 = means[..., off : off + d * k].reshape(*lead, d, k) / var[..., None, :]
        off += d * k
        st = means[..., off : off + d * k].reshape(*lead, d, k) / var[..., None, :]
        off += d * k
        out = {"S1": s1, "ST": st}
        if ba is not None:
            ab_mean = means[..., off : off + k]
            off += k
            v = means[..., off:].reshape(*lead, len(pairs), k)
            vjk = (v - ab_mean[..., None, :]) / var[..., None, :]
            s2 = np.full((*lead, d, d, k), np.nan)
            for p, (j, m) in enumerate(pairs):
                s2[..., j, m, :] = s2[..., m, j, :] = vjk[..., p, :] - s1[..., j, :] - s1[..., m, :]
            out["S2"] = s2
        return out

    point = estimate(terms.mean(axis=0))
    counts = _bootstrap_counts(resamples)
    boot = estimate(counts @ terms / n)
    z = float(ndtri(0.5 + conf_level / 2.0))
    result = {}
    for key, value in point.items():
        result[key] = value
        result[key + "_conf"] = z * np.std(boot[key], axis=0, ddof=1)
    return result


# ---------------------------------------------------------------------------------------------- the model layer
def stream(root: np.random.SeedSequence, key: int) -> np.random.Generator:
    """The generator of the design (key ``_STREAM_DESIGN``) or of the bootstrap under a run's root seed.

    Examples
    --------
    >>> from flopcast.design import seed_sequence
    >>> g1, g2 = stream(seed_sequence(1), _STREAM_DESIGN), stream(seed_sequence(1), _STREAM_DESIGN)
    >>> bool(g1.random() == g2.random())
    True
    """
    seq = np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, key))
    return np.random.Generator(np.random.PCG64(seq))


@dataclass(frozen=True)
class _Factors:
    """What is sampled (every uncertain assumption) and what gets an index (factors: single inputs or groups)."""

    sampled: tuple[str, ...]
    names: tuple[str, ...]
    members: tuple[tuple[str, ...], ...]


def _factors(model: Model, inputs: Any, groups: Mapping[str, Iterable[str]] | None) -> _Factors:
    # The shared checks live in the public face of the layer, which imports this module: import them late.
    analysed = check_inputs(model, inputs)
    sampled = model.uncertain
    if groups is None:
        # Assumptions drawn jointly (a calibrated model's posterior) can only move together: one factor each.
        joint = {n: g.names for g in model.joint_groups for n in g.names if set(g.names) <= set(analysed)}
        names_, members_ = [], []
        for name in analysed:
            if name in joint:
                if name == joint[name][0]:
                    names_.append("+".join(joint[name]))
                    members_.append(joint[name])
            else:
                names_.append(name)
                members_.append((name,))
        factors = _Factors(sampled, tuple(names_), tuple(members_))
    else:
        if not isinstance(groups, Mapping):
            raise FlopcastTypeError(
                f"groups must be a mapping of group name -> assumption names, got {type(groups).__name__}"
            )
        names: list[str] = []
        members: list[tuple[str, ...]] = []
        seen: dict[str, str] = {}
        for label, group in groups.items():
            if not isinstance(label, str) or not label:
                raise FlopcastTypeError(f"group names must be non-empty strings, got {label!r}")
            listed = names_of(group, f"group {label!r}")
            for name in listed:
                if name not in model.assumptions:
                    raise FlopcastValueError(f"group {label!r}: " + model.unknown_message(name, "assumption"))
                if name in seen:
                    raise FlopcastValueError(f"assumption {name!r} is in two groups, {seen[name]!r} and {label!r}")
                seen[name] = label
            varying = tuple(n for n in listed if n in sampled)  # point values do not vary: left out
            if not varying:
                raise FlopcastValueError(
                    f"group {label!r} holds only point values ({', '.join(listed)}); it cannot vary, so it has no "
                    "sensitivity"
                )
            names.append(label)
            members.append(varying)
        # Assumptions in no group are factors of their own, so that the indices still cover every input.
        for name in analysed:
            if name not in seen:
                if name in groups:
                    raise FlopcastValueError(
                        f"group name {name!r} is also the name of an assumption outside that group; rename the group"
                    )
                names.append(name)
                members.append((name,))
        factors = _Factors(sampled, tuple(names), tuple(members))
    _check_independence(model, factors)
    return factors


def _check_independence(model: Model, factors: _Factors) -> None:
    analysed = {n for group in factors.members for n in group}
    for dependent in model.dependent_groups:
        names = set(dependent)
        if not names & analysed or any(names <= set(group) for group in factors.members):
            continue  # sampled jointly and never split between factors: the factors stay independent
        raise FlopcastValueError(
            f"Sobol' indices assume independent inputs, but model {model.name!r} draws "
            f"{', '.join(dependent)} together (correlated or joint draws). Either put the whole set in one group "
            f"(sobol(..., groups={{'name': {list(dependent)!r}}})) to get its joint index, or simulate the model "
            "(model.simulate) and use rank_correlations() or prcc() on the Result, which allow correlated inputs"
        )


def _check_n(n: Any, name: str) -> int:
    value = check_int(n, name, "sobol", minimum=2)
    if value & (value - 1):
        lower = 1 << (value.bit_length() - 1)
        raise FlopcastValueError(
            f"sobol: {name} must be a power of two (Sobol' points balance only in blocks of 2**m), got {value}; "
            f"use {lower} (2**{lower.bit_length() - 1}) or {2 * lower} (2**{lower.bit_length()})"
        )
    return value


def _outputs_on(model: Model, values: dict[str, np.ndarray], outputs: tuple[str, ...], n: int) -> np.ndarray:
    with np.errstate(all="ignore"):
        got = model.graph.evaluate(values, outputs=outputs)
    return np.column_stack([np.broadcast_to(np.asarray(got[o], dtype=np.float64), (n,)) for o in outputs])


def _evaluate_design(
    model: Model,
    factors: _Factors,
    outputs: tuple[str, ...],
    u_a: np.ndarray,
    u_b: np.ndarray,
    second_order: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Map ``A`` and ``B`` through the inverse CDFs and evaluate the model on ``A``, ``B``, ``AB_i`` (``BA_i``)."""
    n = u_a.shape[0]
    col = {name: j for j, name in enumerate(factors.sampled)}
    for corr in model.correlations:  # joint sampling of a correlated set that no factor splits
        idx = [col[c] for c in corr.names]
        for u in (u_a, u_b):
            u[:, idx] = corr.uniforms(ndtri(u[:, idx]))
    dists = {name: model.assumptions[name].distribution for name in factors.sampled}
    x_a = {name: dists[name].ppf(np.clip(u_a[:, j], 2.0**-64, 1 - 2.0**-53)) for name, j in col.items()}
    x_b = {name: dists[name].ppf(np.clip(u_b[:, j], 2.0**-64, 1 - 2.0**-53)) for name, j in col.items()}
    for joint in model.joint_groups:  # whole rows of the joint draws, picked by the group's first column
        x_a.update(joint.rows(u_a[:, col[joint.names[0]]]))
        x_b.update(joint.rows(u_b[:, col[joint.names[0]]]))
    y_a = _outputs_on(model, x_a, outputs, n)
    y_b = _outputs_on(model, x_b, outputs, n)
    d, k = len(factors.names), len(outputs)
    y_ab = np.empty((n, d, k))
    y_ba = np.empty((n, d, k)) if second_order else None
    for i, group in enumerate(factors.members):
        y_ab[:, i, :] = _outputs_on(model, {**x_a, **{g: x_b[g] for g in group}}, outputs, n)
        if y_ba is not None:
            y_ba[:, i, :] = _outputs_on(model, {**x_b, **{g: x_a[g] for g in group}}, outputs, n)
    return y_a, y_b, y_ab, y_ba


def _check_values(arrays: Sequence[np.ndarray | None], outputs: tuple[str, ...], log: bool) -> None:
    for j, out in enumerate(outputs):
        values = np.concatenate([a[..., j].ravel() for a in arrays if a is not None])
        bad = ~np.isfinite(values)
        if bad.any():
            raise FlopcastValueError(
                f"sobol: output {out!r} is NaN or infinite on {int(bad.sum())} of {values.size} design points; "
                "Sobol' indices need finite outputs everywhere (check the formula and the supports of its inputs)"
            )
        if log and (values <= 0).any():
            raise FlopcastValueError(
                f"sobol: log=True needs positive values of output {out!r}, but {int((values <= 0).sum())} of "
                f"{values.size} are <= 0 (smallest {values.min():g}); analyse the output itself (log=False)"
            )
        if np.ptp(values) == 0:
            raise FlopcastValueError(
                f"sobol: output {out!r} is constant ({values[0]:g}) on the design: it does not depend on the "
                "uncertain assumptions, so its variance is zero and Sobol' indices are undefined"
            )


def sobol(
    model: Model,
    outputs: str | Iterable[str],
    n: int = 2**12,
    *,
    seed: int | np.random.SeedSequence | None = None,
    inputs: str | Iterable[str] | None = None,
    groups: Mapping[str, Iterable[str]] | None = None,
    second_order: bool = False,
    log: bool = False,
    num_resamples: int = 100,
    conf_level: float = 0.95,
    target: float | None = None,
    max_n: int = 2**18,
) -> xr.Dataset:
    """First-order and total Sobol' indices, with bootstrap intervals, of every uncertain assumption.

    Saltelli's design (SALib's) in the unit cube is mapped through each assumption's inverse CDF, so any family
    works; point values are left out. All outputs are read from the same ``n * (d + 2)`` model runs
    (``n * (2 d + 2)`` with ``second_order``), ``d`` the number of inputs or groups.

    Parameters
    ----------
    model : Model
        A model whose analysed assumptions are independent (see Raises).
    outputs : str or list of str
        The quantities to explain.
    n : int, default 2**12
        Rows of the matrices ``A`` and ``B``; a power of two (Sobol' points balance in blocks of ``2**m``).
        With ``target``, the starting ``n``.
    seed : int or numpy.random.SeedSequence, optional
        Seeds the scrambling of the Sobol' sequence and the bootstrap; the same seed gives the same indices.
    inputs : str or list of str, optional
        The assumptions to index (default: every uncertain one). The others still vary (they are sampled in
        ``A`` and ``B``) but get no index, which saves ``n`` model runs each.
    groups : mapping of str to list of str, optional
        Grouped indices, e.g. ``{"hardware": ["peak_flops", "mfu"], "platform": [...]}``: a group's columns are
        swapped together, so ``S1`` of a group is the share of variance its members explain together. Point
        values listed in a group are left out; assumptions in no group are indexed on their own (so that every
        uncertain assumption is still covered); an assumption may be in one group only.
    second_order : bool, default False
        Also compute ``S2`` for every pair (``n * d`` more runs).
    log : bool, default False
        Analyse ``log(output)``. Use it for multiplicative models with heavy tails (compute forecasts are
        products of uncertain factors): the indices then measure shares of the variance of orders of magnitude,
        converge much faster, and for a product of independent factors ``S1 = ST`` = each factor's share of the
        log-variance. Requires positive outputs.
    num_resamples : int, default 100
        Bootstrap resamples.
    conf_level : float, default 0.95
        Level of the intervals ``index -/+ conf``.
    target : float, optional
        Target width (``upper - lower``) of every interval: ``n`` doubles (the Sobol' sequence continues, so
        earlier runs are reused) until every interval of ``S1``, ``ST`` (and ``S2``) is narrower, or ``n`` reaches
        ``max_n``. The attrs ``n``, ``target_met`` and ``max_width`` report where it stopped; the indices equal
        those of a direct call with the ``n`` reached.
    max_n : int, default 2**18
        Largest ``n`` tried with ``target`` (a power of two).

    Returns
    -------
    xarray.Dataset
        Dims ``input`` (inputs or groups; coordinate ``members`` lists a group's assumptions) and ``output``.
        Variables ``S1``, ``S1_conf``, ``S1_lower``, ``S1_upper``, ``ST``, ``ST_conf``, ``ST_lower``, ``ST_upper``
        and with ``second_order`` ``S2``, ``S2_conf``, ``S2_lower``, ``S2_upper`` (dims ``input``, ``input_2``,
        ``output``; symmetric, NaN on the diagonal). Attrs: ``n`` (reached), ``n_runs``, ``seed``, ``log``,
        ``conf_level``, ``num_resamples``, ``target``, ``target_met``, ``max_width``, ``model``.

    Raises
    ------
    ValueError
        Unknown names, ``n`` not a power of two, no uncertain assumption, an output that is constant, not finite
        (or not positive with ``log``), or correlated assumptions split between factors: Sobol' indices assume
        independent inputs; group a correlated set, or use :func:`~flopcast.analysis.ranks.rank_correlations` or
        :func:`~flopcast.analysis.ranks.prcc` on a Result.

    See Also
    --------
    flopcast.analysis.sensitivity.format_sensitivity : the readable table.
    flopcast.plots.sensitivity.sobol_plot : the bar chart.

    Examples
    --------
    >>> import flopcast as fc
    >>> from flopcast.analysis.sobol import sobol
    >>> m = fc.Model("m")
    >>> _ = m.assume("a", fc.uniform(0, 1))
    >>> _ = m.assume("b", fc.uniform(0, 1))
    >>> @m.derive
    ... def y(a, b):
    ...     return a + 2 * b  # variance shares 1/5 and 4/5
    >>> ds = sobol(m, "y", n=2**12, seed=1)
    >>> ds["S1"].sel(output="y").round(2).values.tolist()
    [0.2, 0.8]
    >>> bool((ds["ST_upper"] - ds["ST_lower"] < 0.1).all())
    True
    """
    import xarray as xr

    outputs_t = check_outputs(model, outputs)
    factors = _factors(model, inputs, groups)
    n = _check_n(n, "n")
    num_resamples = check_int(num_resamples, "num_resamples", "sobol", minimum=2)
    conf_level = check_probability(conf_level, "conf_level", "sobol")
    if target is not None:
        target = check_positive(target, "target", "sobol")
        max_n = _check_n(max_n, "max_n")
        if max_n < n:
            raise FlopcastValueError(f"sobol: max_n ({max_n}) must be >= n ({n})")
    root = seed_sequence(seed)
    from flopcast.analysis.sobol_sequence import sobol_engine

    d_s = len(factors.sampled)
    # scipy.stats.qmc.Sobol(2 d_s, scramble=True, bits=_BITS)'s points, without importing scipy.stats (0.35 s)
    engine = sobol_engine(2 * d_s, _BITS, stream(root, _STREAM_DESIGN))
    chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]] = []
    size, new = 0, n
    while True:
        base = engine.random(new) + 2.0 ** -(_BITS + 1)  # the sequence continues where it stopped
        chunks.append(_evaluate_design(model, factors, outputs_t, base[:, :d_s], base[:, d_s:], second_order))
        size += new
        y_a, y_b, y_ab = (np.concatenate([c[i] for c in chunks]) for i in range(3))
        y_ba = np.concatenate([c[3] for c in chunks]) if second_order else None
        if log:
            _check_values([y_a, y_b, y_ab, y_ba], outputs_t, log)
            y_a, y_b, y_ab = np.log(y_a), np.log(y_b), np.log(y_ab)
            y_ba = None if y_ba is None else np.log(y_ba)
        _check_values([y_a, y_b, y_ab, y_ba], outputs_t, False)
        # A fresh bootstrap stream per analysis: the intervals at the n reached equal a direct call's.
        resamples = stream(root, _STREAM_BOOTSTRAP).integers(size, size=(size, num_resamples))
        s = saltelli_indices(y_a, y_b, y_ab, y_ba, resamples, conf_level)
        widths = [2 * s[k] for k in s if k.endswith("_conf")]
        max_width = float(max(np.nanmax(w) for w in widths))
        if target is None or max_width < target or size >= max_n:
            break
        new = size  # double n

    if size < MIN_RELIABLE_N:
        warnings.warn(
            f"sobol: n={size} base samples are too few for reliable Sobol' indices (use at least {MIN_RELIABLE_N}, "
            "better 1024 or more): the indices can leave [0, 1] and their bootstrap intervals understate the error",
            SmallSampleWarning,
            stacklevel=2,
        )
    names = list(factors.names)
    coords: dict[str, Any] = {
        "input": names,
        "output": list(outputs_t),
        "members": ("input", [", ".join(m) for m in factors.members]),
        # readable names (label=) for tables and figures; a group of inputs keeps its own name
        "label": ("input", [model[n].label if n in model else n for n in names]),
        "output_label": ("output", [model[o].label for o in outputs_t]),
    }
    data: dict[str, Any] = {}
    for key in ("S1", "ST", "S2"):
        if key not in s:
            continue
        dims = ("input", "output") if key != "S2" else ("input", "input_2", "output")
        data[key] = (dims, s[key])
        data[key + "_conf"] = (dims, s[key + "_conf"])
        data[key + "_lower"] = (dims, s[key] - s[key + "_conf"])
        data[key + "_upper"] = (dims, s[key] + s[key + "_conf"])
    if second_order:
        coords["input_2"] = names
    runs_per_row = 2 + len(names) * (2 if second_order else 1)
    ds = xr.Dataset(data, coords=coords)
    ds.attrs.update(
        {
            "method": "sobol",
            "model": model.name,
            "n": size,
            "n_runs": size * runs_per_row,
            "seed": root.entropy,
            "log": bool(log),
            "conf_level": conf_level,
            "num_resamples": num_resamples,
            "second_order": bool(second_order),
            "target": target,
            "target_met": None if target is None else bool(max_width < target),
            "max_width": max_width,
        }
    )
    long = {"S1": "first-order Sobol' index", "ST": "total Sobol' index", "S2": "second-order Sobol' index"}
    for key, text in long.items():
        if key in ds:
            ds[key].attrs["long_name"] = text + (" of log(output)" if log else "")
    return ds
