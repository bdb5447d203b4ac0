"""Tests of flopcast.distributions, flopcast.constructors and the fast Beta ppf.

Tiers: (a) parity with scipy.stats in one table with per-case tolerances; (b) constructors;
(c) sampling: goodness of fit at a declared significance and the prefix property; (d) bad
input; (e) value semantics; (f) accuracy and properties of the fast Beta ppf.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from typing import Any

import numpy as np
import pytest
import scipy.special as sc
import scipy.stats as st
from hypothesis import given, settings
from hypothesis import strategies as hs

from flopcast._ppf_table import beta_ppf
from flopcast.constructors import (
    beta,
    choice,
    lognormal,
    loguniform,
    mixture,
    normal,
    pert,
    point,
    triangular,
    truncated,
    uniform,
)
from flopcast.distributions import (
    PERT,
    Beta,
    Choice,
    Distribution,
    LogNormal,
    LogUniform,
    Mixture,
    Normal,
    Point,
    ScipyDistribution,
    Triangular,
    Truncated,
    Uniform,
    as_distribution,
)

U_GRID = np.array([0.0, 1e-6, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1 - 1e-6, 1.0])
U_INTERIOR = U_GRID[1:-1]


class NewInfra:
    """Adapter giving scipy's new random-variable objects the frozen-distribution methods."""

    def __init__(self, rv: Any) -> None:
        self.rv = rv

    def ppf(self, u: Any) -> Any:
        return self.rv.icdf(u)

    def cdf(self, x: Any) -> Any:
        return self.rv.cdf(x)

    def mean(self) -> float:
        return float(self.rv.mean())

    def var(self) -> float:
        return float(self.rv.variance())

    def median(self) -> float:
        return float(self.rv.median())


def _mixture_ref() -> NewInfra:
    return NewInfra(st.Mixture([st.Normal(mu=0.0, sigma=1.0), st.Normal(mu=3.0, sigma=0.5)], weights=[0.3, 0.7]))


# (id, distribution, scipy reference, tolerances, discrete). Tolerances are relative; "ppf" also
# covers cdf unless "cdf" is given.
EXACT = {"ppf": 1e-10, "moments": 1e-10}
PARITY = [
    ("uniform", Uniform(2.0, 5.0), st.uniform(2.0, 3.0), EXACT, False),
    ("loguniform", LogUniform(1.0, 1000.0), st.loguniform(1.0, 1000.0), EXACT, False),
    ("normal", Normal(3.0, 2.0), st.norm(3.0, 2.0), EXACT, False),
    ("lognormal", LogNormal(1.5, 0.7), st.lognorm(0.7, scale=math.exp(1.5)), EXACT, False),
    ("triangular", Triangular(1.0, 2.0, 6.0), st.triang(0.2, loc=1.0, scale=5.0), EXACT, False),
    (
        # cdf at x = 1 + 2.5e-6 is ill-conditioned (x - lower cancels): 2e-10 relative.
        "triangular-left",
        Triangular(1.0, 1.0, 6.0),
        st.triang(0.0, loc=1.0, scale=5.0),
        {"ppf": 1e-10, "cdf": 1e-9, "moments": 1e-10},
        False,
    ),
    ("pert", PERT(1.0, 2.0, 6.0), st.beta(1.8, 4.2, loc=1.0, scale=5.0), EXACT, False),
    ("beta", Beta(2.0, 5.0), st.beta(2.0, 5.0), EXACT, False),
    ("beta-small", Beta(0.5, 0.7), st.beta(0.5, 0.7), EXACT, False),
    ("beta-scaled", Beta(17.0, 3.0, 10.0, 20.0), st.beta(17.0, 3.0, 10.0, 10.0), EXACT, False),
    # Tanh-sinh quadrature of the quantile function for the moments.
    (
        "truncated-normal",
        Truncated(Normal(0.0, 1.0), -1.0, 2.0),
        st.truncnorm(-1.0, 2.0),
        {"ppf": 1e-10, "moments": 1e-9},
        False,
    ),
    (
        "truncated-lognormal",
        Truncated(LogNormal(0.0, 1.0), 0.5, None),
        NewInfra(st.truncate(st.make_distribution(st.lognorm)(s=1.0), lb=0.5)),
        # One-sided: ppf near u = 1 loses digits in 1 - F, moments by quadrature of a
        # heavy-tailed quantile function.
        {"ppf": 1e-8, "moments": 1e-7},
        False,
    ),
    # scipy's icdf inverts numerically too: compare ppf at 1e-8 (ours is checked against the
    # exact cdf at 1e-12 in test_mixture_ppf_inverts_cdf); its icdf(0), icdf(1) are finite
    # (-63, 15) where ours are -inf, inf: "interior" skips u = 0, 1.
    (
        "mixture",
        Mixture((Normal(0.0, 1.0), Normal(3.0, 0.5)), (0.3, 0.7)),
        _mixture_ref(),
        {"ppf": 1e-8, "cdf": 1e-10, "moments": 1e-10, "interior": True},
        False,
    ),
    (
        "choice",
        Choice((10.0, 1.5, 3.25), (0.5, 0.2, 0.3)),
        st.rv_discrete(values=([1.5, 3.25, 10.0], [0.2, 0.3, 0.5])),
        EXACT,
        True,
    ),
    (
        "point",
        Point(2.5),
        st.rv_discrete(values=([2.5], [1.0])),
        EXACT,
        True,
    ),
    (
        "scipy-gamma",
        ScipyDistribution(st.gamma(2.0, scale=3.0)),
        st.gamma(2.0, scale=3.0),
        EXACT,
        False,
    ),
    ("scipy-poisson", ScipyDistribution(st.poisson(4.0)), st.poisson(4.0), EXACT, True),
]
PARITY_IDS = [case[0] for case in PARITY]


