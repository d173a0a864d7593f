"""The puller check: a model's rating that rests on a crowd of established voters pulling for it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from auditkit.audit import run_audit
from auditkit.detectors import get_detector
from auditkit.errors import RuleError
from auditkit.rules import load_rules
from auditkit.simulate import ArenaConfig, simulate_arena
from auditkit.simulate.config import PRESET_MODELS, CamouflageStuffing
from auditkit.voters.population import audit_population
from auditkit.voters.pullers import PullerConfig

# Untrusted model name: markup and a Markdown table separator.
TARGET = "<b onmouseover=x>|llama"
MODELS = (*PRESET_MODELS[:3], TARGET, *PRESET_MODELS[4:])


@pytest.fixture(scope="module")
def crowd() -> Any:
    """Thirty camouflaged accounts: cover votes elsewhere, a vote for the target on 60 % of its
    battles, its battles at their natural share (per account, little to see)."""
    attack = CamouflageStuffing(
        target=TARGET, n_votes=1_000, n_voters=30, cover_ratio=5.0, recognise=0.6
    )
    config = ArenaConfig(n_battles=66_000, models=MODELS, attacks=(attack,))
    return simulate_arena(config, 4)


@pytest.fixture(scope="module")
def crowd_result(crowd: Any) -> Any:
    return audit_population(crowd.battles, load_rules())


@pytest.fixture(scope="module")
def honest() -> Any:
    return simulate_arena(ArenaConfig(n_battles=60_000, models=PRESET_MODELS), 4)


def test_the_rule_pack_configures_the_check() -> None:
    cfg = PullerConfig.from_rules(load_rules())
    assert cfg.enabled and cfg.policy == "provisional" and cfg.fans == 5
    assert 0 < cfg.fdr < 1 and cfg.min_shift_se > 0


def test_a_bad_policy_is_a_rule_error_naming_the_file(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "rules"
    shutil.copytree(Path(__file__).resolve().parents[1] / "rules", root)
    path = root / "population.yaml"
    path.write_text(path.read_text().replace("puller_policy: provisional", "puller_policy: drop"))
    with pytest.raises(RuleError, match="puller_policy") as info:
        PullerConfig.from_rules(load_rules(root))
    assert "population.yaml" in str(info.value)


def test_an_honest_arena_has_no_model_resting_on_pullers(honest: Any) -> None:
    result = audit_population(honest.battles, load_rules())
    assert result.pullers is not None
    assert result.puller_flagged_models == []
    assert len(result.puller_vote_weights) == 0


def test_a_crowd_pulling_for_the_target_is_found_and_down_weighted(
    crowd: Any, crowd_result: Any
) -> None:
    result = crowd_result
    assert result.puller_flagged_models == [TARGET]
    row = result.pullers.table.set_index("model").loc[TARGET]
    assert row["direction"] == "for" and row["z"] > 4
    assert row["shift_elo"] >= row["rating_se_elo"]  # the effect-size floor
    # Every down-weighted vote is listed with its weight, and all are in the target's battles,
    # mostly cast by the camouflaged accounts.
    weights = result.puller_vote_weights
    assert len(weights) > 0 and (weights["weight"] < 1).all()
    assert ((weights["model_a"] == TARGET) | (weights["model_b"] == TARGET)).all()
    attack_ids = crowd.truth.vote_ids("camouflage") | crowd.truth.vote_ids("camouflage_cover")
    assert weights["vote_id"].isin(attack_ids).mean() > 0.8


def test_the_down_weighted_rating_is_closer_to_the_honest_one(
    crowd: Any, crowd_result: Any
) -> None:
    from auditkit.voters.population import _fit

    result = crowd_result
    frame = crowd.battles.frame
    honest_ids = crowd.truth.vote_ids("honest") | crowd.truth.vote_ids("honest_shared")
    models = sorted(set(frame["model_a"].astype(str)) | set(frame["model_b"].astype(str)))
    index = {m: i for i, m in enumerate(models)}
    honest_frame = frame[frame["vote_id"].isin(honest_ids)]
    a = honest_frame["model_a"].astype(str).map(index).to_numpy(np.int64)
    b = honest_frame["model_b"].astype(str).map(index).to_numpy(np.int64)
    winner = honest_frame["winner"].astype(str).to_numpy()
    score = np.where(winner == "model_a", 1.0, np.where(winner == "model_b", 0.0, 0.5))
    true = _fit(a, b, score, None, len(models))[index[TARGET]] * 400 / np.log(10)
    table = result.pullers.table.set_index("model")
    attacked = float(table.loc[TARGET, "rating_all"])
    down = float(result.pullers.down_weighted_ratings[TARGET])
    assert abs(down - true) < 0.5 * abs(attacked - true)


def test_findings_are_table_level_and_never_invalidate(crowd: Any) -> None:
    result = get_detector("population_shift")().detect(crowd.battles, load_rules())
    pullers = [f for f in result.findings if f.rule == "rating_rests_on_pullers"]
    assert [f.subject for f in pullers] == [TARGET]
    finding = pullers[0]
    assert finding.vote_id is None
    assert finding.evidence["policy"] == "provisional"
    assert finding.evidence["down_weighted_votes"] > 0
    summary = get_detector("population_shift").summary_entries(result)
    assert [row["model"] for row in summary["puller_flags"]] == [TARGET]
    assert summary["puller_flags"][0]["status"] == "provisional"


def test_summary_and_reports_show_the_provisional_rating_escaped(
    crowd: Any, tmp_path: Path
) -> None:
    import json

    crowd.write(tmp_path / "battles.jsonl", tmp_path / "truth.json")
    run_audit(
        tmp_path / "battles.jsonl",
        rules=load_rules(),
        out_dir=tmp_path / "run",
        db_path=None,
        detectors=["population_shift"],
        quiet=True,
    )
    summary = json.loads((tmp_path / "run" / "summary.json").read_text("utf-8"))
    (flag,) = summary["puller_flags"]
    assert flag["model"] == TARGET and flag["status"] == "provisional"
    assert flag["rating_down_weighted"] < flag["rating_all"] and 0.0 <= flag["weight"] < 1.0
    assert summary["invalidations"]["votes_invalidated"] == 0
    html = (tmp_path / "run" / "report.html").read_text("utf-8")
    assert 'id="puller-flags"' in html
    assert "<b onmouseover" not in html and "&lt;b onmouseover=x&gt;|llama" in html
    markdown = (tmp_path / "run" / "report.md").read_text("utf-8")
    row = next(line for line in markdown.splitlines() if "| provisional | for |" in line)
    assert "\\|llama" in row and "<b " not in row
