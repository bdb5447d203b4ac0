"""What a model holds, as rows (for JSON and reports) and as an aligned table (for people)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flopcast.formatting import WIDTH, distribution, number, table

if TYPE_CHECKING:
    from flopcast.model import Model

__all__ = ["Description", "describe_model", "exact_repr", "format_description"]


@dataclass(frozen=True)
class Description:
    """What a model holds: one row per assumption and per derived quantity; ``str()`` is an aligned table."""

    model: str
    assumptions: list[dict[str, Any]]
    derived: list[dict[str, Any]]

    def __str__(self) -> str:
        return format_description(self)


def exact_repr(value: Any) -> str:
    """A distribution written with its parameters at full precision (``repr`` of floats), for machines.

    ``repr(dist)`` rounds to 6 significant digits for people; this reads back to the same floats.

    Examples
    --------
    >>> import flopcast as fc
    >>> d = fc.lognormal(7e10, 4e11)
    >>> repr(d)
    'LogNormal(mu=25.8432, sigma=0.529825)'
    >>> exact_repr(d)
    'LogNormal(mu=25.84324573152508, sigma=0.5298250484114501)'
    >>> exact_repr(fc.choice([1, 2.5], [0.25, 0.75]))
    'Choice(values=(1.0, 2.5), probs=(0.25, 0.75), labels=None)'
    """
    from flopcast.distributions import Distribution

    if isinstance(value, float):
        return repr(value)
    if isinstance(value, tuple):
        inner = ", ".join(exact_repr(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, Distribution) and dataclasses.is_dataclass(value):
        args = ", ".join(f"{f.name}={exact_repr(getattr(value, f.name))}" for f in dataclasses.fields(value))
        return f"{type(value).__name__}({args})"
    frozen = getattr(value, "frozen", None)  # a scipy.stats distribution wrapped
    if isinstance(value, Distribution) and frozen is not None:
        args = [exact_repr(float(a)) if isinstance(a, int | float) else repr(a) for a in frozen.args]
        args += [
            f"{k}={exact_repr(float(v)) if isinstance(v, int | float) else repr(v)}" for k, v in frozen.kwds.items()
        ]
        return f"{type(value).__name__}({frozen.dist.name}({', '.join(args)}))"
    return repr(value)


def describe_model(model: Model) -> Description:
    """Rows for the assumptions (distribution, 90% interval, unit, source) and the derived quantities."""
    assumptions = []
    for name, a in model.assumptions.items():
        dist = a.distribution
        lo, hi = dist.interval(0.9) if a.is_uncertain else (dist.point_value(), dist.point_value())
        assumptions.append(
            {
                "name": name,
                "label": a.label,
                "distribution": exact_repr(dist),
                "summary": distribution(dist, a.unit),
                "point": float(dist.point_value()),
                "interval_90": (round(float(lo), 12), round(float(hi), 12)),
                "unit": a.unit,
                "source": a.source,
                "note": a.note,
            }
        )
    point = model.point()
    derived = [
        {
            "name": name,
            "label": d.label,
            "unit": d.unit,
            "inputs": list(d.inputs),
            "point": point[name],
            "note": d.note,
        }
        for name, d in model.derived.items()
    ]
    return Description(model.name, assumptions, derived)


def format_description(description: Description, wide: bool = False) -> str:
    """The description as two aligned tables, 120 columns wide; ``wide=True`` adds the sources, unwrapped.

    Each assumption reads as its distribution in words with its 90% interval (``lognormal, 90% in 10 – 60``), a
    point value as the value; a label column appears when some quantity has a label other than its name.

    Examples
    --------
    >>> import flopcast as fc
    >>> m = fc.Model("m")
    >>> _ = m.assume("price", fc.lognormal(2, 4), unit="USD/GPU/hour", source="cloud list prices")
    >>> _ = m.assume("hours", 1e6, unit="GPU*hour")
    >>> @m.derive(unit="USD", label="cost of the run")
    ... def cost(price, hours):
    ...     return price * hours
    >>> print(format_description(m.describe()))
    Model 'm'
    <BLANKLINE>
    Assumptions
    name   distribution               unit
    -----  -------------------------  ------------
    price  lognormal, 90% in $2 – $4  USD/GPU/hour
    hours  fixed at 1e6               GPU*hour
    <BLANKLINE>
    Derived quantities
    name  label            point value  unit  inputs
    ----  ---------------  -----------  ----  ------------
    cost  cost of the run       $2.83M  USD   price, hours
    <BLANKLINE>
    (sources: flopcast describe --wide, or describe().assumptions)
    """
    width = None if wide else WIDTH

    def labels(rows: list[dict[str, Any]]) -> list[str] | None:
        """The label column (blank where a label is the name), or None when no row has its own label."""
        cells = [r["label"] if r.get("label", r["name"]) != r["name"] else "" for r in rows]
        return cells if any(cells) else None

    a_labels, d_labels = labels(description.assumptions), labels(description.derived)
    a_headers = ["name", *(["label"] if a_labels else []), "distribution", "unit", *(["source"] if wide else [])]
    a_rows = [
        [r["name"], *([a_labels[i]] if a_labels else []), r["summary"], r["unit"], *([r["source"]] if wide else [])]
        for i, r in enumerate(description.assumptions)
    ]
    d_headers = ["name", *(["label"] if d_labels else []), "point value", "unit", "inputs"]
    d_rows = [
        [r["name"], *([d_labels[i]] if d_labels else []), number(r["point"], r["unit"]), r["unit"],
         ", ".join(r["inputs"])]
        for i, r in enumerate(description.derived)
    ]  # fmt: skip
    lines = [
        f"Model {description.model!r}",
        "",
        "Assumptions",
        table(a_headers, a_rows, "l" * len(a_headers), max_width=width, wrap=range(1, len(a_headers))),
        "",
        "Derived quantities",
        # the label (when shown) and the inputs wrap; the names stay whole unless nothing else is left to narrow
        table(
            d_headers,
            d_rows,
            "l" * (len(d_headers) - 3) + "rll",
            max_width=width,
            wrap=[*([1] if d_labels else []), len(d_headers) - 1],
        ),  # fmt: skip
    ]
    if not wide and any(r["source"] for r in description.assumptions):
        lines += ["", "(sources: flopcast describe --wide, or describe().assumptions)"]
    return "\n".join(lines)
