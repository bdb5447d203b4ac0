"""What a model holds, as rows (for JSON and reports) and as an aligned table (for people)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flopcast.formatting import eng, table

if TYPE_CHECKING:
    from flopcast.model import Model

__all__ = ["Description", "describe_model", "format_description"]


@dataclass(frozen=True)
class Description:
    """What a model holds: one row per assumption and per derived quantity; ``str()`` is an aligned table."""

    model: str
    assumptions: list[dict[str, Any]]
    derived: list[dict[str, Any]]

    def __str__(self) -> str:
        return format_description(self)


def describe_model(model: Model) -> Description:
    """Rows for the assumptions (distribution, 90% interval, unit, source) and the derived quantities."""
    assumptions = []
    for name, a in model.assumptions.items():
        dist = a.distribution
        lo, hi = dist.interval(0.9) if a.is_uncertain else (dist.point_value(), dist.point_value())
        assumptions.append(
            {
                "name": name,
                "distribution": repr(dist),
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
            "unit": d.unit,
            "inputs": list(d.inputs),
            "point": point[name],
            "note": d.note,
        }
        for name, d in model.derived.items()
    ]
    return Description(model.name, assumptions, derived)


def format_description(description: Description) -> str:
    """The description as two aligned tables."""
    a_rows = [
        [r["name"], r["distribution"], f"{eng(r['interval_90'][0])} .. {eng(r['interval_90'][1])}", r["unit"],
         r["source"]]
        for r in description.assumptions
    ]  # fmt: skip
    d_rows = [[r["name"], eng(r["point"]), r["unit"], ", ".join(r["inputs"])] for r in description.derived]
    return "\n".join(
        [
            f"Model {description.model!r}",
            "",
            "Assumptions",
            table(["name", "distribution", "90% interval", "unit", "source"], a_rows, "lllll"),
            "",
            "Derived quantities",
            table(["name", "point value", "unit", "inputs"], d_rows, "lrll"),
        ]
    )
