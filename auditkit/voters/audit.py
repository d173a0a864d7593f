"""The voter audit: battle table + rules → per-voter evidence, FDR-controlled flags, sybil groups.

Pipeline (all vectorised over votes; loops only over batches, exact refits of heavy voters and
candidate groups):

1. Bradley-Terry on all votes (``fit_bt_pairs``), pair tie rates shrunk toward the global rate.
2. Leave-voter-out strengths: one Newton step for every audited voter, exact warm-started refits
   for the heaviest; leave-voter-out tie rates by subtracting the voter's own pair counts.
3. Per-voter tests from :mod:`auditkit.stats.voter_tests` under that null.
4. Bonferroni over the invalidating tests per voter, Benjamini-Hochberg across voters.
5. Coordinated groups among the remaining voters (:mod:`auditkit.voters.groups`).
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from numpy.typing import NDArray

from auditkit.codes import arrow_strings
from auditkit.findings import jsonable
from auditkit.prompts import PROMPT_REPEAT, prompt_repeat_hashes
from auditkit.rulepack import RulePack
from auditkit.schema import BattleTable, take_values
from auditkit.stats import population_nulls as pn
from auditkit.stats import voter_tests as vt
from auditkit.stats.own_habits import own_tie_probs
from auditkit.typing import Codes, FloatArray, IntArray, PosArray
from auditkit.voters.category import CategoryExpectation, vote_categories
from auditkit.voters.config import INDIVIDUAL_TESTS, VoterConfig
from auditkit.voters.groups import GroupResult, find_coordinated_groups
from auditkit.voters.review import (
    probing_votes,
    repeat_probers,
    review_weights,
    weighted_benjamini_hochberg,
)
from auditkit.voters.scores import WinnerScores

__all__ = ["DEFAULT_BLOCK_VOTES", "VoterAudit", "audit_voters", "statistic_columns"]


@dataclass(frozen=True)
class VoterAudit:
    """Result of :func:`audit_voters`.

    ``evidence`` has one row per audited voter (see :meth:`to_frame`); ``vote_flags`` one row per
    vote to invalidate (``vote_id, voter, rule, p_value, q_value, statistic``); ``groups`` the
    coordinated groups tested. ``usable`` is False when the table's voter ids cannot be audited.
    """

    usable: bool
    evidence: pd.DataFrame
    vote_flags: pd.DataFrame
    groups: tuple[GroupResult, ...] = ()
    notes: tuple[str, ...] = ()
    stats: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """Per-voter evidence: voter, n_votes, p per test, best_test, best_p, p_value, q_value, flagged."""
        return self.evidence.copy()

    def summary(self) -> str:
        if not self.usable:
            return "voter audit: voters unusable — " + " ".join(self.notes)
        flagged = int(self.evidence["flagged"].sum()) if len(self.evidence) else 0
        return (
            f"voter audit: {len(self.evidence):,} voters audited, {flagged:,} flagged "
            f"({int(self.stats.get('flagged_individual', 0)):,} individually, "
            f"{int(self.stats.get('flagged_in_groups', 0)):,} in "
            f"{int(self.stats.get('groups_flagged', 0))} coordinated groups); "
            f"{len(self.vote_flags):,} votes to invalidate"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "usable": self.usable,
            "notes": list(self.notes),
            "stats": jsonable(self.stats),
            "groups": [g.to_json() for g in self.groups],
            "evidence": json.loads(self.evidence.to_json(orient="records")),
        }


def _empty(notes: tuple[str, ...], stats: dict[str, Any], usable: bool) -> VoterAudit:
    return VoterAudit(
        usable=usable,
        evidence=pd.DataFrame(columns=["voter", "n_votes", "flagged"]),
        vote_flags=pd.DataFrame(
            columns=["vote_id", "voter", "rule", "p_value", "q_value", "statistic"]
        ),
        notes=notes,
        stats=stats,
    )


# Votes handled at once by the per-voter tests: bounds their working memory (about 60 float64
# arrays of this length at the peak), not the results, which are exact per voter.
DEFAULT_BLOCK_VOTES = 100_000
# Blocks of voters tested at once (:func:`_block_tests`), up to this many audited votes: at 10M
# votes the audit with two blocks at once peaked 0.16 GiB above one block at a time (glibc keeps
# a heap per thread), so there blocks are tested one after the other.
BLOCK_THREADS = 2
BLOCK_THREADS_MAX_VOTES = 5_000_000


def audit_voters(
    battles: BattleTable,
    rules: RulePack,
    *,
    random_state: int = 0,
    block_votes: int = DEFAULT_BLOCK_VOTES,
) -> VoterAudit:
    """Run every per-voter test and the group search; flag voters at the rule pack's FDR.

    Memory: the votes are held as a few integer and float arrays (about 50 bytes a vote); the
    per-vote work runs over blocks of whole voters of about ``block_votes`` votes each.
    """
    cfg = VoterConfig.from_rules(rules)
    frame = battles.frame
    in_scope = (
        frame["anony"].to_numpy(dtype=bool)
        if cfg.anonymous_only
        else np.ones(len(frame), dtype=bool)
    )
    n_rows = int(in_scope.sum())
    if not battles.voters_usable:
        why = battles.voter_note or f"voter status is {battles.voter_status.value}"
        note = (
            f"voters unusable ({why}): the voter audit did not run on {n_rows:,} rows "
            "and flags nothing"
        )
        return _empty((note,), {"rows": n_rows, "rows_unaudited": n_rows}, usable=False)

    voter_na = in_scope & frame["voter"].isna().to_numpy()
    notes: list[str] = []
    if voter_na.any():
        notes.append(
            f"{int(voter_na.sum()):,} rows have no voter id: the voter audit cannot audit them"
        )
    ctx = _Context.build(battles, in_scope & ~voter_na, cfg, block_votes)
    if ctx is None:
        return _empty(tuple(notes), {"rows": n_rows, "rows_unaudited": n_rows}, usable=True)
    probe_votes, probe_repeat_min = probing_votes(frame, ctx.position, rules)
    probes = None
    if probe_votes is not None:
        per_voter = np.bincount(ctx.voter, weights=probe_votes, minlength=ctx.n_voters)
        probes = np.asarray(per_voter[ctx.audited], dtype=np.float64)
        cfg = dataclasses.replace(cfg, probe_repeat_min=probe_repeat_min)
    evidence, seq_path, spread = _individual_tests(ctx, cfg, random_state, probes)
    flagged_ind = evidence["flagged"].to_numpy(dtype=bool)
    # Only where each flagged voter's e-path first crosses is read from the per-vote path: kept
    # as that, so the path (80 MB at 10M votes) is gone before the group search.
    crossings = _first_crossings(ctx, cfg, evidence, seq_path)
    del seq_path

    groups: tuple[GroupResult, ...] = ()
    if cfg.group.enabled:
        groups = find_coordinated_groups(
            voter=ctx.voter,
            model_a=ctx.model_a,
            model_b=ctx.model_b,
            score=ctx.score,
            probs=ctx.full_probs,
            tstamp=ctx.tstamp,
            n_votes=ctx.n_votes,
            voter_start=ctx.voter_start,
            exclude=_expand(flagged_ind, ctx.audited, ctx.n_voters),
            min_votes=int(cfg.group.option("min_votes", 4)),
            link_z=cfg.group.option("link_z", 1.5),
            window_slack=cfg.group.option("window_slack_seconds", 3600.0),
            member_min_z=cfg.group.option("member_min_z", 2.0),
            member_alpha=cfg.group.option("member_alpha", 0.005),
            member_window_share=cfg.group.option("member_window_share", 0.5),
            member_time_ratio=cfg.group.option("member_time_ratio", 3.0),
            fdr=cfg.fdr,
            n_models=len(ctx.models),
            model_names=ctx.models,
            block_votes=ctx.block_votes,
        )
    evidence = _merge_groups(evidence, ctx, groups)
    vote_flags = _vote_flags(ctx, cfg, evidence, crossings, frame["vote_id"])
    evidence = evidence.drop(columns=_CODE)
    stats: dict[str, Any] = {
        "rows": n_rows,
        "rows_unaudited": n_rows - ctx.voter.size,
        "voters": ctx.n_voters,
        "voters_audited": len(evidence),
        "min_votes": cfg.min_votes,
        "fdr": cfg.fdr,
        "flagged_individual": int(flagged_ind.sum()),
        "flagged_in_groups": int(evidence["flagged_group"].sum()),
        "groups_tested": len(groups),
        "groups_flagged": sum(1 for g in groups if g.flagged),
        "votes_invalidated": len(vote_flags),
        "exact_refits": ctx.exact_refits,
        "population_spread": spread,
        # The per-category strengths the expectations used ({} without category columns).
        "category_model": ctx.categories.stats() if ctx.categories is not None else {},
        "models": len(ctx.models),
        "baseline_arena_consistency_flagged": int(
            (
                evidence["p_arena_consistency"]
                <= cfg.test("arena_consistency").option("alpha", 0.05)
            ).sum()
        ),
    }
    return VoterAudit(
        usable=True,
        evidence=evidence,
        vote_flags=vote_flags,
        groups=groups,
        notes=tuple(notes),
        stats=stats,
    )


def _expand(mask: NDArray[np.bool_], audited: IntArray, n_voters: int) -> NDArray[np.bool_]:
    out = np.zeros(n_voters, dtype=bool)
    out[audited[mask]] = True
    return out


# The evidence table's voter code while the audit runs (never in the returned table).
_CODE = "_voter_code"


@dataclass
class _Context:
    """Votes as integer codes sorted by (voter, time, vote id), and the consensus model.

    Per-vote arrays only (``position`` maps a vote back to its row in the battle frame); outcome
    probabilities are computed per block of voters when needed, never for all votes at once.
    Lean at 10M votes: rows and voter codes as int32 where they fit, scores as one byte a vote
    (:class:`~auditkit.voters.scores.WinnerScores`), each giving exactly the values as before.
    """

    position: Codes  # row in the battle frame (int32 below 2**31 rows)
    voter: Codes  # int32
    voter_ids: pa.Array  # the table's voter ids (Arrow, not copied: millions of voters)
    voter_where: Codes  # per voter code (sorted ids), its id's index in ``voter_ids``
    models: list[str]
    model_a: Codes
    model_b: Codes
    score: WinnerScores  # score[rows]: float64, model A's score
    tstamp: FloatArray
    prompt_code: IntArray | None
    n_voters: int
    n_votes: FloatArray
    voter_start: IntArray  # first row of each voter (length n_voters + 1)
    theta: FloatArray
    tie_full: FloatArray  # shrunk tie rate per pair cell
    pair_n: FloatArray
    pair_t: FloatArray
    global_tie: float
    tie_prior: float
    theta_loo: FloatArray  # (audited voters, models)
    audited: IntArray  # voter codes with n >= min_votes, ascending
    min_votes: int
    exact_refits: int
    block_votes: int
    # Per-category strengths where the log names each vote's category (auditkit.voters.category).
    categories: CategoryExpectation | None = None

    @property
    def n_models(self) -> int:
        return len(self.models)

    def pair(self, rows: IntArray | slice) -> IntArray:
        """Unordered pair cell of each vote (lower model index first)."""
        a, b = self.model_a[rows], self.model_b[rows]
        return np.minimum(a, b) * self.n_models + np.maximum(a, b)

    def pair_score(self, rows: IntArray | slice) -> FloatArray:
        """The score of the pair's lower-index model."""
        a, b, score = self.model_a[rows], self.model_b[rows], self.score[rows]
        return np.where(a < b, score, 1.0 - score)

    def full_probs(self, rows: IntArray | slice) -> vt.OutcomeProbs:
        """Outcome probabilities under the all-votes fit, for the given vote rows."""
        a, b = self.model_a[rows], self.model_b[rows]
        return vt.outcome_probs(self.theta[a] - self.theta[b], self.tie_full[self.pair(rows)])

    def voter_blocks(self) -> list[tuple[int, int]]:
        """Voter code ranges [lo, hi) of about ``block_votes`` votes each (whole voters)."""
        bounds = [0]
        while bounds[-1] < self.n_voters:
            lo = bounds[-1]
            target = self.voter_start[lo] + self.block_votes
            hi = int(np.searchsorted(self.voter_start, target, side="right")) - 1
            bounds.append(min(max(hi, lo + 1), self.n_voters))
        return list(itertools.pairwise(bounds))

    @classmethod
    def build(
        cls, battles: BattleTable, candidate: NDArray[np.bool_], cfg: VoterConfig, block_votes: int
    ) -> _Context | None:
        from auditkit.stats.bradley_terry import fit_bt_pairs

        frame = battles.frame
        # Integer codes only, and every temporary freed as soon as it is used: at 10M votes each
        # int64 array is 80 MB.
        cand = np.flatnonzero(candidate)
        # The table's shared model codes (sorted names), renumbered over the models these rows use.
        table_codes = battles.codes
        a_codes, b_codes = table_codes.model_a[cand], table_codes.model_b[cand]
        present = np.zeros(len(table_codes.models), dtype=bool)
        present[a_codes[a_codes >= 0]] = True
        present[b_codes[b_codes >= 0]] = True
        models = [m for m, here in zip(table_codes.models, present, strict=True) if here]
        recode = (np.cumsum(present) - 1).astype(np.int32)
        winner_code = np.asarray(frame["winner"].cat.codes, dtype=np.int8)[cand]
        ok = (a_codes >= 0) & (b_codes >= 0) & (winner_code >= 0)
        a_all = recode[np.maximum(a_codes, 0)]
        b_all = recode[np.maximum(b_codes, 0)]
        del a_codes, b_codes
        ok &= a_all != b_all
        rows_kept = cand[ok]
        del cand
        if rows_kept.size == 0:
            return None
        a_all, b_all, winner_code = a_all[ok], b_all[ok], winner_code[ok]
        del ok
        # The table's shared voter codes (the loader computed them), renumbered in sorted order.
        voter_all, voter_where = battles.codes.sorted_voter_positions(rows_kept)
        t_all = frame["tstamp"].to_numpy(dtype=np.float64, na_value=np.nan)[rows_kept]
        order = np.lexsort((np.where(np.isfinite(t_all), t_all, np.inf), voter_all))
        order = _break_ties_by_vote_id(order, voter_all, t_all, frame["vote_id"], rows_kept)
        voter = voter_all[order]  # int32: 40 MB less than int64 at 10M votes, same codes
        del voter_all
        position = rows_kept[order]
        del rows_kept
        if len(frame) < 2**31:
            position = position.astype(np.int32)
        a = a_all[order]
        del a_all
        b = b_all[order]
        del b_all
        t = t_all[order]
        del t_all
        score = WinnerScores(winner_code[order])
        del winner_code, order
        prompt_code: IntArray | None = None
        if PROMPT_REPEAT in frame.columns or "prompt" in frame.columns:
            # Stripped, lower-cased prompts compared by hash: a streamed table keeps only these.
            repeat = (
                frame[PROMPT_REPEAT].iloc[position]
                if PROMPT_REPEAT in frame.columns
                else prompt_repeat_hashes(frame["prompt"].iloc[position])
            )
            repeat_codes, _ = pd.factorize(repeat, use_na_sentinel=True)
            prompt_code = repeat_codes.astype(np.int64)
        n_voters = len(voter_where)
        k = len(models)
        n_votes = np.bincount(voter, minlength=n_voters).astype(np.float64)
        voter_start = np.r_[0, np.cumsum(n_votes.astype(np.int64))]

        n_cells = k * k
        pair = np.minimum(a, b).astype(np.int64) * k + np.maximum(a, b)
        pair_n = np.bincount(pair, minlength=n_cells).astype(np.float64)
        score_all = score[:]
        pair_w = np.asarray(
            np.bincount(
                pair, weights=np.where(a < b, score_all, 1.0 - score_all), minlength=n_cells
            ),
            dtype=np.float64,
        )
        pair_t = np.asarray(
            np.bincount(pair, weights=(score_all == 0.5).astype(np.float64), minlength=n_cells),
            dtype=np.float64,
        )
        del pair, score_all
        present = np.flatnonzero(pair_n > 0)
        p_lo, p_hi = present // k, present % k
        theta = np.asarray(
            fit_bt_pairs(p_lo, p_hi, pair_w[present], pair_n[present], k, l2=1e-6),
            dtype=np.float64,
        )
        global_tie = float(pair_t.sum() / max(pair_n.sum(), 1.0))
        prior = cfg.tie_prior_votes
        tie_full = (pair_t + prior * global_tie) / (pair_n + prior)
        audited = np.flatnonzero(n_votes >= cfg.min_votes).astype(np.int64)
        ctx = cls(
            position=position,
            voter=voter,
            voter_ids=arrow_strings(battles.codes.voter_ids),
            voter_where=voter_where,
            models=models,
            model_a=a,
            model_b=b,
            score=score,
            tstamp=t,
            prompt_code=prompt_code,
            n_voters=n_voters,
            n_votes=n_votes,
            voter_start=voter_start,
            theta=theta,
            tie_full=tie_full,
            pair_n=pair_n,
            pair_t=pair_t,
            global_tie=global_tie,
            tie_prior=prior,
            theta_loo=np.zeros((0, k)),
            audited=audited,
            min_votes=cfg.min_votes,
            exact_refits=0,
            block_votes=max(1, int(block_votes)),
        )
        if audited.size:
            ctx.categories = _category_expectation(ctx, frame, cfg)
            ctx.theta_loo, ctx.exact_refits = _loo_strengths(ctx, cfg, pair_w, fit_bt_pairs)
        return ctx

    def name_of(self, code: int) -> str:
        return str(self.voter_ids[int(self.voter_where[code])].as_py())

    def names_of(self, codes: IntArray) -> NDArray[np.object_]:
        where = pa.array(self.voter_where[codes])
        return np.asarray(self.voter_ids.take(where).to_pylist(), dtype=object)

    def audited_rows(self, lo: int, hi: int) -> IntArray:
        """Vote rows of the audited voters with codes in [lo, hi)."""
        start, end = int(self.voter_start[lo]), int(self.voter_start[hi])
        keep = self.n_votes[self.voter[start:end]] >= self.min_votes
        return np.flatnonzero(keep).astype(np.int64) + start

    def loo_probs(self, rows: IntArray, local: IntArray) -> vt.OutcomeProbs:
        """Leave-voter-out outcome probabilities of ``rows`` (``local``: audited index per row).

        Strengths come from ``theta_loo``; the pair tie rate drops the voter's own votes on that pair.
        """
        k = self.n_models
        pair = self.pair(rows)
        key = self.voter[rows].astype(np.int64) * (k * k) + pair
        _, inv = np.unique(key, return_inverse=True)
        is_tie = (self.score[rows] == 0.5).astype(np.float64)
        own_n = np.bincount(inv).astype(np.float64)[inv]
        own_t = np.bincount(inv, weights=is_tie)[inv]
        prior, base = self.tie_prior, self.global_tie
        tie_loo = (self.pair_t[pair] - own_t + prior * base) / (self.pair_n[pair] - own_n + prior)
        a, b = self.model_a[rows], self.model_b[rows]
        diff = self.theta_loo[local, a] - self.theta_loo[local, b]
        if self.categories is not None:
            # The strengths of each vote's own category, without the voter's votes in it.
            diff += self.categories.shift(rows, self.voter[rows], a, b, self.score[rows])
        return vt.outcome_probs(diff, tie_loo)


