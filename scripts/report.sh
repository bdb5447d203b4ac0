#!/usr/bin/env bash
# Sets everything up, then runs the main job: the Sora report on the built-in uncertain model (./flopcast-report).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FLOPCAST_EXTRAS="all" bash "$root/scripts/setup.sh"
cd "$root"
exec .venv/bin/flopcast report "$@"
