"""Benchmark: the audit's stages after the load (detect, clean, ratings, robustness), CPU seconds.

Run: ``.venv/bin/python bench/bench_after_load.py FILE [--baseline-src DIR] [--rounds 3]``.

The input is loaded once as the audit loads it (streamed on the local engine, the text detectors
run while it streams) and cached (``--table``, a pickle); then each round times, in a fresh
process, every detector that runs on the loaded table (one at a time), ``apply_policy``, the two
ratings fits and the robustness section, by ``time.process_time`` (all threads of the process),
with the young-generation GC threshold the audit uses. Each result is fingerprinted (findings,
summaries, kept votes, the robustness section), so a faster stage is shown to give the same
answer. ``--baseline-src`` names another source tree (e.g. ``git archive`` of an older commit,
unpacked): its processes alternate with this tree's, and the table prints both medians and the
ratio baseline / this. The load average is printed: on a shared machine CPU seconds are the less
sensitive measure, and paired rounds beat single runs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
STAGES = (
    "voter_anomaly",
    "sampling",
    "prompt_dedup",
    "population_shift",
    "clean",
    "ratings",
    "robustness",
)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def prepare(source: Path, table: Path) -> None:
    """Stream-load ``source`` as the audit does and pickle the table and streamed results."""
    import logging
    import pickle
    import tempfile

    from auditkit.pipeline.config import AuditConfig
    from auditkit.pipeline.load import load_stage
    from auditkit.pipeline.run import AuditPlan

    with tempfile.TemporaryDirectory() as out:
        config = AuditConfig(paths=(source,), out_dir=Path(out), db_path=None, engine="local")
        plan = AuditPlan.of(config)
        loaded = load_stage(config, plan.pack, plan.names, logging.getLogger("bench"), {})
    with open(table, "wb") as handle:
        pickle.dump((loaded.loaded, dict(loaded.streamed), plan.names), handle, protocol=5)


def measure(table: Path) -> dict[str, Any]:
    """CPU seconds and a result fingerprint per stage (run in the tree on ``sys.path``)."""
    import gc
    import inspect
    import pickle
    import tempfile

    import numpy as np

    from auditkit.clean import apply_policy, canonical_json
    from auditkit.detectors.base import get_detector
    from auditkit.findings import jsonable
    from auditkit.gcscope import YOUNG_THRESHOLD
    from auditkit.ratings import RatingOptions, fit_ratings
    from auditkit.robustness import audit_robustness
    from auditkit.rules import load_rules

    with open(table, "rb") as handle:
        loaded, streamed, names = pickle.load(handle)
    battles, pack = loaded.battles, load_rules(None)
    _ = battles.codes.voter  # primed by the load in an audit
    gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    gc.collect()
    gc.freeze()
    cpu: dict[str, float] = {}
    prints: dict[str, str] = {}
    results = dict(streamed)

    def timed(name: str, work: Any) -> Any:
        began = time.process_time()
        out = work()
        cpu[name] = time.process_time() - began
        return out

    for name in (n for n in names if n not in streamed):
        result = timed(name, lambda n=name: get_detector(n)(random_state=0).detect(battles, pack))
        results[name] = result
        lines = [canonical_json(f.to_dict()) for f in result.findings]
        prints[name] = _digest("\n".join(lines) + canonical_json(jsonable(result.summary)))
    findings = sorted(
        (f for r in results.values() for f in r.findings),
        key=lambda f: (f.detector, f.rule, f.subject, f.vote_id or "", f.finding_id),
    )
    cleaning = timed("clean", lambda: apply_policy(battles, findings, pack, {}))
    prints["clean"] = _digest(np.packbits(cleaning.keep).tobytes().hex())
    options = RatingOptions(random_state=0)
    after = timed("ratings", lambda: fit_ratings(battles, options, rows=cleaning.keep))
    # the "before" fit too, as the ratings stage makes both
    began = time.process_time()
    fit_ratings(battles, options)
    cpu["ratings"] += time.process_time() - began
    prints["ratings"] = _digest(after.table.to_csv())
    reuse = "fitted" in inspect.signature(audit_robustness).parameters
    with tempfile.TemporaryDirectory() as out:
        robustness = timed(
            "robustness",
            lambda: audit_robustness(
                *(battles, cleaning.keep, pack, Path(out)),
                options=options,
                seed=0,
                selftest=False,
                detectors=names,
                notes=[],
                **({"fitted": after} if reuse else {}),
            ),
        )
    prints["robustness"] = _digest(canonical_json(jsonable(robustness)))
    return {"cpu": cpu, "prints": prints}


def _child(src: Path, table: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    command = [sys.executable, __file__, "--child", str(src), "--table", str(table), "-"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True, cwd="/")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="battle log (JSONL), e.g. the 1M 10 %%-text file")
    parser.add_argument("--table", type=Path, help="cache of the loaded table (pickle)")
    parser.add_argument("--baseline-src", type=Path, help="another source tree to compare")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    table = args.table or Path(f"/tmp/bench_after_load-{args.file.stem}.pkl")
    if args.child is not None:
        sys.path.insert(0, str(args.child))
        print(json.dumps(measure(table)))
        return
    if not table.exists():
        sys.path.insert(0, str(ROOT))
        prepare(args.file, table)
    sides = {"this": ROOT, **({"baseline": args.baseline_src} if args.baseline_src else {})}
    runs: dict[str, list[dict[str, Any]]] = {side: [] for side in sides}
    print(f"bench_after_load: {args.file.name}, load average {os.getloadavg()[0]:.1f}")
    for _ in range(args.rounds):
        for side, src in sides.items():
            runs[side].append(_child(src, table))
    print(f"load average at the end {os.getloadavg()[0]:.1f}; CPU seconds, median of {args.rounds}")
    header = f"{'stage':18s} {'this':>7s}"
    if "baseline" in runs:
        header += f" {'baseline':>9s} {'ratio':>6s}  same result"
    print(header)
    totals = {side: 0.0 for side in runs}
    for stage in STAGES:
        medians = {}
        for side, got in runs.items():
            values = [r["cpu"][stage] for r in got if stage in r["cpu"]]
            medians[side] = statistics.median(values) if values else float("nan")
            totals[side] += medians[side] if values else 0.0
        line = f"{stage:18s} {medians['this']:7.2f}"
        if "baseline" in runs:
            same = {r["prints"].get(stage) for got in runs.values() for r in got} or {None}
            ratio = medians["baseline"] / medians["this"] if medians["this"] else float("nan")
            line += f" {medians['baseline']:9.2f} {ratio:6.2f}  {len(same) == 1}"
        print(line)
    line = f"{'total':18s} {totals['this']:7.2f}"
    if "baseline" in runs:
        line += f" {totals['baseline']:9.2f} {totals['baseline'] / totals['this']:6.2f}"
    print(line)


if __name__ == "__main__":
    main()
