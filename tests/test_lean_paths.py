"""The lean paths of the 10M audit give exactly what the plain ones give.

Each faster or leaner path (member ranges by one count, recruit windows against their merged
union, findings' rows built column-wise, Parquet strings cast from Arrow buffers, scores held as
one byte a vote, voter names by position, the group search on int32 voter codes) is checked
against the straightforward computation it replaces, on random inputs including edge cases.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from auditkit.codes import TableCodes, arrow_strings
from auditkit.detectors.voters import _records
from auditkit.io.parquet_writer import _strings
from auditkit.rules import load_rules
from auditkit.simulate import preset_config, simulate_arena
from auditkit.voters.groups import (
    _overlaps_any,
    _owned_bounds,
    _owned_ranges,
    find_coordinated_groups,
)
from auditkit.voters.scores import WinnerScores


@pytest.mark.parametrize("n_asked", [3, 50, 2_000])
def test_owned_ranges_equal_two_searches(n_asked: int) -> None:
    rng = np.random.default_rng(n_asked)
    n_voters = 1_000
    sorted_voters = np.sort(rng.integers(0, n_voters, size=4_000))
    who = np.unique(rng.integers(0, n_voters, size=n_asked))
    lo, hits = _owned_ranges(sorted_voters, who, n_voters)
    expected_lo = np.searchsorted(sorted_voters, who, side="left")
    expected_hi = np.searchsorted(sorted_voters, who, side="right")
    np.testing.assert_array_equal(lo, expected_lo)
    np.testing.assert_array_equal(hits, expected_hi - expected_lo)


@pytest.mark.parametrize("n_asked", [3, 2_000])
def test_owned_ranges_from_kept_bounds_equal_two_searches(n_asked: int) -> None:
    """The group search keeps one target's bounds for all its groups: the same ranges."""
    rng = np.random.default_rng(n_asked + 1)
    n_voters = 1_000
    sorted_voters = np.sort(rng.integers(0, n_voters, size=4_000))
    who = np.unique(rng.integers(0, n_voters, size=n_asked))
    bounds = _owned_bounds(sorted_voters, n_voters)
    lo, hits = _owned_ranges(sorted_voters, who, n_voters, bounds)
    expected_lo = np.searchsorted(sorted_voters, who, side="left")
    np.testing.assert_array_equal(lo, expected_lo)
    np.testing.assert_array_equal(
        hits, np.searchsorted(sorted_voters, who, side="right") - expected_lo
    )
    assert bounds[-1] == sorted_voters.size


def test_owned_ranges_of_voters_without_entries_are_empty() -> None:
    lo, hits = _owned_ranges(np.array([1, 1, 4]), np.array([0, 2, 3, 5]), 6)
    np.testing.assert_array_equal(hits, [0, 0, 0, 0])
    np.testing.assert_array_equal(lo, [0, 2, 2, 3])


@pytest.mark.parametrize("windows", [1, 3, 30])
@pytest.mark.parametrize("seed", range(5))
def test_overlaps_any_equals_every_pair(seed: int, windows: int) -> None:
    """Few disjoint windows are compared directly, many searched: both answer every pair."""
    rng = np.random.default_rng(seed)
    starts = rng.uniform(0, 1_000, size=30)
    if windows < 30:  # 30 windows in `windows` clusters far apart: that many disjoint windows
        starts = rng.choice(np.arange(windows) * 300.0, size=30) + rng.uniform(0, 40, size=30)
    lo, hi = starts, starts + rng.exponential(20, size=30)
    first = rng.uniform(-100, 1_100, size=3_000)
    last = first + rng.exponential(5, size=3_000)
    # windows touching a member's window exactly at an end count as overlapping (closed)
    first[:30], last[:30] = hi, hi + 1.0
    first[30:60], last[30:60] = lo - 1.0, lo
    brute = ((lo[None, :] <= last[:, None]) & (hi[None, :] >= first[:, None])).any(axis=1)
    np.testing.assert_array_equal(_overlaps_any(lo, hi, first, last), brute)


def test_records_equal_pandas_records() -> None:
    frame = pd.DataFrame(
        {
            "voter": ["a", "b", "c"],
            "n_votes": np.array([4, 5, 6]),
            "p_value": [0.1, np.nan, 1e-12],
            "flagged": [True, False, True],
            "group_id": np.array(["", "g1", np.float64(2.5)], dtype=object),
            "best_test": pd.Series(["x", None, "z"], dtype="string"),
        }
    )
    ours, theirs = _records(frame), frame.to_dict(orient="records")
    assert [list(r) for r in ours] == [list(r) for r in theirs]
    for row, expected in zip(ours, theirs, strict=True):
        for name, value in expected.items():
            ours_value = row[str(name)]
            assert type(ours_value) is type(value), name
            assert ours_value == value or (pd.isna(ours_value) and pd.isna(value)), name