def _category_expectation(
    ctx: _Context, frame: pd.DataFrame, cfg: VoterConfig
) -> CategoryExpectation | None:
    """Per-category strengths where the log carries each vote's category (else None)."""
    found = vote_categories(frame, ctx.position, cfg.categories)
    if found is None:
        return None
    code, names, known = found
    # Each voter counts at most like one person of the honest taste spread's floor.
    taste = cfg.test("consensus_loo").option("taste_floor", 0.25)
    return CategoryExpectation.build(
        code,
        names,
        ctx.model_a,
        ctx.model_b,
        ctx.score,
        ctx.theta,
        _PairTies(ctx),
        ctx.voter,
        taste**2,
        cfg.categories,
        known,
    )


@dataclass(frozen=True)
class _PairTies:
    """Each vote's shrunk pair tie rate, read by rows: the category fit reads it a slice at a
    time, so the 80 MB of a float64 per vote at 10M votes is never held."""

    ctx: _Context

    def __getitem__(self, rows: slice | PosArray, /) -> FloatArray:
        return self.ctx.tie_full[self.ctx.pair(rows)]


def _break_ties_by_vote_id(
    order: IntArray, voter: Codes, tstamp: FloatArray, vote_ids: pd.Series, rows: IntArray
) -> IntArray:
    """Order votes of one voter with the same timestamp by vote id (only those few are compared)."""
    v, t = voter[order], tstamp[order]
    same = (v[1:] == v[:-1]) & ((t[1:] == t[:-1]) | (np.isnan(t[1:]) & np.isnan(t[:-1])))
    if not same.any():
        return order
    order = order.copy()
    starts = np.flatnonzero(np.r_[True, ~same])
    ends = np.r_[starts[1:], order.size]
    for lo, hi in zip(starts.tolist(), ends.tolist(), strict=True):
        if hi - lo > 1:
            block = order[lo:hi]
            ids = vote_ids.iloc[rows[block]].astype(str).tolist()
            order[lo:hi] = block[np.argsort(np.asarray(ids, dtype=object), kind="stable")]
    return order


