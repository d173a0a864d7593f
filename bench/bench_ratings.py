"""Benchmark: auditkit ratings vs arena-rank, FastChat and a choix floor, measured in the same run.

    .venv/bin/python bench/bench_ratings.py [--quick] [--peer-rounds R] [--no-peers]

Datasets: the 135,624 real votes of arena-human-preference-140k (when ../shared/data/real is present)
and simulated battles (1,000,000; 200,000 with --quick) drawn with numpy from a BT model with 60
models, skewed sampling and 29% ties. Every engine runs in its own subprocess so peak memory (max RSS)
is its own: auditkit and the floor in this interpreter's venv, arena-rank and FastChat (fschat) in
bench/.venv-peers (see bench/peers/run_peer.py). Measured per engine: point fit + sandwich CIs
(FastChat: point fit only, it has no analytic CIs) and point fit + 100 bootstrap rounds. Peers run
R bootstrap rounds (arena-rank 20, FastChat 5; 5 and 2 with --quick) and are extrapolated linearly to
100 — printed as measured seconds/rounds next to the extrapolation.
Floor: choix ``ilsr_pairwise_dense`` on the aggregated win matrix with a multinomial bootstrap.
Targets: ≥ 50x faster than arena-rank and FastChat for bootstrap CIs at 1M, within 2x of the floor,
< 1 GiB peak memory at 1M battles.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
REAL = REPO.parent / "shared" / "data" / "real" / "arena_hp140k_votes_meta.jsonl.gz"
PEER_PY = HERE / ".venv-peers" / "bin" / "python"
ROUNDS = 100


def simulate(n: int, n_models: int = 60, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    strength = rng.normal(0, 0.6, n_models)
    popularity = rng.dirichlet(np.full(n_models, 0.7))
    a = rng.choice(n_models, size=n, p=popularity)
    b = rng.choice(n_models, size=n, p=popularity)
    clash = a == b
    b[clash] = (b[clash] + 1 + rng.integers(0, n_models - 1, clash.sum())) % n_models
    p = 1 / (1 + np.exp(strength[b] - strength[a]))
    u = rng.random(n)
    winner = np.where(rng.random(n) < p, "model_a", "model_b").astype(object)
    winner[u < 0.17] = "tie"
    winner[(u >= 0.17) & (u < 0.29)] = "tie (bothbad)"
    names = np.array([f"model-{i:03d}" for i in range(n_models)], dtype=object)
    return pd.DataFrame({"model_a": names[a], "model_b": names[b], "winner": winner})


def real_votes() -> pd.DataFrame | None:
    if not REAL.exists():
        return None
    frame = pd.read_json(REAL, lines=True)[["model_a", "model_b", "winner"]]
    frame = frame[frame["model_a"] != frame["model_b"]].reset_index(drop=True)
    frame["winner"] = frame["winner"].replace({"both_bad": "tie (bothbad)"})
    return frame


def peak_mb() -> float:
    """This process's peak RSS (VmHWM: unlike ru_maxrss it is not inherited across fork/exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# ---------------------------------------------------------------- workers (run in a subprocess)


def work_auditkit(df: pd.DataFrame) -> dict[str, float]:
    from auditkit.ratings import RatingOptions, fit_ratings
    from auditkit.schema import BattleTable, coerce_frame

    frame = df.assign(
        winner=df["winner"].replace({"tie (bothbad)": "tie_bothbad"}),
        vote_id=np.arange(len(df)).astype(str),
        voter=pd.Series(pd.NA, index=df.index, dtype="string"),
        tstamp=np.nan,
        anony=True,
        language=pd.Series(pd.NA, index=df.index, dtype="string"),
        turns=1,
        source_file="bench",
        source_line=np.arange(1, len(df) + 1),
    )
    battles = BattleTable(frame=coerce_frame(frame))
    start = time.perf_counter()
    fit_ratings(battles, RatingOptions(ci="sandwich"))
    t_sandwich = time.perf_counter() - start
    start = time.perf_counter()
    fit_ratings(battles, RatingOptions(ci="bootstrap", n_bootstrap=ROUNDS))
    t_boot = time.perf_counter() - start
    return {"point_sandwich_s": t_sandwich, "bootstrap_s": t_boot, "rounds": ROUNDS}


