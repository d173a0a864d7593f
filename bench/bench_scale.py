"""Benchmark: how the audit scales — time and peak memory per stage at 1M, 3M and 10M battles.

Run: ``.venv/bin/python bench/bench_scale.py [--quick] [--sizes 1M,3M,10M] [--text-fraction F]``.

What it measures, each in a fresh subprocess (so every peak RSS belongs to one measurement):

1. **audit** — ``run_audit`` (streaming load + identity scan on the local engine, then the other
   detectors, cleaning, ratings before/after, outputs, report) on simulated arenas of each size,
   with conversations on ``--text-fraction`` of the battles. Per stage: seconds and peak RSS; then
   the growth exponent ``log(t₂/t₁) / log(n₂/n₁)`` between sizes (1.0 = linear). Sizes listed in
   ``--no-text-sizes`` run without conversations (the 10M target: peak < 4 GiB).
   ``--audit-engine processes`` runs the text scan in ``--workers`` processes while the audit's
   own process reads (both audits, with and without text, on that engine).
2. **text** — a fixed number of battles with conversations on 0 … 100 % of them, and **volume** —
   conversations on every battle, 25k … 200k battles: peak RSS of the streaming load + scan against
   the in-memory loader (``load_battles`` + detector) measured in the same run. The streamed peak is
   set by the chunk (how much text one chunk holds) and the text-free table; the in-memory baseline
   holds all the text.
3. **engines** — identity-scan throughput (battles with text per second) on the local engine, a
   local process pool and a Dask ``LocalCluster`` with the same number of workers, both end to end
   (read + parse + scan) and scan-only (chunks parsed beforehand), as ratios to the local engine.
   ``dask`` is the client-parsed path (the client reads, workers scan); ``dask-read`` has the
   workers read their own partitions of the file (end to end only; its scan is ``dask``'s).

Data is cached in ``--workdir`` (default ``$TMPDIR/auditkit-bench-scale``) under names carrying a
digest of the code that writes it (:func:`data_version`: a simulator change makes new files):
shards of simulated battles (``preset_config("attacks")``, distinct seeds, vote ids prefixed per
shard, the same model strengths, each shard the next 30 days) written once with
``SimulatedArena.write``; an arena of N battles is the first N / shard-size shards.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import inspect
import itertools
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MiB = 1024 * 1024


# --------------------------------------------------------------------------- memory sampling


class PeakSampler:
    """Samples this process's RSS (plus its children's, for process engines) every ``interval`` s."""

    def __init__(self, interval: float = 0.02) -> None:
        import psutil

        self._process = psutil.Process()
        self._interval = interval
        self._peak = 0
        self._children_peak = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss(self) -> tuple[int, int]:
        own = self._process.memory_info().rss
        children = 0
        for child in self._process.children(recursive=True):
            try:
                children += child.memory_info().rss
            except Exception:  # a child may exit between listing and reading
                continue
        return own, children

    def _run(self) -> None:
        while not self._stop.is_set():
            own, children = self._rss()
            with self._lock:
                self._peak = max(self._peak, own)
                self._children_peak = max(self._children_peak, own + children)
            time.sleep(self._interval)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def take(self) -> tuple[int, int]:
        """(own peak, own + children peak) since the last ``take``; restarts both."""
        own, children = self._rss()
        with self._lock:
            peak = max(self._peak, own)
            total = max(self._children_peak, own + children)
            self._peak, self._children_peak = own, own + children
        return peak, total


# --------------------------------------------------------------------------- data


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


def human(n: int) -> str:
    if n >= 1_000_000 and n % 100_000 == 0:
        return f"{n / 1_000_000:g}M"
    if n >= 1_000 and n % 100 == 0:
        return f"{n / 1_000:g}k"
    return str(n)


def shard_path(workdir: Path, rows: int, text_fraction: float, index: int) -> Path:
    name = f"arena2-{human(rows)}-text{text_fraction:g}-{index:03d}-{data_version()}.jsonl"
    return workdir / name


@functools.cache
def data_version() -> str:
    """A digest of the code that writes the shards (the simulator, the JSON Lines writer and
    :func:`make_shard`), part of every shard's name.

    Why: a cache written by an older simulator was measured for several sessions without anyone
    noticing. The simulator had since started writing ``category_tag`` on every vote, which sent
    the whole load down another path; the figures were of a file the product no longer makes.
    """
    digest = hashlib.sha256()
    sources = sorted((REPO / "auditkit" / "simulate").rglob("*.py"))
    for path in [*sources, REPO / "auditkit" / "io" / "writer.py"]:
        digest.update(path.read_bytes())
    digest.update(inspect.getsource(make_shard).encode())
    return digest.hexdigest()[:10]


# One arena, many months: every shard shares the models' true strengths (drawn once) and covers
# the next SHARD_DAYS days, so shards joined are one coherent history (independent strengths per
# shard would make honest voters of different shards disagree, which is not what an arena is).
SHARD_DAYS = 30.0
N_SHARD_MODELS = 14  # the attacks preset's 12 models and its two disconnected ones


def make_shard(path: Path, rows: int, text_fraction: float, index: int) -> None:
    """One shard: the next month of one simulated arena (seed = index), vote ids unique across shards."""
    import numpy as np

    from auditkit.simulate import SimulatedArena, preset_config, simulate_arena
    from auditkit.simulate.config import DEFAULT_START_TIME

    strengths = np.random.default_rng(20261130).normal(1100.0, 120.0, N_SHARD_MODELS)
    config = preset_config(
        "attacks",
        n_battles=rows,
        text_fraction=text_fraction,
        strengths=[float(s) for s in strengths],
        days=SHARD_DAYS,
        start_time=DEFAULT_START_TIME + index * SHARD_DAYS * 86_400.0,
    )
    arena = simulate_arena(config, seed=index)
    frame = arena.battles.frame.copy()
    frame["vote_id"] = (f"s{index:03d}-" + frame["vote_id"].astype(str)).astype("string")
    shard = SimulatedArena(battles=arena.battles.with_frame(frame), truth=arena.truth)
    partial = path.with_suffix(".partial")
    shard.write(partial, path.with_suffix(".truth.json"))
    partial.rename(path)


def arena_files(workdir: Path, n: int, shard_rows: int, text_fraction: float) -> list[Path]:
    """The shards making an arena of ``n`` battles, generated on first use."""
    files = []
    for index in range(math.ceil(n / shard_rows)):
        rows = min(shard_rows, n - index * shard_rows)
        path = shard_path(workdir, rows, text_fraction, index)
        if not path.exists():
            began = time.perf_counter()
            make_shard(path, rows, text_fraction, index)
            print(
                f"    generated {path.name} ({path.stat().st_size / MiB:,.0f} MiB) "
                f"in {time.perf_counter() - began:.0f} s",
                flush=True,
            )
        files.append(path)
    return files


# --------------------------------------------------------------------------- child measurements


@contextmanager
def _sampling() -> Iterator[PeakSampler]:
    with PeakSampler() as sampler:
        yield sampler


def _children_cpu() -> float:
    """CPU seconds of this process's ended and waited-for children (an engine's workers)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return float(usage.ru_utime + usage.ru_stime)


