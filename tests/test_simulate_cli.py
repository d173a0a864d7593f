"""``auditkit simulate``, presets, attack parsing, and the round trip through the loader."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from auditkit.cli import main
from auditkit.io import load_battles
from auditkit.simulate import (
    ATTACK_KINDS,
    DisconnectedGroup,
    GroundTruth,
    PositionBot,
    TargetStuffing,
    load_truth,
    parse_attack,
    preset_config,
    simulate_arena,
)


def test_parse_attack_positional_and_keyword_forms_agree() -> None:
    positional = parse_attack("target_stuffing:gpt-4o-2024-05-13,300,2")
    keyword = parse_attack("target_stuffing:target=gpt-4o-2024-05-13,n_votes=300,n_voters=2")
    assert positional == keyword == TargetStuffing("gpt-4o-2024-05-13", 300, 2)
    assert parse_attack("position_bot:50") == PositionBot(n_votes=50)
    assert parse_attack("disconnected_group:models=x+y") == DisconnectedGroup(models=("x", "y"))
    assert parse_attack("shared_address:3,90").kind == "honest_shared"
    for bad in ("nope:1", "position_bot:n_votes=many", "position_bot:wrong=1", "random_bot:1,2,3"):
        with pytest.raises(ValueError):
            parse_attack(bad)


def test_demo_preset_has_a_bit_of_everything() -> None:
    config = preset_config("demo")
    kinds = {a.kind for a in config.attacks}
    assert kinds >= {
        "identity_leak",
        "target_stuffing",
        "sybil_stuffing",
        "position_bot",
        "random_bot",
        "over_sampling",
        "disconnected_group",
    }
    assert config.n_battles == 20_000
    assert config.text_fraction == pytest.approx(0.3)
    assert preset_config("clean").attacks == ()
    every_kind = {cls.kind for cls in ATTACK_KINDS.values()}
    assert {a.kind for a in preset_config("attacks").attacks} == every_kind
    assert preset_config("demo", n_battles=5_000).n_battles == 5_000
    with pytest.raises(ValueError, match="unknown preset"):
        preset_config("huge")


def test_written_battles_load_back_identically(tmp_path: Path) -> None:
    arena = simulate_arena(preset_config("demo", n_battles=4_000), seed=1)
    battles_path, truth_path = tmp_path / "b.jsonl.gz", tmp_path / "truth.json"
    arena.write(battles_path, truth_path)
    with gzip.open(battles_path, "rt", encoding="utf-8") as handle:
        first = json.loads(handle.readline())
    assert first["question_id"] == "v0000001"
    assert first["language"][0].isupper()  # FastChat-era language names, e.g. "English"
    assert {"model_a", "model_b", "winner", "judge", "anony", "tstamp", "turn"} <= set(first)

    loaded = load_battles(battles_path)
    assert loaded.rows_read == loaded.rows_loaded == 4_000
    assert loaded.quarantine == []
    got, want = loaded.battles.frame, arena.battles.frame
    for column in ("vote_id", "model_a", "model_b", "voter", "language", "anony", "turns"):
        assert got[column].astype(str).tolist() == want[column].astype(str).tolist(), column
    assert got["winner"].astype(str).tolist() == want["winner"].astype(str).tolist()
    pd.testing.assert_series_equal(got["tstamp"], want["tstamp"], check_names=False)
    text = want["conversation_a"].notna()
    assert got.loc[text, "conversation_a"].tolist() == want.loc[text, "conversation_a"].tolist()
    assert loaded.battles.voters_usable

    truth = load_truth(truth_path)
    assert isinstance(truth, GroundTruth)
    assert truth.to_json() == arena.truth.to_json()


def test_cli_writes_battles_and_truth(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out, truth = tmp_path / "arena.jsonl", tmp_path / "truth.json"
    code = main(
        [
            "simulate",
            "--out",
            str(out),
            "--truth",
            str(truth),
            "--battles",
            "1500",
            "--models",
            "6",
            "--seed",
            "4",
            "--text-fraction",
            "0.2",
            "--attack",
            "position_bot:n_votes=40",
            "--attack",
            "identity_leak:model=gpt-4o-2024-05-13,rate=0.5",
        ]
    )
    assert code == 0
    assert "position_bot" in capsys.readouterr().out
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1500
    data = json.loads(truth.read_text(encoding="utf-8"))
    assert len(data["true_strengths"]) == 6
    assert [a["kind"] for a in data["attacks"]] == ["position_bot", "identity_leak"]
    assert data["attacks"][0]["n_votes"] == 40


@pytest.mark.parametrize(
    "extra",
    [
        ["--attack", "bogus:1"],
        ["--attack", "target_stuffing:target=not-a-model,n_votes=5"],
        ["--battles", "10", "--attack", "position_bot:50"],
    ],
)
def test_cli_bad_arguments_exit_2(
    tmp_path: Path, extra: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["simulate", "--out", str(tmp_path / "b.jsonl"), "--truth", str(tmp_path / "t.json")]
    assert main(args + extra) == 2
    assert "auditkit: error:" in capsys.readouterr().err
