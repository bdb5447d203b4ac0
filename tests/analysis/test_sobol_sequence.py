"""flopcast's scrambled Sobol' sequence is scipy.stats.qmc.Sobol's, point for point, without importing scipy.stats."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest
from scipy.stats import qmc

from flopcast.analysis import sobol_sequence
from flopcast.analysis.sobol_sequence import ScrambledSobol, sobol_engine


@pytest.mark.parametrize("d", [1, 2, 7, 40, 64])
@pytest.mark.parametrize("seed", [0, 2024])
@pytest.mark.parametrize("bits", [30, 32, 12])
def test_points_equal_scipys(d: int, seed: int, bits: int) -> None:
    ours_rng, scipy_rng = np.random.default_rng(seed), np.random.default_rng(seed)
    ours = sobol_engine(d, bits, ours_rng)
    assert isinstance(ours, ScrambledSobol)
    theirs = qmc.Sobol(d, scramble=True, bits=bits, rng=scipy_rng)
    for n in (1, 7, 8, 256, 1000):  # the sequence continues across calls
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # scipy's note on balance when n is not a power of two
            expected = theirs.random(n)
        np.testing.assert_array_equal(ours.random(n), expected)
    assert ours_rng.random() == scipy_rng.random()  # the caller's generator is left in the same state


def test_without_the_data_file_scipys_engine_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sobol_sequence, "_direction_numbers", lambda: None)
    engine = sobol_engine(3, 30, np.random.default_rng(5))
    assert isinstance(engine, qmc.Sobol)
    expected = qmc.Sobol(3, scramble=True, bits=30, rng=np.random.default_rng(5)).random(8)
    np.testing.assert_array_equal(engine.random(8), expected)


def test_sobol_indices_do_not_import_scipy_stats() -> None:
    code = (
        "import sys, flopcast as fc\n"
        "from flopcast.analysis.sobol import sobol\n"
        "m = fc.Model('m')\n"
        "_ = m.assume('a', fc.uniform(0, 1))\n"
        "_ = m.assume('b', fc.lognormal(1, 10))\n"
        "@m.derive\ndef y(a, b):\n    return a * b\n"
        "sobol(m, 'y', n=256, seed=1)\n"
        "print('scipy.stats' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
