"""Numbers as every table, figure and report prints them: exact strings."""

from __future__ import annotations

import math

import pytest

import flopcast as fc
from flopcast.formatting import DASH, distribution, eng, fixed, interval, number, row, table


@pytest.mark.parametrize(
    ("low", "high", "unit", "expected"),
    [
        (1080, 120_500, None, "1,080 – 120,500"),
        (6.4e20, 1.25e21, "FLOP", "6.4e20 – 1.25e21"),
        (0.281, 9.12, "video_minute/GPU/hour", "0.281 – 9.12"),
        (70_274, 3.52e6, "GPU", "7.03e4 – 3.52e6"),  # one style for the row: not '70,274 – 3.52e6'
        (3600, 3600, "s/hour", "3,600"),  # a fixed value is a value, not '3,600 – 3,600'
        (2e6, 3.1e7, "USD", "$2M – $31M"),
        (7.59e7, 1.2e9, "USD", "$75.9M – $1.2B"),
        (-5, 10, None, "-5 – 10"),
        (0.0004, 0.02, None, "4e-4 – 2e-2"),  # 4e-4 is below 0.001: the whole row is scientific
    ],
)
def test_interval(low: float, high: float, unit: str | None, expected: str):
    assert interval(low, high, unit) == expected


def test_one_dash_and_no_brackets():
    text = interval(1, 2)
    assert DASH == " – " and text == "1 – 2"
    assert not any(mark in text for mark in ("[", "..", " - "))


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (7.59e7, "USD", "$75.9M"),
        (75_900, "USD", "$75.9k"),
        (999_960, "USD", "$1M"),  # rounds up to the next suffix, not '$1e3k'
        (2.5, "USD/GPU/hour", "$2.5"),
        (3.2e12, "USD", "$3.2T"),
        (-4.5e6, "USD", "-$4.5M"),
        (12.0, "EUR", "€12"),
        (1.08e25, "FLOP", "1.08e25"),
        (12_361.4, "GPU*month", "12,361"),
        (0.5, "1", "0.5"),
        (0.0, "GPU", "0"),
        (math.nan, "GPU", "nan"),
        (math.inf, "GPU", "inf"),
        (9.9996e6, None, "1e7"),  # 9.9996 rounds to 10: the exponent moves up
    ],
)
def test_number(value: float, unit: str | None, expected: str):
    assert number(value, unit) == expected


def test_a_unit_that_merely_contains_a_currency_code_is_not_money():
    assert number(5e6, "USDT_tokens") == "5e6"
    assert number(5e6, "GPU*USD") == "5e6"


@pytest.mark.parametrize(
    "unit", ["USD**0.5", "USD ** 2", "USD^2", "USD*hour", "USD * GPU", "USD/GPU*hour", "USD/EUR", "1/USD", "USD/"]
)
def test_a_power_or_product_of_a_currency_is_not_money(unit):
    assert number(2.5e6, unit) == "2.5e6"
    assert row([2.5e6, (1e6, 4e6)], unit) == ["2.5e6", "1e6 – 4e6"]


@pytest.mark.parametrize("unit", ["USD", " EUR ", "USD/GPU/hour", "USD / GPU / hour", "GBP/(GPU*hour)", "USD/hour**2"])
def test_a_currency_alone_or_per_something_is_money(unit):
    symbol = {"U": "$", "E": "€", "G": "£"}[unit.strip()[0]]
    assert number(2.5e6, unit) == f"{symbol}2.5M"


def test_row_chooses_one_style_for_the_row():
    assert row([4211.3, (1080, 120_500)]) == ["4,211", "1,080 – 120,500"]
    assert row([502_838, (70_274, 3.52e6)]) == ["5.03e5", "7.03e4 – 3.52e6"]
    assert row([1.6, (0.281, 9.12), (0.9, 2.9), 2.2]) == ["1.6", "0.281 – 9.12", "0.9 – 2.9", "2.2"]
    assert row([7.59e7, (2e7, 1.2e9)], "USD") == ["$75.9M", "$20M – $1.2B"]


def test_eng_keeps_its_single_number_style():
    assert [eng(v) for v in (1.08e25, 4211.3, 0.5, 1e6, 999_999, 0.001, 0.0009)] == [
        "1.08e25",
        "4,211",
        "0.5",
        "1e6",
        "999,999",
        "0.001",
        "9e-4",
    ]
    assert eng(15_300_000, style="si") == "15.3M"


def test_fixed():
    assert [fixed(v) for v in (0.41234, -0.0001, math.nan, 1)] == ["0.412", "0.000", "-", "1.000"]
    assert interval(0.12, 0.48, decimals=3) == "0.120 – 0.480"


def test_distributions_in_words_with_their_90_percent_interval():
    assert distribution(fc.lognormal(10, 60)) == "lognormal, 90% in 10 – 60"
    assert distribution(fc.point(3600)) == "fixed at 3,600"
    assert distribution(fc.point(7.59e7), "USD") == "fixed at $75.9M"
    assert distribution(fc.uniform(0.2, 0.8)) == "uniform, 90% in 0.23 – 0.77"
    assert distribution(fc.loguniform(1, 100)) == f"log-uniform, 90% in {interval(100**0.05, 100**0.95)}"
    assert distribution(fc.choice([1, 2])) == "one of 1, 2"
    assert distribution(fc.choice([4, 6, 8], probs=[0.4, 0.2, 0.4])) == "one of 4 (40%), 6 (20%), 8 (40%)"
    assert distribution(fc.pert(0.4, 0.7, 0.9)).startswith("PERT, 90% in 0.")
    assert distribution(fc.truncated(fc.normal(0, 1), lower=0)).startswith("truncated normal, 90% in ")
    assert distribution(fc.lognormal(10, 60), prob=0.5).startswith("lognormal, 50% in ")


