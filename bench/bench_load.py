"""Benchmark: write and load N FastChat JSON Lines battles; time and peak memory against peers.

Run: ``.venv/bin/python bench/bench_load.py [--rows N] [--text-fraction F]``.

Measured in the same run, same machine load:
- writer: ``write_fastchat_jsonl`` (plain and ``.gz``) against ``pandas.DataFrame.to_json(lines=True)``
  on the same rows (a peer that writes fewer fields and no nested metadata);
- loader: ``load_battles`` (pyarrow fast path) against the exact per-line path it falls back to
  (``auditkit.io.jsonl._FAST = False``) and against ``pandas.read_json(lines=True)``.

Each stage prints seconds, rows/s and its peak RSS above the RSS it started at (psutil sampling every
5 ms; without psutil, ``ru_maxrss`` of the whole process). Ratios below 1 mean auditkit is faster.
Targets: 1M battles without text load in a few seconds (≤ 3 s on a quiet machine); the writer's
memory stays bounded by its chunk, not the table. auditkit does more than pandas (validation,
quarantine, id uniqueness, language and time normalisation), so those ratios are a cost.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from auditkit.io import jsonl, load_battles, write_fastchat_jsonl
from auditkit.schema import BattleTable, coerce_frame

T = TypeVar("T")
LANGUAGES = np.array(["English", "Chinese", "Russian", "German", "unknown", "Spanish"])

try:
    import psutil
except ImportError:  # pragma: no cover - psutil is in the ``bench`` extra
    psutil = None


def numpy_battles(n: int, seed: int = 0) -> pd.DataFrame:
    """Arena-like battles: 40 models, skewed voters, ties, languages, a month of timestamps."""
    rng = np.random.default_rng(seed)
    models = np.array([f"model-{i:02d}" for i in range(40)])
    a = rng.integers(0, 40, n)
    b = (a + rng.integers(1, 40, n)) % 40  # never equal to a
    return pd.DataFrame(
        {
            "vote_id": np.char.add("v", np.arange(n).astype(str)),
            "model_a": models[a],
            "model_b": models[b],
            "winner": np.array(["model_a", "model_b", "tie", "tie_bothbad"])[
                rng.choice(4, n, p=[0.36, 0.35, 0.17, 0.12])
            ],
            "voter": np.char.add("arena_user_", rng.zipf(1.5, n).astype(str)),
            "tstamp": 1_700_000_000.0 + np.sort(rng.uniform(0, 30 * 86_400, n)),
            "anony": rng.random(n) < 0.8,
            "language": LANGUAGES[
                rng.choice(len(LANGUAGES), n, p=[0.6, 0.1, 0.1, 0.05, 0.1, 0.05])
            ],
            "turns": rng.integers(1, 4, n),
            "source_file": "<bench>",
            "source_line": np.arange(1, n + 1),
        }
    )


def make_battles(n: int, generator: str, text_fraction: float) -> tuple[BattleTable, str]:
    if generator in ("auto", "simulate"):
        try:
            from auditkit.simulate import ArenaConfig, simulate_arena

            config = ArenaConfig(n_battles=n, text_fraction=text_fraction)
            return simulate_arena(config, seed=0).battles, "auditkit.simulate"
        except (ImportError, TypeError, ValueError):
            if generator == "simulate":
                raise
    frame = numpy_battles(n)
    return BattleTable(frame=coerce_frame(frame), voter_field="judge"), "numpy"


def _rss() -> int:
    if psutil is not None:
        return int(psutil.Process(os.getpid()).memory_info().rss)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@dataclass
class Stage:
    label: str
    seconds: float
    peak_bytes: int  # above the RSS at the stage's start
    peak_rss: int  # absolute: includes memory earlier stages left to the allocator


def measure(label: str, func: Callable[[], T]) -> tuple[Stage, T]:
    """Run ``func`` once: wall seconds and peak RSS growth (sampled in a thread)."""
    gc.collect()
    start_rss = _rss()
    peak = [start_rss]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.005):
            peak[0] = max(peak[0], _rss())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    peak[0] = max(peak[0], _rss())
    stage = Stage(label, seconds, peak[0] - start_rss, peak[0])
    print(
        f"  {label:<44} {seconds:8.2f} s  peak +{stage.peak_bytes / 2**20:6.0f} MiB "
        f"(RSS {stage.peak_rss / 2**20:6.0f} MiB)"
    )
    return stage, result


def exact_load(path: Path, with_text: bool) -> Any:
    jsonl._FAST = False
    try:
        return load_battles(path, with_text=with_text)
    finally:
        jsonl._FAST = True


def run_writer(battles: BattleTable, path: Path, gz: Path) -> dict[str, Stage]:
    """The writer stages (plain, gzip) and the pandas peer on the same rows."""
    stages: dict[str, Stage] = {}
    print("writer")
    stages["write"], _ = measure(
        "auditkit write_fastchat_jsonl (.jsonl)", lambda: write_fastchat_jsonl(battles, path)
    )
    stages["write_gz"], _ = measure(
        "auditkit write_fastchat_jsonl (.jsonl.gz)", lambda: write_fastchat_jsonl(battles, gz)
    )
    peer_path = path.with_name("pandas.jsonl")
    short = battles.frame.drop(
        columns=[c for c in ("conversation_a", "conversation_b") if c in battles.frame]
    )
    stages["write_pandas"], _ = measure(
        "pandas DataFrame.to_json(lines=True)",
        lambda: short.to_json(peer_path, orient="records", lines=True),
    )
    peer_path.unlink()
    print(
        f"  sizes: .jsonl {path.stat().st_size / 1e6:.0f} MB, "
        f".jsonl.gz {gz.stat().st_size / 1e6:.0f} MB"
    )
    return stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--generator", choices=("auto", "numpy", "simulate"), default="auto")
    parser.add_argument(
        "--text-fraction", type=float, default=0.0, help="share of battles with conversations"
    )
    args = parser.parse_args()
    n = args.rows
    load = os.getloadavg()[0]
    print(f"{n:,} battles, text fraction {args.text_fraction}, load average {load:.2f}")
    battles, source = make_battles(n, args.generator, args.text_fraction)
    print(f"generated with {source}")
    stages: dict[str, Stage] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path, gz = Path(tmp) / "battles.jsonl", Path(tmp) / "battles.jsonl.gz"
        stages.update(run_writer(battles, path, gz))
        del battles
        print("loader")
        stages["read_pandas"], frame = measure(
            "pandas.read_json(lines=True)", lambda: pd.read_json(path, lines=True)
        )
        rows_pandas = len(frame)
        del frame
        stages["load_exact"], exact = measure(
            "auditkit exact per-line path (no text)", lambda: exact_load(path, False)
        )
        del exact
        stages["load"], result = measure(
            "auditkit load_battles (no text)", lambda: load_battles(path, with_text=False)
        )
        assert rows_pandas == result.rows_loaded == result.rows_read == n
        del result
        if args.text_fraction > 0:
            stages["load_text_exact"], exact = measure(
                "auditkit exact per-line path (with text)", lambda: exact_load(path, True)
            )
            del exact
            stages["load_text"], result = measure(
                "auditkit load_battles (with text)", lambda: load_battles(path, with_text=True)
            )
            del result
    print("summary")
    for key, stage in stages.items():
        print(f"  {key:<16} {stage.seconds:6.2f} s  {n / stage.seconds:12,.0f} rows/s")
    ratios = [
        ("load / exact path (no text)", "load", "load_exact"),
        ("load / pandas.read_json", "load", "read_pandas"),
        ("load with text / exact path", "load_text", "load_text_exact"),
        ("write / pandas.to_json", "write", "write_pandas"),
        ("write .gz / write", "write_gz", "write"),
    ]
    for label, ours, peer in ratios:
        if ours in stages and peer in stages:
            print(f"ratio {label}: {stages[ours].seconds / stages[peer].seconds:.2f}")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
