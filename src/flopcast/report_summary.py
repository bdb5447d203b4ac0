"""What a report computes and says about any model: its opening summary and the outputs sensitivity can rank.

Nothing here knows a particular model: the headline, the reference values and the extra sections come from
:attr:`Model.presentation <flopcast.Model.presentation>`, the labels from ``label=``.

- :func:`screen_outputs` keeps the outputs a variance-based sensitivity can explain and says why the others are
  left out (constant, non-finite draws), so that no single output stops a report;
- :func:`where_it_falls` places a reference value in the distribution of the draws (its finite draws);
- :func:`summary_paragraphs` writes the report's opening: each headline output's median and interval in words,
  where each reference value falls, and the top drivers from the Sobol' indices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from flopcast.formatting import count, number
from flopcast.formatting import row as format_row
from flopcast.report_html import escape_markdown as md

if TYPE_CHECKING:
    import xarray as xr

    from flopcast.model import Model
    from flopcast.result import Result

__all__ = [
    "compared_with_fixed",
    "is_log",
    "log_scale",
    "md_number",
    "ordinal",
    "screen_outputs",
    "summary_paragraphs",
    "top_drivers",
    "where_it_falls",
]

#: Drivers named per output in the summary, and the smallest total index worth naming.
TOP_DRIVERS = 3
MIN_DRIVER_ST = 0.05


def screen_outputs(result: Result, names: Sequence[str]) -> tuple[list[str], dict[str, str]]:
    """Split outputs into those whose variance can be shared out and the others, with the reason for each.

    Examples
    --------
    >>> import flopcast as fc
    >>> m = fc.Model("m")
    >>> _ = m.assume("a", fc.uniform(1, 2))
    >>> _ = m.assume("k", 3.0)
    >>> @m.derive
    ... def b(a):
    ...     return 2 * a
    >>> @m.derive
    ... def c(k):
    ...     return k * k
    >>> kept, skipped = screen_outputs(m.simulate(100, seed=0), ["b", "c"])
    >>> kept, skipped["c"]
    (['b'], 'constant (every draw is 9): it depends on no uncertain assumption, so it has no variance to share out')
    """
    kept: list[str] = []
    skipped: dict[str, str] = {}
    for name in names:
        x = np.asarray(result[name], dtype=float)
        bad = int(np.sum(~np.isfinite(x)))
        if bad:
            skipped[name] = (
                f"NaN or infinite in {bad:,} of {count(x.size, 'draw')}: variance-based indices need finite values "
                "(see the build-time warning for the inputs that produce them)"
            )
        elif x.size < 2 and set(result.model.uncertain).intersection(result.model.graph.ancestors([name])):
            skipped[name] = "a single draw: variance-based indices need at least 2 draws (run with a larger n)"
        elif x.size == 0 or np.ptp(x) == 0:
            value = number(float(x[0]), result.unit(name)) if x.size else "empty"
            skipped[name] = (
                f"constant (every draw is {value}): it depends on no uncertain assumption, so it has no variance "
                "to share out"
            )
        else:
            kept.append(name)
    return kept, skipped


def md_number(text: str) -> str:
    r"""A number or interval as :mod:`flopcast.formatting` writes it, as Markdown: ``$`` (math on GitHub) escaped.

    Examples
    --------
    >>> md_number("$2M – $31M"), md_number("-"), md_number("-1.5")
    ('\\$2M – \\$31M', '-', '-1.5')
    """
    return text.replace("$", "\\$")


def log_scale(values: Any) -> bool:
    """Whether sensitivity ranks the logarithm of an output: when every one of its draws is positive.

    Decided per output, by ``flopcast sensitivity`` and the report alike: a forecast that spans orders of magnitude
    is explained on the log scale (shares of its orders of magnitude); an output that can be zero or negative has
    no logarithm and is analysed itself.

    Examples
    --------
    >>> log_scale([0.5, 2.0, 1e9]), log_scale([0.5, 0.0]), log_scale([1.0, float("nan")])
    (True, False, False)
    """
    x = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        return bool(x.size) and bool(np.all(x > 0))


def is_log(sobol: xr.Dataset, output: str) -> bool:
    """Whether the Sobol' indices of ``output`` are of its logarithm (the ``log`` coordinate, else the attrs)."""
    if "log" in sobol.coords:
        return bool(sobol["log"].sel(output=output))
    return bool(sobol.attrs.get("log", False))


def compared_with_fixed(value: float, reference: float, value_text: str, reference_text: str) -> str:
    """How a reference value compares with an output that is fixed (the same in every draw), in words.

    A percentile says nothing about one value: the reference equals it (to rounding of floats), or lies some
    percent away, however close (two values that print alike at three digits are still 0.3% apart).

    Examples
    --------
    >>> compared_with_fixed(4211.0, 4211.0, "4,211", "4,211"), compared_with_fixed(15_254_237, 1.53e7, "", "")
    ('equals it', 'is 0.3% above it')
    >>> compared_with_fixed(4000, 4100, "4,000", "4,100"), compared_with_fixed(4000, 3000, "4,000", "3,000")
    ('is 2.5% above it', 'is 25% below it')
    >>> compared_with_fixed(0, -2, "0", "-2")
    'is below it'
    """
    if abs(reference - value) <= 1e-9 * max(abs(reference), abs(value)):
        return "equals it"
    side = "above" if reference > value else "below"
    if value == 0:
        return f"is {side} it"
    return f"is {number(100 * abs(reference - value) / abs(value), digits=2)}% {side} it"


