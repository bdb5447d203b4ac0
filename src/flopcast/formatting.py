"""Readable numbers, intervals, money, distributions in words and aligned text tables.

Every table, the command line, ``describe()``, the figures and the report format their numbers here, so one
quantity reads the same everywhere:

- a number in engineering style, the style chosen once per row (:func:`row`): ``4,211``, ``0.25``, ``1.08e25``;
- an interval as ``low – high`` (an en dash between spaces), never ``[a, b]`` or ``a .. b``; a fixed value is
  the value alone (:func:`interval`);
- money from the unit: ``USD`` gives ``$75.9M`` (:func:`number`);
- a distribution in words with its 90% interval: ``lognormal, 90% in 10 – 60`` (:func:`distribution`);
- a count with its noun, singular for one: ``1 draw``, ``100,000 draws`` (:func:`count`).

Examples
--------
>>> from flopcast.formatting import interval, number
>>> interval(1080, 120_500), interval(3600, 3600), number(7.59e7, "USD")
('1,080 – 120,500', '3,600', '$75.9M')
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Sequence
from typing import Any

__all__ = ["DASH", "WIDTH", "count", "distribution", "eng", "fixed", "interval", "number", "row", "table"]

#: Between the ends of an interval: an en dash between spaces.
DASH = " – "
#: The width terminal tables and text fit in (``--wide`` lifts it where a command has it).
WIDTH = 120

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

#: Currency codes a unit may start with, and their symbols.
_CURRENCIES = {"USD": "$", "EUR": "€", "GBP": "£"}
#: Suffixes of money (thousand, million, billion, trillion): ``$1.2B`` reads better than ``$1.2G``.
_MONEY_SUFFIXES = {3: "k", 6: "M", 9: "B", 12: "T"}

#: Beyond these magnitudes a row switches to scientific notation (``1.2e6``): plain digits would be too long.
_PLAIN_RANGE = (1e-3, 1e6)


def _bad(v: float) -> str | None:
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return None


def _significant(v: float, digits: int) -> float:
    """``v`` rounded to ``digits`` significant digits: ``999.7`` -> ``1000.0`` (with 3)."""
    return float(f"{v:.{digits}g}")


def _shown(v: float, digits: int) -> float:
    """``v`` as plain digits show it: whole when it has ``digits`` digits before the point, else rounded.

    The style of a number is chosen on this value, not on ``v``: ``999,999.7`` shows as ``1,000,000``, which is a
    million, so it is written as a million is (``1e6``); ``0.00099999`` shows as ``0.001`` and is written so.
    """
    if v == 0:
        return 0.0
    return float(round(v)) if math.floor(math.log10(abs(v))) >= digits - 1 else _significant(v, digits)


def _sci(v: float, digits: int) -> str:
    """Scientific notation without a plus sign or leading zeros: ``1.08e25``, ``5e-4``."""
    v = _significant(v, digits)  # 9.996e5 is 1e6: its exponent is the rounded value's
    exponent = math.floor(math.log10(abs(v)))
    text = f"{v / 10**exponent:.{digits}g}"
    return f"{text}e{exponent}"


def _plain(v: float, digits: int) -> str:
    """``digits`` significant digits, whole numbers above 10^(digits-1) in full with thousands separators."""
    v = _shown(v, digits)
    if math.floor(math.log10(abs(v))) >= digits - 1:
        return f"{v:,.0f}"
    text = f"{v:.{digits}g}"
    return _sci(v, digits) if "e" in text else text


def _plain_style(v: float, digits: int) -> bool:
    """Whether ``v`` is written in plain digits: as shown, it lies from 0.001 up to (not including) a million."""
    return _PLAIN_RANGE[0] <= abs(_shown(v, digits)) < _PLAIN_RANGE[1]


def eng(value: float, digits: int = 3, style: str = "sci") -> str:
    """Format one number for people: ``style="sci"`` gives ``1.08e25``; ``style="si"`` gives ``15.3M``.

    Numbers from 0.001 to a million are written out (``4,211``, ``0.5``); others in scientific notation.

    Examples
    --------
    >>> from flopcast.formatting import eng
    >>> eng(1.08e25), eng(15_300_000, style="si"), eng(4211.3), eng(0.5)
    ('1.08e25', '15.3M', '4,211', '0.5')
    """
    if value is None:
        return "nan"
    v = float(value)
    bad = _bad(v)
    if bad is not None:
        return bad
    if v == 0:
        return "0"
    if style == "si":
        rounded = _significant(v, digits)  # 999.7 is 1k, not 1e+03 (units): the prefix is the rounded value's
        exponent = math.floor(math.log10(abs(rounded)))
        if -12 <= exponent < 21:
            e3 = 3 * (exponent // 3)
            return f"{rounded / 10**e3:.{digits}g}{_PREFIXES[e3]}"
    if _plain_style(v, digits):
        return _plain(v, digits)
    return _sci(v, digits)


def _currency(unit: str | None) -> str | None:
    """The symbol of money: a currency alone (``USD``) or per something (``USD/GPU/hour``), else None.

    Exactly those: a power or a product of a currency (``USD**0.5``, ``USD*hour``, ``USD/GPU*hour``, which is
    USD*hour/GPU) and a ratio of currencies (``USD/EUR``) are not money.

    Examples
    --------
    >>> from flopcast.formatting import _currency
    >>> _currency("USD"), _currency("USD / (GPU * hour)"), _currency("USD**0.5"), _currency("USD/GPU*hour")
    ('$', '$', None, None)
    """
    if not unit:
        return None
    code, per, rest = "".join(unit.split()).partition("/")
    symbol = _CURRENCIES.get(code)
    if symbol is None or not per:
        return symbol
    # Everything after the first '/' must divide: a '*' outside parentheses would multiply (a/b*c is a*c/b).
    depth, products = 0, rest.replace("**", "^")
    for char in products:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "*" and depth == 0:
            return None
    if not rest or any(re.search(rf"\b{other}\b", rest) for other in _CURRENCIES):
        return None
    return symbol


def _money(v: float, symbol: str, digits: int) -> str:
    sign, a = ("-" if v < 0 else ""), _significant(abs(v), digits)  # $999.7 is $1k: the rounded value decides
    if a == 0:
        return f"{symbol}0"
    exponent = math.floor(math.log10(a))
    e3 = 3 * (exponent // 3)
    if e3 in _MONEY_SUFFIXES:
        return f"{sign}{symbol}{a / 10**e3:.{digits}g}{_MONEY_SUFFIXES[e3]}"
    if 1e-3 <= a < 1e3:  # digits written out from 0.001, as for plain numbers
        return f"{sign}{symbol}{a:.{digits}g}"
    return f"{sign}{symbol}{_sci(a, digits)}"


def row(values: Sequence[float | tuple[float, float]], unit: str | None = None, digits: int = 3) -> list[str]:
    """Format the numbers of one table row (a median and its intervals, say) in one style chosen for the row.

    The style is plain digits when every value lies between 0.001 and a million, else scientific notation for
    all of them, so ``9,000`` does not sit beside ``2.5e6``. A unit that starts with a currency code gives money:
    ``$75.9M``. A pair ``(low, high)`` is an interval, written ``low – high`` (the value alone when both ends
    are equal, ``-`` when both are NaN: undefined).

    Parameters
    ----------
    values : sequence of float or (float, float)
        The numbers and intervals of the row.
    unit : str, optional
        Their unit; only money changes the format: a currency (``USD``, ``EUR``, ``GBP``) alone or per something
        (``USD/GPU/hour``), not a power or product of one (``USD**0.5``, ``USD*hour``).
    digits : int, default 3
        Significant digits.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from flopcast.formatting import row
    >>> row([4211.3, (1080, 120_500)]), row([9000, 2.5e6]), row([7.59e7, (2e7, 1.2e9)], "USD")
    (['4,211', '1,080 – 120,500'], ['9e3', '2.5e6'], ['$75.9M', '$20M – $1.2B'])
    """
    items = [tuple(float(x) for x in v) if isinstance(v, tuple | list) else (float(v),) for v in values]
    symbol = _currency(unit)
    plain = all(_plain_style(x, digits) for item in items for x in item if math.isfinite(x) and x != 0)

    def one(v: float) -> str:
        bad = _bad(v)
        if bad is not None:
            return bad
        if symbol is not None:
            return _money(v, symbol, digits)
        if v == 0:
            return "0"
        return _plain(v, digits) if plain else _sci(v, digits)

    out = []
    for item in items:
        if len(item) == 2 and math.isnan(item[0]) and math.isnan(item[1]):
            out.append("-")  # undefined (one draw has no interval), as fixed() writes it
        elif len(item) == 2 and item[0] != item[1]:
            out.append(f"{one(item[0])}{DASH}{one(item[1])}")
        else:
            out.append(one(item[0]))
    return out


def count(n: int, noun: str, plural: str | None = None) -> str:
    """A count and its noun, singular for exactly one: ``1 draw``, ``100,000 draws``.

    Parameters
    ----------
    n : int
        How many, written with thousands separators.
    noun : str
        The noun for one (``"draw"``, ``"finite draw"``).
    plural : str, optional
        The noun for any other count; default ``noun`` + ``"s"``.

    Examples
    --------
    >>> from flopcast.formatting import count
    >>> count(1, "draw"), count(100_000, "draw"), count(0, "base sample"), count(2, "quantity", "quantities")
    ('1 draw', '100,000 draws', '0 base samples', '2 quantities')
    """
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def number(value: float, unit: str | None = None, digits: int = 3) -> str:
    """Format one number, as money when the unit is a currency.

    Examples
    --------
    >>> from flopcast.formatting import number
    >>> number(1.08e25, "FLOP"), number(12_361, "GPU*month"), number(2.5, "USD/GPU/hour"), number(7.59e7, "USD")
    ('1.08e25', '12,361', '$2.5', '$75.9M')
    """
    return row([value], unit, digits)[0]


def fixed(value: float, decimals: int = 3) -> str:
    """A number with a fixed count of decimals (indices, shares), ``-`` when undefined, never ``-0.000``.

    Examples
    --------
    >>> from flopcast.formatting import fixed
    >>> fixed(0.41234), fixed(-0.0001), fixed(float("nan"))
    ('0.412', '0.000', '-')
    """
    v = float(value)
    if math.isnan(v):
        return "-"
    text = f"{v:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def interval(low: float, high: float, unit: str | None = None, digits: int = 3, *, decimals: int | None = None) -> str:
    """Format an interval as ``low – high``; a fixed value (``low == high``) as the value alone.

    ``decimals`` writes both ends with that many decimals instead (Sobol' indices: ``0.120 – 0.480``).

    Examples
    --------
    >>> from flopcast.formatting import interval
    >>> interval(1080, 120_500), interval(6.4e20, 1.25e21), interval(60, 60), interval(2e6, 3.1e7, "USD")
    ('1,080 – 120,500', '6.4e20 – 1.25e21', '60', '$2M – $31M')
    >>> interval(0.12, 0.48, decimals=3)
    '0.120 – 0.480'
    """
    if decimals is not None:
        return f"{fixed(low, decimals)}{DASH}{fixed(high, decimals)}"
    return row([(low, high)], unit, digits)[0]


#: Names of the families in words (class name -> words).
_FAMILY_WORDS = {
    "LogNormal": "lognormal",
    "Normal": "normal",
    "Uniform": "uniform",
    "LogUniform": "log-uniform",
    "Triangular": "triangular",
    "Beta": "beta",
    "PERT": "PERT",
    "Mixture": "mixture",
    "Empirical": "empirical",
}


def with_unit(text: str, unit: str | None) -> str:
    """``text`` (a number or an interval formatted for ``unit``) followed by its unit, as a reader needs it.

    Money already shows its symbol (``$2M``); money per something adds what it is per; ``1`` adds nothing.

    Examples
    --------
    >>> from flopcast.formatting import interval, with_unit
    >>> with_unit(interval(6.4e20, 1.25e21, "FLOP"), "FLOP"), with_unit(interval(2e6, 3.1e7, "USD"), "USD")
    ('6.4e20 – 1.25e21 FLOP', '$2M – $31M')
    >>> with_unit(interval(1.5, 4, "USD/GPU/hour"), "USD/GPU/hour"), with_unit("0.23 – 0.77", "1")
    ('$1.5 – $4 per GPU/hour', '0.23 – 0.77')
    """
    if unit in (None, "", "1"):
        return text
    if _currency(unit) is not None:
        per = "".join(unit.split()).partition("/")[2]
        return f"{text} per {per}" if per else text
    return f"{text} {unit}"


def _family(dist: Any) -> str:
    name = type(dist).__name__
    if name == "Truncated":
        return f"truncated {_family(dist.base)}"
    if name == "ScipyDistribution":
        return f"scipy {dist.frozen.dist.name}"
    return _FAMILY_WORDS.get(name, name.lower())


def distribution(dist: Any, unit: str | None = None, prob: float = 0.9) -> str:
    """A distribution in words with its central interval: ``lognormal, 90% in 10 – 60``.

    A point value is ``fixed at 3,600``; a choice lists its values (``one of 4, 6, 8``) and their probabilities
    when they differ.

    Examples
    --------
    >>> import flopcast as fc
    >>> from flopcast.formatting import distribution
    >>> distribution(fc.lognormal(10, 60)), distribution(fc.point(3600))
    ('lognormal, 90% in 10 – 60', 'fixed at 3,600')
    >>> distribution(fc.choice([4, 6, 8], probs=[0.4, 0.2, 0.4]))
    'one of 4 (40%), 6 (20%), 8 (40%)'
    >>> distribution(fc.uniform(2e6, 9e6), "USD")
    'uniform, 90% in $2.35M – $8.65M'
    """
    name = type(dist).__name__
    if name == "Point":
        return f"fixed at {number(dist.value, unit)}"
    if name == "Choice":
        values = row(dist.values, unit)
        probs = [float(p) for p in dist.probs]
        if max(probs) - min(probs) < 1e-12:
            return "one of " + ", ".join(values)
        return "one of " + ", ".join(f"{v} ({p:.0%})" for v, p in zip(values, probs, strict=True))
    lo, hi = (float(v) for v in dist.interval(prob))
    return f"{_family(dist)}, {prob:.0%} in {interval(lo, hi, unit)}"


def _wrap_widths(widths: list[int], wrappable: Sequence[int], max_width: int) -> list[int]:
    """Narrow the wrappable columns, widest first, until the table fits in ``max_width`` (each keeps 10)."""
    widths = list(widths)
    total = sum(widths) + 2 * (len(widths) - 1)
    while total > max_width:
        candidates = [i for i in wrappable if widths[i] > 10]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1
        total -= 1
    return widths


#: An interval's dash between no-break spaces, which textwrap does not break at: ``1,080 – 120,500`` stays whole.
_WHOLE_DASH = DASH.replace(" ", "\u00a0")


class _Wrapper(textwrap.TextWrapper):
    """A wrapper that may break a word too long for a line after an underscore, not inside a name's part.

    ``video_minutes_per_gpu_hour`` in 24 columns gives ``video_minutes_per_gpu_`` / ``hour``, not ``..._ho`` /
    ``ur``; a word that fits is never split, and one with no underscore is cut where it must.
    """

    def _split(self, text: str) -> list[str]:
        chunks = super()._split(text)
        return [part for chunk in chunks
                for part in (re.split(r"(?<=_)(?=[^_])", chunk) if len(chunk) > self.width else [chunk])]  # fmt: skip


def _wrap(text: str, width: int) -> list[str]:
    """``text`` on lines of at most ``width`` characters, broken at spaces (inside a word only if it must).

    An interval is a word: it moves to the next line whole rather than break at its dash. A word too long for a
    line breaks after an underscore where it has one (``video_minutes_`` / ``per_gpu_hour``).

    Examples
    --------
    >>> _wrap("rate video_minutes_per_gpu_hour", 24)
    ['rate video_minutes_per_', 'gpu_hour']
    >>> _wrap("in 1,080 – 120,500 GPU", 16)
    ['in', '1,080 – 120,500', 'GPU']
    """
    wrapper = _Wrapper(width, break_on_hyphens=False)
    lines = wrapper.wrap(text.replace(DASH, _WHOLE_DASH))
    return [line.replace(_WHOLE_DASH, DASH) for line in lines] or [""]


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    align: str | None = None,
    *,
    max_width: int | None = None,
    wrap: Sequence[int] = (),
) -> str:
    r"""An aligned plain-text table; ``align`` has one ``l``/``r`` per column (numbers right by default).

    With ``max_width``, the columns listed in ``wrap`` (indices) are narrowed, widest first, and their cells
    wrapped on several lines until the table fits. A cell may also hold line breaks (``"\n"``) of its own, one
    item a line: the column is then as wide as its longest line.

    Examples
    --------
    >>> from flopcast.formatting import table
    >>> print(table(["name", "value"], [["a", "1"], ["bb", "22"]]))
    name  value
    ----  -----
    a         1
    bb       22
    >>> print(table(["name", "source"], [["a", "a long source text"]], max_width=16, wrap=[1]))
    name  source
    ----  ----------
    a     a long
          source
          text
    >>> print(table(["name", "values"], [["a", "low: 1\nhigh: 20"]], "ll"))
    name  values
    ----  --------
    a     low: 1
          high: 20
    """
    cells = [[str(c) for c in r] for r in rows]
    widths = [max([len(h)] + [len(text) for r in cells for text in r[i].split("\n")]) for i, h in enumerate(headers)]
    if align is None:
        align = "l" + "r" * (len(headers) - 1)
    if max_width is not None:
        widths = _wrap_widths(widths, wrap, max_width)

    def line(values: Sequence[str]) -> str:
        parts = [v.ljust(w) if a == "l" else v.rjust(w) for v, w, a in zip(values, widths, align, strict=True)]
        return "  ".join(parts).rstrip()

    def lines(values: Sequence[str]) -> list[str]:
        split = [
            [part for text in v.split("\n") for part in (_wrap(text, w) if len(text) > w else [text])]
            for v, w in zip(values, widths, strict=True)
        ]
        height = max(len(s) for s in split)
        return [line([s[k] if k < len(s) else "" for s in split]) for k in range(height)]

    out = [line(list(headers)), line(["-" * w for w in widths])]
    for r in cells:
        out.extend(lines(r))
    return "\n".join(out)
