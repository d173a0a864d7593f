"""The column-wise writer writes exactly the bytes of the row-by-row writer, only faster.

Oracle: ``writer._lines_row_by_row`` (one dict per row through ``orjson.dumps``) is the writer as it
was before the column-wise path; ``writer._FAST = False`` makes :func:`write_fastchat_jsonl` use it.
Every table here, hand-picked or generated, must give the same bytes both ways.
"""

from __future__ import annotations

import gzip
import io
import math
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditkit.io import load_battles, write_fastchat_jsonl
from auditkit.io import writer as writer_module
from auditkit.schema import STYLE_COLUMNS, TAG_PREFIX, WINNER_DTYPE, BattleTable, Winner

DATA = Path(__file__).resolve().parent / "data" / "io"

FIXTURES = [
    ["hp100k.jsonl", "hp140k.jsonl"],
    ["fastchat.jsonl"],
    ["hp55k.csv"],
    ["conversations33k.jsonl"],
    ["copilot.csv"],
]

# Characters JSON escapes, and neighbours it must not (DEL, line separator, astral plane).
AWKWARD = ['"', "\\", "\x00", "\x08", "\t", "\n", "\x0c", "\r", "\x1f", "\x7f", "é", "\u2028", "😀"]
FLOATS = [
    *(0.0, -0.0, 1.0, -1.5, 0.1, 0.30000000000000004, 1717200174.3838, 1e-4, 1e-5, 1e-6, 1e-7),
    *(1e15, 1e16, 1e17, 9007199254740993.0, 1.2345678901234567e21, 5e-324, 2.2250738585072014e-308),
    *(1.7976931348623157e308, math.nan, math.inf, -math.inf),
]


def both_ways(frame: pd.DataFrame) -> tuple[bytes, bytes]:
    """(row-by-row, column-wise) lines for ``frame`` as one chunk."""
    has_style = all(name in frame.columns for name in STYLE_COLUMNS)
    tags = [c for c in frame.columns if c.startswith(TAG_PREFIX)]
    reference = writer_module._lines_row_by_row(frame, has_style, tags)
    return reference, bytes(writer_module._lines_by_column(frame, has_style, tags))