def child_audit(spec: dict[str, Any]) -> dict[str, Any]:
    """``run_audit`` on the files with per-stage seconds and peak RSS."""
    from auditkit.audit import run_audit

    stages: dict[str, dict[str, float]] = {}
    with _sampling() as sampler:
        sampler.take()
        cpu = [time.process_time()]
        workers_cpu = [_children_cpu()]

        def on_stage(name: str, seconds: float) -> None:
            own, _ = sampler.take()
            # CPU seconds of this process (all its threads) since the last stage: on a shared
            # machine wall seconds grow with the others' load, CPU seconds far less.
            now = time.process_time()
            stages[name] = {
                "seconds": round(seconds, 3),
                "cpu_seconds": round(now - cpu[0], 3),
                # CPU of worker processes that ended during the stage (an engine's pool is
                # closed at the end of the load, so its workers' scan is counted there).
                "worker_cpu_seconds": round(_children_cpu() - workers_cpu[0], 3),
                "peak_mib": round(own / MiB, 1),
            }
            cpu[0] = now
            workers_cpu[0] = _children_cpu()

        began = time.perf_counter()
        with tempfile.TemporaryDirectory() as out:
            kwargs: dict[str, Any] = {
                "out_dir": out,
                "db_path": None,
                "quiet": True,
                "on_stage": on_stage,
            }
            if spec.get("streaming", True):
                kwargs["engine"] = spec.get("engine", "local")
                if kwargs["engine"] != "local":
                    kwargs["workers"] = spec.get("workers")
            result = run_audit([Path(p) for p in spec["files"]], **kwargs)
            total = time.perf_counter() - began
            votes = result.cleaning.votes_in
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "stages": stages,
        "total_seconds": round(total, 2),
        # CPU seconds of the whole child (all threads): steadier than wall time on a busy machine.
        "total_cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "worker_cpu_seconds": round(_children_cpu(), 2),
        "load_average": round(os.getloadavg()[0], 1),
        "votes": votes,
        "max_rss_mib": round(usage.ru_maxrss / 1024, 1),
    }


