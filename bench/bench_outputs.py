"""Benchmark: the audit after the cleaning (ratings, robustness, outputs, report), started early or not.

Run: ``.venv/bin/python bench/bench_outputs.py [--file F] [--rounds R]`` (default file:
``bench_scale``'s 1M-battle file with conversations on 10 %, which ``bench/bench_scale.py --sizes 1M
--text-fraction 0.1`` creates).

The file is loaded (streamed on the local engine), audited and cleaned once; then, in ``R``
interleaved rounds, the rest of the audit runs into a fresh folder two ways:

- *sequential*: the ratings and their robustness first, then the run folder's files with the
  cleaned battles started after ``invalidations.jsonl`` and every figure handed to the worker in
  the write stage (the order before ``pipeline.outputs.start_outputs``);
- *early*: the cleaned battles and the figures that need no ratings started as soon as the votes
  are cleaned, so they run beside the single-threaded ratings and robustness (the audit's order).

Printed per way: the median wall seconds, CPU seconds of this process (every thread) and of the
figure worker (a forked process, measured when it exits), and the early way's ratios to the
sequential one. The output files of both ways are compared byte for byte (decoded for ``.gz``) and
must be equal. Wall seconds only mean something on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from auditkit.clean import apply_policy
from auditkit.pipeline.cache import CacheWrites
from auditkit.pipeline.config import AuditConfig
from auditkit.pipeline.detect import detect_stage
from auditkit.pipeline.load import load_stage
from auditkit.pipeline.run import AuditPlan, rate_and_report
from auditkit.pipeline.stage import RunLog, run_log
from auditkit.progress import StageProgress
from auditkit.report.figures import FigureProcess

DEFAULT_FILE = Path(tempfile.gettempdir()) / "auditkit-bench-scale" / "arena2-1M-text0.1-000.jsonl"
# Seconds the figure worker is given to start and import matplotlib before a round (in an audit
# it does so while the battles load).
WARM_SECONDS = 3.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _digests(folder: Path) -> dict[str, str]:
    """Each output file's sha256 (of the decoded text for ``.gz``); the log and the run's own
    timestamps (``summary.json``, the pages) are left out."""
    found = {}
    for path in sorted(folder.iterdir()):
        if path.is_dir() or path.name in {"audit.log", "summary.json", "report.html", "report.md"}:
            continue
        data = path.read_bytes()
        found[path.name] = hashlib.sha256(gzip.decompress(data) if path.suffix == ".gz" else data)
    return {name: digest.hexdigest() for name, digest in found.items()}


def _prepared(source: Path) -> tuple[AuditPlan, Any, Any, Any]:
    """The plan, the load, the detectors' results and the cleaning of ``source``, once."""
    out = Path(tempfile.mkdtemp(prefix="bench-outputs-load-"))
    config = AuditConfig.of([source], out_dir=out, db_path=None, quiet=True, engine="local")
    plan = AuditPlan.of(config)
    cache: CacheWrites = {}
    with run_log(out) as logger:
        run = RunLog(logger, StageProgress(1, "load", quiet=True))
        loaded = load_stage(config, plan.pack, plan.names, logger, cache)
        detected = detect_stage(
            loaded.loaded.battles,
            plan.pack,
            plan.names,
            seed=config.seed,
            named_by_caller=False,
            streamed=loaded.streamed,
            ledger=None,
            use_cache=False,
            cache_writes=cache,
            run=run,
        )
    cleaning = apply_policy(loaded.loaded.battles, list(detected.findings), plan.pack, {})
    return plan, loaded, detected, cleaning


def one_round(prepared: tuple[AuditPlan, Any, Any, Any], early: bool) -> dict[str, Any]:
    """Ratings, robustness, the run folder's files and the report into a fresh folder."""
    plan, loaded, detected, cleaning = prepared
    out = Path(tempfile.mkdtemp(prefix="bench-outputs-"))
    plan = replace(plan, config=replace(plan.config, out_dir=out))
    before = _children_cpu()
    with FigureProcess() as figures, run_log(out) as logger:
        time.sleep(WARM_SECONDS)
        run = RunLog(logger, StageProgress(3, "rest", quiet=True))
        began, cpu = time.perf_counter(), time.process_time()
        rate_and_report(plan, run, loaded, detected, cleaning, figures, early=early)
        wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    worker = _children_cpu() - before
    digests = _digests(out)
    return {"wall": wall, "cpu": cpu, "worker_cpu": worker, "digests": digests}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    if not args.file.is_file():
        print(f"no such file: {args.file} (bench/bench_scale.py creates it)", file=sys.stderr)
        return 2
    prepared = _prepared(args.file)
    runs: dict[bool, list[dict[str, Any]]] = {False: [], True: []}
    for _ in range(args.rounds):
        for early in (False, True):
            runs[early].append(one_round(prepared, early))
    digests = {tuple(sorted(r["digests"].items())) for rs in runs.values() for r in rs}
    if len(digests) != 1:
        print("outputs differ between the two ways", file=sys.stderr)
        return 1
    medians = {
        early: {
            k: statistics.median(r[k] for r in runs[early]) for k in ("wall", "cpu", "worker_cpu")
        }
        for early in runs
    }
    print(f"{args.file.name}: after the cleaning, medians of {args.rounds} interleaved rounds")
    print(f"load average {os.getloadavg()[0]:.1f} (wall seconds mean little above ~2)")
    print(f"{'':12s} {'wall s':>8s} {'CPU s':>8s} {'worker CPU s':>13s}")
    for early, label in ((False, "sequential"), (True, "early")):
        m = medians[early]
        print(f"{label:12s} {m['wall']:8.2f} {m['cpu']:8.2f} {m['worker_cpu']:13.2f}")
    ratio = {k: medians[True][k] / medians[False][k] for k in ("wall", "cpu", "worker_cpu")}
    print(
        f"{'early/seq.':12s} {ratio['wall']:8.2f} {ratio['cpu']:8.2f} {ratio['worker_cpu']:13.2f}"
    )
    print(f"outputs identical: {len(prepared[3].invalidations):,} invalidations, same bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
