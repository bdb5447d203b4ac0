"""Numbers at the limits: tails, extreme parameters, invalid scipy distributions, unit strings, tiny Sobol' runs.

Each test reproduces a case that once gave a wrong number or an unclear crash, and checks the value against scipy
or the clear refusal that replaced the crash.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats as st

import flopcast as fc
from flopcast.analysis.sobol import sobol
from flopcast.cli import main
from flopcast.errors import FlopcastError, FlopcastValueError, SmallSampleWarning


# ------------------------------------------------------------------------------------------------ truncation
def test_truncated_mean_with_a_huge_finite_bound_matches_scipy() -> None:
    """Finding 6: the upper bound 1e100 gave a mean of 1.68e88 (the quadrature read the bound at u near 1)."""
    d = fc.truncated(fc.normal(mean=0, sd=0.5), 2, 1e100)
    ref = st.truncnorm(4.0, 2e100, scale=0.5)
    assert d.mean() == pytest.approx(ref.mean(), rel=1e-10)  # 2.1128
    assert d.var() == pytest.approx(ref.var(), rel=1e-8)
    assert d.mean() == pytest.approx(fc.truncated(fc.normal(mean=0, sd=0.5), 2, None).mean(), rel=1e-12)


@pytest.mark.parametrize(("lower", "upper"), [(10.0, 20.0), (-20.0, -10.0), (40.0, 50.0), (5.0, 1e10)])
def test_truncation_far_in_a_tail_matches_scipy(lower: float, upper: float) -> None:
    """Finding 17: a normal on [10, 20] (mass 7.6e-24) was refused as having no mass; [-20, -10] worked."""
    d = fc.truncated(fc.normal(mean=0, sd=1), lower, upper)
    ref = st.truncnorm(lower, upper)
    with np.errstate(all="ignore"):  # scipy's own moments underflow on the way
        mean, var = ref.mean(), ref.var()
    assert d.mean() == pytest.approx(mean, rel=1e-9)
    assert d.var() == pytest.approx(var, rel=1e-6)
    q = np.array([0.01, 0.5, 0.99])
    np.testing.assert_allclose(d.ppf(q), ref.ppf(q), rtol=1e-9)
    np.testing.assert_allclose(d.cdf(ref.ppf(q)), q, rtol=1e-8)
    x = d.sample(10_000, seed=1)
    assert np.all((x >= lower) & (x <= upper))
    # Kolmogorov-Smirnov against scipy at the 0.1% level: a fixed seed, so this is deterministic.
    assert st.kstest(x, ref.cdf).pvalue > 1e-3


def test_truncation_of_a_scipy_distribution_in_its_upper_tail() -> None:
    d = fc.truncated(st.gamma(2.0), 60.0, 80.0)
    assert st.gamma(2.0).sf(60.0) < 1e-20  # 1 - cdf(60) is 0 in floats: only the survival function sees this mass

    # The gamma(2) density x e^-x conditioned on [60, 80]: E[X] = (int x^2 e^-x) / (int x e^-x), in closed form.
    def antiderivative(x: float, k: int) -> float:  # int x^k e^-x dx = -e^-x (x^k + k x^(k-1) + ...)
        return -math.exp(-x) * (x**2 + 2 * x + 2 if k == 2 else x + 1)

    mean_ref = (antiderivative(80, 2) - antiderivative(60, 2)) / (antiderivative(80, 1) - antiderivative(60, 1))
    assert d.mean() == pytest.approx(mean_ref, rel=1e-9)


def test_truncation_beyond_what_floats_hold_is_refused_clearly() -> None:
    with pytest.raises(FlopcastValueError, match="Truncated: .*no probability mass"):
        fc.truncated(fc.normal(mean=0, sd=1), 1e200, math.inf)
    with pytest.raises(FlopcastValueError, match="Truncated: .*too far in its tail"):
        fc.truncated(fc.normal(mean=0, sd=1), 1e4, 2e4)


# ------------------------------------------------------------------------------------------- extreme parameters
@pytest.mark.parametrize(
    ("build", "family"),
    [
        (lambda: fc.loguniform(1, 1e7, prob=0.01), "loguniform"),
        (lambda: fc.uniform(-1e308, 1e308), "Uniform"),
        (lambda: fc.lognormal(mu=800, sigma=1), "LogNormal"),
        (lambda: fc.normal(mean=0, sd=1e308), "Normal"),
        (lambda: fc.triangular(-1e308, 0, 1e308), "Triangular"),
        (lambda: fc.beta(1e-9, 2), "Beta"),
        (lambda: fc.pert(0, 1, 2, shape=1e300), "PERT"),
    ],
)
def test_extreme_parameters_are_refused_naming_the_family(build: object, family: str) -> None:
    """Finding 14: these raised OverflowError or gave inf draws; now a FlopcastValueError naming the family."""
    with pytest.raises(FlopcastValueError, match=family):
        build()  # type: ignore[operator]


def test_extreme_but_representable_parameters_work() -> None:
    """Finding 14: a tiny prob and a lognormal spanning 40 orders of magnitude are valid distributions."""
    d = fc.normal(0, 1, prob=1e-16)  # the interval [0, 1] holds 1e-16 of the mass: sigma = 1 / (2 z)
    assert d.sigma == pytest.approx(1.0 / (2.0 * 1e-16 * math.sqrt(math.pi / 2.0)), rel=1e-9)  # erf(z) ~ 2z/sqrt(pi)
    assert float(d.cdf(1.0) - d.cdf(0.0)) == pytest.approx(1e-16, rel=1e-6)
    wide = fc.lognormal(1e-10, 1e30)
    ref = st.lognorm(wide.sigma, scale=math.exp(wide.mu))
    with np.errstate(all="ignore"):
        ref_var = ref.var()
    assert wide.var() == ref_var == math.inf  # beyond the float range, as scipy says
    assert wide.mean() == pytest.approx(math.exp(wide.mu + wide.sigma**2 / 2), rel=1e-12)  # 1.6e180 (scipy: inf)
    x = wide.sample(1000, seed=0)
    assert np.all(np.isfinite(x)) and np.all(x > 0)
    assert fc.uniform(-8e307, 8e307).var() == math.inf
    assert fc.uniform(-8e307, 8e307).mean() == 0.0
    assert np.all(np.isfinite(fc.uniform(-8e307, 8e307).sample(100, seed=0)))
    assert fc.choice([1e300, -1e300]).var() == math.inf
    assert fc.choice([1e300, -1e300]).mean() == 0.0


@pytest.mark.parametrize("unit", ["1/0", "__import__('os')", "FLOP/", "2*FLOP"])
def test_bad_unit_strings_are_refused_naming_the_assumption(unit: str) -> None:
    """Finding 14: "1/0" and "__import__('os')" raised pint's ZeroDivisionError and an empty AssertionError."""
    m = fc.Model("m")
    with pytest.raises(FlopcastValueError, match=r"assumption 'a': unit .* is not understood"):
        m.assume("a", 1.0, unit=unit)


