"""Benchmark: the battle-graph / sampling audit on a 3M-battle arena.

Run: ``.venv/bin/python bench/bench_graph.py [--battles N] [--models K]``. Prints wall times and the
ratio against a baseline measured in the same run: a naive networkx build that adds the battles
edge by edge (``G[u][v]["weight"] += 1``), which is how such graphs are commonly built.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from auditkit.graph import audit_graph, battle_graph, pair_counts
from auditkit.rules import load_rules
from auditkit.schema import BattleTable, coerce_frame


def synthetic(n: int, k: int, seed: int = 0) -> BattleTable:
    """Uniform pairs among always-active models over a year, random outcomes."""
    rng = np.random.default_rng(seed)
    models = np.array([f"model-{i:03d}" for i in range(k)])
    times = np.sort(rng.uniform(0, 365 * 86_400.0, n)) + 1.7e9
    a = rng.integers(0, k, n)
    b = (a + rng.integers(1, k, n)) % k
    frame = pd.DataFrame(
        {
            "vote_id": pd.array([f"v{i:08d}" for i in range(n)], dtype="string"),
            "model_a": models[a],
            "model_b": models[b],
            "winner": rng.choice(["model_a", "model_b", "tie", "tie_bothbad"], n),
            "voter": pd.NA,
            "tstamp": times,
            "anony": True,
            "language": pd.NA,
            "turns": 1,
            "source_file": "bench",
            "source_line": np.arange(1, n + 1),
        }
    )
    return BattleTable(frame=coerce_frame(frame))


def naive_graph(frame: pd.DataFrame) -> nx.Graph:
    graph = nx.Graph()
    for u, v in zip(frame["model_a"].tolist(), frame["model_b"].tolist(), strict=True):
        if graph.has_edge(u, v):
            graph[u][v]["weight"] += 1
        else:
            graph.add_edge(u, v, weight=1)
    return graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--battles", type=int, default=3_000_000)
    parser.add_argument("--models", type=int, default=120)
    args = parser.parse_args()
    rules = load_rules(Path(__file__).resolve().parents[1] / "rules")
    t = time.perf_counter()
    battles = synthetic(args.battles, args.models)
    print(
        f"generated {len(battles):,} battles, {args.models} models in {time.perf_counter() - t:.1f}s"
    )

    t = time.perf_counter()
    baseline = naive_graph(battles.frame)
    naive = time.perf_counter() - t

    t = time.perf_counter()
    ours = battle_graph(pair_counts(battles.frame))
    build = time.perf_counter() - t
    same = {(min(u, v), max(u, v), d["weight"]) for u, v, d in baseline.edges(data=True)} == {
        (min(u, v), max(u, v), d["weight"]) for u, v, d in ours.edges(data=True)
    }

    t = time.perf_counter()
    audit = audit_graph(battles, rules)
    full = time.perf_counter() - t

    print(f"naive networkx edge-by-edge build : {naive:7.2f}s  (baseline, 1.00x)")
    print(
        f"vectorised pair counts + graph    : {build:7.2f}s  ({build / naive:5.3f}x the baseline time, {naive / build:.0f}x faster)"
    )
    print(
        f"full audit_graph (all sections)   : {full:7.2f}s  ({full / naive:5.2f}x the baseline time)"
    )
    print(f"graphs identical: {same}; flags on the fair arena: {len(audit.flags)}")


if __name__ == "__main__":
    main()
