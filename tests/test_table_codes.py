"""One set of model and voter codes per battle table (``BattleTable.codes``), shared by the stages.

Specification: the codes are exactly what each stage computed on its own before — model codes are
:func:`~auditkit.codes.row_positions` against the sorted model list, voter codes are
``pd.factorize`` of the voter column — whether the loader primed them (it factorizes the voter
column to classify it, placeholders set missing) or they are computed on first use; a table made
with ``with_frame`` has its own.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from auditkit.codes import TableCodes, row_positions
from auditkit.io import load_battles
from auditkit.schema import BattleTable, models_in

VOTERS = ["carol", "anonymous", None, "alice", "carol", "-", "bob", "alice", "arena_user_", "dave"]


def _write_log(path: Path) -> Path:
    rows = [
        {
            "question_id": f"q{i}",
            "model_a": ["m2", "m1", "m3", "m1"][i % 4],
            "model_b": ["m1", "m3", "m2", "m4"][i % 4],
            "winner": "model_a",
            "judge": voter,
            "anony": True,
            "tstamp": 1.7e9 + i,
        }
        for i, voter in enumerate(VOTERS)
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def _expected_voter_codes(frame: pd.DataFrame) -> tuple[list[int], list[str]]:
    codes, ids = pd.factorize(frame["voter"], use_na_sentinel=True)
    return codes.tolist(), [str(v) for v in ids]


def test_the_loader_primes_voter_codes_equal_to_factorizing_the_cleaned_voter_column(
    tmp_path: Path,
) -> None:
    battles = load_battles(_write_log(tmp_path / "log.jsonl")).battles
    codes = battles.codes
    assert codes._voters is not None  # primed by the load, not computed again
    assert codes.voter.dtype == np.int32
    expected_codes, expected_ids = _expected_voter_codes(battles.frame)
    assert codes.voter.tolist() == expected_codes
    assert [str(v) for v in codes.voter_ids] == expected_ids == ["carol", "alice", "bob", "dave"]
    assert codes.n_voters == battles.frame["voter"].nunique() == 4


def test_model_codes_are_row_positions_in_the_sorted_model_list(tmp_path: Path) -> None:
    battles = load_battles(_write_log(tmp_path / "log.jsonl")).battles
    codes = battles.codes
    assert list(codes.models) == models_in(battles.frame) == ["m1", "m2", "m3", "m4"]
    for side in ("model_a", "model_b"):
        expected = row_positions(battles.frame[side], list(codes.models))
        assert getattr(codes, side).tolist() == expected.tolist()
        # Any other list of names (a subset, another order, an unknown name) as row_positions.
        names = ["m3", "zz", "m1", "m3"]
        assert (
            codes.positions(side, names).tolist()
            == row_positions(battles.frame[side], names).tolist()
        )
    assert battles.codes is codes  # computed once per table


def test_codes_computed_on_first_use_match_and_a_derived_table_has_its_own() -> None:
    table = BattleTable.from_records(
        [
            {"model_a": "b", "model_b": "a", "winner": "tie", "voter": v}
            for v in ["x", None, "y", "x"]
        ]
    )
    assert table.codes.voter.tolist() == [0, -1, 1, 0]
    assert list(table.codes.models) == ["a", "b"]
    assert table.codes.model_a.tolist() == [1, 1, 1, 1]
    subset = table.with_frame(table.frame.iloc[2:])
    assert subset.codes is not table.codes
    assert subset.codes.voter.tolist() == [0, 1]


def test_primed_codes_must_cover_every_row() -> None:
    codes = TableCodes(pd.DataFrame({"voter": ["a", "b"]}))
    with pytest.raises(ValueError, match="3 voter codes for 2 rows"):
        codes.prime_voters(np.zeros(3, dtype=np.int64), pd.Index(["a"]))


@pytest.mark.parametrize("rows", [None, [0, 2, 3, 6, 7, 9], [1, 5]])
def test_sorted_voter_codes_of_some_rows_are_factorizing_those_rows_sorted(
    tmp_path: Path, rows: list[int] | None
) -> None:
    battles = load_battles(_write_log(tmp_path / "log.jsonl")).battles
    positions = None if rows is None else np.asarray(rows, dtype=np.int64)
    codes, ids = battles.codes.sorted_voters(positions)
    column = battles.frame["voter"]
    expected_codes, expected_ids = pd.factorize(
        column if rows is None else column.iloc[rows], sort=True
    )
    assert codes.dtype == np.int32
    assert codes.tolist() == expected_codes.tolist()
    assert ids.to_pylist() == [str(v) for v in expected_ids]
