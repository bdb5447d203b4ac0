#!/usr/bin/env bash
# Builds the sdist and the wheel, installs the wheel into a fresh venv without extras and runs the smoke test
# (import, simulate, summary, `flopcast report --no-html` on the built-in model), then adds [all] and runs it again.
# Usage: bash scripts/wheel_smoke.sh [PYTHON]   (default: .venv/bin/python, which needs the `build` package)
# Prints the size of the venv after each install, as benchmarks/README.md reports.
set -euo pipefail
unset PYTHONPATH  # the venvs must import the installed wheel, not a source tree
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
py="${1:-$root/.venv/bin/python}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== build sdist and wheel"
"$py" -m build --outdir "$work/dist" "$root" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
ls "$work/dist"
wheel="$(ls "$work/dist"/flopcast-*.whl)"

echo "== fresh venv, core install (no extras)"
"$py" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --upgrade pip
"$work/venv/bin/python" -m pip install --quiet "$wheel"
echo "venv size, core: $(du -sm "$work/venv" | cut -f1) MB"
cd "$work"  # away from the source tree, so that the installed package is the one imported
timing='import time; t0 = time.perf_counter(); import flopcast as fc; t1 = time.perf_counter()
m = fc.Model("t"); m.assume("a", fc.lognormal(1, 10)); m.simulate(100_000, seed=1); t2 = time.perf_counter()
print(f"import flopcast: {t1 - t0:.2f} s; first simulate (1e5 draws) in a fresh process: {t2 - t1:.2f} s")'
"$work/venv/bin/python" -c "$timing"
"$work/venv/bin/python" "$root/scripts/smoke_install.py" core
"$work/venv/bin/flopcast" report --no-html --n 2000 --sensitivity-n 256 --out "$work/report" >/dev/null
test -s "$work/report/report.md"
echo "flopcast report --no-html: ok"

echo "== the same venv with [all]"
"$work/venv/bin/python" -m pip install --quiet "$wheel[all]"
echo "venv size, [all]: $(du -sm "$work/venv" | cut -f1) MB"
"$work/venv/bin/python" -c "$timing"
"$work/venv/bin/python" "$root/scripts/smoke_install.py" all
"$work/venv/bin/flopcast" report --n 2000 --sensitivity-n 256 --out "$work/report-all" >/dev/null
test -s "$work/report-all/report.html"
echo "wheel smoke test passed"
