"""The side channel every stage shares: the run's log, stage timings and progress."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from auditkit.progress import StageProgress

__all__ = ["RunLog", "run_log"]


class RunLog:
    """Times stages, logs them to the run's ``audit.log`` and shows progress.

    ``timings`` (stage → seconds) go to ``audit.log`` and the result, never to ``summary.json``.
    """

    def __init__(
        self,
        logger: logging.Logger,
        progress: StageProgress,
        on_stage: Callable[[str, float], None] | None = None,
    ) -> None:
        self.log = logger
        self.progress = progress
        self.on_stage = on_stage
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        from auditkit.io.accumulate import release_memory

        self.progress.start(name)
        began = time.perf_counter()
        self.log.info("stage %s: start", name)
        yield
        release_memory()  # what the stage freed goes back to the OS, not into the next peak
        self.record(name, time.perf_counter() - began)

    def record(self, name: str, elapsed: float, *, cpu_seconds: float | None = None) -> None:
        """Report a stage timed elsewhere (e.g. on a worker thread): its wall seconds and, when
        known, the CPU seconds of the thread that ran it (logged only)."""
        self.timings[name] = round(elapsed, 3)
        if cpu_seconds is None:
            self.log.info("stage %s: done in %.2f s", name, elapsed)
        else:
            self.log.info("stage %s: done in %.2f s (%.2f s CPU)", name, elapsed, cpu_seconds)
        self.progress.finish(name, elapsed)
        if self.on_stage is not None:
            self.on_stage(name, elapsed)


@contextmanager
def run_log(out_dir: Path) -> Iterator[logging.Logger]:
    """A logger writing this run's ``audit.log`` (not propagated: the console stays quiet)."""
    logger = logging.getLogger(f"auditkit.audit.run.{id(out_dir)}")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    handler = logging.FileHandler(out_dir / "audit.log", mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    try:
        yield logger
    finally:
        logger.removeHandler(handler)
        handler.close()
