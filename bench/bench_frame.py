"""Benchmark: load the same battles from a file and from in-memory tables (``from_frame``).

Run: ``.venv/bin/python bench/bench_frame.py [--quick] [--repeat R]``.

Rows: the real 140k votes (``../shared/data/real/arena_hp140k_votes_meta.jsonl.gz``) when present,
else simulated FastChat battles written to a temporary JSON Lines file. Measured in the same run on
the same rows (best of ``R``): ``load_battles(file)`` against ``from_frame`` of a pandas DataFrame
and of a pyarrow Table holding those rows (building the table is not counted: a notebook user has it
already). Ratios below 1 mean the table loads faster than the file. Both run the same normalisation
(:func:`auditkit.io.loader.normalise_blocks`), so the difference is parsing alone.
"""

from __future__ import annotations

import argparse
import gzip
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from auditkit.io import load_battles
from auditkit.io.frame import from_frame

REAL = Path(__file__).resolve().parents[2] / "shared/data/real/arena_hp140k_votes_meta.jsonl.gz"


def best_of(repeat: int, work: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="simulated 20k rows, one repeat")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        if REAL.is_file() and not args.quick:
            path = REAL
        else:
            from auditkit.simulate import ArenaConfig, simulate_arena

            path = Path(scratch) / "battles.jsonl"
            rows = 20_000 if args.quick else 200_000
            simulate_arena(ArenaConfig(n_battles=rows, text_fraction=0.0), seed=0).write(
                path, Path(scratch) / "truth.json"
            )
        opener: Any = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            records = [json.loads(line) for line in handle]
        frame = pd.DataFrame.from_records(records)
        table = pa.Table.from_pylist(records)
        repeat = 1 if args.quick else args.repeat
        file_s = best_of(repeat, lambda: load_battles(path))
        frame_s = best_of(repeat, lambda: from_frame(frame))
        arrow_s = best_of(repeat, lambda: from_frame(table))
    print(f"rows: {len(frame):,} from {path.name}")
    print(f"load_battles(file)      {file_s:7.2f} s")
    print(f"from_frame(DataFrame)   {frame_s:7.2f} s  ratio {frame_s / file_s:.2f}")
    print(f"from_frame(Arrow Table) {arrow_s:7.2f} s  ratio {arrow_s / file_s:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
