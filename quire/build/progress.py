"""What the build is doing, while it does it: a status line and the seconds of each stage.

Vocabulary:

- :class:`Progress`: the build's stages report to it (``with progress.stage("parse")``). On a
  terminal it keeps one status line up to date (rich's status spinner on stderr); elsewhere
  it prints nothing, so logs and pipes stay clean.
- :attr:`Progress.timings`: the seconds of each stage, in the order they ran; ``--timings``
  prints them as a table at the end.

Stages that run side by side (the formats) are timed each on their own, so the
seconds of the table can add up to more than the wall-clock time.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator, TextIO


@dataclass
class Progress:
    """Collects stage timings; shows the running stages on a terminal when ``live``."""

    live: bool = False
    stream: TextIO | None = None
    timings: list[tuple[str, float]] = field(default_factory=list)
    _running: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _status: object = None

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block as stage ``name`` and show it as running meanwhile."""
        start = time.perf_counter()
        with self._lock:
            self._running.append(name)
            self._show()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - start
            with self._lock:
                self._running.remove(name)
                self.timings.append((name, elapsed))
                self._show()

    def close(self) -> None:
        """Remove the status line (if any)."""
        if self._status is not None:
            self._status.stop()  # type: ignore[attr-defined]
            self._status = None

    def _show(self) -> None:
        if not self.live:
            return
        text = "building: " + (", ".join(self._running) if self._running else "…")
        if self._status is None:
            from rich.console import Console

            console = Console(file=self.stream, stderr=self.stream is None, force_terminal=True)
            self._status = console.status(text, spinner="dots")
            self._status.start()  # type: ignore[attr-defined]
        else:
            self._status.update(text)  # type: ignore[attr-defined]

    def table(self) -> str:
        """The timings as aligned lines, one stage a line."""
        width = max([len(name) for name, _ in self.timings] + [5])
        lines = [f"{name:<{width}}  {seconds:7.2f} s" for name, seconds in self.timings]
        return "\n".join(lines)
