"""A minimal progress bar on standard error, shown only for runs expected to last more than a second."""

from __future__ import annotations

import sys
import time

__all__ = ["Progress"]


class Progress:
    """Report the share of draws done; decides after the first chunk whether the run is long enough to show."""

    def __init__(self, total: int, enabled: bool | None, label: str = "simulating") -> None:
        self.total = total
        self.enabled = enabled
        self.label = label
        self.start = time.perf_counter()
        self.done = 0
        self._shown = False

    def update(self, count: int) -> None:
        """Add ``count`` finished draws."""
        self.done += count
        elapsed = time.perf_counter() - self.start
        if self.enabled is None:
            # Auto mode: on a terminal, and only when the projected run time exceeds a second.
            projected = elapsed * self.total / max(self.done, 1)
            self.enabled = projected > 1.0 and sys.stderr.isatty()
        if self.enabled:
            self._shown = True
            share = self.done / self.total
            bar = "#" * int(30 * share)
            sys.stderr.write(f"\r{self.label} [{bar:<30}] {share:6.1%} {elapsed:6.1f} s")
            sys.stderr.flush()

    def close(self) -> None:
        """End the line of the bar, if one was shown."""
        if self._shown:
            sys.stderr.write("\n")
            sys.stderr.flush()
