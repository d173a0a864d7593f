"""The streamed load of a text log, whole: where its CPU goes, and on which thread or process.

Each run is one ``stream_battles`` of FILE (the audit's streamed load: identity scan, rule pack,
chunk size from :func:`~auditkit.streaming.chunk_rows_for`) in a fresh child process, under the
audit's own garbage-collection thresholds (:func:`~auditkit.gcscope.fewer_collections`). The
variants run alternately, ``--repeat`` rounds:

- ``sequential``: the local engine, chunks normalised on the reading thread (``READ_AHEAD`` off);
- ``read-ahead``: the local engine, each next chunk normalised on a second thread (the default);
- ``processes``: the processes engine (one worker): this process parses and normalises, the
  worker decodes and scans.

Printed per run: wall seconds, CPU seconds of the process (all its threads, Arrow's parse threads
included), of its main thread, and of its ended children (the engine's worker), and the load
average. On 2 cores the load's wall time cannot fall below the largest of the main thread's CPU
(the local scan is Python and holds the GIL), the worker's CPU and half the total CPU (the
printed floor); on a shared machine wall seconds
say little and the CPU columns are the comparison. Every run's findings and table are hashed:
the variants must print one hash.

    .venv/bin/python bench/bench_text_load.py /tmp/auditkit-bench-scale/arena2-1M-text0.1-000.jsonl --repeat 3

Measured (issue 18, wave 10) on that file (1M battles, 10 % with text; 100,162 with text), two
alternating rounds, load average 9-12 from other sessions on 2 cores (medians, CPU seconds):
sequential: process 15.79, main thread 8.96; read-ahead: process 16.66, main thread 8.25;
processes (1 worker): reading process 10.17 (main thread 0.93) + worker 7.84 = 18.0. Floors
8.96 / 8.33 / 9.01 s: on 2 cores the processes engine costs more CPU (the worker's start-up and
the pickling) than the overlap gains, so the local engine stays the default. One result hash.
The same switch on 10M text-free battles (the ten 1M shards, load alone, load average 13): main
thread 19.1 → 9.3 s, process CPU 43.9 → 41.7 s, peak RSS 2.20 → 2.26 GiB.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

VARIANTS = ("sequential", "read-ahead", "processes")


def _child(path: str, variant: str) -> dict[str, object]:
    import pandas as pd

    import auditkit.streaming as streaming
    from auditkit.engine import make_engine
    from auditkit.gcscope import fewer_collections
    from auditkit.rules import load_rules

    pack = load_rules()
    streaming.READ_AHEAD = variant != "sequential"
    engine = make_engine("processes" if variant == "processes" else "local", workers=1)
    with fewer_collections():
        wall, cpu, main = time.perf_counter(), time.process_time(), time.thread_time()
        streamed = streaming.stream_battles(
            [path], rules=pack, engine=engine, chunk_rows=streaming.chunk_rows_for([path])
        )
        engine.close()
        wall, cpu, main = (
            time.perf_counter() - wall,
            time.process_time() - cpu,
            time.thread_time() - main,
        )
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    digest = hashlib.sha256()
    identity = streamed.identity
    result = identity.to_json() if identity is not None else None
    digest.update(json.dumps(result, sort_keys=True, default=str).encode())
    frame = streamed.battles.frame
    digest.update(pd.util.hash_pandas_object(frame.astype(str), index=True).to_numpy().tobytes())
    digest.update(repr([record.to_dict() for record in streamed.load.quarantine]).encode())
    return {
        "variant": variant,
        "wall": wall,
        "cpu": cpu,
        "main_thread": main,
        "children": children.ru_utime + children.ru_stime,
        "load_average": os.getloadavg()[0],
        "rows": len(frame),
        "hash": digest.hexdigest()[:16],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(str(args.file), args.child)))
        return
    variants = [v for v in args.variants.split(",") if v]
    runs: dict[str, list[dict[str, float]]] = {v: [] for v in variants}
    hashes = set()
    print(f"{'variant':<11} {'wall':>6} {'cpu':>6} {'main':>6} {'worker':>6} {'load':>5}  hash")
    for _ in range(args.repeat):
        for variant in variants:
            out = subprocess.run(
                [sys.executable, __file__, str(args.file), "--child", variant],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            run = json.loads(out.strip().splitlines()[-1])
            runs[variant].append(run)
            hashes.add(run["hash"])
            print(
                f"{variant:<11} {run['wall']:6.2f} {run['cpu']:6.2f} {run['main_thread']:6.2f} "
                f"{run['children']:6.2f} {run['load_average']:5.1f}  {run['hash']}",
                flush=True,
            )
    print("medians (cpu + worker = total CPU; floor on 2 cores = max(main, worker, total / 2)):")
    for variant, done in runs.items():
        cpu = statistics.median(r["cpu"] for r in done)
        main_thread = statistics.median(r["main_thread"] for r in done)
        worker = statistics.median(r["children"] for r in done)
        wall = statistics.median(r["wall"] for r in done)
        floor = max(main_thread, worker, (cpu + worker) / 2)
        print(
            f"  {variant:<11} wall {wall:6.2f}  cpu {cpu:6.2f}  main thread {main_thread:6.2f}  "
            f"worker {worker:6.2f}  floor {floor:6.2f}"
        )
    print("identical results" if len(hashes) == 1 else f"RESULTS DIFFER: {sorted(hashes)}")


if __name__ == "__main__":
    main()