# ---------------------------------------------------------------------------------------------- scipy adapters
@pytest.mark.parametrize(
    "frozen",
    [st.norm(0, -1), st.gamma(-1.0), st.norm([0.0, 1.0], 1.0), st.pareto(0.01), st.gamma(0.00390625, scale=2)],
    ids=["negative-scale", "negative-shape", "array-parameters", "infinite-draws", "mass-below-floats"],
)
def test_invalid_scipy_distributions_are_refused_when_wrapped(frozen: object) -> None:
    """Finding 9: scipy.stats.norm(0, -1) was accepted, and every draw was NaN."""
    m = fc.Model("m")
    with pytest.raises(FlopcastValueError, match="ScipyDistribution"):
        m.assume("x", frozen)


def test_valid_scipy_distributions_still_wrap() -> None:
    m = fc.Model("m")
    m.assume("x", st.gamma(2.0, scale=3.0))
    m.assume("k", st.poisson(4.0))
    m.assume("c", st.cauchy())  # no mean, but finite draws
    res = m.simulate(20_000, seed=1)
    assert np.all(np.isfinite(res["c"]))
    assert float(np.mean(res["x"])) == pytest.approx(6.0, abs=4 * math.sqrt(18.0 / 20_000))


# ---------------------------------------------------------------------------------------------------- Sobol'
def _linear_model() -> fc.Model:
    m = fc.Model("m")
    m.assume("a", fc.uniform(0, 1))
    m.assume("b", fc.uniform(0, 1))

    @m.derive
    def y(a, b):
        return a + 4 * b

    return m


def test_sobol_with_few_base_samples_warns() -> None:
    """Finding 8: n=2 gave ST = 2.2 with a narrow "95% interval" and no warning."""
    with pytest.warns(SmallSampleWarning, match="n=2 base samples are too few"):
        sobol(_linear_model(), "y", n=2, seed=0)
    with pytest.warns(SmallSampleWarning):
        sobol(_linear_model(), "y", n=32, seed=0)


def test_sobol_with_enough_base_samples_does_not_warn() -> None:
    ds = sobol(_linear_model(), "y", n=64, seed=0)  # pytest turns any warning into an error
    assert ds.attrs["n"] == 64


def test_sensitivity_command_refuses_too_few_base_samples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sensitivity", "--n", "2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "at least 64" in err and err.startswith("flopcast: error:")
    assert main(["report", "--sensitivity-n", "32"]) == 2
    assert "at least 64" in capsys.readouterr().err


def test_every_refusal_here_is_a_flopcast_error() -> None:
    with pytest.raises(FlopcastError):
        fc.lognormal(mu=800, sigma=1)
