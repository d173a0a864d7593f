"""Time one peer implementation on a battle file; prints one JSON line. Runs in bench/.venv-peers.

    bench/.venv-peers/bin/python bench/peers/run_peer.py {arena_rank|fastchat} DATA.parquet ROUNDS

DATA has columns model_a, model_b, winner (FastChat spelling: tie, "tie (bothbad)").
arena-rank: PairDataset.from_pandas + BradleyTerry.compute_ratings_and_cis (sandwich, then
bootstrap with ROUNDS rounds, seed 42). FastChat (fschat 0.2.36, the PyPI release):
compute_elo_mle_with_tie (sklearn LogisticRegression, the MLE function that release ships) and
get_bootstrap_result with ROUNDS rounds. Peak RSS is this process's (children not included).
"""

from __future__ import annotations

import json
import multiprocessing
import resource
import sys
import time

import pandas as pd


def peak_mb() -> float:
    """Peak RSS of this process (VmHWM, not inherited across exec) or of its largest worker."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    own = int(line.split()[1]) / 1024.0
    except OSError:
        pass
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    return max(own, kids)


def run_arena_rank(df: pd.DataFrame, rounds: int) -> dict[str, float]:
    from arena_rank.models.bradley_terry import BradleyTerry
    from arena_rank.utils.data_utils import PairDataset

    start = time.perf_counter()
    dataset = PairDataset.from_pandas(df)
    model = BradleyTerry(n_competitors=len(dataset.competitors))
    out = model.compute_ratings_and_cis(dataset, ci_method="sandwich")
    float(out["rating_lower"][0])  # block until JAX is done
    t_sandwich = time.perf_counter() - start
    start = time.perf_counter()
    dataset = PairDataset.from_pandas(df)
    boot = BradleyTerry(n_competitors=len(dataset.competitors))
    out = boot.compute_ratings_and_cis(
        dataset, ci_method="bootstrap", num_bootstrap=rounds, seed=42
    )
    float(out["rating_lower"][0])
    t_boot = time.perf_counter() - start
    return {"point_sandwich_s": t_sandwich, "bootstrap_s": t_boot}


def run_fastchat(df: pd.DataFrame, rounds: int) -> dict[str, float]:
    # elo_analysis imports the model registry and log tooling (which pull in torch) at module level;
    # the two functions timed here use neither, so those modules are stubbed rather than installed.
    import types

    for name in (
        "fastchat.model.model_registry",
        "fastchat.serve.monitor.basic_stats",
        "fastchat.serve.monitor.clean_battle_data",
    ):
        stub = types.ModuleType(name)
        stub.get_model_info = stub.get_log_files = stub.clean_battle_data = None  # type: ignore[attr-defined]
        sys.modules[name] = stub
    from fastchat.serve.monitor.elo_analysis import compute_elo_mle_with_tie, get_bootstrap_result

    start = time.perf_counter()
    compute_elo_mle_with_tie(df)
    t_point = time.perf_counter() - start
    start = time.perf_counter()
    compute_elo_mle_with_tie(df)
    get_bootstrap_result(df, compute_elo_mle_with_tie, rounds)
    t_boot = time.perf_counter() - start
    return {"point_sandwich_s": t_point, "bootstrap_s": t_boot}


def main() -> int:
    multiprocessing.set_start_method("spawn", force=True)  # fork + JAX threads deadlocks
    peer, path, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    df = pd.read_parquet(path)
    runner = {"arena_rank": run_arena_rank, "fastchat": run_fastchat}[peer]
    result = runner(df, rounds)
    print(json.dumps({**result, "rounds": rounds, "peak_mb": peak_mb()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
