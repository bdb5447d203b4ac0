"""The highest-density interval equals ArviZ's (method "nearest"), without importing ArviZ."""

import subprocess
import sys

import numpy as np
import pytest

from flopcast import stats


@pytest.mark.parametrize("n", [1, 2, 3, 10, 1001, 100_000])
@pytest.mark.parametrize("prob", [0.5, 0.9, 0.95])
def test_hdi_equals_arviz(n: int, prob: float):
    array_stats = pytest.importorskip("arviz_stats.base").array_stats
    x = np.random.default_rng(n).lognormal(size=n)
    assert stats.hdi(x, prob) == tuple(float(v) for v in array_stats.hdi(x, prob))


def test_hdi_of_a_uniform_sample_is_any_narrowest_window():
    x = np.arange(101.0)  # equally spaced: every window of 90 steps is as narrow; the first is taken
    assert stats.hdi(x, 0.9) == (0.0, 90.0)


def test_summary_does_not_import_arviz():
    code = (
        "import sys, flopcast as fc\n"
        "m = fc.Model('m'); m.assume('a', fc.lognormal(1, 10))\n"
        "m.simulate(1000, seed=0).summary()\n"
        "print('arviz_stats' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
