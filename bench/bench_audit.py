"""Benchmark: a full ``auditkit audit`` of a large simulated arena, time and peak memory per stage.

Target (the issue): 1M battles, conversations for a tenth of them, in < 2 min and < 4 GiB on 2 cores.
The baseline, measured in the same run on the same file, is the least any audit must pay: reading and
JSON-decoding every line with the standard library. Ratios are printed against it.

    .venv/bin/python bench/bench_audit.py            # 1,000,000 battles
    .venv/bin/python bench/bench_audit.py --quick    # 100,000 battles
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

TARGET_SECONDS = 120.0
TARGET_BYTES = 4 * 1024**3


def _rss_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PeakSampler:
    """Samples RSS every 20 ms in a thread; :meth:`take` returns the peak since the last call."""

    def __init__(self) -> None:
        self.peak = _rss_bytes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _rss_bytes())

    def take(self) -> int:
        peak, self.peak = max(self.peak, _rss_bytes()), _rss_bytes()
        return peak

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def baseline_read(path: Path) -> float:
    began = time.perf_counter()
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            json.loads(line)
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100k battles instead of 1M")
    parser.add_argument("--battles", type=int, default=None)
    parser.add_argument("--keep", default=None, help="folder to keep the data and outputs in")
    args = parser.parse_args()
    n = args.battles or (100_000 if args.quick else 1_000_000)

    from auditkit.audit import run_audit
    from auditkit.simulate import ArenaConfig, simulate_arena

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench_audit_"))
    work.mkdir(parents=True, exist_ok=True)
    data = work / "battles.jsonl"
    began = time.perf_counter()
    arena = simulate_arena(ArenaConfig(n_battles=n, n_models=40, text_fraction=0.1), seed=0)
    arena.write(data, work / "truth.json")
    del arena
    print(f"simulated and wrote {n:,} battles in {time.perf_counter() - began:.1f} s ({data})")

    base_seconds = baseline_read(data)
    print(f"baseline (stdlib read + json.loads every line): {base_seconds:.1f} s")

    sampler = PeakSampler()
    rows: list[tuple[str, float, int]] = []
    began = time.perf_counter()
    run_audit(
        [data],
        out_dir=work / "out",
        db_path=work / "auditkit.db",
        quiet=True,
        on_stage=lambda name, seconds: rows.append((name, seconds, sampler.take())),
    )
    total = time.perf_counter() - began
    sampler.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    print(f"\n{'stage':<16}{'seconds':>10}{'× baseline':>12}{'peak RSS GiB':>14}")
    for name, seconds, stage_peak in rows:
        print(
            f"{name:<16}{seconds:>10.1f}{seconds / base_seconds:>12.2f}{stage_peak / 1024**3:>14.2f}"
        )
    print(f"{'total':<16}{total:>10.1f}{total / base_seconds:>12.2f}{peak / 1024**3:>14.2f}")
    ok_time = total < TARGET_SECONDS * (n / 1_000_000)
    ok_mem = peak < TARGET_BYTES
    print(
        f"\ntarget for {n:,} battles: < {TARGET_SECONDS * n / 1_000_000:.0f} s "
        f"({'met' if ok_time else 'MISSED'}), < 4 GiB ({'met' if ok_mem else 'MISSED'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
