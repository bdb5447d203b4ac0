"""Distribution families to PyMC: every continuous family maps, the rest are refused by name."""

import warnings

import numpy as np
import pytest

import flopcast as fc
from flopcast.analysis.calibration import calibrate
from flopcast.analysis.observations import observe


def test_pymc_mapping_of_every_continuous_family():
    import pymc as pm

    from flopcast.analysis.calibration.families import to_pymc

    dists = {
        "ln": fc.LogNormal(1.0, 0.5),
        "nm": fc.Normal(-2.0, 3.0),
        "un": fc.Uniform(1.0, 4.0),
        "lu": fc.LogUniform(1.0, 1e4),
        "be": fc.Beta(2.0, 5.0),
        "bs": fc.Beta(2.0, 5.0, 10.0, 20.0),
        "tr": fc.Triangular(0.0, 1.0, 4.0),
        "pe": fc.PERT(1.0, 2.0, 10.0),
        "tl": fc.truncated(fc.LogNormal(0.0, 1.0), 0.5, 3.0),
        "tu": fc.truncated(fc.LogUniform(1.0, 100.0), None, 10.0),
        "mx": fc.mixture([fc.Normal(0.0, 1.0), fc.LogNormal(2.0, 0.3)], [0.3, 0.7]),
    }
    with pm.Model():
        rvs = [to_pymc(d, name) for name, d in dists.items()]
        assert to_pymc(fc.point(3.0), "pt") == 3.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        draws = pm.draw(rvs, draws=6000, random_seed=0)
    for (name, dist), x in zip(dists.items(), draws, strict=True):
        for q in (0.1, 0.5, 0.9):
            assert float(dist.cdf(np.quantile(x, q))) == pytest.approx(q, abs=0.03), (name, q)


def test_nuts_refuses_scipy_distributions():
    import scipy.stats

    m = fc.Model("scipy")
    m.assume("x", scipy.stats.gamma(2.0))
    with pytest.raises(ValueError, match="scipy.*psis"):
        calibrate(m, [observe("x", 2.0)], method="nuts", n=100, seed=0)
