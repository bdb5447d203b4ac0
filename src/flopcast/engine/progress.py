"""A minimal progress bar on standard error, shown only for runs expected to last more than a second."""

from __future__ import annotations

import sys
import time

__all__ = ["Progress", "Stages"]


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


class Stages:
    """Name each stage of a longer task on standard error as it runs, with its time when it ends.

    ``enabled=None`` shows the stages only when standard error is a terminal; the times are kept either way
    (:attr:`times`, seconds per stage), so a caller can report them.

    Examples
    --------
    >>> stages = Stages(enabled=False)
    >>> with stages("simulation"):
    ...     pass
    >>> list(stages.times)
    ['simulation']
    """

    def __init__(self, enabled: bool | None, total: int | None = None, prefix: str = "") -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.total = total
        self.prefix = prefix
        self.times: dict[str, float] = {}

    def __call__(self, name: str, detail: str = "") -> _Stage:
        """A context manager around one stage called ``name`` (``detail`` is shown beside it)."""
        return _Stage(self, name, detail)


class _Stage:
    def __init__(self, stages: Stages, name: str, detail: str) -> None:
        self.stages, self.name, self.detail = stages, name, detail

    def _line(self, end: str) -> str:
        s = self.stages
        count = len(s.times) + 1
        step = f"[{count}/{s.total}] " if s.total else ""
        detail = f" ({self.detail})" if self.detail else ""
        return f"{s.prefix}{step}{self.name}{detail} ... {end}"

    def __enter__(self) -> _Stage:
        self.start = time.perf_counter()
        if self.stages.enabled:  # the time ends this line when the stage ends
            sys.stderr.write(self._line(""))
            sys.stderr.flush()
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        elapsed = time.perf_counter() - self.start
        if self.stages.enabled:
            # Rewrite the whole line: a progress bar of the stage may have written over it.
            sys.stderr.write("\r" + self._line(f"{elapsed:.1f} s" if kind is None else "failed") + "\n")
            sys.stderr.flush()
        self.stages.times[self.name] = elapsed
