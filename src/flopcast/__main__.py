"""Run the flopcast command: ``python -m flopcast``."""

from flopcast.cli import main

raise SystemExit(main())