def _loo_strengths(
    ctx: _Context, cfg: VoterConfig, pair_w: FloatArray, fit: Any
) -> tuple[FloatArray, int]:
    """Leave-voter-out strengths of every audited voter: one Newton step, exact refits for heavy ones."""
    k = ctx.n_models
    m = ctx.audited.size
    local_of = np.full(ctx.n_voters, -1, dtype=np.int64)
    local_of[ctx.audited] = np.arange(m)
    s_full = np.zeros((m, k))
    info_total = np.zeros((k, k))
    for lo, hi in ctx.voter_blocks():
        start, end = int(ctx.voter_start[lo]), int(ctx.voter_start[hi])
        block = slice(start, end)
        probs = ctx.full_probs(block)
        info_total += _total_info(ctx.model_a[block], ctx.model_b[block], probs.var, k)
        rows = ctx.audited_rows(lo, hi)
        if rows.size:
            local = local_of[ctx.voter[rows]]
            first = int(local.min())
            sub = _subset(probs, rows - start)
            s_full[first : int(local.max()) + 1] += _scores(
                local - first,
                ctx.model_a[rows],
                ctx.model_b[rows],
                ctx.score[rows],
                sub,
                int(local.max()) + 1 - first,
                k,
            )
    theta_loo = vt.loo_strengths_one_step(ctx.theta, s_full, info_total)
    del s_full
    n_votes = ctx.n_votes
    heavy = ctx.audited[n_votes[ctx.audited] >= cfg.exact_min_votes]
    heavy = heavy[np.argsort(-n_votes[heavy], kind="stable")][: cfg.max_exact_refits]
    if not heavy.size:
        return theta_loo, 0
    for code in heavy.tolist():
        own = slice(int(ctx.voter_start[code]), int(ctx.voter_start[code + 1]))
        pair = ctx.pair(own)
        own_n = np.bincount(pair, minlength=k * k).astype(np.float64)
        own_w = np.bincount(pair, weights=ctx.pair_score(own), minlength=k * k)
        rest_n = ctx.pair_n - own_n
        present = np.flatnonzero(rest_n > 0)
        fitted = fit(
            present // k,
            present % k,
            (pair_w - own_w)[present],
            rest_n[present],
            k,
            l2=1e-6,
            init=ctx.theta,
        )
        theta_loo[local_of[code]] = np.asarray(fitted, dtype=np.float64)
    return theta_loo, len(heavy)


