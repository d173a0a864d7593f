"""Blocks of lines cut from bytes hold exactly the lines iterating the file gives, block by block."""

from __future__ import annotations

import io
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditkit.io import lineblocks
from auditkit.io.lineblocks import LineBlock, line_blocks


def blocks_by_iteration(data: bytes, lines: int) -> list[list[bytes]]:
    handle = io.BytesIO(data)
    out = []
    while block := list(itertools.islice(handle, lines)):
        out.append(block)
    return out


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.binary(max_size=12).map(lambda b: b.replace(b"\n", b"")), max_size=30),
    st.booleans(),
    st.integers(1, 7),
    st.integers(1, 16),
)
def test_blocks_equal_the_lines_file_iteration_gives(
    lines: list[bytes], trailing_newline: bool, per_block: int, read_bytes: int
) -> None:
    data = b"\n".join(lines) + (b"\n" if trailing_newline and lines else b"")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lineblocks, "READ_BYTES", read_bytes)
        got = list(line_blocks(io.BytesIO(data), per_block))
    assert [list(block) for block in got] == blocks_by_iteration(data, per_block)
    assert b"".join(block.data for block in got) == data
    for block in got:
        assert block.longest() == max(map(len, block))
        assert [block[i] for i in range(len(block))] == list(block) == block[:]
        assert block[-1] == list(block)[-1]


def test_a_block_starts_where_the_handle_stands() -> None:
    handle = io.BytesIO(b"skip\na\nb\r\nc")
    handle.readline()
    assert [list(b) for b in line_blocks(handle, 2)] == [[b"a\n", b"b\r\n"], [b"c"]]


def test_an_index_outside_the_block_is_an_index_error() -> None:
    block = next(line_blocks(io.BytesIO(b"a\nb\n"), 5))
    assert isinstance(block, LineBlock) and len(block) == 2
    with pytest.raises(IndexError):
        block[2]


def test_a_block_spanning_several_reads_is_joined_into_one_bytes_object() -> None:
    """Its parts are joined as ``bytes`` (``bytes.join`` lets other threads run only then)."""
    data = b"".join(b"%d-line\n" % i for i in range(40))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lineblocks, "READ_BYTES", 16)
        got = list(line_blocks(io.BytesIO(data), 15))
    assert [len(block) for block in got] == [15, 15, 10]
    assert all(type(block.data) is bytes for block in got)
    assert b"".join(block.data for block in got) == data
