"""``import flopcast`` stays light: heavy optional dependencies load only when used."""

import subprocess
import sys


def test_import_does_not_load_heavy_dependencies():
    heavy = ["xarray", "arviz", "arviz_base", "arviz_stats", "pymc", "pytensor", "pint", "SALib", "dask",
             "matplotlib", "scipy.stats", "pandas"]  # fmt: skip
    code = f"import sys, flopcast; print(','.join(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_simulate_sensitivity_and_psis_need_neither_pymc_nor_salib():
    # The core install leaves PyMC/PyTensor ([bayes]) and SALib (tests only) out: the core paths must not import them.
    code = """
import sys
import flopcast as fc
m = fc.Model("m")
m.assume("a", fc.lognormal(1, 10))
m.assume("b", fc.uniform(1, 2))
@m.derive
def c(a, b):
    return a * b
res = m.simulate(5000, seed=1)
res.summary(full=True)
res.prob("c > 3")
(fc.to(1, 2) * fc.to(3, 4)).summary(n=1000, seed=1)
fc.sobol(m, "c", n=2**8, seed=1)
fc.tornado(m, "c")
fc.calibrate(m, [fc.observe("c", 5.0, sigma=0.3)], method="psis", n=5000, seed=1).summary()
print("loaded:" + ",".join(x for x in ("pymc", "pytensor", "SALib") if x in sys.modules))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().splitlines()[-1] == "loaded:"


def test_nuts_without_pymc_names_the_extra():
    code = """
import sys
sys.modules["pymc"] = None  # as if PyMC were not installed
import flopcast as fc
m = fc.Model("m")
m.assume("a", fc.lognormal(1, 10))
try:
    fc.calibrate(m, [fc.observe("a", 5.0, sigma=0.3)], method="nuts", seed=1)
except fc.errors.FlopcastValueError as exc:
    print(exc)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "pip install 'flopcast[bayes]'" in out.stdout, out.stderr[-3000:]


def test_report_without_matplotlib_is_written_without_figures(tmp_path):
    code = f"""
import sys
sys.modules["matplotlib"] = None  # as in the core install, without the [plots] extra
import flopcast as fc
from flopcast.report import write_report
m = fc.Model("m")
m.assume("a", fc.lognormal(1, 10))
@m.derive
def b(a):
    return 2 * a
report = write_report(m, {str(tmp_path / "rep")!r}, n=2000, seed=1, sensitivity_n=64, html=False)
print(sorted(report.files))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "forest" not in out.stdout and "markdown" in out.stdout
    assert (tmp_path / "rep" / "report.md").is_file() and not list((tmp_path / "rep").glob("*.png"))
