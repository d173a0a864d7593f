"""Benchmark: the votes-to-flip table for the top 10 of the 135,634 real votes (arena-hp-140k).

Target (issue 15): the table with every count verified by exact refit, in under a minute on 2 cores.
Baseline, measured in the same run on the same votes: one plain ``fit_ratings`` (sandwich intervals),
the least any "is this ranking real?" question costs. Prints seconds, the ratio to the baseline and
the number of exact refits behind the verified counts.

    .venv/bin/python bench/bench_fragility.py [--file PATH] [--top 10] [--quick]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

TARGET_SECONDS = 60.0
DEFAULT_FILE = (
    Path(__file__).resolve().parents[1].parent / "shared/data/real/arena_hp140k_votes_meta.jsonl.gz"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="run_all's quick mode: top 5")
    args = parser.parse_args(argv)
    if args.quick:
        args.top = min(args.top, 5)
    if not args.file.is_file():
        print(f"no such file: {args.file}", file=sys.stderr)
        return 2

    from auditkit import fragility as frag_module
    from auditkit.io import load_battles
    from auditkit.ratings import fit_ratings

    began = time.perf_counter()
    battles = load_battles(args.file, with_text=False).battles
    load_s = time.perf_counter() - began

    began = time.perf_counter()
    fit_ratings(battles)
    baseline_s = time.perf_counter() - began

    refits = rounds = 0
    original = frag_module._refitted_many

    def counting(cells, keys):  # type: ignore[no-untyped-def]
        nonlocal refits, rounds
        refits += len(keys)
        rounds += 1
        return original(cells, keys)

    frag_module._refitted_many = counting
    began = time.perf_counter()
    result = frag_module.fragility(battles, top=args.top)
    frag_s = time.perf_counter() - began
    frag_module._refitted_many = original

    print(result.summary())
    print()
    print(f"load            {load_s:7.2f} s  ({len(battles):,} votes)")
    print(f"baseline fit    {baseline_s:7.2f} s  (fit_ratings, sandwich)")
    print(
        f"fragility top {args.top:<2}{frag_s:7.2f} s  = {frag_s / baseline_s:5.1f} x baseline, "
        f"{refits} exact refits in {rounds} stacked solves, target < {TARGET_SECONDS:.0f} s: "
        + ("met" if frag_s < TARGET_SECONDS else "MISSED")
    )
    print(f"all verified: {all(p.verified for p in result.pairs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
