"""``describe`` of a clean file without building the table (``auditkit.io.profile``): the same
description as loading the file, or no count at all (the load then describes it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from auditkit.describe import describe_battles, describe_counts, describe_files
from auditkit.io import jsonl, parquet
from auditkit.io.arrownp import bool_array, bools, floats, integers, string_array, valid
from auditkit.io.loader import load_battles
from auditkit.io.profile import count_files

DATA = Path(__file__).resolve().parent / "data" / "io"
LANGUAGES = ["English", "Chinese", "unknown", "Russian", "German", None, "xx-unmapped"]


def battle(i: int, **fields: Any) -> dict[str, Any]:
    """A FastChat battle whose fields vary with ``i`` (models, winner, voter, language, turns)."""
    models = ["gpt-4", "claude-2", "vicuna-13b", "llama-2", " padded-model "]
    row: dict[str, Any] = {
        "question_id": f"q{i:05d}",
        "model_a": models[i % 5],
        "model_b": models[(i * 3 + 1) % 5] if (i * 3 + 1) % 5 != i % 5 else "mistral",
        "winner": ["model_a", "model_b", "tie", "tie (bothbad)"][i % 4],
        "judge": f"arena_user_{i % 37}",
        "anony": i % 7 != 0,
        "language": LANGUAGES[i % len(LANGUAGES)],
        "turn": (i % 4) + 1,
        "tstamp": 1_700_000_000.5 + 17 * i,
    }
    row.update(fields)
    return {k: v for k, v in row.items() if v is not ...}


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def loaded(path: Path | list[Path]) -> str:
    return describe_battles(load_battles(path, with_text=False)).to_json()


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of 40 rows, so a few hundred rows span several blocks on both paths."""
    monkeypatch.setattr(jsonl, "BLOCK_ROWS", 40)
    monkeypatch.setattr(parquet, "BATCH_ROWS", 40)


@pytest.mark.parametrize("name", ["fastchat.jsonl", "fastchat.jsonl.gz"])
def test_a_clean_fixture_is_counted_as_the_load_describes_it(name: str) -> None:
    counts = count_files([DATA / name])
    assert counts is not None
    assert describe_counts(counts).to_json() == loaded(DATA / name)


def test_several_blocks_and_files_are_counted_as_loaded(tmp_path: Path) -> None:
    first = write_jsonl(tmp_path / "a.jsonl", [battle(i) for i in range(230)])
    second = write_jsonl(tmp_path / "b.jsonl", [battle(i) for i in range(230, 300)])
    table = pa.Table.from_pylist([battle(i) for i in range(300, 420)])
    third = tmp_path / "c.parquet"
    pq.write_table(table, third, row_group_size=50)
    counts = count_files([first, second, third])
    assert counts is not None and counts.rows == 420
    description = describe_counts(counts)
    assert description.to_json() == loaded([first, second, third])
    # What the fixture was built to exercise: stripped names, unknown and unmapped languages,
    # every winner, missing anonymity nowhere, all four turn counts.
    assert "padded-model" in description.models
    assert description.turns == {"1": 105, "2": 105, "3": 105, "4": 105}
    assert description.voters_usable and description.n_voters == 37


def test_language_ties_keep_the_order_of_first_appearance(tmp_path: Path) -> None:
    languages = ["German", "Russian", "English", "Chinese"]
    rows = [battle(i, language=languages[i % 4]) for i in range(200)]
    path = write_jsonl(tmp_path / "ties.jsonl", rows)
    counts = count_files([path])
    assert counts is not None
    description = describe_counts(counts)
    assert list(description.languages) == ["de", "ru", "en", "zh"]
    assert description.to_json() == loaded(path)


@pytest.mark.parametrize(
    ("judge", "status"),
    [
        (lambda i: "anonymous" if i % 3 else " Anonymous ", "placeholder"),
        (lambda i: "arena_user_::1" if i % 20 else f"u{i}", "placeholder"),
        (lambda i: "unknown" if i % 2 else f"u{i % 9}", "usable"),
        (lambda i: "", "missing"),
    ],
    ids=["all-placeholders", "one-id-on-95-percent", "some-placeholders", "all-empty"],
)
def test_voter_fields_are_judged_as_the_load_judges_them(
    tmp_path: Path, judge: Any, status: str
) -> None:
    path = write_jsonl(tmp_path / "v.jsonl", [battle(i, judge=judge(i)) for i in range(120)])
    counts = count_files([path])
    assert counts is not None
    description = describe_counts(counts)
    assert description.voter_status == status
    assert description.to_json() == loaded(path)


def test_a_file_without_voter_field_or_time(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "bare.jsonl", [battle(i, judge=..., tstamp=..., turn=...) for i in range(90)]
    )
    counts = count_files([path])
    assert counts is not None
    description = describe_counts(counts)
    assert description.voter_status == "missing" and description.time_start is None
    assert description.to_json() == loaded(path)


def duplicate_across_blocks(i: int) -> dict[str, Any]:
    return battle(i, question_id="q00001" if i == 75 else f"q{i:05d}")


