"""Benchmark: the voter audit's fast paths against the plain ones they replace, in one run.

Run: ``.venv/bin/python bench/bench_voter_paths.py [--ids 4400000] [--repeats 3]``.

1. **voter id sort** — ``codes.string_sort_indices`` (8-byte integer words sorted by Arrow)
   against ``pyarrow.compute.sort_indices`` of the strings, on ``--ids`` distinct ids shaped like
   the arena's (``arena_user_`` and an IPv4 address; a 10M-vote log has about 4.4M);
2. **sequential test mixture** — ``voter_tests.logsumexp_columns`` against
   ``scipy.special.logsumexp(axis=0)`` on the (24 tilts, 100k votes) blocks the test reduces.

Each pair is checked equal (index for index, float for float) before it is timed; CPU seconds
(``time.process_time``), the least of ``--repeats``, and the ratio plain / fast are printed, with
the load average (the machine may be shared: CPU seconds are the less sensitive measure).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy import special

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditkit.codes import string_sort_indices
from auditkit.stats.voter_tests import logsumexp_columns


def _cpu(fn: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeats):
        began = time.process_time()
        result = fn()
        best = min(best, time.process_time() - began)
    return best, result


def _ids(n: int, seed: int) -> pa.Array:
    rng = np.random.default_rng(seed)
    octets = rng.integers(0, 256, size=(int(n * 1.05) + 16, 4))
    texts = [f"arena_user_{a}.{b}.{c}.{d}" for a, b, c, d in octets.tolist()]
    return pa.array(list(dict.fromkeys(texts))[:n], type=pa.large_string())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ids", type=int, default=4_400_000)
    parser.add_argument("--blocks", type=int, default=10, help="(24, 100k) blocks reduced")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"bench_voter_paths: load average {os.getloadavg()[0]:.1f}")

    ids = _ids(args.ids, seed=1)
    plain_s, plain = _cpu(lambda: pc.sort_indices(ids).to_numpy(), args.repeats)
    fast_s, fast = _cpu(lambda: string_sort_indices(ids), args.repeats)
    assert np.array_equal(plain, fast), "string_sort_indices differs from Arrow's sort"
    print(
        f"voter id sort, {len(ids):,} ids: Arrow strings {plain_s:.2f} s, integer words "
        f"{fast_s:.2f} s CPU ({plain_s / fast_s:.2f}x)"
    )

    rng = np.random.default_rng(2)
    blocks = [rng.normal(0.0, 2.0, size=(24, 100_000)) for _ in range(args.blocks)]
    plain_s, plain = _cpu(lambda: [special.logsumexp(b, axis=0) for b in blocks], args.repeats)
    fast_s, fast = _cpu(lambda: [logsumexp_columns(b) for b in blocks], args.repeats)
    assert all(np.array_equal(p, f) for p, f in zip(plain, fast, strict=True))
    print(
        f"sequential mixture, {args.blocks} blocks of (24, 100k): scipy {plain_s:.2f} s, "
        f"logsumexp_columns {fast_s:.2f} s CPU ({plain_s / fast_s:.2f}x)"
    )
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
