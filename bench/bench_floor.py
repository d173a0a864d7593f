"""Benchmark: every stage of auditkit beside its floor — the bare library doing the same job — in one run.

Run: ``.venv/bin/python bench/bench_floor.py [--rows 1M] [--workdir DIR] [--parts load,ratings,write,audit]``.

On one simulated FastChat JSON Lines file (``bench_scale``'s generator, no conversation text) and a
Parquet copy of it, each line below is a fresh process, timed whole (interpreter start, imports,
work, exit) with its own peak RSS (``os.wait4``), so a ratio compares what a user waits for:

- **load**: ``auditkit describe --no-text FILE`` against ``pyarrow.json.read_json(FILE)`` (and, for
  the Parquet copy, against ``pyarrow.parquet.read_table``). auditkit also validates every field,
  quarantines, checks id uniqueness and builds the canonical table; the floor only parses. Two
  lines without a target show what the ratio is made of: the same on a gzip copy (inflating is
  part of both), and the imports alone (``describe``'s against the floor's ``pyarrow.json``).
- **ratings**: ``auditkit ratings --bootstrap 100 FILE`` against a plain loader (orjson, line by
  line, anonymous battles) that aggregates win counts per ordered pair (ties as half a win each)
  and fits ``choix.ilsr_pairwise_dense`` on them, plus 100 bootstrap refits on multinomially
  resampled battle counts — the same statistics on the same counts, without validation.
- **write**: in one process on the loaded table, auditkit's cleaned-output writers (as the audit
  runs them) against Arrow writing the same columns already converted
  (``pyarrow.parquet.write_table``) and against gzip alone (the same JSON Lines bytes compressed at
  the same level, by zlib and by ISA-L, which the cleaned output uses: the cost no JSON writer
  can avoid).
- **audit**: ``auditkit audit --engine local`` (streamed) against the sum of the three floors.

Targets (issue 18): load ≤ 2× its floor, ratings ≤ 1.5×. The machine is shared; ratios measured in
the same run are the figures to quote, absolute seconds are not. The load and ratings lines run their
processes interleaved — floor, auditkit, floor, auditkit … (``--repeats`` rounds) — and quote the
median of each, so both sides of a ratio see the same machine state: the multi-threaded
``read_json`` floor alone moved between 1.0 and 2.0 s from one quiet run to the next.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
MiB = 1024 * 1024

# The floors, each a whole Python program run as ``python -c``; ``sys.argv[1]`` is the input.
READ_JSON = "import sys, pyarrow.json as pj; print(pj.read_json(sys.argv[1]).num_rows)"
READ_TABLE = "import sys, pyarrow.parquet as pq; print(pq.read_table(sys.argv[1]).num_rows)"
# The fixed cost of a process: what ``describe`` imports against what the read_json floor imports.
IMPORT_DESCRIBE = (
    "import auditkit.cli, auditkit.commands.describe, auditkit.describe, auditkit.io.profile, "
    "auditkit.io.jsonl"
)
IMPORT_FLOOR = "import pyarrow.json"
CHOIX_FLOOR = r"""
import sys
import choix, numpy as np, orjson
code, a, b, outcome = {}, [], [], []
kinds = {"model_a": 0, "model_b": 1, "tie": 2, "tie (bothbad)": 2, "tie_bothbad": 2}
with open(sys.argv[1], "rb") as handle:
    for line in handle:
        row = orjson.loads(line)
        if not row.get("anony", True):
            continue
        a.append(code.setdefault(row["model_a"], len(code)))
        b.append(code.setdefault(row["model_b"], len(code)))
        outcome.append(kinds[row["winner"]])
k = len(code)
cells = np.bincount((np.asarray(a) * k + np.asarray(b)) * 3 + np.asarray(outcome), minlength=k * k * 3)

