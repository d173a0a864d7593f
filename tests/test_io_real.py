"""The real public battle logs in shared/data/real load with the counts their README states."""

from __future__ import annotations

from pathlib import Path

from auditkit.io import load_battles
from auditkit.schema import QuarantineReason, VoterStatus


def test_genai_arena_fastchat_log_and_its_placeholder_judge(real_data_dir: Path) -> None:
    result = load_battles(real_data_dir / "genai_arena_clean_battle_20240220.jsonl.gz")
    battles = result.battles
    # README: 2,061 battles. One of them (line 1820, non-anonymous) pits SDXL-Turbo against itself.
    assert result.rows_read == 2061
    assert result.quarantine_counts == {"self_battle": 1}
    assert result.quarantine[0].line == 1820
    assert result.rows_loaded == 2060
    assert battles.voter_field == "judge"
    # judge is arena_user_::1 on every row: a proxy's loopback address, not one voter.
    assert battles.voter_status is VoterStatus.PLACEHOLDER
    assert "arena_user_::1" in battles.voter_note and "100.0%" in battles.voter_note
    assert len(battles.models) == 13
    assert int(battles.frame["anony"].sum()) == 1515
    winners = battles.frame["winner"].astype(str).value_counts().to_dict()
    assert winners == {"model_a": 759, "model_b": 744, "tie_bothbad": 427, "tie": 130}


def test_hp140k_votes_meta(real_data_dir: Path) -> None:
    result = load_battles(real_data_dir / "arena_hp140k_votes_meta.jsonl.gz", with_text=False)
    battles = result.battles
    assert (result.rows_read, result.rows_loaded) == (135_634, 135_624)
    assert result.quarantine_counts == {"self_battle": 10}
    assert {r.detail for r in result.quarantine} == {
        "model_a == model_b == 'gemini-2.5-flash-preview-04-17'"
    }
    assert len(battles.models) == 53
    assert battles.voter_status is VoterStatus.MISSING
    assert battles.frame["vote_id"].is_unique
    # README (all 135,634 rows): model_a 48,563 / model_b 49,785 / tie 21,532 / both_bad 15,754;
    # the 10 self-battles were 4 model_a, 3 model_b and 3 tie.
    winners = battles.frame["winner"].astype(str).value_counts().to_dict()
    assert winners == {"model_a": 48_559, "model_b": 49_782, "tie": 21_529, "tie_bothbad": 15_754}
    # README: 17 nulls in the two score fields.
    frame = battles.frame
    score_nulls = frame["tag.if_v0.1.score"].isna().sum()
    score_nulls += frame["tag.creative_writing_v0.1.score"].isna().sum()
    assert int(score_nulls) == 17
    assert "arena_human_preference_140k" in battles.source_formats[0]


def test_copilot_arena_csv(real_data_dir: Path) -> None:
    result = load_battles(real_data_dir / "copilot_arena_examples_v1.csv")
    assert (result.rows_read, result.rows_loaded) == (113, 112)
    [record] = result.quarantine
    assert QuarantineReason.MISSING_WINNER in record.reasons
    assert "acceptedIndex is missing" in record.detail
    # README: 92 accepts at index 0, 20 at index 1.
    winners = result.battles.frame["winner"].astype(str).value_counts().to_dict()
    assert (winners["model_a"], winners["model_b"]) == (92, 20)


def test_answer_files_are_not_battle_logs(real_data_dir: Path) -> None:
    import pytest

    from auditkit.errors import InputError

    with pytest.raises(InputError, match="not a battle log"):
        load_battles(real_data_dir / "arena_hard_v0_1_questions.jsonl.gz")
