#!/usr/bin/env bash
# Sets everything up, then runs the linters, the type checker, the docs build and the test suite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FLOPCAST_EXTRAS="test,docs" bash "$root/scripts/setup.sh"
cd "$root"
py=.venv/bin/python
echo "== ruff";  $py -m ruff check .
echo "== ruff format"; $py -m ruff format --check .
echo "== mypy";  $py -m mypy
echo "== pytest"; $py -m pytest "$@"
