"""The voter audit's expectation follows each vote's category (auditkit.voters.category).

A model genuinely best in one category is picked there by every honest asker: a person who asks
only that category is no rigger. Each vote is expected to follow the strengths of its own category
(per-category Bradley-Terry offsets, empirical Bayes, the voter left out); the tests below say what
that must and must not excuse.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditkit.errors import RuleError
from auditkit.rulepack import RulePack
from auditkit.rules import load_rules
from auditkit.simulate import ArenaConfig, simulate_arena
from auditkit.simulate.config import PRESET_MODELS as M
from auditkit.simulate.config import CamouflageStuffing
from auditkit.simulate.people import CATEGORY_TAG
from auditkit.simulate.recategorise import in_best_category
from auditkit.simulate.unseen import UnseenHonest
from auditkit.stats.category_strengths import (
    fit_category_offsets,
    leave_out_offsets,
    voter_weights,
)
from auditkit.voters import audit_voters
from auditkit.voters.category import CategoryExpectation, category_columns, vote_categories
from auditkit.voters.config import CategoryConfig, VoterConfig

# -- which columns name a category --------------------------------------------------------------


def test_a_tag_entry_matches_the_real_logs_versioned_tag_columns() -> None:
    columns = [
        "model_a",
        "is_code",
        "tag.math_v0.1.math",
        "tag.criteria_v0.1.creativity",
        "tag.creative_writing_v0.1.creative_writing",
        "tag.if_v0.1.score",
    ]
    found = category_columns(
        columns, ("tag.category", "is_code", "tag.math", "tag.creative_writing")
    )
    assert found == ["is_code", "tag.math_v0.1.math", "tag.creative_writing_v0.1.creative_writing"]


def test_a_category_is_one_combination_of_the_columns_values_and_rare_ones_are_pooled() -> None:
    frame = pd.DataFrame(
        {
            "is_code": pd.array([True, False, False, None, False, True], dtype="boolean"),
            "tag.math_v0.1.math": [False, True, False, False, True, False],
        }
    )
    code, names, known = vote_categories(frame, np.arange(6), CategoryConfig())  # type: ignore[misc]
    assert code[0] == code[5] and code[1] == code[4]
    assert len(set(code[known].tolist())) == 3 and len(names) == 3
    # A vote with a missing value has no category (code len(names)): it keeps the global strengths.
    assert known.tolist() == [True, True, True, False, True, True] and code[3] == len(names)
    pooled = vote_categories(frame, np.arange(6), CategoryConfig(max_categories=2))
    assert pooled is not None and pooled[1][-1] == "other"
    assert set(pooled[0][pooled[2]].tolist()) == {0, 1}


def test_votes_without_a_category_cannot_set_strengths_for_one_another() -> None:
    """Rows a classifier never tagged (or injected by another program) are not a topic of their
    own: however one-sided they are, they are measured against the global strengths, and the
    tagged votes' offsets are fitted without them."""
    rng = np.random.default_rng(5)
    n = 4000
    a = rng.integers(0, 4, n)
    b = (a + rng.integers(1, 4, n)) % 4
    score = (rng.random(n) < 0.5).astype(np.float64)
    topic = np.where(rng.random(n) < 0.5, "maths", "poetry").astype(object)
    injected = np.arange(n) >= n - 400
    topic[injected] = None
    # The injected rows all vote for model 0 whenever it plays.
    score[injected & (a == 0)] = 1.0
    score[injected & (b == 0)] = 0.0
    frame = pd.DataFrame({"tag.category": topic})
    found = vote_categories(frame, np.arange(n), CategoryConfig())
    assert found is not None
    code, names, known = found
    assert (
        sorted(names) == ["tag.category=maths", "tag.category=poetry"]
        and known is not None
        and not known[injected].any()
    )
    voter = np.arange(n) // 10
    theta = np.zeros(4)
    expectation = CategoryExpectation.build(
        code, names, a, b, score, theta, np.full(n, 0.1), voter, 0.16, CategoryConfig(), known
    )
    rows = np.arange(n)
    shift = expectation.shift(rows, voter, a, b, score)
    assert np.all(shift[injected] == 0.0)
    tagged_only = CategoryExpectation.build(
        code[~injected],
        names,
        a[~injected],
        b[~injected],
        score[~injected],
        theta,
        np.full(n - 400, 0.1),
        voter[~injected],
        0.16,
        CategoryConfig(),
    )
    assert np.allclose(expectation.fit.offset, tagged_only.fit.offset)