def _subset(probs: vt.OutcomeProbs, rows: IntArray) -> vt.OutcomeProbs:
    return vt.OutcomeProbs(probs.p_a[rows], probs.p_b[rows], probs.p_tie[rows])


def _scores(
    local_voter: IntArray,
    a: IntArray,
    b: IntArray,
    score: FloatArray,
    probs: vt.OutcomeProbs,
    n_voters: int,
    k: int,
) -> FloatArray:
    """Per-voter BT score vectors under the full-data fit (no information matrices needed)."""
    resid = score - probs.mean
    size = n_voters * k
    s = np.bincount(local_voter * k + a, weights=resid, minlength=size) - np.bincount(
        local_voter * k + b, weights=resid, minlength=size
    )
    return np.asarray(s.reshape(n_voters, k), dtype=np.float64)


def _total_info(a: IntArray, b: IntArray, var: FloatArray, k: int) -> FloatArray:
    a64, b64 = a.astype(np.int64), b.astype(np.int64)
    flat = np.bincount(a64 * (k + 1), weights=var, minlength=k * k)
    flat += np.bincount(b64 * (k + 1), weights=var, minlength=k * k)
    flat -= np.bincount(a64 * k + b64, weights=var, minlength=k * k)
    flat -= np.bincount(b64 * k + a64, weights=var, minlength=k * k)
    return np.asarray(flat.reshape(k, k), dtype=np.float64)


def _taste_heterogeneity(
    ctx: _Context, local_of: IntArray, random_state: int, max_voters: int = 3000
) -> float:
    """How much honest tastes spread: ``tau^2`` of voter-specific strength offsets (log scale).

    Estimated on up to ``max_voters`` audited voters drawn at random (each voter counts once;
    :func:`auditkit.stats.population_nulls.score_heterogeneity`), under leave-voter-out models.
    """
    m = ctx.audited.size
    if m == 0:
        return 0.0
    rng = np.random.default_rng(random_state + 7919)
    codes = np.sort(rng.choice(ctx.audited, size=min(m, max_voters), replace=False))
    lengths = (ctx.voter_start[codes + 1] - ctx.voter_start[codes]).astype(np.int64)
    rows = np.repeat(ctx.voter_start[codes], lengths) + (
        np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    )
    rows = rows.astype(np.int64)
    probs = ctx.loo_probs(rows, local_of[ctx.voter[rows]])
    sample = np.repeat(np.arange(codes.size), lengths)
    s, info = vt.score_vectors(
        sample,
        ctx.model_a[rows],
        ctx.model_b[rows],
        ctx.score[rows],
        probs,
        codes.size,
        ctx.n_models,
    )
    return pn.score_heterogeneity(s, info)


