"""``conv_metadata`` is built only for rows with a style value; the bytes are the row path's.

Specification: the column-wise writer builds each styled row's ``conv_metadata`` from the eight
style columns and gives every row without any style value (every battle without text) the one
constant object the row-by-row writer (the oracle, ``writer._lines_row_by_row``) splices in for
it. Tables with no styled row, only styled rows, and any mix — missing values as NaN, None or
``pd.NA``, infinities, integers — give the same bytes both ways, at any slice offset.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditkit.io import writer as writer_module
from auditkit.schema import STYLE_COLUMNS, WINNER_DTYPE


def battles(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "vote_id": pd.array([f"v{i}" for i in range(n)], dtype="string"),
            "model_a": pd.array(["gpt-4"] * n, dtype="string"),
            "model_b": pd.array(["claude-2"] * n, dtype="string"),
            "winner": pd.Categorical(["model_a"] * n, dtype=WINNER_DTYPE),
            "voter": pd.array([f"u{i % 4}" for i in range(n)], dtype="string"),
            "anony": np.ones(n, dtype=bool),
            "language": pd.array(["en"] * n, dtype="string"),
            "turns": pd.array([1] * n, dtype="Int16"),
            "tstamp": 1_700_000_000.0 + np.arange(n),
        }
    )


def with_style(frame: pd.DataFrame, rows: dict[int, list[float | None]]) -> pd.DataFrame:
    frame = frame.copy()
    for j, name in enumerate(STYLE_COLUMNS):
        column = np.full(len(frame), np.nan)
        for i, values in rows.items():
            column[i] = np.nan if values[j] is None else values[j]
        frame[name] = column
    return frame


def assert_same_bytes(frame: pd.DataFrame) -> None:
    for part in (frame, frame.iloc[1:], frame.iloc[:0]):
        reference = writer_module._lines_row_by_row(part, True, [])
        assert bytes(writer_module._lines_by_column(part, True, [])) == reference


def test_rows_without_style_get_the_constant_object() -> None:
    frame = with_style(battles(5), {})
    assert_same_bytes(frame)
    line = writer_module._lines_row_by_row(frame, True, []).split(b"\n")[0]
    assert line.endswith(b'"conv_metadata":' + writer_module._EMPTY_METADATA + b"}")


def test_every_mix_of_styled_and_plain_rows() -> None:
    full = [12.0, 1.0, 2.0, 3.0, 7.5, 0.0, None, 4.0]
    one = [None, None, None, None, None, None, None, 1.0]
    odd = [math.inf, -0.0, 1e16, None, None, None, None, None]
    assert_same_bytes(with_style(battles(6), {0: full, 3: one, 5: odd}))
    assert_same_bytes(with_style(battles(3), {0: full, 1: one, 2: odd}))  # all styled


def test_nullable_style_columns() -> None:
    frame = with_style(battles(4), {1: [3.0] * 8})
    frame[STYLE_COLUMNS[0]] = pd.array([None, 3, pd.NA, 5], dtype="Int64")
    assert_same_bytes(frame)


VALUE = st.one_of(st.none(), st.floats(allow_nan=True), st.integers(0, 10**6).map(float))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.none(), st.lists(VALUE, min_size=8, max_size=8)), max_size=20))
def test_any_style_values(rows: list[list[float | None] | None]) -> None:
    styled = {i: values for i, values in enumerate(rows) if values is not None}
    assert_same_bytes(with_style(battles(len(rows)), styled))


@pytest.mark.parametrize("n", [1, 50])
def test_a_table_without_style_columns_has_no_metadata(n: int) -> None:
    frame = battles(n)
    assert bytes(writer_module._lines_by_column(frame, False, [])) == (
        writer_module._lines_row_by_row(frame, False, [])
    )
