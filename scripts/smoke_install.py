"""Smoke test of an installed flopcast (run by scripts/wheel_smoke.sh in a fresh venv, outside the source tree).

``core``: the light install must import, simulate, summarize, answer a quick estimate, run Sobol' and PSIS
calibration without PyMC, PyTensor or SALib, and name the [bayes] extra when NUTS is asked for. ``all``: the
extras are importable.
"""

import sys

import flopcast as fc

extras = sys.argv[1] if len(sys.argv) > 1 else "core"
assert "site-packages" in fc.__file__, f"flopcast should come from the installed wheel, not {fc.__file__}"

m = fc.Model("smoke")
m.assume("train_flop", fc.lognormal(1e24, 1e25), unit="FLOP")
m.assume("rate", fc.uniform(3e14, 5e14), unit="FLOP/s/GPU")
m.assume("seconds_per_day", 86400, unit="s/day")


@m.derive(unit="GPU*day")
def gpu_days(train_flop, rate, seconds_per_day):
    """GPU-days of the training run."""
    return train_flop / rate / seconds_per_day


res = m.simulate(20_000, seed=1)
print(res.summary())
print((fc.to(1, 10) * fc.to(2, 3)).summary(seed=1))
print(res.prob("gpu_days > 1e5"))
fc.sobol(m, "gpu_days", n=2**9, seed=1)
post = fc.calibrate(m, [fc.observe("gpu_days", 1e5, sigma=0.3)], method="psis", n=20_000, seed=1)
print(post.summary())

if extras == "core":
    for heavy in ("pymc", "pytensor", "SALib", "matplotlib"):
        assert heavy not in sys.modules, f"the core install imported {heavy}"
    try:
        fc.calibrate(m, [fc.observe("gpu_days", 1e5, sigma=0.3)], method="nuts", seed=1)
    except fc.errors.FlopcastError as exc:
        assert "flopcast[bayes]" in str(exc), exc
        print("NUTS without PyMC:", exc)
    else:
        raise AssertionError("NUTS ran without PyMC installed?")
else:
    import dask.distributed  # noqa: F401
    import matplotlib  # noqa: F401
    import pymc  # noqa: F401

print(f"smoke test passed ({extras})")
