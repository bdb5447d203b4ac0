"""Run the flopcast command: ``python -m flopcast``."""

from flopcast.cli import run

raise SystemExit(run())
