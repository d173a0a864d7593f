"""Reference ratings from LMArena's ``arena-rank`` on the 135,634 real votes (run in bench/.venv-peers).

Writes ``tests/data/ratings/arena_rank_hp140k.csv``: one row per model with arena-rank's point rating,
sandwich interval and bootstrap interval (100 rounds, seed 42), with a ``#`` header saying how the file
was produced. Usage (from the repo root):

    bench/.venv-peers/bin/python bench/peers/arena_rank_reference.py [--data PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import multiprocessing
import sys
import time
from importlib.metadata import version
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "real" / "arena_hp140k_votes_meta.jsonl.gz"


def load_votes(path: Path) -> pd.DataFrame:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    frame = pd.DataFrame(rows)[["model_a", "model_b", "winner"]]
    return frame[frame["model_a"] != frame["model_b"]].reset_index(drop=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--out", type=Path, default=REPO / "tests/data/ratings/arena_rank_hp140k.csv"
    )
    parser.add_argument("--bootstrap", type=int, default=100)
    args = parser.parse_args()
    # arena-rank bootstraps in a multiprocessing Pool; forking a process that already runs JAX
    # threads deadlocks, so workers are spawned.
    multiprocessing.set_start_method("spawn", force=True)

    from arena_rank.models.bradley_terry import BradleyTerry
    from arena_rank.utils.data_utils import PairDataset

    votes = load_votes(args.data)
    dataset = PairDataset.from_pandas(votes)
    model = BradleyTerry(n_competitors=len(dataset.competitors))
    start = time.perf_counter()
    sandwich = model.compute_ratings_and_cis(dataset, ci_method="sandwich")
    t_sandwich = time.perf_counter() - start
    boot_model = BradleyTerry(n_competitors=len(dataset.competitors))
    start = time.perf_counter()
    boot = boot_model.compute_ratings_and_cis(
        dataset, ci_method="bootstrap", num_bootstrap=args.bootstrap, seed=42
    )
    t_boot = time.perf_counter() - start
    out = pd.DataFrame(
        {
            "model": sandwich["competitors"],
            "rating": [float(v) for v in sandwich["ratings"]],
            "sandwich_lower": [float(v) for v in sandwich["rating_lower"]],
            "sandwich_upper": [float(v) for v in sandwich["rating_upper"]],
            "bootstrap_lower": [float(v) for v in boot["rating_lower"]],
            "bootstrap_upper": [float(v) for v in boot["rating_upper"]],
        }
    ).sort_values("rating", ascending=False)
    header = [
        f"# arena-rank {version('arena-rank')} (jax {version('jax')}) reference on {args.data.name}",
        f"# {len(votes)} votes after dropping self-battles; BradleyTerry defaults (scale 400, base 10,",
        "# init 1000, no anchor, ties and both_bad = 0.5), PairDataset.from_pandas(reweighted=False);",
        f"# sandwich: compute_ratings_and_cis(ci_method='sandwich'); bootstrap: {args.bootstrap} rounds, seed 42.",
        "# produced by: bench/.venv-peers/bin/python bench/peers/arena_rank_reference.py",
        f"# date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}; "
        f"timings on a shared 2-core box: sandwich {t_sandwich:.1f} s, bootstrap {t_boot:.1f} s",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        fh.write("\n".join(header) + "\n")
        out.to_csv(fh, index=False, float_format="%.6f")
    print(
        f"wrote {args.out} ({len(out)} models); sandwich {t_sandwich:.1f} s, bootstrap {t_boot:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