def _close(actual: Any, desired: Any, rtol: float) -> None:
    np.testing.assert_allclose(np.asarray(actual, float), np.asarray(desired, float), rtol=rtol, atol=0)


@pytest.mark.parametrize(("name", "dist", "ref", "tol", "discrete"), PARITY, ids=PARITY_IDS)
def test_scipy_parity(name: str, dist: Distribution, ref: Any, tol: dict[str, float], discrete: bool) -> None:
    # scipy's discrete ppf(0) is one below the support
    u = U_INTERIOR if discrete or tol.get("interior") else U_GRID
    _close(dist.ppf(u), ref.ppf(u), tol["ppf"])
    x = np.concatenate([np.asarray(ref.ppf(U_INTERIOR), float), [dist.support[0] - 1.0]])
    x = x[np.isfinite(x)]
    _close(dist.cdf(x), ref.cdf(x), tol.get("cdf", tol["ppf"]))
    _close(dist.mean(), ref.mean(), tol["moments"])
    _close(dist.var(), ref.var(), tol["moments"])
    _close(dist.std(), math.sqrt(ref.var()), tol["moments"])
    _close(dist.median(), ref.median(), tol.get("cdf", tol["ppf"]))
    assert dist.is_discrete is discrete
    assert dist.is_point is (name == "point")
    lo, hi = dist.interval(0.8)
    _close([lo, hi], ref.ppf([0.1, 0.9]), tol["ppf"])
    assert dist.quantile(0.5) == pytest.approx(dist.median(), rel=1e-12)
    assert dist.point_value() == pytest.approx(2.5 if name == "point" else dist.median())


def test_mixture_ppf_inverts_cdf() -> None:
    dist = Mixture((Normal(0.0, 1.0), LogNormal(1.0, 0.5), Uniform(-2.0, 0.5)), (0.2, 0.5, 0.3))
    u = np.linspace(1e-9, 1 - 1e-9, 2001)
    x = dist.ppf(u)
    np.testing.assert_allclose(dist.cdf(x), u, rtol=1e-12, atol=1e-15)
    assert np.all(np.diff(x) > 0)


def test_mixture_of_discrete_components_gives_atoms() -> None:
    dist = Mixture((Point(1.0), Choice((2.0, 3.0), (0.5, 0.5))), (0.5, 0.5))
    np.testing.assert_array_equal(dist.ppf([0.2, 0.5, 0.6, 0.75, 0.9]), [1.0, 1.0, 2.0, 2.0, 3.0])
    assert dist.is_discrete


def test_ppf_outside_unit_interval_is_nan_and_quantile_scalar() -> None:
    d = Normal(0.0, 1.0)
    assert np.isnan(d.ppf([-0.1, 1.1])).all()
    assert isinstance(d.quantile(0.5), float)
    assert d.quantile([0.5, 0.5]).shape == (2,)