def write_both(
    battles: BattleTable, tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[bytes, bytes]:
    """(row-by-row, column-wise) bytes of ``write_fastchat_jsonl`` to files called ``name``."""
    fast = tmp_path / "fast" / name
    write_fastchat_jsonl(battles, fast)
    monkeypatch.setattr(writer_module, "_FAST", False)
    exact = tmp_path / "exact" / name
    write_fastchat_jsonl(battles, exact)
    monkeypatch.setattr(writer_module, "_FAST", True)
    return exact.read_bytes(), fast.read_bytes()


# --- whole files ------------------------------------------------------------------------------


@pytest.mark.parametrize("files", FIXTURES, ids=lambda f: "+".join(f))
@pytest.mark.parametrize("with_text", [True, False])
def test_fixture_tables_give_identical_lines(files: list[str], with_text: bool) -> None:
    frame = load_battles([DATA / f for f in files], with_text=with_text).battles.frame
    reference, fast = both_ways(frame)
    assert fast == reference
    reference, fast = both_ways(frame.iloc[1:])  # Arrow arrays sliced at an offset
    assert fast == reference


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_files_are_byte_identical_across_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    """Many chunks (more than the write-behind queue holds), plain and gzip, one stream of bytes."""
    battles = BattleTable(frame=random_battles(2_500, seed=7))
    monkeypatch.setattr(writer_module, "WRITE_CHUNK_ROWS", 300)
    exact, fast = write_both(battles, tmp_path, f"out{suffix}", monkeypatch)
    # gzip: the same deflate stream; only the header's mtime (bytes 4-7) may differ.
    assert fast[:4] + fast[8:] == exact[:4] + exact[8:]
    text = gzip.decompress(fast) if suffix == ".jsonl.gz" else fast
    assert text.count(b"\n") == 2_500


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_blocks_appended_by_one_writer_equal_the_whole_table(tmp_path: Path, suffix: str) -> None:
    frame = random_battles(1_000, seed=3)
    whole = tmp_path / "whole.jsonl"
    write_fastchat_jsonl(BattleTable(frame=frame), whole)
    with writer_module.FastChatWriter(tmp_path / f"blocks{suffix}") as out:
        for start in range(0, 1_000, 400):
            block = BattleTable(frame=frame.iloc[start : start + 400])
            assert out.write(block) == len(block)
    assert out.rows == 1_000
    written = (tmp_path / f"blocks{suffix}").read_bytes()
    assert (gzip.decompress(written) if suffix == ".jsonl.gz" else written) == whole.read_bytes()


def test_an_empty_table_writes_an_empty_file(tmp_path: Path) -> None:
    frame = load_battles(DATA / "fastchat.jsonl").battles.frame.iloc[:0]
    assert write_fastchat_jsonl(BattleTable(frame=frame), tmp_path / "none.jsonl") == 0
    assert (tmp_path / "none.jsonl").read_bytes() == b""


def test_a_missing_winner_fails_as_before() -> None:
    frame = load_battles(DATA / "fastchat.jsonl").battles.frame
    frame["winner"] = (
        frame["winner"].astype(object).where(frame.index != 1, None).astype(WINNER_DTYPE)
    )
    with pytest.raises(KeyError):
        writer_module._lines_row_by_row(frame, False, [])
    with pytest.raises(KeyError):
        writer_module._lines_by_column(frame, False, [])


# --- values -----------------------------------------------------------------------------------


def test_numbers_are_written_as_orjson_writes_python_scalars() -> None:
    rng = np.random.default_rng(0)
    random_bits = np.frombuffer(rng.bytes(8 * 20_000), dtype=np.float64)
    magnitudes = rng.choice([-1.0, 1.0], 20_000) * 10 ** rng.uniform(-12, 22, 20_000)
    timestamps = np.round(rng.uniform(1.6e9, 1.8e9, 20_000), 4)
    floats = np.concatenate([FLOATS, random_bits, magnitudes, timestamps])
    with np.errstate(over="ignore", invalid="ignore"):
        singles = floats.astype(np.float32)
    columns = [
        pd.Series(floats),
        pd.Series(singles),  # written with float64 digits, as Python's float
        pd.Series([1.5, None, -0.0], dtype="Float64"),
        pd.Series([1, None, -32768, 32767], dtype="Int16"),
        pd.Series([0, 2**64 - 1], dtype=np.uint64),
        pd.Series([True, None, False], dtype="boolean"),
        pd.Series([True, False]),
    ]
    for column in columns:
        expected = [orjson.dumps(v) for v in writer_module._plain_list(column)]
        assert writer_module._numeric_fragments(column).to_pylist() == expected, column.dtype


@pytest.mark.parametrize("dtype", ["string[pyarrow]", "string[python]", "str"])
def test_strings_are_escaped_as_orjson_escapes_them(dtype: str) -> None:
    values = [*AWKWARD, "", None, "plain", 'a\\"b', *(chr(c) + "x" for c in range(32))]
    column = pd.Series(values, dtype=dtype).iloc[1:]  # an offset into the Arrow buffers
    pieces = writer_module._string_pieces(column)
    joined = writer_module._join_rows(pieces).to_pylist()
    assert joined == [orjson.dumps(v) for v in writer_module._plain_list(column)]


def test_clean_strings_skip_quoting_per_column() -> None:
    pieces = writer_module._string_pieces(pd.Series(["gpt-4", "claude"], dtype="string[pyarrow]"))
    assert pieces[0] == b'"' and pieces[2] == b'"'


def test_a_failed_write_surfaces_and_the_file_is_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class FailsOnThirdWrite(io.BytesIO):
        writes = 0

        def write(self, data: Any) -> int:
            self.writes += 1
            if self.writes == 3:
                raise OSError("disk full")
            return super().write(data)

    handle = FailsOnThirdWrite()
    monkeypatch.setattr(writer_module, "_open_output", lambda target, *level: handle)
    monkeypatch.setattr(writer_module, "WRITE_CHUNK_ROWS", 100)
    with pytest.raises(OSError, match="disk full"):
        write_fastchat_jsonl(BattleTable(frame=random_battles(1_000, seed=5)), tmp_path / "x.jsonl")
    assert handle.closed


# --- generated tables -------------------------------------------------------------------------

TEXT = st.one_of(st.text(max_size=6), st.sampled_from(AWKWARD), st.none())
FLOAT = st.one_of(st.floats(), st.sampled_from(FLOATS), st.none())
TAG_VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**40), 2**40), st.floats(), st.text(max_size=4)
)
CONVERSATION = st.one_of(
    st.none(),
    st.lists(
        st.fixed_dictionaries({"role": st.sampled_from(["user", "assistant"]), "content": TEXT})
    ),
)


