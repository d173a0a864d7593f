"""The Parquet cleaned output holds what the JSON Lines one holds: loading either gives one table.

Oracle: :func:`write_fastchat_jsonl` (pinned down by the writer tests). Both files are written from
the same table and loaded back; the frames must be equal but for where each row came from.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditkit.io import load_battles, write_fastchat_jsonl
from auditkit.io.parquet_writer import FastChatParquetWriter, write_fastchat_parquet
from auditkit.io.writer import tag_objects

DATA = Path(__file__).resolve().parent / "data" / "io"


def assert_round_trips_alike(battles, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    write_fastchat_jsonl(battles, tmp_path / "out.jsonl.gz")
    assert write_fastchat_parquet(battles, tmp_path / "out.parquet") == len(battles.frame)
    via_json = load_battles(tmp_path / "out.jsonl.gz").battles.frame
    via_parquet = load_battles(tmp_path / "out.parquet").battles.frame
    where = ["source_file", "source_line"]
    pd.testing.assert_frame_equal(via_parquet.drop(columns=where), via_json.drop(columns=where))


@pytest.mark.parametrize("name", ["hp100k.jsonl", "hp140k.jsonl", "conversations33k.jsonl"])
def test_styles_tags_flags_and_text_survive_parquet_as_they_survive_json_lines(
    name: str, tmp_path: Path
) -> None:
    assert_round_trips_alike(load_battles(DATA / name).battles, tmp_path)


def test_a_simulated_arena_round_trips_alike_with_and_without_text(tmp_path: Path) -> None:
    from auditkit.simulate import ArenaConfig, simulate_arena

    battles = simulate_arena(ArenaConfig(n_battles=400, text_fraction=0.25), seed=1).battles
    assert_round_trips_alike(battles, tmp_path)
    frame = battles.frame.drop(columns=["conversation_a", "conversation_b", "prompt"])
    assert_round_trips_alike(battles.with_frame(frame), tmp_path)


def test_tables_appended_block_by_block_make_one_file(tmp_path: Path) -> None:
    battles = load_battles(DATA / "hp100k.jsonl").battles
    frame = battles.frame
    with FastChatParquetWriter(tmp_path / "blocks.parquet") as out:
        out.write(battles.with_frame(frame.iloc[:1]))
        out.write(battles.with_frame(frame.iloc[1:]))
    assert out.rows == len(frame)
    assert pq.read_table(tmp_path / "blocks.parquet").num_rows == len(frame)


def test_an_empty_table_writes_a_readable_empty_file(tmp_path: Path) -> None:
    battles = load_battles(DATA / "fastchat.jsonl").battles
    write_fastchat_parquet(battles.with_frame(battles.frame.iloc[:0]), tmp_path / "empty.parquet")
    assert pq.read_table(tmp_path / "empty.parquet").num_rows == 0


def _tags_row_by_row(part: pd.DataFrame, tag_names: list[str]) -> list[str]:
    """The reference: each row's tag object dumped by orjson (the writer's former per-row code)."""
    keys = [name[len("tag.") :] for name in tag_names]
    columns = [part[name].astype(object).where(part[name].notna(), None) for name in tag_names]
    return [
        orjson.dumps(
            dict(zip(keys, values, strict=True)), option=orjson.OPT_SERIALIZE_NUMPY
        ).decode()
        for values in zip(*columns, strict=True)
    ]


TAG_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True, allow_infinity=False),
    st.text(max_size=6),
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["category", "if.score", 'é "q"', "a.b"]), st.booleans()),
        min_size=1,
        max_size=3,
        unique_by=lambda column: column[0],
    ),
    st.data(),
)
def test_tag_objects_are_the_json_the_row_by_row_dump_writes(
    columns: list[tuple[str, bool]], data: st.DataObject
) -> None:
    # Each column one JSON type or mixed, typed as the loader types it (convert_dtypes) or left
    # object: strings, booleans, Int64, Float64 (with NaN, -0.0, integral floats) and mixtures.
    n = data.draw(st.integers(1, 8))
    frame = {}
    for key, typed in columns:
        kind = data.draw(st.sampled_from([TAG_VALUE, st.none() | st.text(max_size=4)]))
        values = pd.Series(data.draw(st.lists(kind, min_size=n, max_size=n)), dtype=object)
        frame[f"tag.{key}"] = values.convert_dtypes() if typed else values
    part = pd.DataFrame(frame)
    names = list(frame)
    assert tag_objects(part, names).cast(pa.string()).to_pylist() == _tags_row_by_row(part, names)
