"""Head-to-head comparison: the verdict follows the interval, the record counts the direct votes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from planted_logs import vote_log

from auditkit.cli import main
from auditkit.compare import compare
from auditkit.schema import BattleTable
from auditkit.simulate import preset_config, simulate_arena


def _three(wins: int, losses: int) -> BattleTable:
    return vote_log(
        {
            ("X", "Y", "model_a"): wins,
            ("X", "Y", "model_b"): losses,
            ("Y", "X", "tie"): 10,
            ("X", "Y", "tie_bothbad"): 5,
            ("X", "Z", "model_a"): 60,
            ("X", "Z", "model_b"): 40,
            ("Y", "Z", "model_a"): 55,
            ("Y", "Z", "model_b"): 45,
        }
    )


def test_record_counts_direct_votes_from_a_point_of_view() -> None:
    result = compare(_three(52, 48), "Y", "X")
    assert result.record == {"wins": 48, "ties": 10, "both_bad": 5, "losses": 52}


def test_close_pair_is_called_tied_and_the_interval_contains_zero() -> None:
    result = compare(_three(52, 48), "X", "Y")
    d = result.overall
    assert d.ci_lower < 0 < d.ci_upper and not d.separated
    assert 0.5 < d.p_above < 0.975
    assert result.verdict.startswith("statistically tied")
    assert f"removing {result.fragility.drop.count:,} of" in result.verdict


def test_clear_gap_names_the_leader_and_agrees_with_the_interval() -> None:
    result = compare(_three(40, 160), "X", "Y")
    d = result.overall
    assert d.ci_upper < 0 and d.p_above < 0.025
    assert result.verdict.startswith("Y is rated above X")
    assert result.fragility.higher == "Y"


def test_style_control_and_language_slices_on_a_simulated_arena() -> None:
    arena = simulate_arena(preset_config("demo", n_battles=6000), seed=3)
    result = compare(arena.battles, "gpt-4o-2024-05-13", "claude-3-5-sonnet-20240620")
    assert result.style is not None and result.style.scope == "style-controlled"
    assert any(s.scope.startswith("language=") for s in result.slices)
    data = result.to_json()
    assert data["difference"]["separated"] == (
        data["difference"]["ci_lower"] > 0 or data["difference"]["ci_upper"] < 0
    )
    assert list(result.to_frame()["scope"])[:2] == ["overall", "style-controlled"]


def test_unrated_and_unknown_models_are_errors() -> None:
    with pytest.raises(ValueError, match="does not appear"):
        compare(_three(52, 48), "X", "nobody")
    with pytest.raises(ValueError, match="two different"):
        compare(_three(52, 48), "X", "X")


def test_cli_prints_and_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    arena = simulate_arena(preset_config("clean", n_battles=3000, text_fraction=0.0), seed=2)
    path = tmp_path / "b.jsonl.gz"
    arena.write(path, tmp_path / "t.json")
    out = tmp_path / "cmp.json"
    models = sorted(arena.battles.models)
    assert main(["compare", str(path), models[0], models[1], "--out", str(out)]) == 0
    assert "verdict:" in capsys.readouterr().out
    assert json.loads(out.read_text())["model_a"] == models[0]
    assert main(["compare", str(path), models[0], "nobody"]) == 2
    assert "does not appear" in capsys.readouterr().err
