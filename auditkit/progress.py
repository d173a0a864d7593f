"""Progress output that suits where it goes: a bar on a terminal, plain lines in a log, or nothing.

A tqdm bar redraws itself with carriage returns; in a cron mail or a CI log that is one long line of
``\\r`` junk. :class:`StageProgress` draws the bar only when the stream is a terminal; otherwise it
writes one plain line per finished stage (at most one every ``min_interval`` seconds, and always the
last), and with ``quiet`` it writes nothing.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from tqdm import tqdm

__all__ = ["StageProgress"]


class StageProgress:
    """Progress over ``total`` named stages of one job called ``desc``."""

    def __init__(
        self,
        total: int,
        desc: str,
        *,
        quiet: bool = False,
        stream: TextIO | None = None,
        min_interval: float = 0.0,
    ) -> None:
        self.total = total
        self.desc = desc
        self.quiet = quiet
        self.stream = stream if stream is not None else sys.stderr
        self.min_interval = min_interval
        self.done = 0
        self._last_line = -float("inf")
        is_tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._bar: tqdm | None = None  # type: ignore[type-arg]
        if not quiet and is_tty:
            self._bar = tqdm(
                total=total, desc=desc, unit="stage", leave=False, file=self.stream, disable=False
            )

    @property
    def mode(self) -> str:
        """``"bar"``, ``"lines"`` or ``"quiet"``."""
        if self.quiet:
            return "quiet"
        return "bar" if self._bar is not None else "lines"

    def start(self, name: str) -> None:
        if self._bar is not None:
            self._bar.set_postfix_str(name)

    def finish(self, name: str, seconds: float) -> None:
        """Count one finished stage (a bar tick, or a plain line when it is time for one)."""
        self.done += 1
        if self._bar is not None:
            self._bar.update(1)
            return
        if self.quiet:
            return
        now = time.monotonic()
        if now - self._last_line >= self.min_interval or self.done >= self.total:
            self._last_line = now
            print(
                f"{self.desc}: {name} done in {seconds:.1f} s ({self.done}/{self.total})",
                file=self.stream,
                flush=True,
            )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