# -- (b) constructors -----------------------------------------------------------------------------
def test_lognormal_interval_forms() -> None:
    d = lognormal(10, 60)
    np.testing.assert_allclose(d.cdf([10, 60]), [0.05, 0.95], rtol=0, atol=1e-12)
    d = lognormal(10, 60, prob=0.8)
    np.testing.assert_allclose(d.cdf([10, 60]), [0.1, 0.9], rtol=0, atol=1e-12)
    d = lognormal(quantiles={0.9: 60, 0.25: 10})
    np.testing.assert_allclose(d.cdf([10, 60]), [0.25, 0.9], rtol=0, atol=1e-12)


def test_lognormal_moments_and_raw() -> None:
    d = lognormal(mean=5.0, sd=2.0)
    assert d.mean() == pytest.approx(5.0, rel=1e-12)
    assert d.std() == pytest.approx(2.0, rel=1e-12)
    assert lognormal(mu=1.0, sigma=0.5) == LogNormal(1.0, 0.5)


def test_normal_forms() -> None:
    np.testing.assert_allclose(normal(10, 60).cdf([10, 60]), [0.05, 0.95], rtol=0, atol=1e-12)
    np.testing.assert_allclose(normal(10, 60, prob=0.5).cdf([10, 60]), [0.25, 0.75], rtol=0, atol=1e-12)
    d = normal(quantiles={0.1: -3.0, 0.6: 4.0})
    np.testing.assert_allclose(d.cdf([-3.0, 4.0]), [0.1, 0.6], rtol=0, atol=1e-12)
    d = normal(mean=-2.0, sd=3.0)
    assert (d.mean(), d.std()) == pytest.approx((-2.0, 3.0), rel=1e-12)


def test_uniform_forms() -> None:
    assert uniform(1, 3) == Uniform(1.0, 3.0)
    np.testing.assert_allclose(uniform(1, 3, prob=0.5).cdf([1, 3]), [0.25, 0.75], atol=1e-12)
    d = uniform(quantiles={0.2: 1.0, 0.7: 2.0})
    np.testing.assert_allclose(d.cdf([1.0, 2.0]), [0.2, 0.7], atol=1e-12)
    d = uniform(mean=2.0, sd=0.5)
    assert (d.mean(), d.std()) == pytest.approx((2.0, 0.5), rel=1e-12)


def test_loguniform_forms() -> None:
    assert loguniform(10, 1000) == LogUniform(10.0, 1000.0)
    np.testing.assert_allclose(loguniform(10, 1000, prob=0.8).cdf([10, 1000]), [0.1, 0.9], atol=1e-12)
    d = loguniform(quantiles={0.25: 1e3, 0.75: 1e5})
    np.testing.assert_allclose(d.cdf([1e3, 1e5]), [0.25, 0.75], atol=1e-12)


@pytest.mark.parametrize(("lower", "upper"), [(0.0, 1.0), (10.0, 30.0)])
def test_beta_forms(lower: float, upper: float) -> None:
    w = upper - lower
    d = beta(mean=lower + 0.3 * w, sd=0.1 * w, lower=lower, upper=upper)
    assert (d.mean(), d.std()) == pytest.approx((lower + 0.3 * w, 0.1 * w), rel=1e-12)
    x = [lower + 0.05 * w, lower + 0.4 * w]
    d = beta(quantiles={0.1: x[0], 0.9: x[1]}, lower=lower, upper=upper)
    np.testing.assert_allclose(d.cdf(x), [0.1, 0.9], atol=1e-10)
    assert beta(2, 3, lower=lower, upper=upper) == Beta(2.0, 3.0, lower, upper)


def test_other_constructors() -> None:
    assert triangular(0, 1, 5) == Triangular(0.0, 1.0, 5.0)
    assert pert(0, 1, 5, shape=3) == PERT(0.0, 1.0, 5.0, 3.0)
    assert pert(0, 1, 5).as_beta() == Beta(1.8, 4.2, 0.0, 5.0)
    assert truncated(normal(mean=0.0, sd=1.0), upper=1.0) == Truncated(Normal(0.0, 1.0), -math.inf, 1.0)
    assert truncated(st.norm(), lower=0.0).support == (0.0, math.inf)
    m = mixture([normal(mean=0.0, sd=1.0), 3.0])
    assert m.weights == (0.5, 0.5) and m.components[1] == Point(3.0)
    c = choice({"low": 1.0, "high": 3.0}, probs={"high": 0.75, "low": 0.25})
    assert c == Choice((1.0, 3.0), (0.25, 0.75), ("low", "high"))
    assert c.as_dict() == {"low": 1.0, "high": 3.0}
    assert choice([1, 2, 4]).probs == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert point(8) == Point(8.0) == as_distribution(8)
    assert as_distribution(c) is c
    assert isinstance(as_distribution(st.norm()), ScipyDistribution)