def fit(counts):
    c = counts.reshape(k, k, 3).astype(float)
    wins = c[:, :, 0] + c[:, :, 1].T + 0.5 * (c[:, :, 2] + c[:, :, 2].T)
    return choix.ilsr_pairwise_dense(wins, alpha=1e-6)

rng = np.random.default_rng(0)
point = fit(cells)
total = int(cells.sum())
boot = [fit(rng.multinomial(total, cells / total)) for _ in range(100)]
print(k, total, np.round(point[:3], 3), np.std(boot, axis=0)[:3].round(3))
"""


def run_measured(argv: Sequence[str]) -> dict[str, Any]:
    """Wall seconds of one whole process and its own peak RSS (``os.wait4``, not the family's)."""
    began = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    # Drain the pipes on threads so a chatty child cannot block, then reap it with wait4.

    out: dict[str, bytes] = {}

    def drain(name: str, stream: Any) -> None:
        out[name] = stream.read()

    threads = [
        threading.Thread(target=drain, args=(name, stream))
        for name, stream in (("stdout", process.stdout), ("stderr", process.stderr))
    ]
    for thread in threads:
        thread.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - began
    for thread in threads:
        thread.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):  # 1: an audit with findings at the gate
        tail = out.get("stderr", b"")[-800:].decode(errors="replace")
        raise RuntimeError(f"{' '.join(argv[:5])} … exited {process.returncode}: {tail}")
    return {
        "seconds": round(seconds, 3),
        "peak_mib": round(usage.ru_maxrss / 1024, 1),
        "stdout": out.get("stdout", b"").decode(errors="replace"),
    }


def best(argv: Sequence[str], repeats: int) -> dict[str, Any]:
    """The fastest of ``repeats`` runs (the least disturbed by other work on the machine)."""
    runs = [run_measured(argv) for _ in range(repeats)]
    return min(runs, key=lambda r: r["seconds"])


