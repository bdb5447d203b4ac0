"""Calibration problems with known answers, shared by the calibration tests."""

import math

from scipy.special import ndtri

import flopcast as fc
from flopcast.analysis.observations import observe

Z90 = float(ndtri(0.95))
NUTS = {"n": 2000, "chains": 2, "tune": 700, "cores": 1}


def conjugate_model(mu0: float = 0.5, s0: float = 0.8, factor: float = 4.0) -> fc.Model:
    m = fc.Model("conjugate")
    m.assume("x", fc.LogNormal(mu0, s0))
    m.assume("factor", factor)

    @m.derive
    def y(x, factor):
        return factor * x

    return m


def conjugate_posterior(y_obs, sigma, mu0=0.5, s0=0.8, factor=4.0):
    """Median and 90% interval of x given log(y_obs) ~ N(log(factor x), sigma): a normal-normal update in log x."""
    prec = 1 / s0**2 + 1 / sigma**2
    mean = (mu0 / s0**2 + (math.log(y_obs) - math.log(factor)) / sigma**2) / prec
    sd = prec**-0.5
    return math.exp(mean), math.exp(mean - Z90 * sd), math.exp(mean + Z90 * sd), sd


def latency_model() -> fc.Model:
    """A small two-unknown calibration problem: time = work / rate + overhead, measured for several works."""
    m = fc.Model("latency")
    m.assume("work", 1.0, unit="FLOP")
    m.assume("rate", fc.lognormal(0.5, 5.0), unit="FLOP/s")
    m.assume("overhead", fc.lognormal(0.05, 2.0), unit="s")

    @m.derive(unit="s")
    def time(work, rate, overhead):
        return work / rate + overhead

    return m


def latency_observations():
    return [
        observe("time", 1.2, sigma=0.15, given={"work": 1.0}, subject="a"),
        observe("time", 5.5, sigma=0.15, given={"work": 10.0}, subject="b"),
        observe("time", 10.5, sigma=0.15, given={"work": 20.0}, subject="c"),
    ]