@pytest.mark.parametrize(
    "make",
    [
        duplicate_across_blocks,  # the second copy is quarantined
        lambda i: battle(i, winner="model_c" if i == 50 else battle(i)["winner"]),
        # a self battle with another defect: only the exact path lists its reasons
        lambda i: battle(
            i, **({"model_b": battle(i)["model_a"], "winner": "x"} if i == 99 else {})
        ),
        # a self battle repeating a loaded id: the load adds duplicate_vote_id to its reasons
        lambda i: battle(
            i, **({"model_b": battle(i)["model_a"], "question_id": "q00001"} if i == 99 else {})
        ),
        lambda i: battle(i, tstamp=1.7e12 if i == 3 else 1_700_000_000.0 + i),
        # a list in a tag is read by the per-value path (plain tags are counted: test_io_fast_tags)
        lambda i: battle(i, category_tag={"math": [i % 2 == 0]}),
    ],
    ids=[
        "duplicate-id",
        "unknown-winner",
        "self-battle-and-unknown-winner",
        "self-battle-with-a-loaded-id",
        "milliseconds",
        "list-tag",
    ],
)
def test_a_file_that_is_not_plain_is_not_counted_but_described_by_loading_it(
    tmp_path: Path, make: Any
) -> None:
    path = write_jsonl(tmp_path / "odd.jsonl", [make(i) for i in range(120)])
    assert count_files([path]) is None
    assert describe_files([path], with_text=False).to_json() == loaded(path)


def test_self_battles_are_counted_as_the_load_quarantines_them(tmp_path: Path) -> None:
    # Real exports hold a few self battles (LMArena's 140k file: ten). Each is quarantined for
    # that one reason; the tags only they carry are still columns of the table (the load lists
    # the keys of a block's quarantined rows too).
    def vote(i: int) -> dict[str, Any]:
        if i in (7, 55, 56, 130):
            return battle(i, model_b=battle(i)["model_a"], category_tag={"only_bad": i})
        return battle(i, category_tag={"category": "code"} if i % 3 else None)

    first = write_jsonl(tmp_path / "a.jsonl", [vote(i) for i in range(150)])
    second = write_jsonl(tmp_path / "b.jsonl", [vote(i) for i in range(150, 200)])
    counts = count_files([first, second])
    assert counts is not None
    description = describe_counts(counts)
    assert description.rows_quarantined == 4
    assert description.quarantine_reasons == {"self_battle": 4}
    assert description.tag_columns == ["tag.category", "tag.only_bad"]
    assert description.to_json() == loaded([first, second])


def test_a_block_of_self_battles_mostly_takes_the_load(tmp_path: Path) -> None:
    rows = [battle(i, model_b=battle(i)["model_a"]) if i % 3 else battle(i) for i in range(60)]
    path = write_jsonl(tmp_path / "selfish.jsonl", rows)
    assert count_files([path]) is None
    assert describe_files([path], with_text=False).to_json() == loaded(path)


def test_an_empty_file_or_a_quarantine_path_takes_the_load(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert count_files([empty]) is None
    clean = write_jsonl(tmp_path / "clean.jsonl", [battle(i) for i in range(10)])
    quarantine = tmp_path / "q.jsonl"
    described = describe_files([clean], with_text=False, quarantine_path=quarantine)
    assert described.to_json() == loaded(clean)
    assert quarantine.exists()  # written by the load, empty: nothing was quarantined


def sliced_arrays() -> list[pa.Array]:
    """Arrays with and without nulls, whole and sliced at odd offsets."""
    rng = np.random.default_rng(7)
    values = rng.integers(-1000, 1000, size=203).tolist()
    nulls = [None if i % 5 == 0 else v for i, v in enumerate(values)]
    out = []
    for data in (values, nulls):
        for kind in (pa.int64(), pa.int32(), pa.int16()):
            array = pa.array(data, type=kind)
            out += [array, array.slice(3), array.slice(11, 150)]
    return out


@pytest.mark.parametrize("array", sliced_arrays())
def test_buffer_reads_equal_pyarrows_own_conversions(array: pa.Array) -> None:
    assert integers(array, fill=-7).tolist() == array.fill_null(-7).to_pylist()
    assert valid(array).tolist() == array.is_valid().to_pylist()
    positive = pa.compute.greater(array, 0)
    assert bools(positive).tolist() == positive.fill_null(False).to_pylist()
    as_float = array.cast(pa.float64())
    expected = np.asarray(as_float.to_numpy(zero_copy_only=False), dtype=np.float64)
    np.testing.assert_array_equal(floats(as_float), expected)
    chunked = pa.chunked_array([array.slice(0, 5), array.slice(5)])
    assert integers(chunked, fill=0).tolist() == array.fill_null(0).to_pylist()


def test_arrays_built_from_buffers_equal_pa_array() -> None:
    values = ["en", None, "", "中文", "ru"]
    for kind in (pa.string(), pa.large_string()):
        assert string_array(values, kind).equals(pa.array(values, type=kind))
    mask = np.random.default_rng(1).random(77) < 0.4
    assert bool_array(mask).equals(pa.array(mask))
    assert bool_array(mask).slice(9).to_pylist() == mask[9:].tolist()
