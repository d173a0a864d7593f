"""Peak memory of the population check's voter codes, and of the whole check, at 3M / 10M votes.

Run: ``.venv/bin/python bench/bench_population_memory.py [--sizes 3M,10M] [--chunk 100000]``
(``--quick``: 1M votes).

Each measurement runs in a fresh subprocess: it builds a synthetic battle table (Arrow-backed string
columns in chunks of ``--chunk`` rows, as the streamed load builds them; 20 models; one voter id per
five votes, 16-hex-digit ids), samples its RSS every 10 ms, and reports the peak *above* the RSS
after the table was built (so the table itself is not counted) and the seconds taken.

- ``codes/factorize``: the voter column's codes as the check computed them before
  (``pd.factorize`` of the column, cast to int64);
- ``codes/arrow``: the table's shared voter codes, ``BattleTable.codes.voter`` (what the check
  uses now; in an audit the loader has computed them already, here they are computed on first use);
- ``check``: the whole ``audit_population`` (voter codes, both fits, the cohort test, the test over
  time, the down-weighted refit); with ``--baseline-root DIR`` (a checkout of an older commit, e.g.
  ``git archive 90b7114 | tar -x -C DIR``) also ``check@baseline``, the same call with that
  checkout's ``auditkit`` on the path, in the same run. The per-model tables' checksums are printed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MiB = 1024 * 1024


def _table(n: int, chunk: int) -> Any:
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    from auditkit.schema import WINNER_DTYPE, BattleTable, VoterStatus

    rng = np.random.default_rng(0)
    models = np.array([f"model-{i:02d}" for i in range(20)])
    strength = np.linspace(-1.0, 1.0, 20)
    a = rng.integers(0, 20, n)
    b = (a + rng.integers(1, 20, n)) % 20
    p = 1.0 / (1.0 + np.exp(-(strength[a] - strength[b])))
    u = rng.random(n)
    winner = np.where(u < p - 0.08, 0, np.where(u < p + 0.08, 2, 1))
    voter_int = rng.integers(0, n // 5, n)

    def strings(values: Any) -> pd.arrays.ArrowStringArray:
        return pd.arrays.ArrowStringArray(pa.chunked_array(values))

    voter_chunks = []
    for lo in range(0, n, chunk):
        hexes = pc.cast(pa.array(voter_int[lo : lo + chunk] * 2654435761 % (1 << 62)), pa.string())
        voter_chunks.append(pc.binary_join_element_wise("h", hexes, "").cast(pa.large_string()))
    frame = pd.DataFrame(
        {
            "model_a": strings([pa.array(models[a[lo : lo + chunk]]) for lo in range(0, n, chunk)]),
            "model_b": strings([pa.array(models[b[lo : lo + chunk]]) for lo in range(0, n, chunk)]),
            "winner": pd.Categorical.from_codes(winner, dtype=WINNER_DTYPE),
            "voter": strings(voter_chunks),
            "tstamp": np.sort(rng.random(n)) * 30 * 86400.0,
            "vote_id": strings(
                [
                    pc.cast(pa.array(np.arange(lo, min(lo + chunk, n))), pa.large_string())
                    for lo in range(0, n, chunk)
                ]
            ),
            "anony": np.ones(n, dtype=bool),
            "language": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), ["English"]),
            "turns": pd.array(np.ones(n, dtype=np.int16), dtype="Int16"),
            "source_file": pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), ["synthetic"]),
            "source_line": np.arange(n, dtype=np.int64),
        }
    )
    return BattleTable(frame=frame, voter_field="judge", voter_status=VoterStatus.USABLE)


def _old_codes(column: Any) -> Any:
    import numpy as np
    import pandas as pd

    return np.asarray(pd.factorize(column)[0], dtype=np.int64)


def measure(kind: str, n: int, chunk: int) -> dict[str, Any]:
    """One measurement in this process (called in a fresh subprocess)."""
    import gc

    import psutil

    table = _table(n, chunk)
    gc.collect()
    process = psutil.Process()
    base = process.memory_info().rss
    peak = [base]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], process.memory_info().rss)
            time.sleep(0.01)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    started = time.perf_counter()
    checksum = ""
    if kind.startswith("codes/"):
        codes = _old_codes(table.frame["voter"]) if kind.endswith("factorize") else None
        if codes is None:
            codes = table.codes.voter
        import numpy as np

        counts = np.sort(np.bincount(codes[codes >= 0]))
        checksum = hashlib.sha256(counts.tobytes()).hexdigest()[:16]
    else:
        import auditkit
        from auditkit.rules import load_rules
        from auditkit.voters import population

        rules = load_rules(Path(auditkit.__file__).resolve().parents[1] / "rules")
        result = population.audit_population(table, rules)
        text = result.table.round(9).to_csv(index=False) + result.time_table.round(9).to_csv()
        checksum = hashlib.sha256(text.encode()).hexdigest()[:16]
    seconds = time.perf_counter() - started
    done.set()
    thread.join()
    peak[0] = max(peak[0], process.memory_info().rss)
    return {
        "what": kind,
        "rows": n,
        "table_MiB": round(base / MiB),
        "peak_above_table_MiB": round((peak[0] - base) / MiB),
        "seconds": round(seconds, 2),
        "checksum": checksum,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="3M,10M")
    parser.add_argument("--quick", action="store_true", help="1M votes only")
    parser.add_argument("--chunk", type=int, default=100_000)
    parser.add_argument("--kinds", default="codes/factorize,codes/arrow,check")
    parser.add_argument("--baseline-root", default="", help="older checkout for check@baseline")
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one[0], int(args.one[1]), args.chunk)))
        return 0
    sizes = [int(float(s.rstrip("M")) * 1_000_000) for s in args.sizes.split(",")]
    if args.quick:
        sizes = [1_000_000]
    runs = [(kind, "") for kind in args.kinds.split(",")]
    if args.baseline_root:
        runs.append(("check", args.baseline_root))
    for n in sizes:
        for kind, root in runs:
            env = dict(os.environ)
            if root:
                env["PYTHONPATH"] = str(Path(root).resolve())
            out = subprocess.run(
                [sys.executable, __file__, "--chunk", str(args.chunk), "--one", kind, str(n)],
                capture_output=True,
                text=True,
                check=True,
                env=env,
            )
            row = json.loads(out.stdout.strip().splitlines()[-1])
            if root:
                row["what"] = "check@baseline"
            print(json.dumps(row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
