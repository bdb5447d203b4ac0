"""Readable numbers and aligned text tables for the terminal, reports and ``describe()``."""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["eng", "table"]

_PREFIXES = {
    -12: "p",
    -9: "n",
    -6: "u",
    -3: "m",
    0: "",
    3: "k",
    6: "M",
    9: "G",
    12: "T",
    15: "P",
    18: "E",
}


def eng(value: float, digits: int = 3, style: str = "sci") -> str:
    """Format a number for people: ``style="sci"`` gives ``1.08e25``; ``style="si"`` gives ``15.3M``.

    Examples
    --------
    >>> from flopcast.formatting import eng
    >>> eng(1.08e25), eng(15_300_000, style="si"), eng(4211.3), eng(0.5)
    ('1.08e25', '15.3M', '4,211', '0.5')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "nan"
    v = float(value)
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0:
        return "0"
    exponent = math.floor(math.log10(abs(v)))
    if style == "si" and -12 <= exponent < 21:
        e3 = 3 * (exponent // 3)
        return f"{v / 10**e3:.{digits}g}{_PREFIXES[e3]}"
    if 0 <= exponent < 6:
        # Whole numbers up to a million read best with thousands separators.
        return f"{v:,.0f}" if exponent >= digits - 1 else f"{v:.{digits}g}"
    if -3 <= exponent < 0:
        return f"{v:.{digits}g}"
    mantissa = v / 10**exponent
    text = f"{mantissa:.{digits}g}"
    if text.startswith(("10", "-10")) and "." not in text[:3]:
        mantissa /= 10
        exponent += 1
        text = f"{mantissa:.{digits}g}"
    return f"{text}e{exponent}"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], align: str | None = None) -> str:
    """An aligned plain-text table; ``align`` has one ``l``/``r`` per column (numbers right by default).

    Examples
    --------
    >>> from flopcast.formatting import table
    >>> print(table(["name", "value"], [["a", "1"], ["bb", "22"]]))
    name  value
    ----  -----
    a         1
    bb       22
    """
    cells = [[str(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    if align is None:
        align = "l" + "r" * (len(headers) - 1)

    def line(values: Sequence[str]) -> str:
        parts = [v.ljust(w) if a == "l" else v.rjust(w) for v, w, a in zip(values, widths, align, strict=True)]
        return "  ".join(parts).rstrip()

    out = [line(list(headers)), line(["-" * w for w in widths])]
    out.extend(line(r) for r in cells)
    return "\n".join(out)