def work_floor(df: pd.DataFrame) -> dict[str, float]:
    """choix on aggregated counts: the least work a BT fit with a vote bootstrap can do."""
    import choix

    def fit(df: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
        codes, models = pd.factorize(pd.concat([df["model_a"], df["model_b"]]), sort=True)
        n = len(models)
        score = np.where(
            df["winner"] == "model_a", 1.0, np.where(df["winner"] == "model_b", 0, 0.5)
        )
        cells = (
            pd.DataFrame({"a": codes[: len(df)], "b": codes[len(df) :], "s": score})
            .value_counts()
            .reset_index(name="c")
        )
        return fit_cells(cells, cells["c"].to_numpy(), n), cells

    def fit_cells(cells: pd.DataFrame, counts: np.ndarray, n: int) -> np.ndarray:
        wins = np.zeros((n, n))
        a, b, s = cells["a"].to_numpy(), cells["b"].to_numpy(), cells["s"].to_numpy()
        np.add.at(wins, (a, b), counts * s)
        np.add.at(wins, (b, a), counts * (1 - s))
        # A tiny prior keeps rounds that lose a thin model's only battles solvable.
        return np.asarray(choix.ilsr_pairwise_dense(wins, alpha=1e-6, tol=1e-9, max_iter=10_000))

    start = time.perf_counter()
    theta, cells = fit(df)
    t_point = time.perf_counter() - start
    start = time.perf_counter()
    theta, cells = fit(df)
    counts = cells["c"].to_numpy()
    rng = np.random.default_rng(0)
    draws = rng.multinomial(int(counts.sum()), counts / counts.sum(), size=ROUNDS)
    samples = np.stack([fit_cells(cells, d, len(theta)) for d in draws])
    np.percentile(samples, [2.5, 97.5], axis=0)
    t_boot = time.perf_counter() - start
    return {"point_sandwich_s": t_point, "bootstrap_s": t_boot, "rounds": ROUNDS}


def worker(engine: str, path: str) -> int:
    df = pd.read_parquet(path)
    result = {"auditkit": work_auditkit, "floor": work_floor}[engine](df)
    print(json.dumps({**result, "peak_mb": peak_mb()}))
    return 0


# ---------------------------------------------------------------- driver


def run(command: list[str], timeout: float) -> dict[str, float] | str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=REPO)
    except subprocess.TimeoutExpired:
        return f"timed out after {timeout:.0f} s"
    if done.returncode != 0:
        return "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1][:200]
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="200k simulated battles, 5 peer rounds"
    )
    parser.add_argument("--peer-rounds", type=int, default=None, help="bootstrap rounds for peers")
    parser.add_argument(
        "--fastchat-rounds",
        type=int,
        default=None,
        help="bootstrap rounds for FastChat (5; 2 quick)",
    )
    parser.add_argument("--no-peers", action="store_true", help="skip arena-rank and FastChat")
    parser.add_argument("--timeout", type=float, default=1800.0, help="per engine run, seconds")
    parser.add_argument("--worker", nargs=2, metavar=("ENGINE", "DATA"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(*args.worker)

    peer_rounds = args.peer_rounds or (5 if args.quick else 20)
    # sklearn on FastChat's dense duplicated design takes tens of seconds per fit at 1M.
    fastchat_rounds = args.fastchat_rounds or (2 if args.quick else 5)
    n_sim = 200_000 if args.quick else 1_000_000
    peers = not args.no_peers and PEER_PY.exists()
    if not args.no_peers and not PEER_PY.exists():
        print(f"(peers skipped: {PEER_PY} missing; see bench/peers/run_peer.py)")
    print("machine note: shared 2-core box; timings are noisy, ratios are from the same run")

    datasets: list[tuple[str, pd.DataFrame]] = []
    real = real_votes()
    if real is not None:
        datasets.append((f"real {len(real):,}", real))
    datasets.append((f"simulated {n_sim:,}", simulate(n_sim)))

    with tempfile.TemporaryDirectory() as tmp:
        for label, df in datasets:
            path = Path(tmp) / "battles.parquet"
            df.to_parquet(path)
            results: dict[str, dict[str, float] | str] = {}
            me = [sys.executable, str(Path(__file__).resolve()), "--worker"]
            results["auditkit"] = run([*me, "auditkit", str(path)], args.timeout)
            results["floor (choix)"] = run([*me, "floor", str(path)], args.timeout)
            if peers:
                for peer in ("arena_rank", "fastchat"):
                    cmd = [str(PEER_PY), str(HERE / "peers" / "run_peer.py"), peer, str(path)]
                    rounds = fastchat_rounds if peer == "fastchat" else peer_rounds
                    results[peer] = run([*cmd, str(rounds)], args.timeout)
            report(label, results)
    return 0


def report(label: str, results: dict[str, dict[str, float] | str]) -> None:
    print(f"\n== {label} battles")
    print(f"{'engine':<16}{'point+CI s':>12}{'boot100 s':>12}{'(measured)':>16}{'peak MB':>10}")
    ours = results.get("auditkit")
    for engine, res in results.items():
        if isinstance(res, str):
            print(f"{engine:<16}{res}")
            continue
        rounds = int(res["rounds"])
        boot100 = res["bootstrap_s"] * ROUNDS / rounds
        measured = f"{res['bootstrap_s']:.2f}s/{rounds}r"
        print(
            f"{engine:<16}{res['point_sandwich_s']:>12.3f}{boot100:>12.2f}{measured:>16}"
            f"{res['peak_mb']:>10.0f}"
        )
        res["boot100"] = boot100
    if not isinstance(ours, dict):
        return
    for engine, res in results.items():
        if engine == "auditkit" or isinstance(res, str):
            continue
        point = res["point_sandwich_s"] / ours["point_sandwich_s"]
        boot = res["boot100"] / ours["boot100"]
        print(f"  {engine} / auditkit: point+CI {point:6.1f}x   bootstrap-100 {boot:6.1f}x")
    print(f"  auditkit peak memory {ours['peak_mb']:.0f} MB (target < 1024 MB at 1M)")


if __name__ == "__main__":
    sys.exit(main())
