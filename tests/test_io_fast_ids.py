"""Vote ids on the column-wise path: ``question_id``, else ``id``, else ``<stem>:<line>``.

Real public logs carry no ``question_id`` (LMArena's arena-human-preference-140k names a vote ``id``;
GenAI-Arena's clean_battle export has no id at all). Their blocks take the column-wise path and
must give exactly what the exact per-line path gives (:func:`auditkit.io.normalise._vote_ids`):
the same ids, generated ones included, and the same duplicate handling across blocks and files.
Oracle: the same files loaded with the fast path switched off (``jsonl._FAST = False``).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_io_columnar import load_parquet_both
from test_io_fastpath import assert_same, kinds, row, write_rows

from auditkit.describe import describe_battles, describe_counts
from auditkit.io import LoadResult, load_battles
from auditkit.io import jsonl as jsonl_module
from auditkit.io.arrowjsonl import ArrowColumns
from auditkit.io.ids import VoteIdIndex
from auditkit.io.jsonl import read_jsonl
from auditkit.io.profile import count_files

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"


def lmarena(i: int, **fields: Any) -> dict[str, Any]:
    """A vote shaped as arena-human-preference-140k's: ``id``, models, winner, tags, nothing else."""
    vote: dict[str, Any] = {
        "id": f"9f0c-{i:05d}",
        "model_a": ["gpt-4.1", "claude-opus-4", "gemini-2.5-pro"][i % 3],
        "model_b": ["o3", "qwen3-235b", "deepseek-r1"][i % 3],
        "winner": ["model_a", "model_b", "tie", "both_bad"][i % 4],
        "category_tag": {"if_v0.1": {"if": i % 2 == 0, "score": i % 5}},
    }
    vote.update(fields)
    return vote


def genai(i: int, **fields: Any) -> dict[str, Any]:
    """A vote shaped as GenAI-Arena's clean_battle export: FastChat fields without any id."""
    vote: dict[str, Any] = {
        "model_a": "imagenhub_SDXLTurbo_generation",
        "model_b": "imagenhub_LCM_generation",
        "winner": ["model_a", "model_b", "tie", "tie (bothbad)"][i % 4],
        "judge": f"arena_user_::{i % 3}",
        "anony": i % 2 == 0,
        "tstamp": 1_707_700_514.3167 + i,
    }
    vote.update(fields)
    return vote


def load_both(paths: list[Path], with_text: bool = False) -> tuple[LoadResult, LoadResult]:
    fast = load_battles(paths, with_text=with_text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jsonl_module, "_FAST", False)
        exact = load_battles(paths, with_text=with_text)
    return fast, exact


@pytest.mark.parametrize("shape", [lmarena, genai])
def test_exports_without_question_id_take_the_column_wise_path(tmp_path: Path, shape: Any) -> None:
    path = write_rows(tmp_path / "votes.jsonl", [shape(i) for i in range(30)])
    assert list(kinds(path, with_text=False)) == [True]
    fast, exact = load_both([path])
    assert_same(fast, exact)
    assert fast.rows_loaded == 30


def test_ids_fall_back_from_question_id_to_id_to_the_line(tmp_path: Path) -> None:
    rows = [
        row(question_id="q0", id="ignored"),
        row(question_id="", id="from-id"),  # an empty question_id is no id: ``id`` names it
        row(question_id=None, id="also-from-id"),
        row(question_id=None, id=""),  # neither: named by its file and line
        row(question_id="q4"),
    ]
    path = write_rows(tmp_path / "mixed.jsonl", rows)
    assert list(kinds(path, with_text=False)) == [True]
    fast, exact = load_both([path])
    assert_same(fast, exact)
    assert fast.battles.frame["vote_id"].tolist() == [
        "q0",
        "from-id",
        "also-from-id",
        "mixed:4",
        "q4",
    ]


@pytest.mark.parametrize(
    "field",
    [
        "question_id",
        "id",
        "anony",
        "language",
        "tstamp",
        "turn",
        "conversation_a",
        "conversation_b",
    ],
)
def test_a_field_read_alike_null_or_absent_may_be_null_on_every_row(
    tmp_path: Path, field: str
) -> None:
    # The exact path reads these the same either way, so the block is not searched for the name.
    path = write_rows(tmp_path / "nulls.jsonl", [genai(i, **{field: None}) for i in range(12)])
    assert list(kinds(path, with_text=False)) == [True]
    assert_same(*load_both([path]))
    assert_same(*load_both([path], with_text=True))


@pytest.mark.parametrize(
    ("judges", "fast"),
    [
        ([None], True),  # null on every row: still the voter field
        (["u1", None, " u2 ", ""], True),
        (["2024-01-01T00:00:00"], True),
        # the first row has none: typed by inference, which would read a time; the exact path does
        ([None, "2024-01-01T00:00:00"], False),
        (["u1", 7], False),
        ([None, 7], False),
    ],
)
def test_the_voter_field_is_present_or_absent_as_in_the_exact_path(
    tmp_path: Path, judges: list[Any], fast: bool
) -> None:
    rows = [genai(i, judge=judges[i % len(judges)]) for i in range(12)]
    path = write_rows(tmp_path / "judges.jsonl", rows)
    assert list(kinds(path, with_text=False)) == [fast]
    fast_load, exact = load_both([path])
    assert_same(fast_load, exact)
    assert fast_load.battles.voter_field == "judge"


