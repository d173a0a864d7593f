"""deanonymisability: how well each model is recognised from its responses, against chance."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from auditkit.audit import DEFAULT_DETECTORS, TEXT_DETECTORS, run_audit
from auditkit.detectors import Severity, get_detector
from auditkit.detectors.deanonymisability import recognisability
from auditkit.schema import BattleTable
from auditkit.simulate import preset_config, simulate_arena
from auditkit.simulate.responses import signature_for


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+|[^\w\s\"␣]", text.lower())


def _texts(rng: np.random.Generator, n: int, closing: str) -> list[str]:
    words = [
        "the",
        "a",
        "plan",
        "data",
        "result",
        "step",
        "model",
        "value",
        "time",
        "user",
        "idea",
        "list",
        "code",
        "test",
    ]
    return [
        " ".join(rng.choice(words, size=30)) + (f" {closing}" if closing else "") for _ in range(n)
    ]


def test_a_model_with_a_signature_phrase_is_recognised_and_others_are_not() -> None:
    rng = np.random.default_rng(0)
    plain = {"m-plain-1": "", "m-plain-2": "", "m-plain-3": ""}
    habits = {"m-habit": "Cheers, and happy hacking ✨"}
    models: list[str] = []
    texts: list[str] = []
    for model, closing in {**plain, **habits}.items():
        models += [model] * 60
        texts += _texts(rng, 60, closing)
    rows = {r.model: r for r in recognisability(models, texts, alpha=0.01, random_state=0)}
    habit = rows["m-habit"]
    assert habit.recognisable and habit.accuracy > 0.95
    assert habit.chance == pytest.approx(0.25)
    assert habit.ci_low <= habit.accuracy <= habit.ci_high
    assert any("happy" in g or "hacking" in g or "✨" in g for g in habit.giveaways)
    assert not any(rows[m].recognisable for m in plain)


def test_too_few_models_or_responses_is_an_error() -> None:
    with pytest.raises(ValueError):
        recognisability(["a"] * 10, ["x y"] * 10)


@pytest.fixture(scope="module")
def demo_result(default_rules: Any) -> Any:
    arena = simulate_arena(preset_config("demo", n_battles=6000), seed=2)
    return get_detector("deanonymisability")().detect(arena.battles, default_rules)


def test_simulated_signature_habits_are_found(demo_result: Any) -> None:
    """Ground truth: the simulator gives four models a closing habit and the others none."""
    rows = demo_result.summary["models"]
    habit = [r for r in rows if signature_for(r["model"]) is not None]
    others = [r for r in rows if signature_for(r["model"]) is None]
    assert len(habit) == 4 and others
    for r in habit:
        assert r["recognisable"] and r["accuracy"] >= 0.9, r
        signature = set(_tokens(str(signature_for(r["model"]))))
        assert any(set(_tokens(g)) <= signature for g in r["giveaways"]), r["giveaways"]
    assert min(r["accuracy"] for r in habit) > max(r["accuracy"] for r in others)
    flagged = {f.subject for f in demo_result.findings}
    assert {f"model:{r['model']}" for r in habit} <= flagged
    assert all(f.severity == Severity.INFO and f.vote_id is None for f in demo_result.findings)


def test_without_text_it_does_not_run(default_rules: Any) -> None:
    table = BattleTable.from_records(
        [{"vote_id": "1", "model_a": "a", "model_b": "b", "winner": "model_a"}]
    )
    result = get_detector("deanonymisability")().detect(table, default_rules)
    assert result.summary["ran"] is False and result.notes


def test_audit_outputs_carry_probes_and_recognisability(tmp_path: Path, default_rules: Any) -> None:
    arena = simulate_arena(preset_config("demo", n_battles=3000), seed=4)
    log, truth = tmp_path / "arena.jsonl.gz", tmp_path / "truth.json"
    arena.write(log, truth)
    result = run_audit(
        log,
        rules=default_rules,
        out_dir=tmp_path / "out",
        db_path=None,
        quiet=True,
        detectors=[*DEFAULT_DETECTORS, *TEXT_DETECTORS],
    )
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["deanonymisability"]["ran"] is True
    assert summary["deanonymisability"]["models"]
    assert summary["detectors"]["identity_probe"]["summary"]["probing_votes"] > 0
    assert summary["findings"]["by_rule"].get("identity_probe/identity_probe", 0) > 0
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert 'id="deanonymisability-table"' in html
    # probes are reported, never invalidated by the default policy
    assert not any(
        r.detector == "identity_probe" for inv in result.cleaning.invalidations for r in inv.reasons
    )
