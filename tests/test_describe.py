"""``describe``: the profile of a battle log, as a library result and through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditkit.cli import main
from auditkit.describe import describe_battles
from auditkit.io import load_battles

DATA = Path(__file__).resolve().parent / "data" / "io"


def test_description_of_fastchat_fixture() -> None:
    description = describe_battles(load_battles(DATA / "fastchat.jsonl"))
    assert (description.rows_read, description.rows_loaded, description.rows_quarantined) == (
        3,
        3,
        0,
    )
    assert description.models == {"claude-2.1": 2, "gpt-4-0613": 2, "vicuna-13b": 2}
    assert description.voters_usable and description.n_voters == 2
    assert description.voter_field == "judge"
    assert description.time_start == "2023-11-14T22:13:20.500000Z"
    assert description.time_end == "2023-11-14T22:16:40Z"
    assert description.anonymous_share == pytest.approx(2 / 3)
    assert description.languages == {"en": 1, "zh": 1}
    assert description.tie_rate == pytest.approx(2 / 3)
    assert description.bothbad_rate == pytest.approx(1 / 3)
    assert description.turns == {"1": 2, "2": 1}
    assert description.optional_columns == ["conversation_a", "conversation_b", "prompt"]
    text = description.summary()
    assert "voters: 2 (field judge)" in text and "ties: 66.7% (both bad: 33.3%)" in text


def test_describe_json_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    quarantine = tmp_path / "q.jsonl"
    code = main(["describe", str(DATA / "copilot.csv"), "--json", "--quarantine", str(quarantine)])
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["rows_loaded"] == 2
    assert payload["rows_quarantined"] == 1
    assert payload["quarantine_reasons"] == {"missing_winner": 1}
    assert payload["models"] == {
        "codestral-2405": 2,
        "gpt-4o-mini-2024-07-18": 2,
    }
    assert payload["voters_usable"] is False
    assert payload["voter_field"] is None
    assert payload["voter_status"] == "missing"
    assert json.loads(quarantine.read_text())["field"] == "acceptedIndex"


def test_describe_text_cli_reports_placeholder_voters(
    real_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["describe", str(real_data_dir / "genai_arena_clean_battle_20240220.jsonl.gz")]) == 0
    )
    out = capsys.readouterr().out
    assert "voters: unusable (placeholder)" in out and "arena_user_::1" in out
    assert "self_battle: 1" in out


def test_describe_unreadable_input_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.jsonl"
    assert main(["describe", str(missing)]) == 2
    assert str(missing) in capsys.readouterr().err
