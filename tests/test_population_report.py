"""The population check in summary.json and the reports: ratings, status, evidence, escaping."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from auditkit.audit import run_audit
from auditkit.rules import load_rules
from auditkit.simulate import ArenaConfig, simulate_arena
from auditkit.simulate.config import PRESET_MODELS, NewAccountSwarm
from auditkit.voters.population import audit_population

# Untrusted model name: markup and a Markdown table separator.
TARGET = "<img src=x onerror=alert(1)>|evil"
MODELS = (*PRESET_MODELS[:11], TARGET, *PRESET_MODELS[12:])


@pytest.fixture(scope="module")
def swarmed() -> Any:
    attack = NewAccountSwarm(target=TARGET, n_votes=1_200)
    return simulate_arena(ArenaConfig(n_battles=60_000, models=MODELS, attacks=(attack,)), 8)


def _audit(arena: Any, out: Path, policy: str) -> dict[str, Any]:
    rules = load_rules()
    section = {**rules.sections["population"], "policy": policy}
    rules = replace(rules, sections={**rules.sections, "population": section})
    arena.write(out / "battles.jsonl", out / "truth.json")
    run_audit(
        out / "battles.jsonl",
        rules=rules,
        out_dir=out / "run",
        db_path=None,
        detectors=["population_shift"],
        quiet=True,
    )
    summary: dict[str, Any] = json.loads((out / "run" / "summary.json").read_text("utf-8"))
    return summary


def test_summary_and_reports_show_the_down_weighted_rating_and_its_evidence(
    swarmed: Any, tmp_path: Path
) -> None:
    summary = _audit(swarmed, tmp_path, "down_weight")
    (flag,) = summary["population_flags"]
    assert flag["model"] == TARGET and flag["status"] == "down-weighted"
    assert flag["direction"] == "lift"
    # The swarm lifted the target; the down-weighted rating undoes most of it.
    lift = flag["rating_all"] - flag["rating_established"]
    assert lift > 20 and flag["down_weight_change_elo"] < -0.6 * lift
    assert 800 <= flag["excess_votes"] <= 1_600 and flag["down_weighted_votes"] > 0
    html = (tmp_path / "run" / "report.html").read_text("utf-8")
    assert 'id="population-flags"' in html and "down-weighted" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;|evil" in html
    markdown = (tmp_path / "run" / "report.md").read_text("utf-8")
    row = next(line for line in markdown.splitlines() if "(lift)" in line)
    assert "\\|evil | down\\-weighted |" in row and "<img" not in row
    findings = [
        json.loads(line)
        for line in (tmp_path / "run" / "findings.jsonl").read_text("utf-8").splitlines()
    ]
    finding = next(f for f in findings if f["rule"] == "new_account_dependence")
    assert finding["vote_id"] is None
    by_opponent = finding["evidence"]["excess"]["by_opponent"]
    assert sum(o["votes"] for o in by_opponent) == flag["down_weighted_votes"]
    assert all(0.0 <= o["weight"] < 1.0 for o in by_opponent)
    assert summary["invalidations"]["votes_invalidated"] == 0


def test_provisional_is_the_default_status(swarmed: Any, tmp_path: Path) -> None:
    summary = _audit(swarmed, tmp_path, "provisional")
    assert [f["status"] for f in summary["population_flags"]] == ["provisional"]


def test_the_down_weighted_votes_are_listed_by_id(swarmed: Any) -> None:
    result = audit_population(swarmed.battles, load_rules())
    weights = result.vote_weights
    assert len(weights) == result.stats["down_weighted_votes"]
    assert ((weights["model_a"] == TARGET) | (weights["model_b"] == TARGET)).all()
    assert weights["weight"].between(0.0, 1.0, inclusive="left").all()
    labels = swarmed.truth.vote_labels.set_index("vote_id")["label"]
    # The swarm's votes are all wins of the target by new accounts: every one is down-weighted.
    swarm_ids = set(labels[labels == "new_account_swarm"].index)
    assert swarm_ids <= set(weights["vote_id"])


def test_an_attack_free_arena_has_no_population_flags(tmp_path: Path) -> None:
    arena = simulate_arena(ArenaConfig(n_battles=20_000, models=MODELS), 31)
    summary = _audit(arena, tmp_path, "down_weight")
    assert summary["population_flags"] == []
    assert "No model's rating depends on new accounts" in (
        tmp_path / "run" / "report.md"
    ).read_text("utf-8")