@dataclass
class _Sums:
    """Per audited voter: p-values, statistics and the sums the population tests need.

    Filled block by block of voters (:func:`_block_tests`); the population-level tests
    (:func:`_population_tests`) run once every audited voter is counted.
    """

    p: dict[str, FloatArray]
    cols: dict[str, FloatArray]
    log_path: FloatArray  # sequential test's log e-path per vote (-inf for unaudited voters)
    surprise: FloatArray  # (4, m): sum, variance, decisive count, bound
    slope: FloatArray  # (3, m): U, J, bound
    hits: FloatArray  # (m, k)
    pull: FloatArray
    pull_var: FloatArray

    @classmethod
    def empty(cls, m: int, k: int, n_votes: int, with_prompt: bool) -> _Sums:
        names_out = [
            "target_model_index" if name == "target_model" else name
            for name in statistic_columns(with_prompt)
        ]
        return cls(
            p={name: np.ones(m) for name in INDIVIDUAL_TESTS},
            cols={name: np.zeros(m) for name in names_out},
            log_path=np.full(n_votes, -np.inf),
            surprise=np.zeros((4, m)),
            slope=np.zeros((3, m)),
            hits=np.zeros((m, k)),
            pull=np.zeros((m, k)),
            pull_var=np.zeros((m, k)),
        )


def _individual_tests(
    ctx: _Context, cfg: VoterConfig, random_state: int, probes: FloatArray | None = None
) -> tuple[pd.DataFrame, FloatArray, dict[str, float]]:
    """Run the per-voter tests on audited voters, block by block of voters.

    ``probes``: identity-probing votes per audited voter (review evidence; None without text).
    Returns the evidence table, the sequential test's log e-path per vote (all votes; -inf for
    votes of voters not audited) and the honest population's spread the tests were measured against.
    """
    m = ctx.audited.size
    local_of = np.full(ctx.n_voters, -1, dtype=np.int64)
    local_of[ctx.audited] = np.arange(m)
    sums = _Sums.empty(m, ctx.n_models, ctx.voter.size, ctx.prompt_code is not None)
    loo_cfg = cfg.test("consensus_loo")
    taste_floor = loo_cfg.option("taste_floor", 0.25)
    tau2_taste = max(_taste_heterogeneity(ctx, local_of, random_state), taste_floor**2)
    _block_tests(ctx, cfg, sums, local_of, tau2_taste, random_state)
    population_spread = _population_tests(ctx, cfg, sums)
    population_spread["taste_tau"] = round(float(np.sqrt(tau2_taste)), 9)
    evidence = _evidence_table(ctx, cfg, sums)
    _flag_voters(evidence, cfg, probes)
    return evidence, sums.log_path, population_spread


def _arena_baseline_inputs(
    ctx: _Context, cfg: VoterConfig, random_state: int
) -> tuple[FloatArray, FloatArray]:
    """The baseline test's per-pair outcome counts over all audited votes, and its checkpoints.

    Drawn for every audited voter at once, exactly as one unblocked call would.
    """
    k = ctx.n_models
    pair_level = np.zeros((k * k, 3))
    for lo, hi in ctx.voter_blocks():
        rows = ctx.audited_rows(lo, hi)
        if rows.size:
            level = np.searchsorted(np.array([0.0, 0.5, 1.0]), ctx.pair_score(rows))
            np.add.at(pair_level, (ctx.pair(rows), level), 1.0)
    n_checks = int(cfg.test("arena_consistency").option("n_checks", 5))
    uniforms = np.random.default_rng(random_state).random((ctx.audited.size, n_checks))
    return pair_level, uniforms


def _block_tests(
    ctx: _Context,
    cfg: VoterConfig,
    sums: _Sums,
    local_of: IntArray,
    tau2_taste: float,
    random_state: int,
) -> None:
    """Every per-voter test whose answer needs only the voter's own votes, block by block.

    Blocks are independent (each writes only its own voters' slots of ``sums``, from inputs
    fixed before any block runs), so two run at once on :data:`BLOCK_THREADS` threads (up to
    :data:`BLOCK_THREADS_MAX_VOTES` votes): numpy releases the GIL for much of a block's work.
    Every value is the same as one block after the other; the extra memory is one block's
    working set and the second thread's heap.
    """
    pair_level, uniforms = _arena_baseline_inputs(ctx, cfg, random_state)

    def one(block: tuple[int, int]) -> None:
        _one_block(ctx, cfg, sums, local_of, tau2_taste, pair_level, uniforms, *block)

    blocks = ctx.voter_blocks()
    threads = min(BLOCK_THREADS, len(blocks))
    if ctx.voter.size > BLOCK_THREADS_MAX_VOTES:
        threads = 1
    if threads <= 1:
        for block in blocks:
            one(block)
        return
    with ThreadPoolExecutor(threads, thread_name_prefix="auditkit-voter-blocks") as pool:
        for _ in pool.map(one, blocks):  # re-raises a block's error here
            pass


def _one_block(
    ctx: _Context,
    cfg: VoterConfig,
    sums: _Sums,
    local_of: IntArray,
    tau2_taste: float,
    pair_level: FloatArray,
    uniforms: FloatArray,
    lo: int,
    hi: int,
) -> None:
    """The voter-own tests of the audited voters with codes in [lo, hi)."""
    rows = ctx.audited_rows(lo, hi)
    if not rows.size:
        return
    local = local_of[ctx.voter[rows]]
    first, last = int(local[0]), int(local[-1]) + 1
    out = slice(first, last)
    v, mb = local - first, last - first
    probs = ctx.loo_probs(rows, local)
    # The consensus tests measure taste against the voter's own tie habit (own_habits).
    own = own_tie_probs(
        probs,
        v,
        ctx.score[rows],
        mb,
        prior_ties=cfg.test("consensus_loo").option("own_tie_prior", 10.0),
    )
    _consensus_block(ctx, cfg, sums, rows, local, v, mb, out, own, tau2_taste)
    del own
    _sequential_block(ctx, sums, rows, v, mb, out, probs)
    _pull_block(ctx, sums, rows, v, mb, out, probs)
    del probs
    _habit_block(ctx, cfg, sums, rows, v, mb, out, pair_level, uniforms[out])


def _consensus_block(
    ctx: _Context,
    cfg: VoterConfig,
    sums: _Sums,
    rows: IntArray,
    local: IntArray,
    v: IntArray,
    mb: int,
    out: slice,
    probs: vt.OutcomeProbs,
    tau2_taste: float,
) -> None:
    """consensus_loo's pieces: the random-effects score test, surprise and slope sums."""
    a, b, score = ctx.model_a[rows], ctx.model_b[rows], ctx.score[rows]
    stat, dof, p_score = vt.voter_score_test(
        v,
        a,
        b,
        score,
        probs,
        mb,
        ctx.n_models,
        ridge=cfg.test("consensus_loo").option("ridge", 2.0),
        tau2=tau2_taste,
    )
    cols = sums.cols
    cols["consensus_stat"][out], cols["consensus_dof"][out] = stat, dof
    cols["p_consensus_score"][out] = p_score
    total, var, count, bound = pn.decisive_surprise_sums(v, score, probs.p_a, probs.p_b, mb)
    sums.surprise[:, out] = np.stack([total, var, count, bound])
    gap = ctx.theta_loo[local, a] - ctx.theta_loo[local, b]
    sums.slope[:, out] = np.stack(pn.slope_sums(v, gap, score, probs.mean, probs.var, mb))
    cols["picked_a"][out] = np.bincount(v, weights=(score == 1.0).astype(np.float64), minlength=mb)
    cols["decisive"][out] = count