def interleaved(commands: dict[str, Sequence[str]], repeats: int) -> dict[str, dict[str, Any]]:
    """Each command run ``repeats`` times in rounds (every command once per round, in the given
    order), and its median run (by seconds; peak RSS of that run) with every run's seconds.

    Why rounds: the machine's state (other work, page cache, CPU frequency) drifts over minutes;
    a floor measured in one minute and auditkit in the next compare two machines. In rounds both
    sides of a ratio sample the same drift, and the median ignores a disturbed round.
    """
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in commands}
    for _ in range(max(repeats, 1)):
        for name, argv in commands.items():
            runs[name].append(run_measured(argv))
    out: dict[str, dict[str, Any]] = {}
    for name, measured in runs.items():
        ordered = sorted(measured, key=lambda r: r["seconds"])
        median = dict(ordered[(len(ordered) - 1) // 2])  # the lower median: a run that happened
        median["runs"] = [r["seconds"] for r in measured]
        out[name] = median
    return out


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


def auditkit(*args: str) -> list[str]:
    return [sys.executable, "-m", "auditkit", *args]


def line(stage: str, ours: dict[str, Any], floor: dict[str, Any], target: float | None) -> str:
    ratio = ours["seconds"] / floor["seconds"]
    verdict = "" if target is None else ("  ok" if ratio <= target else f"  MISSED (≤ {target}×)")
    return (
        f"{stage:<28} {ours['seconds']:>8.2f}s {ours.get('peak_mib', float('nan')):>8.0f}  "
        f"{floor['seconds']:>8.2f}s {floor.get('peak_mib', float('nan')):>8.0f}  "
        f"{ratio:>6.2f}×{verdict}"
    )


def child_write(spec: dict[str, Any]) -> dict[str, Any]:
    """Time auditkit's cleaned-output writers and Arrow's on one loaded table (one process)."""
    import pyarrow.parquet as pq

    from auditkit.audit import CLEANED_GZIP_LEVEL
    from auditkit.io import load_battles
    from auditkit.io.parquet_writer import battles_to_arrow, write_fastchat_parquet
    from auditkit.io.writer import FastChatWriter

    battles = load_battles(spec["file"], with_text=False).battles
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp)
        began = time.perf_counter()
        with FastChatWriter(target / "cleaned.jsonl.gz", compresslevel=CLEANED_GZIP_LEVEL) as w:
            w.write(battles)
        out["auditkit_jsonl_gz"] = time.perf_counter() - began
        began = time.perf_counter()
        write_fastchat_parquet(battles, target / "cleaned.parquet")
        out["auditkit_parquet"] = time.perf_counter() - began
        table = battles_to_arrow(battles.frame)  # the same columns, converted beforehand
        began = time.perf_counter()
        pq.write_table(table, target / "floor.parquet")
        out["arrow_parquet"] = time.perf_counter() - began
        with gzip.open(target / "cleaned.jsonl.gz", "rb") as handle:
            data = handle.read()
        began = time.perf_counter()
        with gzip.open(target / "floor.jsonl.gz", "wb", compresslevel=CLEANED_GZIP_LEVEL) as gz:
            gz.write(data)
        out["gzip_only"] = time.perf_counter() - began
        try:  # the compressor the cleaned output uses at this level (io.writer.ISAL_MAX_LEVEL)
            from isal import igzip

            began = time.perf_counter()
            with igzip.open(target / "floor-isal.jsonl.gz", "wb", compresslevel=1) as isal_gz:
                isal_gz.write(data)
            out["igzip_only"] = time.perf_counter() - began
        except ImportError:
            pass
        out["jsonl_mib"] = len(data) / MiB
    return out


def _without_stdout(value: Any) -> Any:
    """The results without the children's printed output (not part of the record)."""
    if isinstance(value, dict):
        return {k: _without_stdout(v) for k, v in value.items() if k != "stdout"}
    if isinstance(value, list):
        return [_without_stdout(v) for v in value]
    return value


def ensure_inputs(workdir: Path, rows: int) -> tuple[Path, Path]:
    """The JSON Lines file (bench_scale's shards, generated on first use) and its Parquet copy."""
    import bench_scale

    files = bench_scale.arena_files(workdir, rows, max(rows, 1), 0.0)
    jsonl = files[0]
    parquet = jsonl.with_suffix(".parquet")
    if not parquet.exists():
        import pyarrow.json as pj
        import pyarrow.parquet as pq

        pq.write_table(pj.read_json(jsonl), parquet.with_suffix(".partial"))
        parquet.with_suffix(".partial").rename(parquet)
    return jsonl, parquet


def ensure_gzip(jsonl: Path) -> Path:
    """A gzip copy of the JSON Lines file (level 1, made once and kept beside it)."""
    target = jsonl.with_name(jsonl.name + ".gz")
    if not target.exists():
        partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
        with jsonl.open("rb") as source, gzip.open(partial, "wb", compresslevel=1) as out:
            while block := source.read(1 << 24):
                out.write(block)
        partial.rename(target)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="1M", help="battles in the file (default 1M)")
    parser.add_argument("--workdir", default=None, help="data cache (bench_scale's by default)")
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="rounds of the interleaved load and ratings lines (their medians count; the write "
        "and audit lines: runs, the fastest counts)",
    )
    parser.add_argument("--parts", default="load,ratings,write,audit")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(child_write(json.loads(args.child))))
        return 0

    import bench_scale

    rows = bench_scale.parse_size(args.rows)
    workdir = Path(args.workdir or Path(tempfile.gettempdir()) / "auditkit-bench-scale")
    workdir.mkdir(parents=True, exist_ok=True)
    jsonl, parquet = ensure_inputs(workdir, rows)
    parts = set(args.parts.split(","))
    print(
        f"bench_floor: {bench_scale.human(rows)} battles, {jsonl.stat().st_size / MiB:,.0f} MiB "
        f"JSON Lines / {parquet.stat().st_size / MiB:,.0f} MiB Parquet, {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.1f}, {args.repeats} interleaved rounds (medians)"
    )
    print(f"{'stage':<28} {'auditkit':>9} {'MiB':>8}  {'floor':>9} {'MiB':>8}  {'ratio':>7}")
    floors: dict[str, float] = {}
    results: dict[str, Any] = {}

    if "load" in parts:
        gz = ensure_gzip(jsonl)
        load = interleaved(
            {
                "floor": python("-c", READ_JSON, str(jsonl)),
                "jsonl": auditkit("describe", "--no-text", str(jsonl)),
                "floor_pq": python("-c", READ_TABLE, str(parquet)),
                "parquet": auditkit("describe", "--no-text", str(parquet)),
                "floor_gz": python("-c", READ_JSON, str(gz)),
                "jsonl_gz": auditkit("describe", "--no-text", str(gz)),
                "imports_floor": python("-c", IMPORT_FLOOR),
                "imports": python("-c", IMPORT_DESCRIBE),
            },
            args.repeats,
        )
        print(line("describe JSONL / read_json", load["jsonl"], load["floor"], 2.0))
        print(line("describe Parquet / read_table", load["parquet"], load["floor_pq"], 2.0))
        # Not targets: what the two describe lines are made of beside the parse.
        print(line("describe JSONL.gz / read_json", load["jsonl_gz"], load["floor_gz"], None))
        print(line("imports / pyarrow.json", load["imports"], load["imports_floor"], None))
        floors["load"] = load["floor"]["seconds"]
        results["load"] = {
            "jsonl": [load["jsonl"], load["floor"]],
            "parquet": [load["parquet"], load["floor_pq"]],
            "jsonl_gz": [load["jsonl_gz"], load["floor_gz"]],
            "imports": [load["imports"], load["imports_floor"]],
        }

    if "ratings" in parts:
        rated = interleaved(
            {
                "floor": python("-c", CHOIX_FLOOR, str(jsonl)),
                "ours": auditkit("ratings", "--bootstrap", "100", str(jsonl)),
            },
            args.repeats,
        )
        print(line("ratings --bootstrap 100", rated["ours"], rated["floor"], 1.5))
        floors["ratings"] = rated["floor"]["seconds"]
        results["ratings"] = [rated["ours"], rated["floor"]]

    if "write" in parts:
        spec = json.dumps({"file": str(jsonl)})
        written = json.loads(run_measured(python(__file__, "--child", spec))["stdout"])
        arrow = {"seconds": written["arrow_parquet"]}
        gz = {"seconds": written["gzip_only"]}
        print(
            line("write jsonl.gz / gzip only", {"seconds": written["auditkit_jsonl_gz"]}, gz, None)
        )
        if "igzip_only" in written:
            igz = {"seconds": written["igzip_only"]}
            ours_gz = {"seconds": written["auditkit_jsonl_gz"]}
            print(line("write jsonl.gz / igzip only", ours_gz, igz, None))
        if "auditkit_parquet" in written:
            ours_pq = {"seconds": written["auditkit_parquet"]}
            print(line("write parquet / write_table", ours_pq, arrow, 2.0))
        floors["write"] = arrow["seconds"]
        results["write"] = written

    if "audit" in parts:
        with tempfile.TemporaryDirectory() as out:
            ours = best(
                auditkit(
                    "audit", str(jsonl), "--engine", "local", "--out", out, "--db", "", "--quiet"
                ),
                args.repeats,
            )
        floor_sum = {"seconds": sum(floors.values())}
        print(line(f"audit / Σ floors ({'+'.join(floors)})", ours, floor_sum, None))
        results["audit"] = [ours, floor_sum]

    target = workdir / "bench_floor_results.json"
    target.write_text(json.dumps(_without_stdout(results), indent=2, sort_keys=True))
    print(f"raw results: {target} (load average at the end {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
