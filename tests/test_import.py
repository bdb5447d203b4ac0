"""``import flopcast`` stays light: heavy optional dependencies load only when used."""

import subprocess
import sys


def test_import_does_not_load_heavy_dependencies():
    heavy = ["xarray", "arviz", "arviz_base", "arviz_stats", "pymc", "pytensor", "pint", "SALib", "dask",
             "matplotlib", "scipy.stats", "pandas"]  # fmt: skip
    code = f"import sys, flopcast; print(','.join(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
