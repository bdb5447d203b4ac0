"""Each likelihood kind: numpy log-density, PyTensor log-density and noise agree with scipy.stats."""

import numpy as np
import pytest
from scipy import stats

from flopcast.analysis.likelihoods import LIKELIHOODS

PRED = np.array([0.5, 1.0, 2.0, 7.5])
VALUE, SIGMA = 2.0, 0.4

# The log-likelihood of each kind as scipy.stats writes it (constants included).
REFERENCE = {
    "relative": lambda pred: stats.lognorm(SIGMA, scale=pred).logpdf(VALUE),
    "absolute": lambda pred: stats.norm(pred, SIGMA).logpdf(VALUE),
    "at_most": lambda pred: stats.norm.logcdf((np.log(VALUE) - np.log(pred)) / SIGMA),
    "at_least": lambda pred: stats.norm.logsf((np.log(VALUE) - np.log(pred)) / SIGMA),
}


@pytest.mark.parametrize("kind", sorted(LIKELIHOODS))
def test_numpy_log_density_is_scipys_up_to_a_constant(kind):
    got = LIKELIHOODS[kind].log_density(VALUE, SIGMA, PRED)
    diff = got - REFERENCE[kind](PRED)
    np.testing.assert_allclose(diff, diff[0], atol=1e-10)
    if kind in ("at_most", "at_least"):
        assert diff[0] == pytest.approx(0.0, abs=1e-12)  # bounds keep their constants: they are probabilities


@pytest.mark.parametrize("kind", sorted(LIKELIHOODS))
def test_pytensor_log_density_is_scipys(kind):
    pytest.importorskip("pymc")
    got = LIKELIHOODS[kind].pytensor_log_density(VALUE, SIGMA, PRED).eval()
    # PyMC's normal log-CDF is an approximation good to ~1e-7 relative; its log-densities are exact formulas.
    rtol = 1e-6 if kind in ("at_most", "at_least") else 1e-10
    np.testing.assert_allclose(got, REFERENCE[kind](PRED), rtol=rtol)


def test_predictions_out_of_support_get_minus_infinity():
    pred = np.array([-1.0, 0.0, np.nan])
    for kind in ("relative", "at_least"):
        assert LIKELIHOODS[kind].log_density(VALUE, SIGMA, pred).tolist() == [-np.inf] * 3
    assert LIKELIHOODS["at_most"].log_density(VALUE, SIGMA, pred[:2]).tolist() == [0.0, 0.0]
    assert LIKELIHOODS["absolute"].log_density(VALUE, SIGMA, pred)[2] == -np.inf


def test_noise_has_the_likelihoods_distribution():
    """Simulated measurements of a prediction of 2: lognormal and normal with the right spread (n = 200,000).

    The standard error of a sample standard deviation is sigma / sqrt(2 n) = 0.0016 sigma; 1% is > 6 of them.
    """
    rng = np.random.default_rng(0)
    pred = np.full(200_000, 2.0)
    rel = LIKELIHOODS["relative"].noise(SIGMA, pred, rng)
    assert np.std(np.log(rel)) == pytest.approx(SIGMA, rel=0.01)
    assert np.median(rel) == pytest.approx(2.0, rel=0.01)
    ab = LIKELIHOODS["absolute"].noise(SIGMA, pred, rng)
    assert np.std(ab) == pytest.approx(SIGMA, rel=0.01)
    assert LIKELIHOODS["at_most"].noise(SIGMA, pred, rng) is pred
