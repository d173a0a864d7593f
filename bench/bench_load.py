"""Benchmark: load N FastChat JSON Lines battles without text, against pandas.read_json on the same file.

Run: ``.venv/bin/python bench/bench_load.py [--rows N]``. Prints seconds, rows/s and the ratio
auditkit / pandas (below 1 means auditkit is faster) measured in the same run. Target: 1M battles
without text in a few seconds. auditkit does more than pandas here (validation, quarantine, id
uniqueness, language and time normalisation), so the ratio is a cost, not a like-for-like race.
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from auditkit.io import load_battles, write_fastchat_jsonl
from auditkit.schema import BattleTable, coerce_frame

T = TypeVar("T")
LANGUAGES = np.array(["English", "Chinese", "Russian", "German", "unknown", "Spanish"])
WINNERS = np.array(["model_a", "model_b", "tie", "tie (bothbad)"])


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


def write_battles(path: Path, n: int, generator: str) -> str:
    if generator in ("auto", "simulate"):
        try:
            from auditkit.simulate import ArenaConfig, simulate_arena

            arena = simulate_arena(ArenaConfig(n_battles=n), seed=0)
            write_fastchat_jsonl(arena.battles, path)
            return "auditkit.simulate"
        except (ImportError, TypeError, ValueError):
            if generator == "simulate":
                raise
    frame = numpy_battles(n)
    # Language *names* as FastChat writes them; the loader maps them to ISO codes.
    write_fastchat_jsonl(BattleTable(frame=coerce_frame(frame), voter_field="judge"), path)
    return "numpy"


def timed(label: str, func: Callable[[], T]) -> tuple[float, T]:
    gc.collect()
    start = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - start
    print(f"  {label:<34} {seconds:8.2f} s")
    return seconds, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--generator", choices=("auto", "numpy", "simulate"), default="auto")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "battles.jsonl"
        start = time.perf_counter()
        source = write_battles(path, args.rows, args.generator)
        size = path.stat().st_size / 1e6
        print(
            f"wrote {args.rows:,} battles ({size:.0f} MB, generator {source}) "
            f"in {time.perf_counter() - start:.1f} s"
        )
        base_s, frame = timed(
            "pandas.read_json(lines=True)", lambda: pd.read_json(path, lines=True)
        )
        ours_s, result = timed(
            "auditkit load_battles(no text)", lambda: load_battles(path, with_text=False)
        )
        assert len(frame) == result.rows_loaded == result.rows_read
    for label, seconds in (("pandas", base_s), ("auditkit", ours_s)):
        print(f"{label:>9}: {seconds:6.2f} s  {args.rows / seconds:12,.0f} rows/s")
    print(f"ratio auditkit / pandas: {ours_s / base_s:.2f}")


if __name__ == "__main__":
    main()