def child_load(spec: dict[str, Any]) -> dict[str, Any]:
    """Load + identity scan: streaming (``stream_battles``) or in memory (loader + detector)."""
    import resource

    from auditkit.rules import load_rules

    rules = load_rules(REPO / "rules")
    files = [Path(p) for p in spec["files"]]
    began = time.perf_counter()
    if spec["mode"] == "streaming":
        from auditkit.streaming import stream_battles

        streamed = stream_battles(files, rules=rules, chunk_rows=spec["chunk_rows"])
        rows, text_rows = len(streamed.battles), streamed.text_rows
        findings = len(streamed.identity.findings) if streamed.identity else 0
    else:
        from auditkit.detectors.identity import IdentityLeakDetector
        from auditkit.io import load_battles

        loaded = load_battles(files, with_text=True)
        result = IdentityLeakDetector().detect(loaded.battles, rules)
        rows = len(loaded.battles)
        frame = loaded.battles.frame
        text_rows = int(frame["conversation_a"].notna().sum()) if loaded.battles.has_text else 0
        findings = len(result.findings)
    seconds = time.perf_counter() - began
    return {
        "seconds": round(seconds, 2),
        "rows": rows,
        "text_rows": text_rows,
        "findings": findings,
        "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def child_engine(spec: dict[str, Any]) -> dict[str, Any]:
    """Identity-scan throughput of one engine: end to end, then on chunks parsed beforehand."""
    from auditkit.engine import make_engine, merge_identity_results
    from auditkit.rules import load_rules
    from auditkit.streaming import iter_battle_chunks, stream_battles

    rules = load_rules(REPO / "rules")
    files = [Path(p) for p in spec["files"]]
    engine: Any
    if spec["engine"].startswith("dask"):
        from auditkit.engine import DaskEngine

        engine = DaskEngine(
            workers=spec["workers"],
            read_partitions=spec["engine"] == "dask-read",
            partition_bytes=spec.get("partition_bytes"),
        )
    else:
        engine = make_engine(spec["engine"], workers=spec["workers"])
    scan_only: float | None = None
    merged = None
    try:
        # Warm-up: start the pool / cluster workers outside the timing.
        first = next(iter(iter_battle_chunks(files[:1], chunk_rows=1_000)))
        list(engine.map_scan([first.frame] * (2 * spec["workers"]), rules))
        began = time.perf_counter()
        streamed = stream_battles(files, rules=rules, engine=engine, chunk_rows=spec["chunk_rows"])
        end_to_end = time.perf_counter() - began
        text_rows = streamed.text_rows
        if spec.get("scan_only", True):
            chunks = [
                c.frame.loc[c.frame["conversation_a"].notna()]
                for c in iter_battle_chunks(files, chunk_rows=spec["chunk_rows"])
                if "conversation_a" in c.frame.columns
            ]
            chunks = [c for c in chunks if len(c)]
            text_rows = sum(len(c) for c in chunks)
            began = time.perf_counter()
            merged = merge_identity_results(engine.map_scan(chunks, rules))
            scan_only = time.perf_counter() - began
    finally:
        engine.close()
    assert streamed.identity is not None
    return {
        "end_to_end_seconds": round(end_to_end, 2),
        "scan_only_seconds": None if scan_only is None else round(scan_only, 2),
        "rows": len(streamed.battles),
        "text_rows": text_rows,
        "notes": list(streamed.notes),
        "findings": len(streamed.identity.findings),
        "findings_scan_only": None if merged is None else len(merged.findings),
        "finding_ids": sorted(f.finding_id for f in streamed.identity.findings)[:5],
    }


CHILDREN: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "audit": child_audit,
    "load": child_load,
    "engine": child_engine,
}


