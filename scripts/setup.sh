#!/usr/bin/env bash
# Creates .venv with a Python >= 3.12 and installs flopcast with the extras named in $FLOPCAST_EXTRAS.
# Sourced by report.sh and test.sh; safe to run again (it reinstalls only when pyproject.toml changed).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
extras="${FLOPCAST_EXTRAS:-all}"

find_python() {
    # PyMC >= 6 and ArviZ >= 1 need Python >= 3.12; an older interpreter would silently get PyMC 5 / ArviZ 0.x.
    local candidates=(python3.13 python3.12 python3 python)
    if command -v pyenv >/dev/null 2>&1; then
        local v
        for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9]|[2-9][0-9])' | sort -rV); do
            candidates+=("$(pyenv root)/versions/$v/bin/python")
        done
    fi
    local c
    for c in "${candidates[@]}"; do
        if command -v "$c" >/dev/null 2>&1 &&
            "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
            # pyenv shims answer for versions that are not active: make sure this one really runs.
            "$c" -c 'import venv' 2>/dev/null && { command -v "$c"; return 0; }
        fi
    done
    return 1
}

if [ ! -x "$venv/bin/python" ]; then
    if ! py="$(find_python)"; then
        echo "flopcast needs Python >= 3.12 (PyMC >= 6 and ArviZ >= 1 require it), and none was found." >&2
        echo "Install one (for example 'pyenv install 3.12') and run this command again." >&2
        exit 1
    fi
    echo "Creating .venv with $("$py" --version) ..."
    "$py" -m venv "$venv"
fi

stamp="$venv/.installed-$extras"
if [ ! -f "$stamp" ] || [ "$root/pyproject.toml" -nt "$stamp" ]; then
    echo "Installing flopcast[$extras] into .venv (first run takes a minute or two) ..."
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet -e "$root[$extras]"
    touch "$stamp"
fi