def test_distribution_interval_is_the_distributions_own():
    dist = fc.lognormal(3e20, 2e22)
    lo, hi = dist.interval(0.9)
    assert distribution(dist, "FLOP") == f"lognormal, 90% in {interval(lo, hi)}"
    assert distribution(dist, "FLOP") == "lognormal, 90% in 3e20 – 2e22"


def test_table_wraps_to_its_width():
    rows = [["a", "word " * 30], ["bb", "short"]]
    text = table(["name", "source"], rows, "ll", max_width=40, wrap=[1])
    assert max(len(line) for line in text.splitlines()) <= 40
    assert " ".join(text.split()).count("word") == 30  # nothing lost
    assert table(["name", "source"], rows, "ll").count("\n") == 3  # unwrapped without a width


def test_an_interval_wraps_whole():
    rows = [["a", f"lognormal, 90% in 2.16e7{DASH}8.64e7"]]
    text = table(["name", "distribution"], rows, "ll", max_width=30, wrap=[1])
    assert f"2.16e7{DASH}8.64e7" in text.splitlines()[-1] and max(len(line) for line in text.splitlines()) <= 30


# ---------------------------------------------------------------------------------------------- rounding boundaries
_SUFFIXES = {"p": 1e-12, "n": 1e-9, "u": 1e-6, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "B": 1e9, "T": 1e12}
_SI = {**_SUFFIXES, "B": math.nan, "P": 1e15, "E": 1e18}
_MONEY = {"k": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}


def _parse(text: str, suffixes: dict[str, float] | None = None) -> float:
    """The number a formatted text stands for: ``$1.2M`` -> 1.2e6, ``1,080`` -> 1080, ``5e-4`` -> 0.0005."""
    body = text.replace("$", "").replace(",", "")
    scale = 1.0
    if suffixes and body[-1:] in suffixes:
        body, scale = body[:-1], suffixes[body[-1]]
    return float(body) * scale


def _near_boundaries() -> list[float]:
    """Values just below, at and just above powers of 10 (and so of 1000), where rounding changes the exponent."""
    factors = (1 - 5e-3, 1 - 4e-4, 1 - 1e-5, 1 - 1e-12, 1, 1 + 1e-12, 1 + 1e-5, 1 + 4e-4, 1 + 5e-3)
    return [sign * 10.0**k * f for k in range(-8, 20) for f in factors for sign in (1, -1)]


@pytest.mark.parametrize(
    ("fmt", "suffixes"),
    [
        (lambda v: number(v), None),
        (lambda v: number(v, "GPU"), None),
        (lambda v: number(v, "USD"), _MONEY),
        (lambda v: eng(v), None),
        (lambda v: eng(v, style="si"), _SI),
    ],
    ids=["number", "number-unit", "money", "eng", "eng-si"],
)
def test_values_that_print_the_same_look_the_same(fmt, suffixes):
    for v in _near_boundaries():
        text = fmt(v)
        assert "e+" not in text and "e0" not in text[1:], (v, text)
        shown = _parse(text.replace("-", "", 1) if text.startswith("-") else text, suffixes)
        shown = -shown if text.startswith("-") else shown
        # The text is the value to 3 significant digits (or whole), and the value it shows prints the same.
        assert abs(shown - v) <= 0.5 * 10 ** (math.floor(math.log10(abs(shown))) - 2) * (1 + 1e-9), (v, text)
        assert fmt(shown) == text, (v, text, fmt(shown))


def test_rounding_up_to_the_next_power_takes_its_style():
    assert number(999.7, "USD") == "$1k"
    assert interval(999.6, 5000, "USD") == "$1k – $5k"
    assert number(999_999.7, "GPU") == number(1e6, "GPU") == "1e6"
    assert number(0.00099999) == number(0.001) == "0.001"
    assert eng(999.7, style="si") == "1k"
    assert eng(999_999.7) == "1e6"
    assert number(999_960, "USD") == "$1M"
    # One style per row, chosen on the values as they show: 999,999.7 shows as a million, so the row is scientific.
    assert row([999_999.7, 5]) == ["1e6", "5e0"]
    assert row([999_999.4, 5]) == ["999,999", "5"]


def test_a_long_name_wraps_after_an_underscore():
    from flopcast.formatting import _wrap

    assert _wrap("video_minutes_per_gpu_hour", 24) == ["video_minutes_per_gpu_", "hour"]
    assert _wrap("rate of video_minutes_per_gpu_hour", 24) == ["rate of video_minutes_", "per_gpu_hour"]
    assert _wrap("short_name here", 12) == ["short_name", "here"]  # a word that fits is never split
    assert _wrap("a" * 25, 10) == ["a" * 10, "a" * 10, "a" * 5]  # no underscore: cut where it must
    assert table(["n", "q"], [["R", "tiktok_ai_minutes_per_day"]], "ll", max_width=16, wrap=[1]).splitlines()[2:] == [
        "R  tiktok_ai_",
        "   minutes_per_",
        "   day",
    ]


def test_money_below_a_cent_is_written_out_down_to_a_thousandth_as_plain_numbers():
    from flopcast.formatting import number

    assert number(0.0012345, "USD") == "$0.00123" and number(0.0012345) == "0.00123"
    assert number(0.000999, "USD") == "$9.99e-4"