def _sequential_block(
    ctx: _Context,
    sums: _Sums,
    rows: IntArray,
    v: IntArray,
    mb: int,
    out: slice,
    probs: vt.OutcomeProbs,
) -> None:
    """The anytime-valid sequential test (upset / tie / side features) and its e-path."""
    score = ctx.score[rows]
    diff_sign = np.sign(probs.p_a - probs.p_b)  # +1: A is the stronger side under the null
    upset = np.stack([-diff_sign, diff_sign, np.zeros_like(diff_sign)], axis=1)
    del diff_sign
    tie_f = np.broadcast_to(np.array([0.0, 0.0, 1.0]), (rows.size, 3))
    side_f = np.broadcast_to(np.array([1.0, -1.0, 0.0]), (rows.size, 3))
    outcome = np.where(score == 1.0, 0, np.where(score == 0.0, 1, 2)).astype(np.int64)
    seq = vt.sequential_mixture_test(
        v, [upset, tie_f, side_f], [probs.p_a, probs.p_b, probs.p_tie], outcome, mb
    )
    sums.p["consensus_sequential"][out] = seq.p_value
    sums.cols["sequential_log_e"][out] = seq.log_max
    sums.log_path[rows] = seq.log_path


def _pull_block(
    ctx: _Context,
    sums: _Sums,
    rows: IntArray,
    v: IntArray,
    mb: int,
    out: slice,
    probs: vt.OutcomeProbs,
) -> None:
    """Per (voter, model): battles, summed residual of the model's score and its variance; ties."""
    k = ctx.n_models
    a, b, score = ctx.model_a[rows], ctx.model_b[rows], ctx.score[rows]
    resid, pv = score - probs.mean, probs.var
    cell_a, cell_b = v * k + a, v * k + b
    size = mb * k
    sums.hits[out] = (
        np.bincount(cell_a, minlength=size) + np.bincount(cell_b, minlength=size)
    ).reshape(mb, k)
    sums.pull[out] = (
        np.bincount(cell_a, weights=resid, minlength=size)
        - np.bincount(cell_b, weights=resid, minlength=size)
    ).reshape(mb, k)
    sums.pull_var[out] = (
        np.bincount(cell_a, weights=pv, minlength=size)
        + np.bincount(cell_b, weights=pv, minlength=size)
    ).reshape(mb, k)
    sums.cols["ties"][out] = np.bincount(v, weights=(score == 0.5).astype(np.float64), minlength=mb)
    sums.cols["expected_ties"][out] = np.bincount(v, weights=probs.p_tie, minlength=mb)


def _habit_block(
    ctx: _Context,
    cfg: VoterConfig,
    sums: _Sums,
    rows: IntArray,
    v: IntArray,
    mb: int,
    out: slice,
    pair_level: FloatArray,
    uniforms: FloatArray,
) -> None:
    """Tests of pace, prompts and the paper's baseline (no outcome model needed)."""
    speed = cfg.test("speed")
    t = ctx.tstamp[rows]
    fast, gaps, p_fast = vt.speed_test(
        v,
        t,
        mb,
        min_gap_seconds=speed.option("min_gap_seconds", 4.0),
        null_fast_rate=speed.option("null_fast_rate", 0.05),
    )
    burst, p_burst = vt.burst_test(
        v, t, mb, window_seconds=speed.option("burst_window_seconds", 60.0)
    )
    sums.p["speed"][out] = np.minimum(1.0, 2.0 * np.minimum(p_fast, p_burst))
    cols = sums.cols
    cols["fast_gaps"][out], cols["gaps"][out], cols["max_burst"][out] = fast, gaps, burst
    if ctx.prompt_code is not None:
        repeats, sums.p["repeated_prompt"][out] = vt.repeated_prompt_test(
            v,
            ctx.prompt_code[rows],
            mb,
            null_repeat_rate=cfg.test("repeated_prompt").option("null_repeat_rate", 0.05),
        )
        cols["repeated_prompts"][out] = repeats
    arena = cfg.test("arena_consistency")
    sums.p["arena_consistency"][out], _ = vt.arena_consistency_test(
        v,
        ctx.pair(rows),
        ctx.pair_score(rows),
        mb,
        alpha=arena.option("alpha", 0.05),
        n_checks=int(arena.option("n_checks", 5)),
        pair_level=pair_level,
        uniforms=uniforms,
    )


def _population_tests(ctx: _Context, cfg: VoterConfig, sums: _Sums) -> dict[str, float]:
    """Tests against the honest population's spread, now that every audited voter is counted.

    Returns the estimated spreads (rounded: block-wise sums differ in the last bits, the reported
    spread must not).
    """
    p, cols = sums.p, sums.cols
    m, k = sums.hits.shape
    loo_cfg = cfg.test("consensus_loo")
    total, var, n_decisive, bound = sums.surprise
    cols["surprise_z"], p_surprise = pn.population_surprise_test(
        total, var, n_decisive, floor=loo_cfg.option("surprise_floor", 0.05), bound=bound
    )
    cols["slope_z"], p_slope = pn.slope_population_test(
        *sums.slope, floor=loo_cfg.option("slope_floor", 0.1)
    )
    # Harm is following the consensus less than honest people (random or contrarian clicking);
    # following it more steeply (a sure voter, one who skips close calls) is reported in slope_z.
    p_slope = np.where(cols["slope_z"] < 0.0, p_slope / 2.0, 1.0)
    # consensus_loo: the random-effects score test (a taste of one's own, in any direction) and
    # the slope test (random or favourite-only clicking). The decisive-vote surprise test asks
    # the slope's question less sharply (every taste adds surprise too): reported, not counted.
    del p_surprise
    p["consensus_loo"] = np.minimum(1.0, 2.0 * np.minimum(cols["p_consensus_score"], p_slope))
    position = cfg.test("position_bias")
    k_a, n_dec = cols["picked_a"], cols["decisive"]
    rho_side = pn.binomial_overdispersion(
        k_a, n_dec, np.full(m, 0.5), floor=4.0 * position.option("side_spread_floor", 0.03) ** 2
    )
    p["position_bias"] = pn.beta_binomial_two_sided(
        k_a, n_dec, 0.5, rho_side, tolerance=position.option("tolerance", 0.05)
    )
    # The same side counts at a harm floor: beyond it the side decides more votes than the answers.
    p["position_clicking"] = pn.beta_binomial_two_sided(
        k_a,
        n_dec,
        0.5,
        rho_side,
        tolerance=cfg.test("position_clicking").option("tolerance", 0.25),
    )
    target = cfg.test("target_concentration")
    share = (np.bincount(ctx.model_a, minlength=k) + np.bincount(ctx.model_b, minlength=k)) / max(
        ctx.model_a.size, 1
    )
    n_aud = ctx.n_votes[ctx.audited]
    (
        p["target_concentration"],
        best_model,
        cols["target_z"],
        cols["target_concentration_ratio"],
    ) = pn.target_population_test(
        sums.hits,
        sums.pull,
        sums.pull_var,
        n_aud,
        share,
        pull_floor=target.option("pull_floor", 0.04),
        share_floor=target.option("share_spread_floor", 0.0),
        tail_dof=target.option("pull_tail_dof", 0.0),
        pull_alpha=target.option("pull_alpha", 0.0),
        pull_ceiling=target.option("pull_spread_ceiling", np.inf),
        shift_votes=lambda voters, models: _cell_votes(ctx, voters, models),
    )
    cols["target_model_index"] = best_model.astype(np.float64)
    p_tie = np.divide(cols["expected_ties"], n_aud, out=np.zeros(m), where=n_aud > 0)
    rho_tie = pn.binomial_overdispersion(
        cols["ties"], n_aud, p_tie, floor=cfg.test("tie_spam").option("spread_floor", 0.02)
    )
    p["tie_spam"] = pn.beta_binomial_two_sided(cols["ties"], n_aud, p_tie, rho_tie)
    return {"side_rho": round(rho_side, 9), "tie_rho": round(rho_tie, 9)}


