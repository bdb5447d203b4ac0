#!/usr/bin/env bash
# Sets everything up, then runs the main job: the Sora intervals on the built-in model.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FLOPCAST_EXTRAS="all" bash "$root/scripts/setup.sh"
cd "$root"
exec .venv/bin/python examples/sora_intervals.py "$@"
