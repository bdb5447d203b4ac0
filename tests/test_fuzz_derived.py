"""Derived functions and names are checked when the model is built: complex results, NFKC names, and a fuzz suite.

The fuzz property: a model built from generated formulas and inputs either refuses a formula when it is added
(a FlopcastError naming the derived quantity) or simulates without error; a bad formula is never found at
simulate time. Run ``pytest tests/test_fuzz_derived.py -s`` to print the tally.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

import flopcast as fc
from flopcast.errors import FlopcastError, FlopcastTypeError, FlopcastValueError, ModelWarning

TALLY: Counter[str] = Counter()


# ---------------------------------------------------------------------------------------------- complex results
def test_complex_result_is_refused_when_the_model_is_built() -> None:
    """Finding 7: a derived function returning complex numbers was accepted; the imaginary part was dropped."""
    m = fc.Model("m")
    m.assume("x", -4.0)
    # Point values are numpy scalars, as draws are arrays: a negative number to a fractional power is nan there
    # (in Python floats it was complex), refused at build all the same.
    with pytest.raises(FlopcastValueError, match=r"derived 'root': gives nan at the point values"):

        @m.derive
        def root(x):
            return x**0.5

    assert "root" not in m
    with pytest.raises(FlopcastTypeError, match="derived 'sqrt_x': its function returns complex numbers"):
        m.derive(lambda x: np.sqrt(x + 0j), name="sqrt_x")  # numpy complex: cast to float, it gave 0.0 silently


def test_complex_values_on_some_draws_are_refused_not_dropped() -> None:
    m = fc.Model("m")
    m.assume("x", fc.normal(mean=1.0, sd=1.0))
    # Real at the point value, complex on chunks with negatives: the build-time trial on draws already sees it.
    with pytest.raises(FlopcastTypeError, match=r"derived 'r': its function returns complex numbers .* on a chunk"):

        @m.derive
        def r(x):
            return x if np.all(x > 0) else x + 0j


# ------------------------------------------------------------------------------------------------ NFKC names
@pytest.mark.parametrize(("name", "normal"), [("\ufb01", "fi"), ("\u210c", "H"), ("\u2168", "IX")])
def test_names_must_be_nfkc_normalized(name: str, normal: str) -> None:
    """Finding 16: 'ﬁ' was accepted, but Python reads def g(ﬁ) as g(fi): the input was then 'not a quantity'."""
    m = fc.Model("m")
    with pytest.raises(FlopcastValueError, match=f"not in Unicode normal form NFKC.*use '{normal}'"):
        m.assume(name, 1.0)
    with pytest.raises(FlopcastValueError, match="NFKC"):
        fc.Assumption(name, 1.0)


def test_normalized_unicode_names_work() -> None:
    m = fc.Model("m")
    m.assume("durée", 2.0)

    @m.derive
    def double(durée):
        return 2 * durée

    assert m.point()["double"] == 4.0


# ------------------------------------------------------------------------------------------------------ fuzz
#: Formulas of two inputs: the good ones work elementwise on numbers, arrays and pint quantities.
GOOD: dict[str, Callable[..., Any]] = {
    "product": lambda a, b: a * b,
    "ratio": lambda a, b: a / b,
    "log": lambda a, b: fc.log(a),
    "exp": lambda a, b: fc.exp(a),
    "where": lambda a, b: fc.where(a > b, a, b),
    "square": lambda a, b: a * a,
    "minimum": lambda a, b: fc.minimum(a, b),
}
#: Bad ones, each wrong at any input: refused when added.
BAD: dict[str, Callable[..., Any]] = {
    "complex": lambda a, b: a + 0j,
    "complex power": lambda a, b: (-(abs(a) + 1.0)) ** 0.5,  # a negative float to a fractional power
    "string": lambda a, b: "a",
    "none": lambda a, b: None,
    "list": lambda a, b: [a, b],
    "raises": lambda a, b: 1 / 0,
    "nan": lambda a, b: a * math.nan,
    "dict": lambda a, b: {"a": a},
}


def _formula(function: Callable[..., Any]) -> Callable[..., Any]:
    """A derived function of the inputs a and b (its parameter names are its inputs)."""

    def formula(a: Any, b: Any) -> Any:
        return function(a, b)

    return formula


values = hs.floats(-1e6, 1e6, allow_nan=False) | hs.sampled_from([0.0, 1e-300, 1e300, -1e300])


@pytest.fixture(scope="module", autouse=True)
def _report_tally() -> Iterator[None]:
    yield
    print("\nderived fuzz tally: " + ", ".join(f"{k} {v}" for k, v in TALLY.items()))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    hs.lists(hs.sampled_from(sorted(GOOD) + sorted(BAD)), min_size=1, max_size=4),
    values,
    values,
    hs.floats(1e-3, 1e3),
)
def test_bad_formulas_are_refused_at_build_time_never_at_simulate_time(
    formulas: list[str], a: float, b: float, spread: float
) -> None:
    m = fc.Model("fuzz")
    m.assume("a", fc.normal(mean=a, sd=spread * max(1.0, abs(a))) if abs(a) < 1e300 else a)
    m.assume("b", b)
    for i, key in enumerate(formulas):
        TALLY["formulas"] += 1
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", ModelWarning)  # NaN on part of the support: added, with a warning
                m.derive(_formula({**GOOD, **BAD}[key]), name=f"q{i}")
            TALLY["warned at build"] += bool(caught)
        except FlopcastError as exc:
            assert f"'q{i}'" in str(exc), str(exc)
            TALLY["refused at build"] += 1
            continue
        assert key in GOOD or key == "nan", f"{key} was accepted at a={a}, b={b}"
        TALLY["accepted"] += 1
    with np.errstate(all="ignore"):
        res = m.simulate(512, seed=0)  # never an error here
    for name in res.names:
        x = res[name]
        assert x.shape == (512,) and x.dtype == np.float64
    TALLY["models simulated"] += 1
