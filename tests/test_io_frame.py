"""Specification of ``from_frame``: an in-memory table loads exactly as a file with the same rows.

"Exactly": the same canonical table (every column, every dtype) and the same quarantine (reason,
all reasons, field, detail), with the row index where a file has line numbers. Only ``source_file``
differs (the table's label instead of a path), and the vote ids generated for rows without an id
(``label:row`` instead of ``stem:line``).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from auditkit.errors import InputError
from auditkit.io import LoadResult, load_battles
from auditkit.io.frame import from_frame, table_sha256
from auditkit.schema import QuarantineReason

GENAI = "genai_arena_clean_battle_20240220.jsonl.gz"
HP140K = "arena_hp140k_votes_meta.jsonl.gz"
COPILOT = "copilot_arena_examples_v1.csv"


def _records(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _quarantine(result: LoadResult) -> list[tuple[Any, ...]]:
    return [(r.reason, r.reasons, r.field, r.detail) for r in result.quarantine]


def assert_same_load(
    from_file: LoadResult, from_table: LoadResult, *, ignore: tuple[str, ...] = ()
) -> None:
    """Same counts, same quarantine, same table apart from ``source_file`` and ``ignore``."""
    assert from_table.rows_read == from_file.rows_read
    assert from_table.rows_loaded == from_file.rows_loaded
    assert from_table.quarantine_counts == from_file.quarantine_counts
    assert _quarantine(from_table) == _quarantine(from_file)
    battles_file, battles_table = from_file.battles, from_table.battles
    assert battles_table.voter_field == battles_file.voter_field
    assert battles_table.voter_status == battles_file.voter_status
    assert battles_table.voter_note == battles_file.voter_note
    assert (
        battles_table.source_formats[0].split(" ")[0]
        == battles_file.source_formats[0].split(" ")[0]
    )
    drop = ["source_file", *ignore]
    left, right = battles_table.frame.drop(columns=drop), battles_file.frame.drop(columns=drop)
    assert left.dtypes.to_dict() == right.dtypes.to_dict()
    if not left.equals(right):  # DataFrame.equals is fast; the assertion says where they differ
        pd.testing.assert_frame_equal(left, right)


def assert_every_row_accounted(table_rows: pd.Index, result: LoadResult) -> None:
    """Nothing lost: each row index is either loaded (``source_line``) or quarantined (``line``)."""
    loaded = result.battles.frame["source_line"].tolist()
    quarantined = [r.line for r in result.quarantine]
    assert sorted(loaded + quarantined) == sorted(table_rows.tolist())


# ----------------------------------------------------------------------------- the real logs


@pytest.mark.real_data
def test_genai_arena_dataframe_equals_the_file_line_for_line(real_data_dir: Path) -> None:
    path = real_data_dir / GENAI
    frame = pd.DataFrame.from_records(_records(path))
    from_file = load_battles(path)
    # Index the rows by their file line and name the table as the file: then even the generated
    # vote ids (this log has none) and source_line agree.
    lined = frame.set_axis(pd.RangeIndex(1, len(frame) + 1))
    from_table = from_frame(lined, name="genai_arena_clean_battle_20240220")
    assert_same_load(from_file, from_table)
    assert [r.line for r in from_table.quarantine] == [1820]  # the SDXL-Turbo self-battle
    assert from_table.battles.voter_field == "judge"


@pytest.mark.real_data
def test_genai_arena_default_index_reports_row_positions(real_data_dir: Path) -> None:
    path = real_data_dir / GENAI
    frame = pd.DataFrame.from_records(_records(path))
    result = from_frame(frame)
    assert_same_load(load_battles(path), result, ignore=("vote_id", "source_line"))
    [record] = result.quarantine
    assert record.line == 1819 and record.file == "<DataFrame>"
    row = frame.loc[record.line]
    assert row["model_a"] == row["model_b"]
    assert json.loads(record.raw)["model_a"] == row["model_a"]
    assert result.battles.frame["vote_id"].iloc[0] == "DataFrame:0"
    assert_every_row_accounted(frame.index, result)


@pytest.mark.real_data
@pytest.mark.parametrize("kind", ["arrow", "dataset"])
def test_genai_arena_as_arrow_table_and_dataset(real_data_dir: Path, kind: str) -> None:
    path = real_data_dir / GENAI
    arrow = pa.Table.from_pylist(_records(path))
    if kind == "dataset":
        datasets = pytest.importorskip("datasets")
        table: Any = datasets.Dataset(arrow)
        label = "<Dataset>"
    else:
        table, label = arrow, "<Arrow>"
    result = from_frame(table)
    assert_same_load(load_battles(path), result, ignore=("vote_id", "source_line"))
    assert [r.line for r in result.quarantine] == [1819]  # Arrow rows are numbered from 0
    assert result.files == (label,)


@pytest.mark.real_data
def test_hp140k_as_dataframe(real_data_dir: Path) -> None:
    path = real_data_dir / HP140K
    frame = pd.DataFrame.from_records(_records(path))
    result = load_battles(frame)  # load_battles takes a table as well as paths
    assert_same_load(load_battles(path), result, ignore=("source_line",))
    assert result.quarantine_counts == {"self_battle": 10}
    assert result.formats == {"<DataFrame>": "arena_human_preference_140k (DataFrame)"}
    for record in result.quarantine:
        assert frame.loc[record.line, "model_a"] == frame.loc[record.line, "model_b"]
    assert_every_row_accounted(frame.index, result)


@pytest.mark.real_data
def test_copilot_arena_csv_read_by_pandas(real_data_dir: Path) -> None:
    path = real_data_dir / COPILOT
    frame = pd.read_csv(path)  # NaN for empty cells, float acceptedIndex: pandas' own reading
    from_file = load_battles(path)
    result = from_frame(frame, name="copilot_arena_examples_v1")
    # A CSV's line numbers count the newlines inside quoted code; the table counts rows.
    assert_same_load(from_file, result, ignore=("vote_id", "source_line"))
    arrow = from_frame(pa.Table.from_pandas(frame), name="copilot_arena_examples_v1")
    assert_same_load(from_file, arrow, ignore=("vote_id", "source_line"))
    [record] = result.quarantine
    assert record.reasons == (QuarantineReason.MISSING_MODEL, QuarantineReason.MISSING_WINNER)
    assert pd.isna(frame.loc[record.line, "acceptedIndex"])
    assert_every_row_accounted(frame.index, result)
    ids = result.battles.frame["vote_id"]
    assert (
        ids == "copilot_arena_examples_v1:" + result.battles.frame["source_line"].astype(str)
    ).all()


# ----------------------------------------------------------------------------- messy tables

MESSY: list[dict[str, Any]] = [
    {
        "question_id": "q1",
        "model_a": "gpt-4",
        "model_b": "claude-2",
        "winner": "model_a",
        "judge": "u1",
        "tstamp": 1_700_000_000.5,
        "anony": True,
        "language": "English",
        "conversation_a": [
            {"role": "user", "content": "who are you?"},
            {"role": "assistant", "content": "I am GPT-4."},
        ],
        "conversation_b": [
            {"role": "user", "content": "who are you?"},
            {"role": "assistant", "content": "I am Claude."},
        ],
        "extra_column": "kept in raw only",
    },
    {  # no model_b, unknown winner
        "question_id": "q2",
        "model_a": "gpt-4",
        "model_b": None,
        "winner": "A wins",
        "judge": "u2",
        "tstamp": 1_700_000_100.0,
        "anony": False,
        "language": "German",
        "conversation_a": None,
        "conversation_b": None,
        "extra_column": None,
    },
    {  # a time that is text, and a conversation that is not a list of turns
        "question_id": "q3",
        "model_a": "llama-2",
        "model_b": "gpt-4",
        "winner": "tie (bothbad)",
        "judge": "u1",
        "tstamp": "yesterday",
        "anony": True,
        "language": None,
        "conversation_a": "not a conversation",
        "conversation_b": None,
        "extra_column": "x",
    },
    {  # repeats q1's id
        "question_id": "q1",
        "model_a": "claude-2",
        "model_b": "llama-2",
        "winner": "tie",
        "judge": None,
        "tstamp": None,
        "anony": True,
        "language": "English",
        "conversation_a": None,
        "conversation_b": None,
        "extra_column": "y",
    },
    {  # clean, no time
        "question_id": "q5",
        "model_a": "llama-2",
        "model_b": "claude-2",
        "winner": "model_b",
        "judge": "u3",
        "tstamp": None,
        "anony": True,
        "language": "English",
        "conversation_a": None,
        "conversation_b": None,
        "extra_column": "z",
    },
]


@pytest.fixture()
def messy_file(tmp_path: Path) -> Path:
    path = tmp_path / "messy.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in MESSY), encoding="utf-8")
    return path


def test_messy_dataframe_quarantines_exactly_as_the_file(messy_file: Path) -> None:
    from_file = load_battles(messy_file)
    frame = pd.DataFrame.from_records(MESSY)  # tstamp is an object column: floats, text, NaN
    # Rows indexed by their file line: then even "already loaded (line 1)" reads the same.
    result = from_frame(frame.set_axis(pd.RangeIndex(1, len(frame) + 1)))
    assert_same_load(from_file, result)
    reasons = {r.line: r.reasons for r in result.quarantine}
    assert reasons == {
        2: (QuarantineReason.MISSING_MODEL, QuarantineReason.UNKNOWN_WINNER),
        3: (QuarantineReason.BAD_TIMESTAMP, QuarantineReason.BAD_CONVERSATION),
        4: (QuarantineReason.DUPLICATE_VOTE_ID,),
    }
    assert_every_row_accounted(pd.RangeIndex(1, len(frame) + 1), result)
    # The raw row keeps every column, including ones auditkit does not read.
    assert json.loads(result.quarantine[1].raw)["extra_column"] == "x"
    assert result.battles.frame["vote_id"].tolist() == ["q1", "q5"]


def test_arrow_backed_cells_numpy_arrays_and_nullable_dtypes(messy_file: Path) -> None:
    # What datasets' to_pandas() hands over: list cells as numpy arrays of dicts, Arrow dtypes.
    clean = [MESSY[0], MESSY[4]]
    arrow = pa.Table.from_pylist(clean)
    frame = arrow.to_pandas()
    assert isinstance(frame.loc[0, "conversation_a"], np.ndarray)
    as_file = messy_file.with_name("clean.jsonl")
    as_file.write_text("".join(json.dumps(r) + "\n" for r in clean), encoding="utf-8")
    from_file = load_battles(as_file)
    for table in (frame, arrow, arrow.to_batches()[0], arrow.to_pandas(types_mapper=pd.ArrowDtype)):
        result = from_frame(table)
        assert_same_load(from_file, result, ignore=("source_line",))
        assert result.battles.frame["conversation_a"].iloc[0][1]["content"] == "I am GPT-4."


def test_a_filtered_frame_reports_its_own_index_labels() -> None:
    frame = pd.DataFrame.from_records(MESSY)
    subset = frame[frame["question_id"] != "q5"].drop(columns=["question_id"]).iloc[::-1]
    result = from_frame(subset, name="mine")
    # Labels, not positions: frame.loc[line] is the rejected row; generated ids use them too.
    assert {r.line for r in result.quarantine} == {1, 2}
    assert result.battles.frame["vote_id"].tolist() == ["mine:3", "mine:0"]
    assert result.quarantine[0].file == "mine"


def test_an_index_that_is_not_unique_integers_falls_back_to_positions() -> None:
    frame = pd.DataFrame.from_records(MESSY).set_index("question_id", drop=False)
    result = from_frame(frame)
    assert [r.line for r in result.quarantine] == [1, 2, 3]


def test_parquet_round_trip_loads_the_same_table(tmp_path: Path) -> None:
    clean = pd.DataFrame.from_records([MESSY[0], MESSY[4]])
    path = tmp_path / "clean.parquet"
    clean.to_parquet(path, index=False)
    assert_same_load(load_battles(path), from_frame(clean), ignore=("source_line",))


def test_with_text_false_skips_conversations() -> None:
    result = from_frame(pd.DataFrame.from_records(MESSY), with_text=False)
    assert "conversation_a" not in result.battles.frame.columns
    # Without text the malformed conversation is not checked: only row 2's time is wrong.
    assert {r.line: r.reasons for r in result.quarantine}[2] == (QuarantineReason.BAD_TIMESTAMP,)


# ----------------------------------------------------------------------------- columns=


def test_columns_maps_unusual_names_and_keeps_the_voter_field_name() -> None:
    frame = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "left": ["m1", "m2", "m1"],
            "right": ["m2", "m1", "m3"],
            "vote": ["model_a", "tie", "model_b"],
            "user_hash": ["u1", "u2", "u1"],
        }
    )
    mapped = {"model_a": "left", "model_b": "right", "winner": "vote", "voter": "user_hash"}
    result = from_frame(frame, columns=mapped)
    canonical = from_frame(
        frame.rename(
            columns={"left": "model_a", "right": "model_b", "vote": "winner", "user_hash": "judge"}
        )
    )
    pd.testing.assert_frame_equal(result.battles.frame, canonical.battles.frame)
    assert result.battles.voter_field == "user_hash"
    assert result.battles.frame["voter"].tolist() == ["u1", "u2", "u1"]
    assert load_battles(frame, columns=mapped).rows_loaded == 3


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"colour": "left"}, "unknown field 'colour'"),
        ({"winner": "nope"}, "no column 'nope'"),
        ({"model_a": "left", "judge": "left"}, "mapped to both"),
        ({"model_b": "left"}, "already has a column 'model_b'"),
        ({"voter": "left", "judge": "vote"}, "two columns are mapped to 'judge'"),
    ],
)
def test_bad_column_maps_are_refused_clearly(columns: dict[str, str], message: str) -> None:
    frame = pd.DataFrame({"left": ["x"], "model_b": ["y"], "vote": ["tie"]})
    with pytest.raises(InputError, match=message):
        from_frame(frame, columns=columns)


def test_a_table_without_model_columns_is_not_a_battle_table() -> None:
    frame = pd.DataFrame({"question_id": ["a"], "answer": ["text"]})
    with pytest.raises(InputError, match=r"no model_a/model_b columns.*columns="):
        from_frame(frame)


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame([["a", "b"]], columns=["model_a", "model_a"]),
        pd.DataFrame([["a", "b"]], columns=["model_a", 1]),
        pd.DataFrame([["a", "b"]], columns=pd.MultiIndex.from_tuples([("m", "a"), ("m", "b")])),
    ],
)
def test_column_names_must_be_unique_flat_strings(frame: pd.DataFrame) -> None:
    with pytest.raises(InputError):
        from_frame(frame)


def test_load_battles_keeps_file_and_table_options_apart(messy_file: Path) -> None:
    with pytest.raises(InputError, match="fmt="):
        load_battles(pd.DataFrame.from_records(MESSY), fmt="csv")
    with pytest.raises(InputError, match="columns="):
        load_battles(messy_file, columns={"winner": "vote"})
    with pytest.raises(InputError, match="expected a pandas DataFrame"):
        from_frame([{"model_a": "x"}])  # type: ignore[arg-type]


def test_an_empty_table_loads_nothing() -> None:
    result = from_frame(pd.DataFrame({"model_a": [], "model_b": [], "winner": []}))
    assert (result.rows_read, result.rows_loaded, result.quarantine) == (0, 0, [])


def test_table_hash_follows_content_not_identity() -> None:
    first = from_frame(pd.DataFrame.from_records(MESSY))
    again = from_frame(pd.DataFrame.from_records(MESSY))
    changed = [dict(r) for r in MESSY]
    changed[0]["winner"] = "model_b"
    assert table_sha256(first) == table_sha256(again)
    assert table_sha256(from_frame(pd.DataFrame.from_records(changed))) != table_sha256(first)


def test_a_selected_dataset_keeps_its_order() -> None:
    datasets = pytest.importorskip("datasets")
    clean = [r for r in MESSY if r["question_id"] != "q3"]
    dataset = datasets.Dataset.from_list(clean).select([3, 0, 1])
    result = from_frame(dataset)
    assert result.battles.frame["vote_id"].tolist() == ["q5", "q1"]
    assert [(r.line, r.reason) for r in result.quarantine] == [(2, QuarantineReason.MISSING_MODEL)]