@pytest.mark.parametrize(
    ("first", "template", "fast"),
    [
        (None, "v{}", True),  # the first row has none: pyarrow types the field itself
        (None, "2024-01-01T00:00:{:02d}", False),  # ... and would read a time: the exact path does
        ("v", "2024-01-01T00:00:{:02d}", True),  # typed by the schema: strings
    ],
)
def test_ids_typed_by_inference_or_by_the_schema_load_alike(
    tmp_path: Path, first: str | None, template: str, fast: bool
) -> None:
    rows = [lmarena(i, id=None if i % 3 == 0 else template.format(i)) for i in range(1, 14)]
    path = write_rows(tmp_path / "ids.jsonl", [lmarena(0, id=first), *rows])
    assert list(kinds(path, with_text=False)) == [fast]
    assert_same(*load_both([path]))


def test_a_voter_field_null_in_the_first_parse_blocks_is_read_whole(tmp_path: Path) -> None:
    # pyarrow parses a block in 1 MiB pieces and infers the voter field's type per piece: null in
    # the first pieces, strings in the last.
    pad = "x" * 600
    rows = [genai(i, judge=None if i < 4000 else f"u{i % 7}", pad=pad) for i in range(6000)]
    path = write_rows(tmp_path / "late.jsonl", rows)
    assert list(kinds(path, with_text=False)) == [True]
    assert_same(*load_both([path]))


@pytest.mark.parametrize("value", [5, 5.0, 2.5, True, [1], {"a": 1}])
def test_an_id_that_is_not_a_string_sends_its_block_to_the_exact_path(
    tmp_path: Path, value: Any
) -> None:
    path = write_rows(tmp_path / "odd.jsonl", [lmarena(0), lmarena(1, id=value)])
    assert list(kinds(path, with_text=False)) == [False]
    assert_same(*load_both([path]))


def test_generated_ids_are_checked_for_duplicates_across_blocks_and_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonl_module, "BLOCK_ROWS", 4)
    # "votes:2" is the id generated for line 2 of votes.jsonl; here a later block and another
    # file name a vote so: the exact path quarantines them as repeats, and so must this path.
    first = write_rows(tmp_path / "votes.jsonl", [*map(genai, range(10)), genai(10, id="votes:3")])
    rows = [lmarena(i) for i in range(6)]
    rows[1]["id"] = "votes:2"
    rows[4]["id"] = rows[0]["id"]
    second = write_rows(tmp_path / "more.jsonl", rows)
    fast, exact = load_both([first, second])
    assert_same(fast, exact)
    assert sorted(record.line for record in fast.quarantine) == [2, 5, 11]
    assert {record.reason.value for record in fast.quarantine} == {"duplicate_vote_id"}


ID = st.sampled_from(["q1", "q2", "", None, "ids:1", "ids:3", 7, 7.0, 1.5, False])
VOTE = st.fixed_dictionaries(
    {
        "model_a": st.sampled_from(["a", " a", "b"]),
        "model_b": st.sampled_from(["b", "c", "a"]),
        "winner": st.sampled_from(["model_a", "both_bad", "tie (bothbad)", "Tie", "draw"]),
    },
    optional={"question_id": ID, "id": ID, "judge": st.sampled_from(["u1", " u2 ", ""])},
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(VOTE, min_size=1, max_size=14), st.lists(VOTE, max_size=6))
def test_property_ids_load_as_the_exact_path_loads_them(
    votes: list[dict[str, Any]], more: list[dict[str, Any]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch:
        patch.setattr(jsonl_module, "BLOCK_ROWS", 4)  # ids repeat across blocks and files
        paths = [write_rows(Path(tmp) / "ids.jsonl", votes)]
        if more:
            paths.append(write_rows(Path(tmp) / "ids2.jsonl", more))
        assert_same(*load_both(paths))


def test_a_parquet_export_with_id_and_struct_tags_takes_the_column_wise_path(
    tmp_path: Path,
) -> None:
    path = tmp_path / "hp140k.parquet"
    pq.write_table(pa.Table.from_pylist([lmarena(i) for i in range(20)]), path)
    table = pq.read_table(path)
    assert ArrowColumns.from_table(table, False, lambda: {}) is not None
    fast, exact = load_parquet_both(path, with_text=False)
    assert_same(fast, exact)
    assert fast.battles.frame["vote_id"].iloc[3] == "9f0c-00003"


def test_describe_counts_a_log_without_ids_as_the_load_describes_it(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "genai.jsonl", [genai(i) for i in range(50)])
    counts = count_files([path])
    assert counts is not None
    assert describe_counts(counts) == describe_battles(load_battles(path, with_text=False))


@pytest.mark.skipif(not REAL.is_dir(), reason="the real public logs are not on this machine")
@pytest.mark.parametrize(
    "name", ["arena_hp140k_votes_meta.jsonl.gz", "genai_arena_clean_battle_20240220.jsonl.gz"]
)
def test_real_exports_take_the_column_wise_path_and_load_as_the_exact_path(name: str) -> None:
    path = REAL / name
    for raw in read_jsonl(path, is_gzip=True, with_text=False):
        columns = raw.columns
        assert isinstance(columns, ArrowColumns) and columns.column_wise(False)
        # Only the rows the exact path quarantines (a few self battles) are read per value.
        failing = columns.failing_rows(VoteIdIndex(), lines=raw.lines, stem=path.name)
        assert failing.sum() <= 10
    fast, exact = load_both([path])
    assert_same(fast, exact)


@pytest.mark.skipif(not REAL.is_dir(), reason="the real public logs are not on this machine")
def test_describe_counts_the_real_140k_file_with_its_self_battles() -> None:
    path = REAL / "arena_hp140k_votes_meta.jsonl.gz"
    counts = count_files([path])
    assert counts is not None and counts.self_battles == 10
    assert describe_counts(counts) == describe_battles(load_battles(path, with_text=False))