def test_without_category_columns_the_expectation_is_the_global_one() -> None:
    frame = pd.DataFrame({"model_a": ["x", "y"], "tag.category": ["maths", "maths"]})
    assert vote_categories(frame, np.arange(2), CategoryConfig()) is None  # one category only
    assert vote_categories(frame, np.arange(2), CategoryConfig(enabled=False)) is None
    assert vote_categories(frame[["model_a"]], np.arange(2), CategoryConfig()) is None


def test_the_rule_pack_refuses_a_malformed_categories_section() -> None:
    rules = load_rules()
    sections = dict(rules.sections)
    sections["voters"] = {**rules.section("voters"), "categories": {"columns": "tag.category"}}
    broken: RulePack = dataclasses.replace(rules, sections=sections)
    with pytest.raises(RuleError, match="columns"):
        VoterConfig.from_rules(broken)
    assert VoterConfig.from_rules(rules).categories.columns[0] == "tag.category"


# -- the statistics -----------------------------------------------------------------------------


def _votes(rng: np.random.Generator, n: int, theta: np.ndarray, offset: np.ndarray) -> tuple:
    k = theta.size
    a = rng.integers(0, k, n)
    b = (a + rng.integers(1, k, n)) % k
    category = rng.integers(0, offset.shape[0], n)
    d = theta[a] - theta[b] + offset[category, a] - offset[category, b]
    score = (rng.random(n) < 1.0 / (1.0 + np.exp(-d))).astype(np.float64)
    return category, a, b, score


def test_a_category_champion_gets_its_own_strength_where_the_votes_show_it() -> None:
    rng = np.random.default_rng(3)
    theta = np.linspace(-0.5, 0.5, 6)
    offset = np.zeros((3, 6))
    offset[2, 1] = 1.5  # model 1 is far stronger in category 2 (about +260 Elo)
    category, a, b, score = _votes(rng, 30_000, theta, offset)
    fit = fit_category_offsets(category, a, b, score, theta, 3, prior_sd_floor=0.5)
    relative = fit.offset[2] - fit.offset[2].mean()  # strengths are relative within a category
    assert relative[1] == pytest.approx(1.5 - 1.5 / 6, abs=0.2)
    assert np.abs(fit.offset[:2] - fit.offset[:2].mean(axis=1, keepdims=True)).max() < 0.2


def test_a_category_with_a_handful_of_votes_falls_back_to_the_global_strengths() -> None:
    rng = np.random.default_rng(4)
    theta = np.linspace(-0.5, 0.5, 6)
    offset = np.zeros((2, 6))
    category, a, b, score = _votes(rng, 5_000, theta, offset)
    category[:8] = 2  # eight votes in a third category, all won by model A
    score[:8] = 1.0
    fit = fit_category_offsets(category, a, b, score, theta, 3, prior_sd_floor=0.5)
    assert np.abs(fit.offset[2]).max() < 0.3


def test_a_voter_alone_in_a_category_is_measured_against_the_global_strengths() -> None:
    rng = np.random.default_rng(5)
    theta = np.linspace(-0.5, 0.5, 6)
    category, a, b, score = _votes(rng, 4_000, theta, np.zeros((2, 6)))
    unit = rng.integers(0, 400, category.size)
    mine = np.flatnonzero(unit == 7)
    category[mine], score[mine] = 2, np.where(a[mine] == 0, 1.0, score[mine])
    fit = fit_category_offsets(category, a, b, score, theta, 3, unit=unit, taste_var=0.16)
    cell, loo = leave_out_offsets(
        fit,
        unit[mine],
        category[mine],
        a[mine],
        b[mine],
        score[mine],
        theta[a[mine]] - theta[b[mine]],
    )
    assert fit.offset[2, 0] > 0.1  # the voter's own votes move the category's fit ...
    assert np.abs(loo[cell]).max() < 1e-6  # ... but not the expectation they are tested against


