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

__all__ = ["ordinal", "screen_outputs", "summary_paragraphs", "top_drivers", "where_it_falls"]

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
    return text if text.startswith(("$", "-$")) or unit in ("", "1") else f"{text} {md(unit)}"


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
    log = bool(sobol.attrs.get("log", False)) if sobol is not None else False
    paragraphs = []
    for name in names:
        row = summary.loc[name]
        unit = str(row["unit"])
        label = model[name].label
        head = f"**{md(label[:1].upper() + label[1:])}**" + ("" if label == name else f" (`{name}`)")
        lo, med, hi = float(row["eti_lower"]), float(row["median"]), float(row["eti_upper"])
        refs = references.get(name, {})
        # The numbers of the headline table's row, in its one style: '69,444 and 3.6e6' would not be one row.
        extra = [row.get("eti50_lower", np.nan), row.get("eti50_upper", np.nan), row["mean"]]
        med_text, lo_text, hi_text, *rest = format_row([med, lo, hi, *extra, *refs.values()], unit)
        ref_texts = rest[len(extra) :]
        if lo == hi:
            text = f"{head} is fixed at {_amount(med_text, unit)} in every draw."
        elif np.isnan(lo) or np.isnan(hi):
            text = (
                f"{head}: {_amount(med_text, unit)} in the single finite draw; an interval needs at least 2 draws "
                "(run with a larger n)."
            )
        else:
            text = (
                f"{head}: a median of {_amount(med_text, unit)}, with a {prob:.0%} chance "
                f"of lying between {lo_text} and {_amount(hi_text, unit)}."
            )
        places = [
            f"{md(ref_label)}'s {ref_text} lies {where_it_falls(result, name, value)}"
            for (ref_label, value), ref_text in zip(refs.items(), ref_texts, strict=True)
        ]
        if places:
            text += " " + _sentence("; ".join(places)) + "."
        if name in skipped:
            text += f" No sensitivity ranking: {skipped[name]}."
        elif sobol is not None:
            drivers = top_drivers(model, sobol, name)
            if drivers:
                target = "its logarithm" if log else "it"
                listed = ", ".join(f"{md(d)} ({st:.2f})" for d, st in drivers)
                text += f" Top drivers (total Sobol' index of {target}): {listed}."
        paragraphs.append(text)
    return paragraphs


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