@pytest.mark.parametrize("dtype", ["string", "string[pyarrow]", "object"])
def test_parquet_strings_equal_the_object_path(dtype: str) -> None:
    series = pd.Series(["a", None, "é€😀", "", "x" * 300], dtype=dtype).iloc[1:]
    expected = pa.array(series.astype(object).where(series.notna(), None), type=pa.string())
    got = _strings(series)
    assert got.type == pa.string()
    assert got.equals(expected)


@pytest.mark.parametrize(
    "rows",
    [slice(None), slice(3, 40, 2), np.array([5, 0, 5, 99]), np.zeros(0, dtype=np.int64)],
    ids=["all", "slice", "positions", "none"],
)
def test_winner_scores_give_the_float_scores(rows: slice | np.ndarray) -> None:
    codes = np.random.default_rng(0).integers(0, 4, size=100).astype(np.int8)
    plain = np.array([1.0, 0.0, 0.5, 0.5])[codes]  # model A's score per winner code
    got = WinnerScores(codes)[rows]
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, plain[rows])
    assert WinnerScores(codes).size == len(WinnerScores(codes)) == 100


@pytest.mark.parametrize("subset", [False, True])
def test_sorted_voter_positions_name_what_factorize_sorted_names(subset: bool) -> None:
    rng = np.random.default_rng(7)
    names = np.array(["zoë", "b", "a", "é", "B", "a1", "", "10", "9"], dtype=object)
    voters = pd.Series(names[rng.integers(0, names.size, size=400)], dtype="string")
    voters[rng.random(400) < 0.1] = pd.NA
    frame = pd.DataFrame({"voter": voters, "model_a": "m", "model_b": "n"})
    rows = np.flatnonzero(rng.random(400) < 0.5) if subset else None
    codes = TableCodes(frame)
    got_codes, where = codes.sorted_voter_positions(rows)
    picked = voters if rows is None else voters.iloc[rows]
    expected_codes, expected_ids = pd.factorize(picked, sort=True, use_na_sentinel=True)
    np.testing.assert_array_equal(got_codes, expected_codes)
    ids = arrow_strings(codes.voter_ids)
    assert ids.take(pa.array(where)).to_pylist() == [str(v) for v in expected_ids]
    same_codes, sorted_ids = codes.sorted_voters(rows)
    np.testing.assert_array_equal(same_codes, got_codes)
    assert sorted_ids.to_pylist() == [str(v) for v in expected_ids]


def _attacked_context() -> Any:
    from auditkit.voters.audit import _Context
    from auditkit.voters.config import VoterConfig

    arena = simulate_arena(preset_config("attacks", n_battles=20_000, text_fraction=0.0), seed=5)
    rules = load_rules(Path(__file__).resolve().parents[1] / "rules")
    cfg = VoterConfig.from_rules(rules)
    frame = arena.battles.frame
    ctx = _Context.build(arena.battles, frame["voter"].notna().to_numpy(), cfg, 10**9)
    assert ctx is not None
    return ctx


def _group_inputs(ctx: Any) -> dict[str, Any]:
    return {
        "model_a": ctx.model_a,
        "model_b": ctx.model_b,
        "probs": ctx.full_probs,
        "tstamp": ctx.tstamp,
        "n_votes": ctx.n_votes,
        "exclude": np.zeros(ctx.n_voters, dtype=bool),
        "min_votes": 4,
        "link_z": 1.5,
        "window_slack": 3600.0,
        "member_min_z": 2.0,
        "member_alpha": 0.005,
        "fdr": 0.05,
        "n_models": ctx.n_models,
        "member_time_ratio": 3.0,
    }


def test_group_search_with_one_byte_scores_and_given_starts_equals_the_plain_arrays() -> None:
    ctx = _attacked_context()
    common = _group_inputs(ctx)
    lean = find_coordinated_groups(
        voter=ctx.voter, score=ctx.score, voter_start=ctx.voter_start, **common
    )
    plain = find_coordinated_groups(
        voter=ctx.voter.astype(np.int64), score=ctx.score[:], voter_start=None, **common
    )
    assert any(g.flagged for g in plain), "the attacked arena must have a flagged group"
    assert lean == plain


def test_member_pass_in_blocks_of_voters_equals_one_block(monkeypatch: pytest.MonkeyPatch) -> None:
    from auditkit.voters import groups

    ctx = _attacked_context()
    whole = find_coordinated_groups(voter=ctx.voter, score=ctx.score, **_group_inputs(ctx))
    monkeypatch.setattr(groups, "_MEMBER_BLOCK", 7)
    blocked = find_coordinated_groups(voter=ctx.voter, score=ctx.score, **_group_inputs(ctx))
    assert any(len(g.flagged_members) for g in whole)
    assert blocked == whole