def compile_checkout() -> None:
    """Write the measured checkout's bytecode (``__pycache__``, ignored by git) before any child runs.

    Why: an installed auditkit has its bytecode (pip compiles it), but a checkout run with
    ``PYTHONDONTWRITEBYTECODE`` set compiles every module from source in every child, about
    0.5 s of CPU (holding the GIL) that no user pays. ``compileall`` writes the files whatever
    that variable says; a module edited later is compiled again here on the next run.
    """
    import compileall

    compileall.compile_dir(REPO / "auditkit", quiet=1)


def run_child(kind: str, spec: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter; its last stdout line is the JSON result."""
    payload = json.dumps({"kind": kind, **spec})
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", payload],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
        # Measure the checkout this script is in, not whichever auditkit is installed.
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
        },
        check=False,
    )
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"{kind} child failed ({proc.returncode}):\n{tail}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


# --------------------------------------------------------------------------- report


def best_of(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Repeated audits of one input: the least time (noise only adds) and the largest peak per stage."""
    first = runs[0]
    stages = {
        name: {
            "seconds": min(r["stages"][name]["seconds"] for r in runs),
            "cpu_seconds": min(r["stages"][name].get("cpu_seconds", math.nan) for r in runs),
            "worker_cpu_seconds": min(
                r["stages"][name].get("worker_cpu_seconds", math.nan) for r in runs
            ),
            "peak_mib": max(r["stages"][name]["peak_mib"] for r in runs),
        }
        for name in first["stages"]
    }
    return {
        **first,
        "stages": stages,
        "total_seconds": min(r["total_seconds"] for r in runs),
        "total_cpu_seconds": min(r.get("total_cpu_seconds", math.nan) for r in runs),
        "max_rss_mib": max(r["max_rss_mib"] for r in runs),
        "repeats": len(runs),
    }


def audit_child(
    files: Sequence[Path], repeats: int, engine: str = "local", workers: int | None = None
) -> dict[str, Any]:
    spec: dict[str, Any] = {"files": [str(f) for f in files], "engine": engine, "workers": workers}
    return best_of([run_child("audit", spec) for _ in range(max(1, repeats))])


def exponent(t1: float, t2: float, n1: int, n2: int) -> float:
    """Growth exponent between two sizes: 1.0 is linear, 2.0 quadratic."""
    if t1 <= 0 or t2 <= 0 or n1 == n2:
        return float("nan")
    return math.log(t2 / t1) / math.log(n2 / n1)


def print_audit_table(results: dict[int, dict[str, Any]], label: str) -> None:
    sizes = sorted(results)
    stages = list(dict.fromkeys(s for n in sizes for s in results[n]["stages"]))
    print(f"\n== audit ({label}) — seconds / peak RSS MiB per stage ==")
    head = f"{'stage':<16}" + "".join(f"{human(n):>20}" for n in sizes)
    if len(sizes) > 1:
        head += "".join(
            f"{'exp ' + human(a) + '→' + human(b):>16}" for a, b in itertools.pairwise(sizes)
        )
    print(head)
    for stage in [*stages, "total"]:
        row = f"{stage:<16}"
        times = []
        for n in sizes:
            r = results[n]
            if stage == "total":
                t, m = r["total_seconds"], r["max_rss_mib"]
            else:
                s = r["stages"].get(stage, {})
                t, m = s.get("seconds", float("nan")), s.get("peak_mib", float("nan"))
            times.append(t)
            row += f"{t:>10.1f}s {m:>7,.0f}M"
        for (a, ta), (b, tb) in itertools.pairwise(zip(sizes, times, strict=True)):
            row += f"{exponent(ta, tb, a, b):>16.2f}"
        print(row)
    print("CPU seconds per stage (this process, all threads; less sensitive to a shared machine)")
    for stage in [*stages, "total"]:
        row = f"{stage:<16}"
        for n in sizes:
            r = results[n]
            if stage == "total":
                value = r.get("total_cpu_seconds", math.nan)
            else:
                value = r["stages"].get(stage, {}).get("cpu_seconds", math.nan)
            row += f"{value:>10.1f}s {'':>8}"
        print(row)
    worker_stages = [
        stage
        for stage in stages
        if any(results[n]["stages"].get(stage, {}).get("worker_cpu_seconds", 0) > 0 for n in sizes)
    ]
    if worker_stages:
        print("CPU seconds of the engine's worker processes (ended during the stage)")
    for stage in worker_stages:
        row = f"{stage:<16}"
        for n in sizes:
            value = results[n]["stages"].get(stage, {}).get("worker_cpu_seconds", math.nan)
            row += f"{value:>10.1f}s {'':>8}"
        print(row)
    for n in sizes:
        gib = results[n]["max_rss_mib"] / 1024
        print(
            f"  {human(n)}: peak RSS {gib:.2f} GiB over the whole audit ({results[n]['votes']:,} "
            f"votes), load average {results[n].get('load_average', math.nan)} at its end"
        )


def text_memory_table(
    head: str, cases: Sequence[tuple[str, Sequence[Path]]], chunk_rows: int
) -> list[dict[str, Any]]:
    """Peak RSS of the streamed and the in-memory load + scan for each input; printed as a table."""
    print(f"{head:>9} {'file MiB':>9} {'streaming':>11} {'in-memory':>11} {'ratio':>7}")
    rows: list[dict[str, Any]] = []
    for label, files in cases:
        names = [str(f) for f in files]
        mib = sum(Path(f).stat().st_size for f in names) / MiB
        stream = run_child("load", {"files": names, "mode": "streaming", "chunk_rows": chunk_rows})
        memory = run_child("load", {"files": names, "mode": "memory"})
        assert stream["findings"] == memory["findings"], (stream, memory)
        ratio = stream["max_rss_mib"] / memory["max_rss_mib"]
        print(
            f"{label:>9} {mib:>9,.0f} {stream['max_rss_mib']:>10,.0f}M "
            f"{memory['max_rss_mib']:>10,.0f}M {ratio:>7.2f}"
        )
        rows.append({"case": label, "file_mib": mib, "streaming": stream, "memory": memory})
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        extra = last["file_mib"] - first["file_mib"]
        for mode in ("streaming", "memory"):
            grew = last[mode]["max_rss_mib"] - first[mode]["max_rss_mib"]
            print(
                f"  {mode}: +{extra:,.0f} MiB of input → peak RSS {grew:+,.0f} MiB "
                f"({grew / extra:.2f} MiB per MiB of input)"
            )
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a minute or two)")
    parser.add_argument("--sizes", default=None, help="battles per audit, e.g. 1M,3M,10M")
    parser.add_argument(
        "--no-text-sizes", default=None, help="sizes run without conversations (default: 10M)"
    )
    parser.add_argument("--text-fraction", type=float, default=0.02)
    parser.add_argument(
        "--text-battles", default=None, help="battles in the text-growth test (default 100k)"
    )
    parser.add_argument(
        "--text-fractions",
        default="0,0.25,0.5,1",
        help="shares of battles with conversations in the text-growth test",
    )
    parser.add_argument("--chunk-rows", type=int, default=None, help="rows per streamed chunk")
    parser.add_argument("--engine-rows", default=None, help="battles in the engine test")
    parser.add_argument(
        "--text-volumes",
        default=None,
        help="battle counts (all with conversations) in the text-volume test",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--repeats", type=int, default=1, help="audits per size (least time, largest peak)"
    )
    parser.add_argument("--parts", default="audit,text,volume,engines", help="which parts to run")
    parser.add_argument("--baseline", action="store_true", help="also the in-memory audit")
    parser.add_argument(
        "--audit-engine",
        choices=("local", "processes"),
        default="local",
        help="engine of the streamed audits (processes: the text scan in --workers processes "
        "while this process reads; local: all in this process)",
    )
    parser.add_argument("--workdir", default=None)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child is not None:
        spec = json.loads(args.child)
        print(json.dumps(CHILDREN[spec.pop("kind")](spec)))
        return 0

    compile_checkout()
    workdir = Path(args.workdir or Path(tempfile.gettempdir()) / "auditkit-bench-scale")
    workdir.mkdir(parents=True, exist_ok=True)
    if args.quick:
        sizes = [parse_size(s) for s in (args.sizes or "20k,60k").split(",")]
        no_text = [
            parse_size(s)
            for s in (args.no_text_sizes if args.no_text_sizes is not None else "200k").split(",")
            if s
        ]
        text_battles = parse_size(args.text_battles or "10k")
        args.chunk_rows = args.chunk_rows or 2_000
        engine_rows = parse_size(args.engine_rows or "20k")
        shard_rows = 100_000
    else:
        sizes = [parse_size(s) for s in (args.sizes or "1M,3M").split(",")]
        no_text = [
            parse_size(s)
            for s in (args.no_text_sizes if args.no_text_sizes is not None else "10M").split(",")
            if s
        ]
        text_battles = parse_size(args.text_battles or "100k")
        args.chunk_rows = args.chunk_rows or 10_000
        engine_rows = parse_size(args.engine_rows or "200k")
        shard_rows = 1_000_000
    parts = set(args.parts.split(","))
    text_fractions = [float(f) for f in args.text_fractions.split(",")]
    volumes = args.text_volumes or ("10k,20k,40k" if args.quick else "25k,50k,100k,200k")
    text_volumes = [parse_size(v) for v in volumes.split(",")]
    print(
        f"bench_scale: workdir {workdir}, {os.cpu_count()} CPUs, workers {args.workers}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    summary: dict[str, Any] = {}

    if "audit" in parts:
        with_text: dict[int, dict[str, Any]] = {}
        for n in sizes:
            files = arena_files(workdir, n, shard_rows, args.text_fraction)
            print(f"  audit {human(n)} (text on {args.text_fraction:.0%}) …", flush=True)
            with_text[n] = audit_child(files, args.repeats, args.audit_engine, args.workers)
        print_audit_table(
            with_text,
            f"streaming on the {args.audit_engine} engine, conversations on {args.text_fraction:.0%}",
        )
        summary["audit_text"] = with_text
        if args.baseline:
            n = sizes[0]
            files = arena_files(workdir, n, shard_rows, args.text_fraction)
            base = run_child("audit", {"files": [str(f) for f in files], "streaming": False})
            print_audit_table({n: base}, "in-memory baseline: the whole table with text")
            ratio = with_text[n]["max_rss_mib"] / base["max_rss_mib"]
            print(f"  streaming / in-memory peak RSS at {human(n)}: {ratio:.2f}")
            summary["audit_baseline"] = base
        plain: dict[int, dict[str, Any]] = {}
        for n in no_text:
            files = arena_files(workdir, n, shard_rows, 0.0)
            print(f"  audit {human(n)} without text …", flush=True)
            plain[n] = audit_child(files, args.repeats, args.audit_engine, args.workers)
        if plain:
            print_audit_table(plain, f"{args.audit_engine} engine, no conversations")
            summary["audit_no_text"] = plain
        for n in sorted(set(with_text) & set(plain)):
            # What the text costs, measured in one run (the machine's load cancels out).
            ratio = with_text[n]["total_seconds"] / plain[n]["total_seconds"]
            cpu_ratio = with_text[n]["total_cpu_seconds"] / plain[n]["total_cpu_seconds"]
            print(
                f"  {human(n)}: text on {args.text_fraction:.0%} / no text, whole audit: "
                f"{ratio:.2f}× wall ({with_text[n]['total_seconds']:.1f} s / "
                f"{plain[n]['total_seconds']:.1f} s), {cpu_ratio:.2f}× CPU "
                f"({with_text[n]['total_cpu_seconds']:.1f} s / {plain[n]['total_cpu_seconds']:.1f} s); "
                f"load average {os.getloadavg()[0]:.1f}"
            )

    if "text" in parts:
        print(
            f"\n== text growth: {human(text_battles)} battles, conversations on a growing share, "
            f"{human(args.chunk_rows)}-row chunks; peak RSS of load + identity scan =="
        )
        cases = [
            (f"{fraction:.0%}", arena_files(workdir, text_battles, 10**9, fraction))
            for fraction in text_fractions
        ]
        summary["text_growth"] = text_memory_table("text on", cases, args.chunk_rows)

    if "volume" in parts:
        print(
            f"\n== text volume: conversations on every battle, growing battle count, "
            f"{human(args.chunk_rows)}-row chunks; peak RSS of load + identity scan =="
        )
        cases = [(human(n), arena_files(workdir, n, 10**9, 1.0)) for n in text_volumes]
        summary["text_volume"] = text_memory_table("battles", cases, args.chunk_rows)

    if "engines" in parts:
        names = [str(f) for f in arena_files(workdir, engine_rows, 10**9, 0.25)]
        print(
            f"\n== engines: identity scan of {human(engine_rows)} battles "
            f"(text on 25%), {args.workers} workers =="
        )
        results: dict[str, dict[str, Any]] = {}
        # dask-read: at least four partitions per worker even for the small --quick input.
        input_bytes = sum(Path(f).stat().st_size for f in names)
        partition_bytes = min(64 * 2**20, max(2**20, input_bytes // (4 * args.workers)))
        for name in ("local", "processes", "dask", "dask-read"):
            spec = {"files": names, "engine": name, "workers": args.workers, "chunk_rows": 5_000}
            if name == "dask-read":
                spec |= {"scan_only": False, "partition_bytes": partition_bytes}
            try:
                results[name] = run_child("engine", spec)
            except RuntimeError as exc:
                print(f"  {name}: failed: {exc}")
        local = results.get("local")
        print(
            f"{'engine':<10} {'end-to-end':>12} {'text rows/s':>12} {'vs local':>9} "
            f"{'scan-only':>11} {'text rows/s':>12} {'vs local':>9}"
        )
        for name, r in results.items():
            e2e = r["text_rows"] / r["end_to_end_seconds"]
            e2e_vs = local["end_to_end_seconds"] / r["end_to_end_seconds"] if local else math.nan
            same = local is None or (
                r["findings"] == local["findings"] and r["finding_ids"] == local["finding_ids"]
            )
            scan_cells = f"{'—':>11} {'—':>12} {'—':>9}"
            if r["scan_only_seconds"] is not None:
                scan = r["text_rows"] / r["scan_only_seconds"]
                vs = local["scan_only_seconds"] / r["scan_only_seconds"] if local else math.nan
                scan_cells = f"{r['scan_only_seconds']:>10.1f}s {scan:>12,.0f} {vs:>8.2f}x"
            print(
                f"{name:<10} {r['end_to_end_seconds']:>11.1f}s {e2e:>12,.0f} {e2e_vs:>8.2f}x "
                f"{scan_cells}{'' if same else '  FINDINGS DIFFER'}"
            )
        if "dask-read" in results:
            print(f"  dask-read: {' '.join(results['dask-read']['notes'])}")
        summary["engines"] = results

    out = workdir / "bench_scale_results.json"
    out.write_text(json.dumps(summary, indent=2, sort_keys=True))
    print(f"\nraw results: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
