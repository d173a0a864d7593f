"""Benchmark: the loader's vote-id index (:class:`auditkit.io.ids.VoteIdIndex`) against a Python dict.

Run: ``.venv/bin/python bench/bench_id_index.py [--ids 1M,10M] [--block 100000] [--repeats 3]
[--mixed] [--quick]``.

The load checks every block of vote ids against the ids loaded before it (``first_lines``) and then
adds them (``add``), block after block, as :mod:`auditkit.io.normalise` and ``describe``'s count do.
This replays that on distinct random ids (an Arrow column cut into blocks: 32 hex digits, as
FastChat's question ids, or with ``--mixed`` hex strings of several lengths) and prints, per size, the CPU seconds of the hashing, the lookups and the additions, the
index's bytes, and a baseline measured in the same run: a ``dict`` of id → line doing the same
lookups and insertions (up to 2M ids; beyond, it needs gigabytes). The two alternate, the medians
count. CPU seconds (``time.process_time``), not wall: the machine is shared.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditkit.io.ids import VoteIdIndex, hash_ids

DICT_LIMIT = 2_000_000


def _size(text: str) -> int:
    text = text.strip().upper()
    scale = {"K": 1_000, "M": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("KM")) * scale)


def _ids(n: int, mixed: bool, seed: int = 18) -> pa.Array:
    """``n`` distinct ids: a random 64-bit value and the id's position in hex, 32 digits (or,
    ``mixed``, without leading zeros: several lengths)."""
    values = np.random.default_rng(seed).integers(0, 2**63, size=n, dtype=np.int64).tolist()
    if mixed:
        return pa.array([f"{v:x}-{i:x}" for i, v in enumerate(values)], type=pa.string())
    return pa.array([f"{v:016x}{i:016x}" for i, v in enumerate(values)], type=pa.string())


def run_index(ids: pa.Array, block: int) -> dict[str, float]:
    index = VoteIdIndex()
    hashing = lookups = additions = 0.0
    for start in range(0, len(ids), block):
        part = ids.slice(start, block)
        t0 = time.process_time()
        hashed = hash_ids(part)
        hashed.order()
        t1 = time.process_time()
        found = index.first_lines(hashed)
        t2 = time.process_time()
        index.add(hashed, np.arange(start, start + len(part)))
        t3 = time.process_time()
        hashing, lookups, additions = hashing + t1 - t0, lookups + t2 - t1, additions + t3 - t2
        if (found >= 0).any():
            raise AssertionError("a new id was found in the index")
    return {
        "hash": hashing,
        "lookup": lookups,
        "add": additions,
        "total": hashing + lookups + additions,
        "bytes": float(index.nbytes + index._bits.nbytes),
    }


def run_dict(ids: pa.Array, block: int) -> float:
    seen: dict[str, int] = {}
    started = time.process_time()
    for start in range(0, len(ids), block):
        part = ids.slice(start, block).to_pylist()
        if any(i in seen for i in part):
            raise AssertionError("a new id was found in the dict")
        seen.update(zip(part, range(start, start + len(part)), strict=True))
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ids", default="1M,10M", help="sizes, comma-separated (default 1M,10M)")
    parser.add_argument("--block", type=int, default=100_000, help="ids per block (the load's)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--mixed", action="store_true", help="ids of several lengths")
    parser.add_argument("--quick", action="store_true", help="200k and 1M ids, two rounds")
    args = parser.parse_args()
    if args.quick:
        args.ids, args.repeats = "200k,1M", 2
    for n in (_size(s) for s in args.ids.split(",")):
        ids = _ids(n, args.mixed)
        index_runs: list[dict[str, float]] = []
        dict_runs: list[float] = []
        for _ in range(args.repeats):
            index_runs.append(run_index(ids, args.block))
            if n <= DICT_LIMIT:
                dict_runs.append(run_dict(ids, args.block))
        median = {k: statistics.median(r[k] for r in index_runs) for k in index_runs[0]}
        line = (
            f"{n:>11,} ids: index {median['total']:.2f} s CPU (hash {median['hash']:.2f}, "
            f"lookups {median['lookup']:.2f}, additions {median['add']:.2f}), "
            f"{median['bytes'] / n:.1f} bytes an id"
        )
        if dict_runs:
            baseline = statistics.median(dict_runs)
            line += f"; dict {baseline:.2f} s ({median['total'] / baseline:.2f}x the dict)"
        print(line, flush=True)


if __name__ == "__main__":
    main()
