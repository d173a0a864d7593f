"""Benchmark: simulate a 1M-battle arena without text, against a naive per-row Python generator.

The baseline draws the same kind of battle row by row with the stdlib ``random`` module (pair by
weight, BT outcome with ties, a heavy-tailed voter, a timestamp) — the obvious way to write a
simulator. It runs on fewer rows and is extrapolated linearly to the vectorised run's size; the output
says so. Target: 1M battles well under a minute (aim < 10 s).

    python bench/bench_simulate.py            # 1M battles, baseline on 50k
    python bench/bench_simulate.py --quick    # 200k battles, baseline on 10k
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time

from auditkit.simulate import ArenaConfig, simulate_arena


def naive_arena(n: int, n_models: int, seed: int) -> list[dict[str, object]]:
    """Per-row generation: what a straightforward loop does for every battle."""
    rnd = random.Random(seed)
    strengths = [rnd.gauss(1100, 120) for _ in range(n_models)]
    start = 1_717_200_000.0
    rows: list[dict[str, object]] = []
    for k in range(n):
        a, b = rnd.sample(range(n_models), 2)
        s = 1 / (1 + 10 ** ((strengths[b] - strengths[a]) / 400))
        t = 0.36 * 4 * s * (1 - s)
        u = rnd.random()
        if u < s - t / 2:
            winner = "model_a"
        elif u < 1 - t:
            winner = "model_b"
        else:
            winner = "tie_bothbad" if rnd.random() < 0.41 else "tie"
        voter = int(rnd.paretovariate(1.3) * 1000)
        hour = rnd.choices(
            range(24), weights=[1 + 0.6 * math.cos(2 * math.pi * (h - 16) / 24) for h in range(24)]
        )[0]
        rows.append(
            {
                "vote_id": f"v{k + 1:07d}",
                "model_a": f"model-{a}",
                "model_b": f"model-{b}",
                "winner": winner,
                "voter": f"arena_user_{voter}",
                "tstamp": start + rnd.randrange(30) * 86_400 + hour * 3600 + rnd.random() * 3600,
                "language": rnd.choices(["en", "zh", "ru"], weights=[0.7, 0.2, 0.1])[0],
            }
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="200k battles, baseline on 10k")
    parser.add_argument("--battles", type=int, default=None)
    args = parser.parse_args()
    n = args.battles or (200_000 if args.quick else 1_000_000)
    n_base = 10_000 if args.quick else 50_000
    n_models = 40

    started = time.perf_counter()
    naive_arena(n_base, n_models, seed=0)
    base_seconds = time.perf_counter() - started
    base_extrapolated = base_seconds * n / n_base

    started = time.perf_counter()
    arena = simulate_arena(ArenaConfig(n_battles=n, n_models=n_models), seed=0)
    seconds = time.perf_counter() - started
    assert len(arena.battles) == n

    print(f"auditkit simulate_arena: {n:,d} battles, {n_models} models, no text: {seconds:.2f} s")
    print(
        f"naive per-row loop: {n_base:,d} battles in {base_seconds:.2f} s, "
        f"extrapolated linearly to {n:,d}: {base_extrapolated:.1f} s"
    )
    print(f"speed-up vs naive (extrapolated): {base_extrapolated / seconds:.1f}x")
    print(f"target (< 10 s for 1M): {'met' if seconds * 1_000_000 / n < 10 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
