"""The battle graph on planted graphs and on real public logs (facts checked by hand)."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from auditkit.graph import GraphAudit, audit_graph, battle_graph, family_key, pair_counts
from auditkit.rules import RulePack
from auditkit.schema import BattleTable

GENAI = "genai_arena_clean_battle_20240220.jsonl.gz"
HP140K = "arena_hp140k_votes_meta.jsonl.gz"


def _table(pairs: list[tuple[str, str, int]]) -> BattleTable:
    rows: list[dict[str, object]] = []
    for a, b, n in pairs:
        rows.extend({"model_a": a, "model_b": b, "winner": "model_a"} for _ in range(n))
    return BattleTable.from_records(rows)


def test_pair_counts_and_graph_weights() -> None:
    table = _table([("x", "y", 3), ("y", "x", 2), ("y", "z", 1)])
    pairs = pair_counts(table.frame)
    assert pairs.models == ("x", "y", "z")
    assert pairs.counts.tolist() == [[0, 5, 0], [5, 0, 1], [0, 1, 0]]
    assert pairs.appearances.tolist() == [5, 6, 1]
    graph = battle_graph(pairs)
    assert graph["x"]["y"]["weight"] == 5 and not graph.has_edge("x", "z")


def test_planted_disconnected_pair_and_weak_bridge(default_rules: RulePack) -> None:
    # a 4-clique, a model hanging on by 3 battles, and a pair that never meets the rest
    clique = ["a", "b", "c", "d"]
    pairs = [(u, v, 50) for i, u in enumerate(clique) for v in clique[i + 1 :]]
    pairs += [("d", "weak", 3), ("island-1", "island-2", 40)]
    audit = audit_graph(_table(pairs), default_rules)
    assert audit.components == (("a", "b", "c", "d", "weak"), ("island-1", "island-2"))
    assert audit.pair_coverage == {"observed": 8, "possible": 21, "share": 8 / 21}
    kinds = {(f.kind, f.subject) for f in audit.flags}
    assert ("disconnected", "island-1,island-2") in kinds
    assert ("low_connectivity", "weak") in kinds
    assert audit.connectivity["bridges"] == [{"model_a": "d", "model_b": "weak", "battles": 3}]
    assert audit.connectivity["weakest_pairs"][0] == {
        "model_a": "d",
        "model_b": "weak",
        "battles": 3,
    }
    assert audit.fiedler["value"] == 0.0  # disconnected graph
    assert audit.fiedler["largest_component_value"] > 0.0


def test_family_key_groups_dated_and_suffixed_variants(default_rules: RulePack) -> None:
    patterns = default_rules.section("sampling")["family_strip_patterns"]
    assert family_key("claude-3-5-sonnet-20240620", patterns) == "claude-3-5-sonnet"
    assert family_key("gemini-2.5-pro-preview-05-06", patterns) == "gemini-2.5-pro"
    assert family_key("gemini-2.5-pro", patterns) == "gemini-2.5-pro"
    assert family_key("qwen3-235b-a22b-no-thinking", patterns) == "qwen3-235b-a22b"
    assert family_key("gpt-4o-mini-2024-07-18", patterns) == "gpt-4o-mini"


@pytest.fixture(scope="module")
def genai(real_data_dir: Path) -> tuple[object, GraphAudit]:
    from auditkit.io import load_battles
    from auditkit.rules import load_rules

    loaded = load_battles(real_data_dir / GENAI)
    rules = load_rules(Path(__file__).resolve().parents[1] / "rules")
    return loaded, audit_graph(loaded.battles, rules)


def test_genai_arena_generation_and_editing_models_form_two_components(
    genai: tuple[object, GraphAudit],
) -> None:
    loaded, audit = genai
    assert loaded.quarantine_counts == {"self_battle": 1}  # type: ignore[attr-defined]
    assert audit.n_battles == 2060
    main, other = audit.components
    assert len(main) == 6 and all(m.endswith("_generation") for m in main)
    assert len(other) == 7 and all(m.endswith("_edition") for m in other)
    disconnected = [f for f in audit.flags if f.kind == "disconnected"]
    assert [f.subject for f in disconnected] == [",".join(other)]
    # each of the two arenas is judged on its own: within them sampling looks uniform, so the gap
    # is the only flag (not a dozen over/undersampling echoes of it)
    assert [f.kind for f in audit.flags] == ["disconnected"]
    # README: editing models have 15-33 appearances, generation ~620-720
    share = {r["model"]: r["battles"] for r in audit.model_share}
    assert min(share[m] for m in other) == 15 and max(share[m] for m in other) == 33
    assert min(share[m] for m in main) >= 600 and max(share[m] for m in main) <= 720


@pytest.fixture(scope="module")
def hp140k(real_data_dir: Path) -> tuple[object, GraphAudit]:
    from auditkit.io import load_battles
    from auditkit.rules import load_rules

    loaded = load_battles(real_data_dir / HP140K)
    rules = load_rules(Path(__file__).resolve().parents[1] / "rules")
    return loaded, audit_graph(loaded.battles, rules)


def test_hp140k_counts_checked_by_hand(
    real_data_dir: Path, hp140k: tuple[object, GraphAudit]
) -> None:
    loaded, audit = hp140k
    assert loaded.quarantine_counts == {"self_battle": 10}  # type: ignore[attr-defined]
    assert audit.n_battles == 135_624 and len(audit.models) == 53
    # Independent count from the raw file: 1,204 unordered pairs including the self-pair
    # (gemini-2.5-flash-preview-04-17 vs itself, README's figure); 1,203 real pairs after quarantine.
    with gzip.open(real_data_dir / HP140K, "rt", encoding="utf-8") as handle:
        raw = {frozenset((r["model_a"], r["model_b"])) for r in map(json.loads, handle)}
    assert len(raw) == 1204
    assert audit.pair_coverage["observed"] == 1203 == len([p for p in raw if len(p) == 2])
    assert audit.pair_coverage["possible"] == 1378
    battles = {r["model"]: r["battles"] for r in audit.model_share}
    assert max(battles, key=battles.__getitem__) == "claude-opus-4-20250514"
    assert battles["claude-opus-4-20250514"] == 10_092
    assert min(battles, key=battles.__getitem__) == "qwen3-coder-480b-a35b-instruct"
    assert battles["qwen3-coder-480b-a35b-instruct"] == 2
    kinds = {(f.kind, f.subject) for f in audit.flags}
    assert ("oversampled", "claude-opus-4-20250514") in kinds
    assert ("undersampled", "qwen3-coder-480b-a35b-instruct") in kinds
    assert ("low_connectivity", "qwen3-coder-480b-a35b-instruct") in kinds
    assert len(audit.components) == 1
    assert any("no timestamps" in note for note in audit.notes)


def test_hp140k_pair_weights_equalise_the_sampling(hp140k: tuple[object, GraphAudit]) -> None:
    _, audit = hp140k
    weights = audit.pair_weights
    assert list(weights.columns) == ["model_a", "model_b", "weight"]
    assert len(weights) == 1203 and (weights["model_a"] < weights["model_b"]).all()
    assert weights["weight"].between(0.1, 10.0).all()
    assert audit.next_pairs[0]["battles"] == 0  # never-observed pairs come first
    json.dumps(audit.to_json())  # plain JSON, no numpy scalars


def test_graph_command_prints_json(real_data_dir: Path, repo_root: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "auditkit", "graph", str(real_data_dir / GENAI), "--json"],
        capture_output=True,
        text=True,
        cwd=repo_root,
        check=True,
    )
    data = json.loads(out.stdout)
    for key in ("components", "fiedler", "pair_coverage", "model_share", "position_balance"):
        assert key in data
    assert {"kind", "subject", "statistic", "p_value", "message"} <= set(data["flags"][0])
    assert set(data["model_share"][0]) >= {"model", "battles", "share", "expected", "residual"}
    assert np.isclose(sum(r["share"] for r in data["model_share"]), 1.0)
    command = [sys.executable, "-m", "auditkit", "graph", str(real_data_dir / GENAI)]
    failing = subprocess.run(
        [*command, "--fail-on", "high"],
        capture_output=True,
        text=True,
        cwd=repo_root,
    )
    assert failing.returncode == 1 and "2 component(s)" in failing.stdout