def _cell_votes(
    ctx: _Context, voters: IntArray, models: IntArray
) -> tuple[IntArray, FloatArray, FloatArray, FloatArray]:
    """The votes of (audited voter, model) cells under the leave-voter-out null, for the logit pull.

    ``voters`` are audited indices, ``(voters, models)`` in ascending row-major order. Returns per
    vote row of a cell: the cell's index, the model's null mean score, its variance, its score.
    """
    k = ctx.n_models
    keys = voters.astype(np.int64) * k + models
    codes = ctx.audited[np.unique(voters)]
    lengths = (ctx.voter_start[codes + 1] - ctx.voter_start[codes]).astype(np.int64)
    rows = np.repeat(ctx.voter_start[codes], lengths) + (
        np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    )
    rows = rows.astype(np.int64)
    local = np.searchsorted(ctx.audited, ctx.voter[rows])
    probs = ctx.loo_probs(rows, local)
    mean, var, score = probs.mean, probs.var, ctx.score[rows]
    parts: list[tuple[IntArray, FloatArray, FloatArray, FloatArray]] = []
    for model, flip in ((ctx.model_a[rows], False), (ctx.model_b[rows], True)):
        key = local * k + model
        pos = np.minimum(np.searchsorted(keys, key), keys.size - 1)
        hit = keys[pos] == key
        m, sc = (1.0 - mean[hit], 1.0 - score[hit]) if flip else (mean[hit], score[hit])
        parts.append((pos[hit], m, var[hit], sc))
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
        np.concatenate([p[3] for p in parts]),
    )


def _evidence_table(ctx: _Context, cfg: VoterConfig, sums: _Sums) -> pd.DataFrame:
    """One row per audited voter: p per test (1 where disabled), then the statistics."""
    enabled_prompt = ctx.prompt_code is not None
    evidence = pd.DataFrame(
        {"voter": ctx.names_of(ctx.audited), "n_votes": ctx.n_votes[ctx.audited].astype(int)}
    )
    for name in INDIVIDUAL_TESTS:
        evidence[f"p_{name}"] = sums.p[name] if cfg.test(name).enabled else 1.0
    cols = dict(sums.cols)
    target_index = cols.pop("target_model_index").astype(np.int64)
    for key, value in cols.items():
        evidence[key] = value
    k = ctx.n_models
    evidence["target_model"] = np.array(ctx.models, dtype=object)[target_index] if k else 0
    evidence = evidence[_evidence_order(enabled_prompt)]
    evidence[_CODE] = ctx.audited  # dropped before the audit is returned
    return evidence


def _flag_voters(evidence: pd.DataFrame, cfg: VoterConfig, probes: FloatArray | None) -> None:
    """Bonferroni over the invalidating tests per voter, weighted BH across voters (in place).

    Review evidence (machine pace, repeated identity probes) raises a voter's BH weight
    (:mod:`auditkit.voters.review`); it never flags a voter without a harm test's p-value.
    """
    m = len(evidence)
    speed = cfg.test("speed")
    prober = np.zeros(m, dtype=bool)
    if probes is not None:
        evidence["probing_votes"] = probes
        prober = repeat_probers(
            probes,
            evidence["n_votes"].to_numpy(dtype=np.float64),
            repeat_min=cfg.probe_repeat_min,
            alpha=cfg.probe_alpha,
        )
    weights = review_weights(
        evidence["p_speed"].to_numpy(dtype=np.float64) if speed.enabled else np.ones(m),
        prober,
        weight=cfg.review_weight,
        pace_alpha=speed.option("pace_alpha", 1e-10),
    )
    evidence["review_weight"] = weights.weight
    family = [name for name in INDIVIDUAL_TESTS if cfg.invalidating(name)]
    if family and m:
        pm = np.column_stack([evidence[f"p_{name}"].to_numpy() for name in family])
        best = np.argmin(pm, axis=1)
        best_p = pm[np.arange(m), best]
        p_voter = np.minimum(1.0, best_p * len(family))
        reject, q, threshold = weighted_benjamini_hochberg(p_voter, weights.weight, cfg.fdr)
        evidence["best_test"] = np.array(family, dtype=object)[best]
        evidence["best_p"] = best_p
    else:
        p_voter, q, reject = np.ones(m), np.ones(m), np.zeros(m, dtype=bool)
        threshold = np.full(m, cfg.fdr / max(m, 1))
        evidence["best_test"] = ""
        evidence["best_p"] = 1.0
    evidence["p_value"] = p_voter
    evidence["q_value"] = q
    evidence["flagged"] = reject
    # Weighted BH rejects exactly the voters with p <= fdr * R * w / m: where "evidence suffices".
    evidence["bh_threshold"] = threshold
    # Non-invalidating tests get their own BH family, reported for review only.
    review = [
        name for name in INDIVIDUAL_TESTS if cfg.test(name).enabled and not cfg.invalidating(name)
    ]
    review_flags = np.zeros(m, dtype=bool)
    for name in review:
        hit, _ = vt.benjamini_hochberg(evidence[f"p_{name}"].to_numpy(), cfg.fdr)
        review_flags |= hit
    evidence["review_flag"] = review_flags


