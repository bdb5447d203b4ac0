"""Beta shapes from two quantiles: the Newton solver, its least_squares fallback and what they agree on."""

from __future__ import annotations

import itertools
import subprocess
import sys
from typing import Any

import numpy as np
import pytest
import scipy.special as sc
import scipy.stats as st

import flopcast.constructors as constructors
from flopcast.constructors import beta
from flopcast.errors import FlopcastValueError

LOWER_Q = (0.05, 0.1, 0.25)
UPPER_Q = (0.75, 0.9, 0.95)
# Value pairs over (0, 1): central, skewed to either bound, wide, narrow, and the Sora catalog's two utilizations.
VALUES = [
    (0.25, 0.55),
    (0.2, 0.55),
    (0.4, 0.6),
    (0.1, 0.4),
    (0.6, 0.95),
    (0.02, 0.98),
    (0.3, 0.99),
    (0.01, 0.05),
    (0.003, 0.1),
    (0.95, 0.999),
    (0.9, 0.999),
    (0.495, 0.505),
    (1e-4, 0.5),
]
CASES = [(q1, z1, q2, z2) for (q1, q2), (z1, z2) in itertools.product(itertools.product(LOWER_Q, UPPER_Q), VALUES)]


def _least_squares_shapes(q1: float, z1: float, q2: float, z2: float) -> tuple[float, float]:
    """The solver used before the Newton one: Levenberg-Marquardt from the same start."""
    from scipy.optimize import least_squares

    def residual(p: np.ndarray) -> np.ndarray:
        a, b = np.exp(np.clip(p, -20.0, 20.0))
        return np.array([sc.betainc(a, b, z1) - q1, sc.betainc(a, b, z2) - q2])

    start = constructors._beta_start(q1, z1, q2, z2)
    sol = least_squares(residual, start, xtol=1e-15, ftol=1e-15, gtol=1e-15, method="lm")
    assert np.max(np.abs(sol.fun)) < 1e-10
    a, b = np.exp(np.clip(sol.x, -20.0, 20.0))
    return float(a), float(b)


@pytest.mark.parametrize(("q1", "z1", "q2", "z2"), CASES)
def test_newton_shapes_give_the_quantiles_and_match_least_squares(q1: float, z1: float, q2: float, z2: float) -> None:
    with np.errstate(all="ignore"):
        p = constructors._beta_newton(constructors._beta_start(q1, z1, q2, z2), np.array([q1, q2]), np.array([z1, z2]))
    assert p is not None, "Newton fell back to least_squares"
    a, b = constructors._beta_from_quantiles(q1, z1, q2, z2)
    np.testing.assert_allclose(st.beta(a, b).ppf([q1, q2]), [z1, z2], rtol=0, atol=1e-9)
    np.testing.assert_allclose((a, b), _least_squares_shapes(q1, z1, q2, z2), rtol=1e-8, atol=0)


@pytest.mark.parametrize(
    ("q1", "z1", "q2", "z2"),
    [(0.1, 0.001, 0.9, 0.02), (0.05, 0.4999, 0.95, 0.5001), (0.05, 1e-6, 0.95, 0.1), (0.25, 0.99, 0.75, 0.999)],
)
def test_newton_solves_pairs_least_squares_missed(q1: float, z1: float, q2: float, z2: float) -> None:
    """Newton on the probit scale reaches these from the start where least_squares stopped short."""
    a, b = constructors._beta_from_quantiles(q1, z1, q2, z2)
    np.testing.assert_allclose(st.beta(a, b).ppf([q1, q2]), [z1, z2], rtol=1e-9, atol=0)


def test_fallback_to_least_squares_when_newton_stalls(monkeypatch: Any) -> None:
    monkeypatch.setattr(constructors, "_beta_newton", lambda *args: None)
    for q1, z1, q2, z2 in [(0.05, 0.25, 0.95, 0.55), (0.1, 0.003, 0.9, 0.1)]:
        a, b = constructors._beta_from_quantiles(q1, z1, q2, z2)
        assert (a, b) == _least_squares_shapes(q1, z1, q2, z2)


@pytest.mark.parametrize(
    "quantiles",
    [
        {0.05: 0.5, 0.95: 0.5 + 1e-9},  # needs shapes near 1e18, beyond the solvers' exp(20)
        {0.05: 1e-6, 0.95: 1e-4},
    ],
)
def test_unsolvable_quantiles_raise(quantiles: dict[float, float]) -> None:
    (q1, x1), (q2, x2) = quantiles.items()
    message = (
        f"beta: no Beta distribution has quantiles {{{q1!r}: {x1!r}, {q2!r}: {x2!r}}} on [0, 1] "
        "(solver did not converge)"
    )
    with pytest.raises(FlopcastValueError) as info:
        beta(quantiles=quantiles)
    assert str(info.value) == message


def test_sora_model_builds_without_scipy_optimize() -> None:
    """The Sora model's two quantile-given Betas are solved by Newton, so the 0.12 s import is skipped."""
    code = "import sys, flopcast.catalog.sora as s; s.uncertain(); print('scipy.optimize' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
