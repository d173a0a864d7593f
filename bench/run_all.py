"""Run every benchmark in this folder, one after another, in its quick mode unless --full is given.

Each ``bench_*.py`` is a standalone script that measures auditkit against a baseline in the same run
and prints ratios; this runner only dispatches them and reports which failed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="full sizes (slow), not --quick")
    parser.add_argument(
        "names", nargs="*", help="benchmarks to run, e.g. load ratings (default all)"
    )
    args = parser.parse_args()
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in args.names]
    failed = []
    for script in scripts:
        command = [sys.executable, str(script)] + ([] if args.full else ["--quick"])
        print(f"\n=== {script.name} ({' '.join(command[2:]) or 'full'})", flush=True)
        started = time.perf_counter()
        code = subprocess.call(command)
        print(
            f"=== {script.name}: exit {code} in {time.perf_counter() - started:.1f} s", flush=True
        )
        if code != 0:
            failed.append(script.name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