def statistic_columns(with_prompt: bool) -> list[str]:
    """The per-voter statistics beside the p-values, in the order evidence has always listed them."""
    return [
        "consensus_stat",
        "consensus_dof",
        "p_consensus_score",
        "surprise_z",
        "slope_z",
        "sequential_log_e",
        "picked_a",
        "decisive",
        "target_model",
        "target_z",
        "target_concentration_ratio",
        "ties",
        "expected_ties",
        "fast_gaps",
        "gaps",
        "max_burst",
        *(["repeated_prompts"] if with_prompt else []),
    ]


def _evidence_order(with_prompt: bool) -> list[str]:
    """Evidence columns: voter, votes, one p-value per test, then the statistics."""
    return [
        "voter",
        "n_votes",
        *(f"p_{name}" for name in INDIVIDUAL_TESTS),
        *statistic_columns(with_prompt),
    ]


def _merge_groups(
    evidence: pd.DataFrame, ctx: _Context, groups: tuple[GroupResult, ...]
) -> pd.DataFrame:
    """Add group membership to the evidence table (group members may have too few votes alone)."""
    evidence = evidence.copy()
    extra: list[dict[str, Any]] = []
    # Rows are found by voter code (one per name, ascending here), not by a dict of every name.
    row_codes = evidence[_CODE].to_numpy(dtype=np.int64)
    in_group = np.zeros(len(evidence), dtype=bool)
    group_ids = np.full(len(evidence), "", dtype=object)
    group_ps = np.full(len(evidence), np.nan)
    group_zs = np.full(len(evidence), np.nan)
    for group in groups:
        if not group.flagged:
            continue
        for code in group.flagged_members:
            name = ctx.name_of(code)
            i = int(np.searchsorted(row_codes, code))
            if i < row_codes.size and row_codes[i] == code:
                in_group[i], group_ids[i], group_ps[i] = True, group.group_id, group.p_value
                group_zs[i] = group.z
            else:
                extra.append(
                    {
                        "voter": name,
                        _CODE: code,
                        "n_votes": int(ctx.n_votes[code]),
                        "flagged": False,
                        "review_flag": False,
                        "flagged_group": True,
                        "group_id": group.group_id,
                        "group_p": group.p_value,
                        "group_z": group.z,
                        "p_value": 1.0,
                        "q_value": 1.0,
                        "best_test": "",
                        "best_p": 1.0,
                    }
                )
    evidence["flagged_group"] = in_group
    evidence["group_id"] = group_ids
    evidence["group_p"] = group_ps
    evidence["group_z"] = group_zs
    if extra:
        evidence = pd.concat([evidence, pd.DataFrame(extra)], ignore_index=True)
    return evidence.sort_values(["p_value", "voter"], kind="stable").reset_index(drop=True)


# The statistic a vote-level finding cites for each rule (a column of the evidence table).
_STATISTIC_OF: dict[str, str] = {
    "consensus_loo": "consensus_stat",
    "consensus_sequential": "sequential_log_e",
    "position_bias": "picked_a",
    "position_clicking": "picked_a",
    "target_concentration": "target_z",
    "tie_spam": "ties",
    "speed": "fast_gaps",
    "repeated_prompt": "repeated_prompts",
    "coordinated_group": "group_z",
}


def _first_crossings(
    ctx: _Context, cfg: VoterConfig, evidence: pd.DataFrame, log_path: FloatArray
) -> dict[int, int]:
    """Per individually flagged voter (by code), the offset of its first vote whose sequential
    e-path reaches its BH threshold (``after_detection``: the votes from there on are invalid).
    Voters whose path never crosses are absent (all their votes are invalid)."""
    if cfg.invalidate != "after_detection":
        return {}
    flagged = evidence[evidence["flagged"].astype(bool)]
    out: dict[int, int] = {}
    codes = flagged[_CODE].to_numpy(dtype=np.int64).tolist()
    thresholds = flagged["bh_threshold"].to_numpy(dtype=np.float64).tolist()
    for code, threshold in zip(codes, thresholds, strict=True):
        lo, hi = int(ctx.voter_start[code]), int(ctx.voter_start[code + 1])
        crossed = np.flatnonzero(log_path[lo:hi] >= -np.log(float(threshold)))
        if crossed.size:
            out[code] = int(crossed[0])
    return out


def _vote_flags(
    ctx: _Context,
    cfg: VoterConfig,
    evidence: pd.DataFrame,
    crossings: dict[int, int],
    vote_ids: pd.Series,
) -> pd.DataFrame:
    """Which votes to invalidate, per the ``invalidate`` policy, each citing its test
    (``crossings``: :func:`_first_crossings`)."""
    chosen = evidence[evidence["flagged"].astype(bool) | evidence["flagged_group"].astype(bool)]
    codes = chosen[_CODE].to_numpy(dtype=np.int64)
    # One row per flagged voter here; the per-vote table is built once at the end by repeating
    # each voter's values over its votes (a frame per voter cost ~3 ms each, minutes at 10M).
    spans: list[tuple[int, int]] = []
    values: dict[str, list[Any]] = {k: [] for k in ("voter", "rule", "p", "q", "stat", "group")}
    for code, row in zip(codes.tolist(), chosen.to_dict(orient="records"), strict=True):
        individual = bool(row["flagged"])
        lo, hi = int(ctx.voter_start[code]), int(ctx.voter_start[code + 1])
        if individual and code in crossings:
            lo = lo + crossings[code]
        rule = str(row["best_test"]) if individual else "coordinated_group"
        column = _STATISTIC_OF.get(rule)
        value = row.get(column) if column else None
        spans.append((lo, hi))
        values["voter"].append(str(row["voter"]))
        values["rule"].append(rule)
        values["p"].append(float(row["best_p"]) if individual else float(row["group_p"]))
        values["q"].append(float(row["q_value"]))
        values["stat"].append(float(value) if value is not None and not pd.isna(value) else np.nan)
        values["group"].append(str(row["group_id"]))
    if not spans:
        return pd.DataFrame(
            columns=["vote_id", "voter", "rule", "p_value", "q_value", "statistic", "group_id"]
        )
    starts = np.array([lo for lo, _ in spans], dtype=np.int64)
    lengths = np.array([hi - lo for lo, hi in spans], dtype=np.int64)
    offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    positions = ctx.position[np.repeat(starts, lengths) + offsets]

    def spread(items: list[Any], dtype: Any) -> np.ndarray:
        return np.repeat(np.asarray(items, dtype=dtype), lengths)

    return pd.DataFrame(
        {
            "vote_id": take_values(vote_ids, positions),
            "voter": spread(values["voter"], object),
            "rule": spread(values["rule"], object),
            "p_value": spread(values["p"], np.float64),
            "q_value": spread(values["q"], np.float64),
            "statistic": spread(values["stat"], np.float64),
            "group_id": spread(values["group"], object),
        }
    )