def test_a_heavy_voter_counts_at_most_like_one_person_of_honest_taste() -> None:
    unit = np.r_[np.zeros(400, dtype=np.int64), np.arange(1, 41)]
    a = np.zeros(440, dtype=np.int64)
    b = np.ones(440, dtype=np.int64)
    w = voter_weights(unit, np.zeros(440, dtype=np.int64), a, b, 2, 0.16)
    assert w[-1] == pytest.approx(1.0 / 1.04)
    assert (w[:400] * 0.25).sum() < 1.0 / 0.16  # at most 1/taste_var units of information


# -- the audit ----------------------------------------------------------------------------------


def _flagged(arena: object) -> tuple[pd.DataFrame, set[str]]:
    audit = audit_voters(arena.battles, load_rules())  # type: ignore[attr-defined]
    evidence = audit.evidence.merge(
        arena.truth.voter_labels[["voter", "role"]],  # type: ignore[attr-defined]
        on="voter",
    )
    return evidence, set(audit.vote_flags["vote_id"].astype(str))


@pytest.fixture(scope="module")
def champions() -> object:
    # Held-out seed 1001: under one global strength per model 4 of these 4 were flagged.
    spec = UnseenHonest(person="category_champion", model=M[3], n_people=4, n_votes=300)
    return simulate_arena(ArenaConfig(n_battles=101_210, models=M, attacks=(spec,)), 1001)


def test_category_champions_keep_every_vote(champions: object) -> None:
    evidence, flagged = _flagged(champions)
    fans = evidence[evidence["role"] == "unseen_category_champion"]
    assert len(fans) == 4
    assert not fans["flagged"].any() and not fans["flagged_group"].any()
    assert not flagged


def test_without_the_category_the_same_champions_look_like_riggers(champions: object) -> None:
    bare = champions.battles.with_frame(  # type: ignore[attr-defined]
        champions.battles.frame.drop(columns=[CATEGORY_TAG])  # type: ignore[attr-defined]
    )
    evidence, _ = _flagged(dataclasses.replace(champions, battles=bare))  # type: ignore[type-var]
    fans = evidence[evidence["role"] == "unseen_category_champion"]
    assert fans["flagged"].sum() >= 3


def test_camouflage_in_the_targets_best_category_is_still_caught_where_it_is_harm() -> None:
    # Every vote of four camouflaged accounts filed under the category where the target is
    # strongest (coding here, +38 Elo): their pull is measured against that category's strength
    # and is still far beyond it. (Where the target is 90-110 Elo stronger in its category, recall
    # falls to .52-.75 at 100k votes: see docs/voter_threats.md, 4f.)
    attack = CamouflageStuffing(target=M[3], n_votes=400, n_voters=4)
    arena = simulate_arena(ArenaConfig(n_battles=101_210, models=M, attacks=(attack,)), 1001)
    arena, category, _ = in_best_category(arena, M[3])
    frame = arena.battles.frame
    labels = arena.truth.vote_labels.drop_duplicates("vote_id").set_index("vote_id")["label"]
    rigged = labels[labels == "camouflage"].index.astype(str)
    assert set(frame.loc[frame["vote_id"].astype(str).isin(rigged), CATEGORY_TAG]) == {category}
    _, flagged = _flagged(arena)
    assert np.isin(rigged, list(flagged)).mean() >= 0.9


@pytest.mark.parametrize("span", [1, 2, 5, 40, 5000])
def test_small_key_unique_is_numpy_unique(span: int) -> None:
    from auditkit.voters.category import _unique_small

    rng = np.random.default_rng(span)
    for size in (0, 1, 7, 300):
        key = rng.integers(0, span, size).astype(np.int64)
        got = _unique_small(key, span)
        want = np.unique(key, return_inverse=True, return_counts=True)
        for mine, theirs in zip(got, want, strict=True):
            assert mine.dtype == theirs.dtype
            assert np.array_equal(mine, theirs.reshape(-1))


