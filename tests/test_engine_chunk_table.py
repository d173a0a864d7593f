"""A chunk handed to a streamed detector: the placeholders it gets for columns it does not read.

Specification: ``engine.scan._chunk_table`` gives a chunk the missing text and core columns as
``frame.assign`` would — the same column order, ``None`` (object) columns, ``anony`` True (bool)
— and keeps the chunk's own columns and index as they are.
"""

from __future__ import annotations

import pandas as pd

from auditkit.engine.scan import _chunk_table


def test_missing_columns_are_added_as_assign_adds_them() -> None:
    frame = pd.DataFrame(
        {
            "vote_id": pd.array(["v1", "v2", "v3"], dtype="string"),
            "model_a": pd.array(["a", "b", "a"], dtype="string"),
            "model_b": pd.array(["b", "c", "c"], dtype="string"),
        },
        index=[7, 8, 9],
    )
    built = _chunk_table(frame, ("language",)).frame
    expected = frame.reset_index(drop=True).assign(
        conversation_a=None,
        conversation_b=None,
        winner=None,
        voter=None,
        tstamp=None,
        language=None,
        turns=None,
        source_file=None,
        source_line=None,
        anony=True,
    )
    pd.testing.assert_frame_equal(built, expected, check_exact=True)
    assert built["anony"].dtype == bool and built["voter"].dtype == object


def test_a_chunk_with_every_column_is_left_as_it_is() -> None:
    frame = _chunk_table(pd.DataFrame({"vote_id": ["v1"]}), ()).frame
    whole = _chunk_table(frame, ()).frame
    pd.testing.assert_frame_equal(whole, frame)
