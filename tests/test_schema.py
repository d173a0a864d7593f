"""The battle table: one schema, canonical dtypes, the outcome convention."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from auditkit.schema import (
    CORE_COLUMNS,
    BattleTable,
    VoterStatus,
    Winner,
    empty_frame,
    outcome_for_a,
    take_values,
)


def test_winner_values_are_the_stable_strings_users_see() -> None:
    assert [w.value for w in Winner] == ["model_a", "model_b", "tie", "tie_bothbad"]


def test_outcome_counts_every_tie_as_half_a_win() -> None:
    winners = np.array(["model_a", "model_b", "tie", "tie_bothbad"], dtype=object)
    assert outcome_for_a(winners).tolist() == [1.0, 0.0, 0.5, 0.5]


def test_from_records_fills_defaults_and_casts_dtypes() -> None:
    table = BattleTable.from_records(
        [
            {"model_a": "m1", "model_b": "m2", "winner": "model_a"},
            {"model_a": "m2", "model_b": "m3", "winner": "tie_bothbad"},
        ]
    )
    frame = table.frame
    assert [c for c, _ in CORE_COLUMNS] == list(frame.columns[: len(CORE_COLUMNS)])
    assert frame["vote_id"].tolist() == ["0", "1"]
    assert isinstance(frame["winner"].dtype, pd.CategoricalDtype)
    assert frame["anony"].dtype == bool
    assert table.voter_status is VoterStatus.MISSING
    assert not table.voters_usable
    assert table.models == ["m1", "m2", "m3"]


def test_unknown_winner_is_refused_not_silently_nulled() -> None:
    with pytest.raises(ValueError, match="unknown winner values: draw"):
        BattleTable.from_records([{"model_a": "a", "model_b": "b", "winner": "draw"}])


def test_a_frame_without_core_columns_is_refused() -> None:
    with pytest.raises(ValueError, match="lacks core columns"):
        BattleTable(frame=pd.DataFrame({"model_a": ["x"]}))


def test_anonymous_keeps_only_anonymous_battles_and_the_metadata() -> None:
    table = BattleTable.from_records(
        [
            {"model_a": "a", "model_b": "b", "winner": "model_a", "anony": True, "voter": "u1"},
            {"model_a": "a", "model_b": "b", "winner": "model_b", "anony": False, "voter": "u2"},
        ],
        voter_field="judge",
    )
    anonymous = table.anonymous()
    assert len(anonymous) == 1
    assert anonymous.voter_field == "judge"
    assert anonymous.voter_status is VoterStatus.USABLE


def test_empty_frame_has_core_columns() -> None:
    assert list(empty_frame().columns) == [c for c, _ in CORE_COLUMNS]


def test_take_values_picks_rows_of_a_many_chunk_string_column_in_any_order() -> None:
    parts = [pd.Series([f"c{c}-{i}" for i in range(5)], dtype="string") for c in range(4)]
    column = pd.concat(parts, ignore_index=True)  # an Arrow array of four chunks
    positions = np.array([19, 0, 7, 7, 12])
    assert take_values(column, positions).tolist() == ["c3-4", "c0-0", "c1-2", "c1-2", "c2-2"]
    numbers = pd.Series([1.5, 2.5, 3.5])
    assert take_values(numbers, np.array([2, 0])).tolist() == [3.5, 1.5]
    assert take_values(column, np.array([], dtype=np.int64)).tolist() == []