# -- memory-lean forms give the same numbers (10M votes: issue 18) -------------------------------


def _model_votes_by_unique(unit: np.ndarray, a: np.ndarray, b: np.ndarray, k: int) -> np.ndarray:
    """The definition: counts of each (voter, model) key among all of a voter's votes."""
    group = unit.astype(np.int64) * k
    keys = np.concatenate([group + a, group + b])
    _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    return np.asarray(counts[inverse].reshape(2, unit.size).max(axis=0), dtype=np.float64)


@settings(max_examples=120, deadline=None)
@given(
    votes=st.lists(
        st.tuples(st.integers(0, 40), st.integers(0, 5), st.integers(1, 5)), min_size=1, max_size=80
    ),
    spread=st.sampled_from([1, 7, 10**9]),
    chunk=st.integers(1, 30),
    in_order=st.booleans(),
)
def test_voter_model_counts_per_slice_of_voters_are_the_unique_counts(
    votes: list[tuple[int, int, int]],
    spread: int,
    chunk: int,
    in_order: bool,
) -> None:
    # Votes sorted by voter are counted a slice of whole voters at a time (any slice length, one
    # voter longer than a slice, sparse voter codes); other orders by np.unique: the same counts.
    from auditkit.stats import category_strengths

    if in_order:
        votes = sorted(votes)
    k = 6
    unit = np.array([v for v, _, _ in votes], dtype=np.int64) * spread
    a = np.array([m for _, m, _ in votes], dtype=np.int32)
    b = (a + np.array([d for _, _, d in votes])) % k
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(category_strengths, "_CHUNK", chunk)
        got = category_strengths._model_votes(unit, a, b, k)
    assert got.dtype == np.float64
    assert np.array_equal(got, _model_votes_by_unique(unit, a, b, k))


def test_the_fit_reads_scores_and_ties_by_slices_with_the_same_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Narrow codes and per-slice values (WinnerScores, ties computed on demand) give the bytes of
    # the fit on whole int64 and float64 arrays.
    from auditkit.stats import category_strengths
    from auditkit.voters.scores import SCORE_OF_WINNER, WinnerScores

    monkeypatch.setattr(category_strengths, "_CHUNK", 257)
    rng = np.random.default_rng(18)
    n, k = 3000, 5
    voter = np.sort(rng.integers(0, 400, n))
    a = rng.integers(0, k, n)
    b = (a + rng.integers(1, k, n)) % k
    winner = rng.integers(0, 4, n).astype(np.int8)
    category = rng.integers(0, 3, n)
    theta = rng.normal(0.0, 0.5, k)
    tie_of_pair = rng.uniform(0.05, 0.3, k * k)

    class Ties:
        def __getitem__(self, rows: slice) -> np.ndarray:
            return np.asarray(tie_of_pair[a[rows] * k + b[rows]], dtype=np.float64)

    whole = fit_category_offsets(
        category, a, b, SCORE_OF_WINNER[winner], theta, 3,
        unit=voter, taste_var=0.0625, tie=tie_of_pair[a * k + b],
    )  # fmt: skip
    lean = fit_category_offsets(
        category.astype(np.int8), a.astype(np.int32), b.astype(np.int32), WinnerScores(winner),
        theta, 3, unit=voter.astype(np.int32), taste_var=0.0625, tie=Ties(),
    )  # fmt: skip
    for name in ("offset", "hessian", "hessian_inv", "votes"):
        assert getattr(lean, name).tobytes() == getattr(whole, name).tobytes(), name
    assert (lean.tau2, lean.prior_var, lean.iterations) == (
        whole.tau2,
        whole.prior_var,
        whole.iterations,
    )


@pytest.mark.parametrize(
    ("most", "dtype"), [(1, np.int8), (127, np.int8), (128, np.int16), (40_000, np.int32)]
)
def test_category_codes_take_the_narrowest_integer_that_holds_them(most: int, dtype: type) -> None:
    from auditkit.voters.category import _code_dtype

    assert _code_dtype(most) is dtype