# -- (c) sampling ---------------------------------------------------------------------------------
ALPHA = 1e-3  # declared significance: each goodness-of-fit test fails this often by chance
N_GOF = 4_000


@pytest.mark.parametrize(("name", "dist", "ref", "tol", "discrete"), PARITY, ids=PARITY_IDS)
def test_sample_goodness_of_fit(name: str, dist: Distribution, ref: Any, tol: Any, discrete: bool) -> None:
    x = dist.sample(N_GOF, rng=np.random.default_rng(20240611))
    assert x.dtype == np.float64 and x.shape == (N_GOF,)
    if not discrete:
        assert st.kstest(x, dist.cdf).pvalue > ALPHA
        return
    atoms, counts = np.unique(x, return_counts=True)
    expected = N_GOF * (dist.cdf(atoms) - dist.cdf(np.nextafter(atoms, -np.inf)))
    if atoms.size == 1:
        assert counts[0] == N_GOF and expected[0] == pytest.approx(N_GOF)
        return
    assert expected.sum() == pytest.approx(N_GOF, rel=0.01)  # no unexpected values
    expected *= N_GOF / expected.sum()
    assert st.chisquare(counts, expected).pvalue > ALPHA


EXTRA_SAMPLERS = [
    Truncated(Beta(2.0, 2.0), 0.2, 0.9),
    Mixture((Beta(2.0, 5.0), Choice((0.5, 2.0), (0.5, 0.5)), Point(7.0)), (0.5, 0.3, 0.2)),
]


