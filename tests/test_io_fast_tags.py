"""``category_tag`` on the column-wise path (:mod:`auditkit.io.arrowtags`) changes speed, never results.

Oracle: the same file loaded with the fast path switched off (the exact per-line reading, whose
``tag.*`` columns the other io tests pin down). Also: the tags every real export and the simulator
write take the fast path (before, any tagged block was read line by line), and ``describe``'s
counting path lists the tag columns as the load does.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_describe_counts import battle, loaded, write_jsonl
from test_io_fastpath import assert_same, kinds, load_both, row, write_rows

from auditkit.describe import describe_counts
from auditkit.io import jsonl
from auditkit.io.profile import count_files

# LMArena's arena-human-preference-140k: dotted keys, bools, an int score and a string score.
HP140K_TAG = {
    "creative_writing_v0.1": {"creative_writing": False, "score": "no"},
    "criteria_v0.1": {"complexity": True, "domain_knowledge": True, "specificity": False},
    "if_v0.1": {"if": True, "score": 4},
    "math_v0.1": {"math": False},
}


@pytest.mark.parametrize(
    "tags",
    [
        [{"category": "coding"}, {"category": "creative"}, {}],  # the simulator's
        [HP140K_TAG, {**HP140K_TAG, "math_v0.1": {"math": True}}],
        [{"creative_writing_v0.1.score": "no", "if_v0.1.if": True}, None],  # flat dotted keys
        [{"score": 1.5}, {"score": None}],
    ],
)
def test_tags_real_exports_write_take_the_fast_path(tmp_path: Path, tags: list[Any]) -> None:
    rows = [row(question_id=f"q{i}", category_tag=tags[i % len(tags)]) for i in range(30)]
    path = write_rows(tmp_path / "tagged.jsonl", rows)
    assert list(kinds(path, with_text=False)) == [True]
    fast, exact = load_both(path, with_text=False)
    assert_same(fast, exact)
    assert any(c.startswith("tag.") for c in fast.battles.frame.columns)


@pytest.mark.parametrize(
    ("tags", "why"),
    [
        ([{"a": {"b": 1}}, {"a": None}], "a null nested object is a tag of its own per value"),
        ([{"a": {"b": 1}}, {"c": 1}], "an absent nested object cannot be told from a null one"),
        ([{"a": [1, 2]}], "lists are written back as JSON text per value"),
        ([{"a": 2}, {"a": 1.5}], "an integer beside a float is parsed as a float"),
        ([{"a": 2.0}], "an integral float could have been an integer"),
        ([{"t": "2024-01-01"}], "pyarrow reads an ISO-looking string as a time"),
        ([{"a.b": 1, "a": {"b": 2}}], "two paths flatten to one key"),
        (["coding"], "a tag that is not an object"),
    ],
)
def test_shapes_only_the_exact_reading_gets_right_step_aside(
    tmp_path: Path, tags: list[Any], why: str
) -> None:
    rows = [row(question_id=f"q{i}", category_tag=tags[i % len(tags)]) for i in range(6)]
    path = write_rows(tmp_path / "odd.jsonl", rows)
    assert list(kinds(path, with_text=False)) == [False], why
    assert_same(*load_both(path, with_text=False))


def test_a_block_with_a_failing_row_merges_the_tags_of_both_parts(tmp_path: Path) -> None:
    # Rows 0-9 load column-wise with tags {a, c}; the self battle goes the exact way with {b}: the
    # merged block has a, b, c in key order and None where a part had no such tag.
    rows = [row(question_id=f"q{i}", category_tag={"a": i, "c": "x"}) for i in range(10)]
    rows.append(row(question_id="bad", model_b="gpt-4", category_tag={"b": True}))
    rows.append(row(question_id="odd", model_a=" gpt-4 ", category_tag={"b": False}))
    path = write_rows(tmp_path / "mixed.jsonl", rows)
    fast, exact = load_both(path, with_text=False)
    assert_same(fast, exact)
    assert [c for c in fast.battles.frame.columns if c.startswith("tag.")] == [
        "tag.a",
        "tag.b",
        "tag.c",
    ]


LEAF = st.one_of(
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([0.5, -1.25, 2.0, 1e-3]),
    st.sampled_from(["no", "yes", "2024-01-01", "", "é"]),
    st.none(),
    st.lists(st.integers(0, 2), max_size=2),
)
KEYS = st.sampled_from(["a", "b", "a.b", "score", "if_v0.1"])
TAG = st.one_of(
    st.none(),
    st.dictionaries(KEYS, st.one_of(LEAF, st.dictionaries(KEYS, LEAF, max_size=2)), max_size=3),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TAG, min_size=1, max_size=10), st.booleans())
def test_property_tagged_blocks_load_as_the_exact_path_loads_them(
    tags: list[Any], failing: bool
) -> None:
    rows = [row(question_id=f"q{i}", category_tag=tag) for i, tag in enumerate(tags)]
    if failing:
        rows.append(row(question_id="self", model_b="gpt-4", category_tag=tags[0]))
    with tempfile.TemporaryDirectory() as tmp:
        path = write_rows(Path(tmp) / "tags.jsonl", rows)
        assert_same(*load_both(path, with_text=False))


def test_describe_counts_tag_columns_as_the_load_lists_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonl, "BLOCK_ROWS", 40)
    # Later blocks bring new keys: the table orders tag columns by first appearance.
    rows = [
        battle(i, category_tag={"category": "code"} if i < 100 else {"z": True, "b": i})
        for i in range(200)
    ]
    path = write_jsonl(tmp_path / "tags.jsonl", rows)
    counts = count_files([path])
    assert counts is not None
    description = describe_counts(counts)
    assert description.tag_columns == ["tag.category", "tag.b", "tag.z"]
    assert description.to_json() == loaded(path)
