"""The lean paths of the load give exactly what the plain computations give.

- The vote-id index merges its sorted runs by placing each run's arrays where the stable order
  of the joined first hashes puts them (not by taking all three joined arrays by that order), and
  sets its bitmap's bits by vectorised rounds, a sorted run's bits of one byte OR-ed together
  first (not ``bitwise_or.at``); the bitmap after any number of additions and regrowths is the
  one ``bitwise_or.at`` makes from every id.
- The table's model columns are categoricals (:mod:`auditkit.io.models`): each chunk coded by
  Arrow, the chunks joined over the sorted union of names; every reader that takes them by
  their codes (positions in a model list, the distinct names, the ratings' model codes, the
  JSON Lines and Parquet writers) gives what it gives on the same column as strings.

Each is checked against the computation it replaces, on random inputs with edge cases
(missing names, repeated hashes, names only one chunk or one side has, awkward characters).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from pandas.api.types import union_categoricals

from auditkit.codes import TableCodes, distinct_strings, row_positions
from auditkit.io import parquet_writer
from auditkit.io import writer as writer_module
from auditkit.io.accumulate import TableAccumulator
from auditkit.io.ids import VoteIdIndex, _Run, hash_ids
from auditkit.io.models import join_categories, model_categories, sorted_categories
from auditkit.ratings.engine import _model_codes


def _run(rng: np.random.Generator, n: int, distinct: int) -> _Run:
    # few distinct first hashes: many ties, within a run and across the two runs
    first = rng.integers(-distinct, distinct, size=n, dtype=np.int64)
    second = rng.integers(-(2**62), 2**62, size=n, dtype=np.int64)
    line = rng.integers(1, 10**9, size=n, dtype=np.int64)
    return _Run(first, second, line)


@pytest.mark.parametrize(
    ("m", "k", "distinct"), [(0, 5, 3), (5, 0, 3), (1_000, 700, 50), (3_000, 3_000, 2**40)]
)
def test_merged_runs_equal_the_stable_sort_of_the_joined_runs(
    m: int, k: int, distinct: int
) -> None:
    rng = np.random.default_rng(m + k)
    older, newer = _run(rng, m, distinct), _run(rng, k, distinct)
    joined = {
        name: np.concatenate([getattr(older, name), getattr(newer, name)])
        for name in ("first", "second", "line")
    }
    expected = _Run(joined["first"], joined["second"], joined["line"])
    merged = _Run.merged(older, newer)
    for name in ("first", "second", "line"):
        np.testing.assert_array_equal(getattr(merged, name), getattr(expected, name))
    assert len(older) == len(newer) == 0  # the inputs were released


@pytest.mark.parametrize("ordered", [False, True], ids=["unsorted", "sorted"])
def test_bitmap_marks_equal_bitwise_or_at(ordered: bool) -> None:
    rng = np.random.default_rng(7)
    index = VoteIdIndex()
    first = rng.integers(-(2**63), 2**63 - 1, size=200_000, dtype=np.int64)
    first[:5_000] = first[5_000:10_000]  # repeated hashes: repeated words and bits
    first[10_000:10_100] = first[10_100:10_200] | 0xFFFF  # other bits of the same byte
    if ordered:  # a run's order: one byte's bits side by side
        first = np.sort(first)
    expected = index._bits.copy()
    word, bit = index._where(first)
    np.bitwise_or.at(expected, word, bit)
    index._mark(first)
    np.testing.assert_array_equal(index._bits, expected)


def test_bitmap_after_additions_and_regrowths_equals_bitwise_or_at_of_every_id() -> None:
    rng = np.random.default_rng(11)
    index = VoteIdIndex()
    ids = [f"q{i:x}-{j}" for i, j in zip(rng.permutation(300_000), range(300_000), strict=True)]
    for start in range(0, len(ids), 25_000):  # grows past 2**20 bits: regrown twice
        index.add(ids[start : start + 25_000], np.arange(start, start + 25_000))
    assert index._bits.size * 8 >= 16 * len(ids)
    expected = np.zeros_like(index._bits)
    np.bitwise_or.at(expected, *index._where(hash_ids(ids).first))
    np.testing.assert_array_equal(index._bits, expected)


def test_index_over_many_merges_finds_every_id_at_its_first_line() -> None:
    index = VoteIdIndex()
    ids = [f"id-{i:07d}" for i in range(40_000)]
    for start in range(0, len(ids), 1_000):  # 40 runs: merged like a binary counter
        block = ids[start : start + 1_000]
        index.add(block, np.arange(start, start + len(block)) + 1)
    found = index.first_lines([*ids[::7], "absent-1", "absent-2"])
    np.testing.assert_array_equal(found[:-2], np.arange(0, len(ids), 7) + 1)
    assert found[-2:].tolist() == [-1, -1]


# --- categorical model columns -----------------------------------------------------------------

NAMES = ["gpt-4o", "claude-3", 'say "hi"\\', "é-model", "zeta", "Alpha", "b\u2028x", "😀-bot"]


def _strings(values: list[str | None]) -> pd.Series:
    return pd.Series(pd.array(values, dtype="string[pyarrow]"))


def _random_names(rng: np.random.Generator, n: int, pool: list[str]) -> list[str | None]:
    values: list[str | None] = [pool[i] for i in rng.integers(0, len(pool), size=n)]
    for i in rng.integers(0, n, size=n // 10):
        values[i] = None
    return values


@pytest.mark.parametrize("seed", range(4))
def test_model_categories_hold_the_same_values(seed: int) -> None:
    rng = np.random.default_rng(seed)
    column = _strings(_random_names(rng, 500, NAMES))
    coded = model_categories(column)
    assert isinstance(coded.dtype, pd.CategoricalDtype)
    assert (
        coded.astype(object).where(coded.notna(), None).tolist()
        == column.astype(object).where(column.notna(), None).tolist()
    )
    plain = pd.Series([1, 2, 3])
    assert model_categories(plain) is plain  # not a string column: unchanged


@pytest.mark.parametrize("seed", range(4))
def test_joined_categories_equal_union_categoricals_sorted_and_used(seed: int) -> None:
    rng = np.random.default_rng(seed)
    parts = []
    for j in range(6):  # each chunk draws from its own few names; one chunk is empty
        pool = [NAMES[i] for i in rng.choice(len(NAMES), size=3, replace=False)]
        parts.append(model_categories(_strings(_random_names(rng, 0 if j == 2 else 200, pool))))
    joined = join_categories(parts)
    expected = union_categoricals(parts, sort_categories=True).remove_unused_categories()
    assert list(joined.cat.categories) == list(expected.categories)
    np.testing.assert_array_equal(np.asarray(joined.cat.codes), np.asarray(expected.codes))
    assert list(joined.cat.categories) == sorted(joined.cat.categories)  # as Python sorts str


def test_sorted_categories_drops_unused_and_sorts() -> None:
    column = pd.Series(
        pd.Categorical(["zeta", "Alpha", None, "zeta"], categories=["zeta", "x", "Alpha"])
    )
    tidy = sorted_categories(column)
    assert list(tidy.cat.categories) == ["Alpha", "zeta"]
    assert tidy.astype(object).tolist()[:2] == ["zeta", "Alpha"] and pd.isna(tidy.iloc[2])
    again = sorted_categories(tidy)
    assert list(again.cat.categories) == ["Alpha", "zeta"]
    np.testing.assert_array_equal(np.asarray(again.cat.codes), np.asarray(tidy.cat.codes))


def test_accumulated_table_has_sorted_categorical_models_equal_to_the_strings() -> None:
    rng = np.random.default_rng(11)
    accumulator = TableAccumulator()
    chunks = []
    for _ in range(5):
        a = _random_names(rng, 300, NAMES[:5])
        b = _random_names(rng, 300, NAMES[3:])
        chunks.append((a, b))
        accumulator.add(pd.DataFrame({"model_a": _strings(a), "model_b": _strings(b)}))
    frame = accumulator.build()
    every = {v for chunk in chunks for side in chunk for v in side if v is not None}
    for side, k in (("model_a", 0), ("model_b", 1)):
        values = [v for chunk in chunks for v in chunk[k]]
        assert isinstance(frame[side].dtype, pd.CategoricalDtype)
        # one category list for both sides: the sorted names used on either
        assert list(frame[side].cat.categories) == sorted(every)
        assert frame[side].astype(object).where(frame[side].notna(), None).tolist() == values
    # so the two sides compare as their strings do
    a = [v for chunk in chunks for v in chunk[0]]
    b = [v for chunk in chunks for v in chunk[1]]
    same = (frame["model_a"] == frame["model_b"]).tolist()
    assert same == [x is not None and x == y for x, y in zip(a, b, strict=True)]


@pytest.mark.parametrize("seed", range(3))
def test_readers_by_codes_equal_the_string_columns(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a_values, b_values = _random_names(rng, 400, NAMES[:6]), _random_names(rng, 400, NAMES[2:])
    strings = pd.DataFrame({"model_a": _strings(a_values), "model_b": _strings(b_values)})
    coded = pd.DataFrame(
        {side: sorted_categories(model_categories(strings[side])) for side in strings}
    )
    wanted = [NAMES[5], "absent", NAMES[0], NAMES[7]]
    for side in ("model_a", "model_b"):
        np.testing.assert_array_equal(
            row_positions(coded[side], wanted), row_positions(strings[side], wanted)
        )
        assert sorted(distinct_strings(coded[side])) == sorted(distinct_strings(strings[side]))
    plain, lean = TableCodes(strings), TableCodes(coded)
    assert plain.models == lean.models
    np.testing.assert_array_equal(plain.model_a, lean.model_a)
    np.testing.assert_array_equal(plain.model_b, lean.model_b)
    for expected, got in zip(
        _model_codes(strings["model_a"], strings["model_b"]),
        _model_codes(coded["model_a"], coded["model_b"]),
        strict=True,
    ):
        np.testing.assert_array_equal(got, expected)
    for side in ("model_a", "model_b"):
        assert parquet_writer._strings(coded[side]).equals(parquet_writer._strings(strings[side]))
        got_pieces = writer_module._join_rows(writer_module._value_pieces(coded[side]))
        want_pieces = writer_module._join_rows(writer_module._value_pieces(strings[side]))
        assert got_pieces.equals(want_pieces)


def test_pair_counts_on_the_shared_int32_codes_equal_the_plain_lookup() -> None:
    from auditkit.graph import pair_counts
    from auditkit.simulate import preset_config, simulate_arena

    frame = simulate_arena(preset_config("demo"), seed=3).battles.frame
    rng = np.random.default_rng(3)
    frame = frame.iloc[rng.permutation(len(frame))[:5_000]].reset_index(drop=True)
    accumulator = TableAccumulator()
    accumulator.add(frame[["model_a", "model_b"]])
    coded = accumulator.build()  # the loader's categorical columns
    assert isinstance(coded["model_a"].dtype, pd.CategoricalDtype)
    lean, plain = pair_counts(coded, TableCodes(coded)), pair_counts(frame)
    assert lean.a.dtype == np.int32 and lean.models == plain.models
    np.testing.assert_array_equal(lean.a, plain.a)
    np.testing.assert_array_equal(lean.b, plain.b)
    np.testing.assert_array_equal(lean.counts, plain.counts)


@pytest.mark.parametrize("chunks", [1, 3])
def test_a_bool_column_becomes_the_nullable_booleans_its_values_would_make(chunks: int) -> None:
    import pyarrow as pa

    from auditkit.io.arrowjsonl import _boolean_array

    rng = np.random.default_rng(chunks)
    parts = []
    for size in rng.integers(0, 50, size=chunks):
        values = rng.random(size) < 0.4
        missing = rng.random(size) < 0.3
        parts.append(pa.array(values, mask=missing))
    column = pa.chunked_array(parts, type=pa.bool_())
    lean = _boolean_array(column)
    plain = pd.array(column.to_pylist(), dtype="boolean")
    assert lean.dtype == plain.dtype
    assert lean.equals(plain)
    assert list(lean.isna()) == [v is None for v in column.to_pylist()]