def ordinal(k: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``11th``, ``22nd``...

    Examples
    --------
    >>> [ordinal(k) for k in (1, 2, 3, 4, 11, 12, 13, 21, 92)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '92nd']
    """
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def where_it_falls(result: Result, name: str, value: float) -> str:
    """Where ``value`` lies among the draws of ``name``, in words.

    The percentile is :meth:`Result.percentile_of <flopcast.Result.percentile_of>`'s: of the finite draws (the
    report's summary has already said how many others there are).

    Examples
    --------
    >>> import flopcast as fc
    >>> m = fc.Model("m")
    >>> _ = m.assume("a", fc.uniform(0, 1000))
    >>> res = m.simulate(10_000, seed=0, design="lhs")
    >>> [where_it_falls(res, "a", v) for v in (90, -1, 5000, 5)]
    ['at the 9th percentile', 'below every draw', 'above every draw', 'below the 1st percentile']
    """
    import warnings

    from flopcast.errors import NonFiniteWarning

    if result.nonfinite(name).finite == 0:
        return "not comparable (no finite draw)"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonFiniteWarning)
        p = result.percentile_of(name, value)
    if p == 0:
        return "below every draw"
    if p == 100:
        return "above every draw"
    if p < 1:
        return "below the 1st percentile"
    if p > 99:
        return "above the 99th percentile"
    return f"at the {ordinal(round(p))} percentile"


def top_drivers(model: Model, sobol: xr.Dataset, output: str) -> list[tuple[str, float]]:
    """The inputs with the largest total Sobol' index on ``output`` (at most :data:`TOP_DRIVERS`, each >= 0.05).

    Returns ``(label, ST)`` pairs, largest first.
    """
    if output not in sobol["output"].values.tolist():
        return []
    st = sobol["ST"].sel(output=output)
    values = np.nan_to_num(st.values.astype(float), nan=-np.inf)
    inputs = [str(i) for i in st["input"].values]
    order = np.argsort(-values, kind="stable")[:TOP_DRIVERS]
    return [(_label(model, inputs[i]), float(values[i])) for i in order if values[i] >= MIN_DRIVER_ST]


def _label(model: Model, name: str) -> str:
    return model[name].label if name in model else name


def _amount(text: str, unit: str) -> str:
    """A formatted value with its unit; money is already money (``$55.7M``) and a pure number has none."""
    return text if text.startswith(("\\$", "-\\$")) or unit in ("", "1") else f"{text} {md(unit)}"


def summary_paragraphs(
    result: Result,
    names: Sequence[str],
    summary: Any,
    prob: float,
    references: Mapping[str, Mapping[str, float]],
    sobol: xr.Dataset | None,
    skipped: Mapping[str, str],
) -> list[str]:
    """The report's opening: one paragraph per headline output, computed from the run (nothing per model).

    Each says the output's median and ``prob`` interval in words, where each of its reference values falls in
    the draws, and its top drivers by total Sobol' index (or why it has none).
    """
    model = result.model
    paragraphs = []
    for name in names:
        row = summary.loc[name]
        unit = str(row["unit"])
        label = model[name].label
        # A label is a phrase and starts the sentence with a capital; a bare name is an identifier, kept as written.
        head = f"`{name}`" if label == name else f"**{md(_sentence(label))}** (`{name}`)"
        lo, med, hi = float(row["eti_lower"]), float(row["median"]), float(row["eti_upper"])
        refs = references.get(name, {})
        # The numbers of the headline table's row, in its one style: '69,444 and 3.6e6' would not be one row.
        extra = [row.get("eti50_lower", np.nan), row.get("eti50_upper", np.nan), row["mean"]]
        med_text, lo_text, hi_text, *_ = (md_number(t) for t in format_row([med, lo, hi, *extra], unit))
        # Each reference is a sentence of its own, in its own style: a far one (1e6) must not write 100 as 1e2.
        ref_texts = [md_number(number(v, unit)) for v in refs.values()]
        finite = np.asarray(result[name], dtype=float)
        finite = finite[np.isfinite(finite)]
        fixed = finite.size > 0 and float(np.ptp(finite)) == 0
        if np.isnan(lo) or np.isnan(hi):
            fixed = False  # one draw: it says nothing of whether the output varies
            text = (
                f"{head}: {_amount(med_text, unit)} in the single finite draw; an interval needs at least 2 draws "
                "(run with a larger n)."
            )
        elif fixed:
            text = f"{head} is fixed at {_amount(med_text, unit)} in every draw."
        elif lo == hi:
            text = f"{head}: {_amount(med_text, unit)} in at least {prob:.0%} of the draws (its {prob:.0%} interval)."
        else:
            text = (
                f"{head}: a median of {_amount(med_text, unit)}, with a {prob:.0%} chance "
                f"of lying between {lo_text} and {_amount(hi_text, unit)}."
            )
        places = [
            f"{md(ref_label)}'s {ref_text} "
            + (
                compared_with_fixed(med, value, med_text, ref_text)
                if fixed
                else f"lies {where_it_falls(result, name, value)}"
            )
            for (ref_label, value), ref_text in zip(refs.items(), ref_texts, strict=True)
        ]
        if places:
            text += " " + _sentence("; ".join(places)) + "."
        if name in skipped:
            text += f" No sensitivity ranking: {md(skipped[name])}."
        elif sobol is not None:
            drivers = top_drivers(model, sobol, name)
            if drivers:
                listed = ", ".join(f"{md(d)} ({st:.2f})" for d, st in drivers)
                scale = " of its logarithm" if is_log(sobol, name) else ""
                text += f" Top drivers (total Sobol' index{scale}): {listed}."
        paragraphs.append(text)
    return paragraphs


def _sentence(text: str) -> str:
    """``text`` with a capital, unless its first word is written with capitals of its own (iOS, H100-days)."""
    first = text.split(" ", 1)[0]
    return text if any(c.isupper() for c in first) else text[:1].upper() + text[1:]
