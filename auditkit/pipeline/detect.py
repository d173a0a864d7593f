"""Stage *detect*: every requested detector on the battle table → typed findings.

A detector that already ran while the input streamed keeps that result; a per-vote detector with
the ledger's cache (nightly) scans only the votes it has not judged under this rule pack.

The detectors that read the table and nothing else run side by side on a few threads: they do not
depend on each other, and numpy, pandas and Arrow release the GIL for much of their work, so the
voter audit no longer waits for the others on the same core. What stays on the calling thread: a
result the stream already gave, a detector reading the ledger's cache (an SQLite connection belongs
to its thread), and a detector from outside auditkit (nothing says it is safe beside another).
Every result is a function of the table, the rules and the seed only, so thread timing changes no
finding; results, notes and timings are listed in plan order whatever order the threads end in.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from auditkit.detectors.base import Detector, DetectorResult, Finding, get_detector
from auditkit.errors import InputError
from auditkit.pipeline.cache import CacheWrites, detect_with_cache

if TYPE_CHECKING:
    from auditkit.ledger import Ledger
    from auditkit.pipeline.stage import RunLog
    from auditkit.rulepack import RulePack
    from auditkit.schema import BattleTable

__all__ = ["Detected", "detect_stage", "side_by_side"]

# At most this many detectors at once: the machines we measure on have 2 cores, and each more
# thread holds one more detector's working memory at once.
MAX_THREADS = 2
# Above this many votes the detectors run one after the other: at 10M votes the voter audit and
# the population check side by side peaked at 2.94 GiB against 2.40 GiB one after the other (the
# target is < 3 GiB); at 1M the peak (0.85 GiB) is the load's, not theirs.
SIDE_BY_SIDE_MAX_ROWS = 5_000_000


@dataclass(frozen=True)
class Detected:
    """Each detector's result (in run order), all findings in one sorted list, their notes."""

    results: tuple[DetectorResult, ...]
    findings: tuple[Finding, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class _Timed:
    """One detector's result, the wall seconds from its start to its end and its thread's CPU."""

    result: DetectorResult
    seconds: float
    cpu_seconds: float


def _timed(work: Callable[[], DetectorResult]) -> _Timed:
    from auditkit.io.accumulate import release_memory

    began, cpu = time.perf_counter(), time.thread_time()
    result = work()
    # What the detector freed goes back to the OS, not into the next one's peak (as after every
    # stage; glibc keeps a heap per thread, and malloc_trim trims them all).
    release_memory()
    return _Timed(result, time.perf_counter() - began, time.thread_time() - cpu)


def side_by_side(detector_cls: type[Detector]) -> bool:
    """Whether a detector may run beside others on a worker thread: auditkit's own detectors only
    read the table and the rules (a third-party one runs on the calling thread)."""
    return detector_cls.__module__.startswith("auditkit.detectors.")


def detect_stage(
    battles: BattleTable,
    pack: RulePack,
    names: Sequence[str],
    *,
    seed: int,
    named_by_caller: bool,
    streamed: Mapping[str, DetectorResult],
    ledger: Ledger | None,
    use_cache: bool,
    cache_writes: CacheWrites,
    run: RunLog,
    threads: int | None = None,
) -> Detected:
    """Run ``names``, each reported as its own timed stage, in plan order.

    A name no installed detector has is an input error when the caller named it
    (``named_by_caller``), else a "not installed" result and a note. ``threads``: how many
    detectors may run at once (default: the CPUs, at most :data:`MAX_THREADS`, and one at a time
    above :data:`SIDE_BY_SIDE_MAX_ROWS` votes, for memory; 1 runs them one after the other).
    Overlapping detectors' timings are each one's own wall seconds from its start to its end, so
    they add up to more than the detect stages' wall time (``audit.log`` also gives each one's
    CPU seconds on its thread).
    """
    classes: dict[str, type[Detector] | None] = {}
    for name in names:
        try:
            classes[name] = get_detector(name)
        except KeyError:
            if named_by_caller:
                raise InputError(f"unknown detector {name!r}") from None
            classes[name] = None

    def work(name: str, detector_cls: type[Detector]) -> Callable[[], DetectorResult]:
        detector = detector_cls(random_state=seed)
        if name in streamed:
            done = streamed[name]
            return lambda: done
        if use_cache and ledger is not None and detector_cls.per_vote:
            return lambda: detect_with_cache(detector, name, battles, pack, ledger, cache_writes)
        return lambda: detector.detect(battles, pack)

    pooled = [
        name
        for name, cls in classes.items()
        if cls is not None
        and name not in streamed
        and not (use_cache and ledger is not None and cls.per_vote)
        and side_by_side(cls)
    ]
    workers = min(len(pooled), threads or min(os.cpu_count() or 1, MAX_THREADS))
    if threads is None and len(battles) > SIDE_BY_SIDE_MAX_ROWS:
        workers = 1
    timed: dict[str, _Timed | Future[_Timed] | Callable[[], DetectorResult]] = {}
    pool = (
        ThreadPoolExecutor(workers, thread_name_prefix="auditkit-detect") if workers > 1 else None
    )
    try:
        if pool is not None:
            # Submitted in plan order: the first (in the default plan the voter audit, the
            # longest) starts at once, the others follow it as threads come free.
            for name in pooled:
                detector_cls = classes[name]
                assert detector_cls is not None
                timed[name] = pool.submit(_timed, work(name, detector_cls))
        for name, detector_cls in classes.items():
            if detector_cls is not None and name not in timed:
                job = work(name, detector_cls)
                # Beside a pool: run now, while the pool works; alone: when its turn comes, so
                # each is reported as soon as it is done.
                timed[name] = _timed(job) if pool is not None else job
        detected = _collect(names, classes, timed, run)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return detected


def _collect(
    names: Sequence[str],
    classes: Mapping[str, type[Detector] | None],
    timed: Mapping[str, _Timed | Future[_Timed] | Callable[[], DetectorResult]],
    run: RunLog,
) -> Detected:
    """Results, notes and timings in plan order (waiting for each in turn, or running it when
    it is a job for this thread), findings sorted."""
    results: list[DetectorResult] = []
    notes: list[str] = []
    for name in names:
        if classes[name] is None:
            notes.append(f"detector {name} is not installed; it did not run")
            run.log.warning("detector %s not available", name)
            results.append(
                DetectorResult(name, summary={"ran": False, "not_run_reason": "not installed"})
            )
            run.record(name, 0.0)
            continue
        entry = timed[name]
        if isinstance(entry, Future):
            done = entry.result()
        elif isinstance(entry, _Timed):
            done = entry
        else:
            done = _timed(entry)
        result = done.result
        results.append(result)
        notes.extend(f"{name}: {n}" for n in result.notes)
        run.log.info("%s", result.summary_text())
        run.record(name, done.seconds, cpu_seconds=done.cpu_seconds)
    findings = sorted(
        (f for r in results for f in r.findings),
        key=lambda f: (f.detector, f.rule, f.subject, f.vote_id or "", f.finding_id),
    )
    return Detected(tuple(results), tuple(findings), tuple(notes))