@st.composite
def battle_frames(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 10))

    def column(values: st.SearchStrategy[Any]) -> list[Any]:
        return draw(st.lists(values, min_size=n, max_size=n))

    string = draw(st.sampled_from(["string[pyarrow]", "string[python]", "str"]))
    frame = pd.DataFrame(
        {
            "vote_id": pd.Series(column(TEXT), dtype=string),
            "model_a": pd.Series(column(TEXT), dtype=string),
            "model_b": pd.Series(column(TEXT), dtype=string),
            "winner": pd.Series(
                column(st.sampled_from([w.value for w in Winner])), dtype=WINNER_DTYPE
            ),
            "voter": pd.Series(column(TEXT), dtype=string),
            "tstamp": pd.Series(column(FLOAT), dtype="float64"),
            "anony": pd.Series(column(st.booleans()), dtype=bool),
            "language": pd.Series(column(TEXT), dtype=string),
            "turns": pd.Series(
                column(st.one_of(st.none(), st.integers(-99, 32767))), dtype="Int16"
            ),
        }
    )
    if draw(st.booleans()):
        frame["conversation_a"] = pd.Series(column(CONVERSATION), dtype=object)
        frame["conversation_b"] = pd.Series(column(CONVERSATION), dtype=object)
    if draw(st.booleans()):
        frame["dedup_tag"] = pd.Series(column(TEXT), dtype="string")
        frame["is_code"] = pd.Series(column(st.one_of(st.none(), st.booleans())), dtype="boolean")
    if draw(st.booleans()):
        for name in STYLE_COLUMNS:
            frame[name] = pd.Series(column(FLOAT), dtype="float64")
    for i, dtype in enumerate(
        draw(
            st.lists(
                st.sampled_from(["object", "boolean", "Int64", "string", "Float64"]), max_size=3
            )
        )
    ):
        values = {
            "object": TAG_VALUE,
            "boolean": st.one_of(st.none(), st.booleans()),
            "Int64": st.one_of(st.none(), st.integers(-(2**40), 2**40)),
            "string": TEXT,
            "Float64": st.one_of(st.none(), st.floats(allow_nan=False)),
        }[dtype]
        frame[f"{TAG_PREFIX}t{i}.{dtype}"] = pd.Series(column(values), dtype=dtype)
    start = draw(st.integers(0, n - 1))
    return frame.iloc[start:]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(battle_frames())
def test_property_generated_tables_give_identical_lines(frame: pd.DataFrame) -> None:
    reference, fast = both_ways(frame)
    assert fast == reference


def random_battles(n: int, seed: int) -> pd.DataFrame:
    """A table shaped like the simulator's, with some text, style, tags and awkward values."""
    rng = np.random.default_rng(seed)
    models = np.array(["gpt-4o", "claude-3", "llama-3", 'q"uoted', "back\\slash"], dtype=object)
    voters = np.array([f"arena_user_{i}" for i in range(200)] + [None], dtype=object)
    tstamp = np.round(rng.uniform(1.6e9, 1.8e9, n), 4)
    tstamp[rng.random(n) < 0.01] = np.nan
    turns = pd.array(rng.integers(1, 5, n), dtype="Int16")
    turns[rng.random(n) < 0.01] = pd.NA
    text = rng.random(n) < 0.1
    conversation = [
        [{"role": "user", "content": f"prompt {i}\n"}, {"role": "assistant", "content": "é 😀"}]
        if t
        else None
        for i, t in enumerate(text)
    ]
    frame = pd.DataFrame(
        {
            "vote_id": pd.Series([f"v{i:07d}" for i in range(n)], dtype="string"),
            "model_a": pd.Series(rng.choice(models, n), dtype="string"),
            "model_b": pd.Series(rng.choice(models, n), dtype="string"),
            "winner": pd.Series(rng.choice([w.value for w in Winner], n), dtype=WINNER_DTYPE),
            "voter": pd.Series(rng.choice(voters, n), dtype="string"),
            "tstamp": tstamp,
            "anony": rng.random(n) < 0.9,
            "language": pd.Series(rng.choice(["en", "zh", None], n), dtype="string"),
            "turns": turns,
            "source_file": pd.Series(["sim.jsonl"] * n, dtype="category"),
            "source_line": np.arange(1, n + 1),
            "conversation_a": pd.Series(conversation, dtype=object),
            "conversation_b": pd.Series(conversation, dtype=object),
        }
    )
    for name in STYLE_COLUMNS:
        frame[name] = np.where(text, rng.integers(0, 50, n).astype(float), np.nan)
    frame[f"{TAG_PREFIX}criteria.math"] = pd.array(
        rng.choice([True, False, None], n), dtype="boolean"
    )
    frame[f"{TAG_PREFIX}if.score"] = pd.Series(rng.choice([1, "high", None], n), dtype=object)
    return frame


def test_a_generated_arena_gives_identical_lines() -> None:
    reference, fast = both_ways(random_battles(5_000, seed=1))
    assert fast == reference