@pytest.mark.parametrize("dist", [case[1] for case in PARITY] + EXTRA_SAMPLERS, ids=PARITY_IDS + ["trunc-beta", "mix3"])
def test_sample_prefix_property(dist: Distribution) -> None:
    short = dist.sample(37, rng=np.random.default_rng(5))
    long = dist.sample(6_000, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(short, long[:37])
    assert dist.sample(0, rng=np.random.default_rng(5)).shape == (0,)
    lo, hi = dist.support
    assert np.all((long >= lo) & (long <= hi))


@pytest.mark.parametrize("dist", [case[1] for case in PARITY] + EXTRA_SAMPLERS, ids=PARITY_IDS + ["trunc-beta", "mix3"])
def test_sample_continues_its_stream(dist: Distribution) -> None:
    # The engine draws a seeding block in cache-sized pieces from one generator: consecutive calls must give
    # the values of one call.
    rng = np.random.default_rng(8)
    pieces = np.concatenate([dist.sample(k, rng=rng) for k in (1, 999, 3000, 2000)])
    np.testing.assert_array_equal(pieces, dist.sample(6_000, rng=np.random.default_rng(8)))


@pytest.mark.parametrize("dist", [Beta(3.0, 17.0), Beta(0.5, 2.0, -1.0, 4.0), PERT(1.0, 2.0, 9.0)], ids=repr)
def test_beta_and_pert_sample_through_the_verified_table(dist: Distribution) -> None:
    # The sampler is the table inverse CDF of the generator's uniforms (not numpy's gamma-ratio beta), so its
    # accuracy is the table's: the draws are scipy's beta quantiles of those uniforms to 1e-10.
    beta = dist.as_beta() if isinstance(dist, PERT) else dist
    x = dist.sample(50_000, rng=np.random.default_rng(3))
    u = np.random.default_rng(3).random(50_000)
    exact = st.beta(beta.alpha, beta.beta, loc=beta.lower, scale=beta.upper - beta.lower).ppf(u)
    np.testing.assert_allclose(x, exact, rtol=1e-10, atol=1e-12 * (beta.upper - beta.lower))


# -- (d) bad input --------------------------------------------------------------------------------
N01 = Normal(0.0, 1.0)
BAD = [
    # ordering and bounds
    (
        lambda: Uniform(5, 1),
        ValueError,
        r"Uniform: lower must be < upper, got lower=5.0, upper=1.0",
    ),
    (lambda: uniform(5, 1), ValueError, r"uniform: lo must be < hi"),
    (lambda: Beta(2, 2, 1, 1), ValueError, r"Beta: lower must be < upper"),
    (lambda: LogUniform(0, 10), ValueError, r"LogUniform: lower must be > 0, got 0.0"),
    (lambda: LogUniform(-1, 10), ValueError, r"LogUniform: lower must be > 0"),
    (lambda: loguniform(-1, 10), ValueError, r"loguniform: lo must be > 0"),
    (lambda: lognormal(0, 10), ValueError, r"lognormal: lo must be > 0, got 0.0"),
    (
        lambda: lognormal(quantiles={0.1: -1, 0.9: 5}),
        ValueError,
        r"lognormal: quantiles\[0.1\] must be > 0",
    ),
    (lambda: LogNormal(0, -1), ValueError, r"LogNormal: sigma must be > 0, got -1.0"),
    (lambda: Beta(0, 1), ValueError, r"Beta: alpha must be > 0, got 0.0"),
    (lambda: PERT(0, 1, 5, shape=-1), ValueError, r"PERT: shape must be > 0"),
    (
        lambda: Triangular(0, 6, 5),
        ValueError,
        r"Triangular: mode must be in \[lower, upper\] = \[0.0, 5.0\], got 6.0",
    ),
    (lambda: PERT(0, -1, 5), ValueError, r"PERT: mode must be in"),
    (lambda: triangular(0, 6, 5), ValueError, r"Triangular: mode must be in"),
    (
        lambda: Truncated(Uniform(0, 1), 2, 3),
        ValueError,
        r"Truncated: base .* has no probability mass",
    ),
    (lambda: Truncated(N01, 3, 2), ValueError, r"Truncated: lower must be < upper"),
    (
        lambda: Truncated(Choice((1.0,), (1.0,)), 0, 2),
        ValueError,
        r"Truncated: base must be a continuous",
    ),
    (lambda: truncated(N01), ValueError, r"truncated: give at least one of lower, upper"),
    (lambda: beta(mean=0.5, sd=0.6), ValueError, r"beta: sd must be <"),
    (lambda: beta(mean=1.5, sd=0.1), ValueError, r"beta: mean must be in"),
    # non-finite
    (
        lambda: Normal(float("nan"), 1),
        ValueError,
        r"Normal: mu must be a finite real number, got nan",
    ),
    (
        lambda: Normal(0, float("inf")),
        ValueError,
        r"Normal: sigma must be a finite real number, got inf",
    ),
    (lambda: Uniform(0, -math.inf), ValueError, r"Uniform: upper must be a finite real number"),
    (lambda: Point(float("nan")), ValueError, r"Point: value must be a finite"),
    (
        lambda: Truncated(N01, float("nan")),
        ValueError,
        r"Truncated: lower must be a real number, got nan",
    ),
    (lambda: normal(mean=0.0, sd=float("inf")), ValueError, r"normal: sd must be a finite"),
    # weights and probabilities
    (
        lambda: Mixture((N01, N01), (0.5, 0.6)),
        ValueError,
        r"Mixture: weights must sum to 1 \(within 1e-09\), got sum 1.1",
    ),
    (
        lambda: Mixture((N01, N01), (1.5, -0.5)),
        ValueError,
        r"Mixture: weights\[1\] must be >= 0, got -0.5",
    ),
    (
        lambda: Mixture((N01,), (0.5, 0.5)),
        ValueError,
        r"Mixture: weights must have one entry per component",
    ),
    (lambda: Mixture((), ()), ValueError, r"Mixture: components must not be empty"),
    (lambda: Choice((1.0, 2.0), (0.5, 0.49)), ValueError, r"Choice: probs must sum to 1"),
    (
        lambda: Choice((1.0, 2.0), (1.0,)),
        ValueError,
        r"Choice: probs must have one entry per value",
    ),
    (
        lambda: Choice((1.0, 2.0), (0.5, 0.5), ("a", "a")),
        ValueError,
        r"Choice: labels must be unique",
    ),
    (lambda: choice({"a": 1.0}, probs={"b": 1.0}), ValueError, r"choice: probs given as a mapping"),
    (lambda: N01.interval(1.5), ValueError, r"Normal.interval: prob must be in \(0, 1\), got 1.5"),
    (lambda: N01.quantile(1.5), ValueError, r"Normal.quantile: q must be in \[0, 1\], got 1.5"),
    (lambda: lognormal(10, 60, prob=float("nan")), ValueError, r"lognormal: prob must be a finite"),
    (
        lambda: lognormal(quantiles={0.1: 60, 0.9: 10}),
        ValueError,
        r"lognormal: quantile values must increase",
    ),
    (
        lambda: lognormal(quantiles={0.1: 10}),
        ValueError,
        r"lognormal: quantiles must have exactly two",
    ),
    (
        lambda: lognormal(quantiles={1.5: 10, 0.9: 60}),
        ValueError,
        r"lognormal: quantiles key must be in \(0, 1\), got 1.5",
    ),
    # types
    (lambda: Normal("0", 1), TypeError, r"Normal: mu must be a real number, got str '0'"),
    (lambda: Normal(True, 1), TypeError, r"Normal: mu must be a real number, got bool True"),
    (lambda: Normal(None, 1), TypeError, r"Normal: mu must be a real number, got None"),
    (lambda: Normal([0.0], 1), TypeError, r"Normal: mu must be a real number, got list"),
    (lambda: lognormal("10", 60), TypeError, r"lognormal: lo must be a real number, got str"),
    (lambda: uniform(0, 1, prob="0.5"), TypeError, r"uniform: prob must be a real number"),
    (
        lambda: lognormal(quantiles=[0.1, 10, 0.9, 60]),
        TypeError,
        r"lognormal: quantiles must be a mapping",
    ),
    (
        lambda: Choice(("a", "b"), (0.5, 0.5)),
        TypeError,
        r"Choice: values\[0\] must be a real number",
    ),
    (
        lambda: Choice((1.0, 2.0), (0.5, 0.5), "ab"),
        TypeError,
        r"Choice: labels must be a tuple of strings",
    ),
    (
        lambda: Mixture((N01, 3.0), (0.5, 0.5)),
        TypeError,
        r"Mixture: components\[1\] must be a Distribution",
    ),
    (
        lambda: Truncated("normal", 0, 1),
        TypeError,
        r"Truncated: base must be a Distribution, got str",
    ),
    (
        lambda: ScipyDistribution(3),
        TypeError,
        r"ScipyDistribution: frozen must be a frozen scipy.stats",
    ),
    (
        lambda: as_distribution("3", name="gpus"),
        TypeError,
        r"gpus: expected a number, a flopcast Distribution",
    ),
    (lambda: as_distribution(None), TypeError, r"expected a number.*got None"),
    (lambda: as_distribution(True, name="x"), TypeError, r"x: expected a number.*got bool"),
    (lambda: mixture(N01), TypeError, r"mixture: components must be a sequence"),
    (lambda: choice(3.0), TypeError, r"choice: values_or_mapping must be a sequence"),
    (lambda: N01.sample(10, rng="three"), TypeError, r"Normal.sample: rng must be a numpy.random.Generator"),
    (
        lambda: N01.sample(-1, rng=np.random.default_rng()),
        ValueError,
        r"Normal.sample: size must be an integer >= 0",
    ),
    (
        lambda: N01.sample(2.5, rng=np.random.default_rng()),
        ValueError,
        r"Normal.sample: size must be an integer",
    ),
    # mixing or missing constructor forms
    (
        lambda: lognormal(10, 60, mean=5.0),
        ValueError,
        r"lognormal: specify the distribution in exactly one way.*got hi, lo, mean",
    ),
    (lambda: lognormal(), ValueError, r"lognormal: specify .*lognormal\(mu, sigma\).*got nothing"),
    (lambda: lognormal(10), ValueError, r"lognormal: specify"),
    (lambda: lognormal(mean=1.0, sd=1.0, prob=0.8), ValueError, r"lognormal: specify"),
    (lambda: lognormal(mu=1.0, sd=1.0), ValueError, r"lognormal: specify"),
    (lambda: normal(10, 20, quantiles={0.1: 1, 0.9: 2}), ValueError, r"normal: specify"),
    (lambda: uniform(0, 1, mean=0.5, sd=0.1), ValueError, r"uniform: specify"),
    (lambda: loguniform(prob=0.5), ValueError, r"loguniform: specify"),
    (lambda: beta(2, 3, mean=0.5), ValueError, r"beta: specify"),
    (lambda: beta(2), ValueError, r"beta: specify"),
]


@pytest.mark.parametrize("prob", [0, 1, 1.5, -0.1])
def test_prob_outside_open_unit_interval(prob: float) -> None:
    with pytest.raises(ValueError, match=r"lognormal: prob must be in \(0, 1\), got"):
        lognormal(10, 60, prob=prob)
    with pytest.raises(ValueError, match=r"uniform: prob must be in \(0, 1\)"):
        uniform(1, 2, prob=prob)
    with pytest.raises(ValueError, match=r"Normal.interval: prob must be in \(0, 1\)"):
        N01.interval(prob)


@pytest.mark.parametrize(("make", "exc", "match"), BAD, ids=[b[2][:40] for b in BAD])
def test_bad_input(make: Any, exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        make()


# -- (e) value semantics --------------------------------------------------------------------------
def test_frozen_equality_hash_repr() -> None:
    d = LogNormal(3.2, 0.54)
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.mu = 1.0  # type: ignore[misc]
    assert repr(d) == "LogNormal(mu=3.2, sigma=0.54)"
    assert LogNormal(3, 1) == LogNormal(3.0, 1.0)
    assert hash(LogNormal(3, 1)) == hash(LogNormal(3.0, 1.0))
    assert LogNormal(3, 1) != LogNormal(3, 2) and LogNormal(3, 1) != Normal(3, 1)
    assert len({Normal(0, 1), Normal(0.0, 1.0), Uniform(0, 1)}) == 2
    assert isinstance(Normal(0, 1).mu, float)
    m = Mixture((N01, Point(1)), (0.5, 0.5))
    assert m == Mixture((Normal(0, 1), Point(1.0)), (0.5, 0.5)) and hash(m) == hash(
        Mixture((Normal(0, 1), Point(1.0)), (0.5, 0.5))
    )
    assert repr(m) == "Mixture(components=(Normal(mu=0, sigma=1), Point(value=1)), weights=(0.5, 0.5))"
    assert repr(Truncated(N01, 0)) == "Truncated(base=Normal(mu=0, sigma=1), lower=0, upper=inf)"
    c = Choice([1, 2], [0.5, 0.5], ["a", "b"])  # lists are stored as tuples
    assert c.values == (1.0, 2.0) and c.labels == ("a", "b") and hash(c) == hash(c)


def test_scipy_distribution_identity_semantics() -> None:
    frozen = st.gamma(2.0, scale=3.0)
    a, b = ScipyDistribution(frozen), ScipyDistribution(frozen)
    assert a == b and hash(a) == hash(b)
    assert a != ScipyDistribution(st.gamma(2.0, scale=3.0))
    assert repr(a) == "ScipyDistribution(gamma(2, scale=3))"
    assert ScipyDistribution(st.poisson(4.0)).ppf(0.0) == 0.0  # scipy itself gives -1


# -- (f) the fast Beta ppf ------------------------------------------------------------------------
SHAPES = [0.5, 1.0, 2.0, 5.0, 17.0, 100.0]


@pytest.mark.parametrize(("a", "b"), list(itertools.product(SHAPES, SHAPES)))
def test_fast_beta_ppf_accuracy(a: float, b: float) -> None:
    rng = np.random.default_rng(0)
    u = np.concatenate([rng.random(20_000), np.linspace(0, 1, 20_001), [1e-6, 1 - 1e-6, 1e-12]])
    fast = beta_ppf(u, a, b, method="table")
    exact = sc.betaincinv(a, b, u)
    pos = exact > 0
    assert np.all(fast[~pos] == exact[~pos])
    assert np.max(np.abs(fast[pos] - exact[pos]) / exact[pos]) < 1e-10


@pytest.mark.parametrize(("a", "b"), [(1.632, 4.368), (11.0, 16.8), (2.0, 5.0), (0.7, 3.0), (17.0, 0.5), (9e3, 1e4)])
def test_screened_table_check_builds_the_exact_checks_tables(a: float, b: float, monkeypatch: Any) -> None:
    """The Newton screen of the table check only skips work: every table (range and coefficients) is the same."""
    import flopcast._ppf_table as pt

    def tables() -> list[Any]:
        pt._lower_tail_table.cache_clear()
        t = pt.BetaPpfTable(a, b)
        return [None if h is None else (h.t0, h.t1, h.coef) for h in (t.centre, t.lower, t.upper)]

    screened = tables()
    monkeypatch.setattr(pt, "_SCREEN_SHAPES", (np.inf, np.inf))  # the exact check at every point
    exact = tables()
    pt._lower_tail_table.cache_clear()
    for s, e in zip(screened, exact, strict=True):
        assert (s is None) == (e is None)
        if s is not None:
            assert s[:2] == e[:2] and np.array_equal(s[2], e[2])


def test_beta_ppf_uses_table_for_large_arrays() -> None:
    d = Beta(2.0, 5.0, 1.0, 3.0)
    u = np.random.default_rng(1).random(100_000)
    np.testing.assert_allclose(d.ppf(u), st.beta(2.0, 5.0, 1.0, 2.0).ppf(u), rtol=1e-10, atol=0)
    np.testing.assert_allclose(PERT(0, 1, 5).ppf(u), st.beta(1.8, 4.2, 0, 5).ppf(u), rtol=1e-10, atol=0)
    assert np.isnan(beta_ppf(np.array([np.nan] * 6_000), 2.0, 5.0)).all()


@pytest.mark.parametrize(("a", "b"), [(1.0 + 4.4e-16, 1.0 - 1.1e-16), (1.001, 0.999), (1.005, 0.3)])
def test_beta_ppf_far_tail_where_betaincinv_gives_nan(a: float, b: float) -> None:
    """scipy's betaincinv is NaN at u <= 2**-53 for alpha just above 1 and beta below 1: the series stands in."""
    u = np.array([2.0**-64, 2.0**-60, 2.0**-54])
    assert np.isnan(sc.betaincinv(a, b, u)).all()
    x = beta_ppf(u, a, b, method="table")
    np.testing.assert_allclose(sc.betainc(a, b, x), u, rtol=1e-12, atol=0)
    assert Beta(a, b).ppf(2.0**-64) > 0.0  # the representability check no longer rejects these shapes


@settings(max_examples=100, deadline=None)
@given(
    a=hs.floats(0.3, 300.0),
    b=hs.floats(0.3, 300.0),
    u=hs.lists(hs.floats(0.0, 1.0), min_size=1, max_size=200),
)
def test_fast_beta_ppf_properties(a: float, b: float, u: list[float]) -> None:
    us = np.sort(np.asarray(u))
    x = beta_ppf(us, a, b, method="table")
    assert np.all((x >= 0.0) & (x <= 1.0))
    # Monotone up to rounding (a few ulps) at the joins of interpolation intervals.
    assert np.all(np.diff(x) >= -4 * np.spacing(x[1:]))
    # cdf(ppf(u)) = u up to the 1e-10 relative error of x, propagated through the pdf.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        x_pdf = np.exp(a * np.log(x) + (b - 1.0) * np.log1p(-x) - sc.betaln(a, b))
    slack = np.where(np.isfinite(x_pdf), 2e-10 * x_pdf, 1.0)
    assert np.all(np.abs(sc.betainc(a, b, x) - us) <= slack + 1e-14)


def test_sample_accepts_seed_forms_and_never_uses_global_state():
    d = Normal(0.0, 1.0)
    ref = d.sample(5, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(d.sample(5, seed=7), ref)
    np.testing.assert_array_equal(d.sample(size=5, seed=7), ref)
    np.testing.assert_array_equal(d.sample(5, seed=np.random.SeedSequence(7)), ref)
    assert d.sample(4).shape == (4,)
    with pytest.raises(TypeError, match="required positional argument: 'size'"):
        d.sample()  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="either rng or seed"):
        d.sample(3, rng=np.random.default_rng(1), seed=2)
    with pytest.raises(TypeError, match="the first argument is the size; pass the generator as rng="):
        d.sample(np.random.default_rng(1))  # type: ignore[arg-type]  # a generator where the size goes


def test_quantiles_as_pairs_equal_the_mapping_form():
    from flopcast.constructors import lognormal, normal

    assert lognormal(quantiles=[(0.1, 10), (0.9, 60)]) == lognormal(quantiles={0.1: 10, 0.9: 60})
    assert normal(quantiles=((0.25, -1.0), (0.75, 1.0))) == normal(quantiles={0.25: -1.0, 0.75: 1.0})


def test_defined_moments_say_which_of_mean_and_variance_exist():
    import flopcast as fc
    from flopcast.distributions import ScipyDistribution

    assert [ScipyDistribution(d).defined_moments() for d in (st.cauchy(), st.t(1), st.t(2), st.t(3))] == [0, 0, 1, 2]
    assert [ScipyDistribution(st.pareto(b)).defined_moments() for b in (0.5, 1.5, 2.5)] == [0, 1, 2]
    assert fc.lognormal(1, 1e6).defined_moments() == fc.beta(mean=0.4, sd=0.1).defined_moments() == 2
    assert fc.truncated(st.cauchy(), -5, 5).defined_moments() == 2  # bounded: every moment exists
    assert fc.truncated(st.cauchy(), 0, None).defined_moments() == 0  # a half-Cauchy has no mean
    assert fc.mixture([fc.normal(0, 1), st.t(2)], weights=[0.9, 0.1]).defined_moments() == 1
    assert fc.mixture([fc.normal(0, 1), st.t(2)], weights=[1.0, 0.0]).defined_moments() == 2
