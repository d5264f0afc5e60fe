"""Progress on stderr for long work — only when stderr is a terminal, nothing when piped
(issue 6). Imports nothing from driverparty."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """``with Progress("importing", total) as p: p.step()`` → ``importing 1200/20000``."""

    def __init__(
        self, label: str, total: int, stream: TextIO | None = None, every: float = 0.1
    ) -> None:
        self.stream = stream or sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)()) and total > 0
        self.label = label
        self.total = total
        self.done = 0
        self.every = every
        self.last = 0.0

    def __enter__(self) -> Progress:
        return self

    def step(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last >= self.every or self.done >= self.total:
            self.last = now
            self.stream.write(f"\r{self.label} {self.done}/{self.total}\033[K")
            self.stream.flush()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Clear the line, so what follows on stderr starts clean."""
        if self.enabled and self.done:
            self.stream.write("\r\033[K")
            self.stream.flush()
