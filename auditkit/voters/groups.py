"""Coordinated (sybil) voters: many small accounts pushing one model in the same time window.

Each account alone is unremarkable, so the evidence is pooled. To keep the pooled test valid after
choosing who belongs together, every candidate's votes are split in two by position (even/odd):
the *selection* half decides each voter's favoured target (the model they push hardest, for or
against, as a z-score) and the *held-out* half alone feeds the group's joint score test.

Graph (networkx): voters are nodes; two voters are linked when they push the same model in the same
direction and their active windows (first..last vote, widened by a slack) overlap. Connected
components are the candidate groups (linking only neighbours in start-time order yields the same
components as all overlapping pairs). Groups are tested with a one-sided score test and
Benjamini-Hochberg across groups.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from auditkit.lazy import lazy_module
from auditkit.stats import voter_tests as vt
from auditkit.typing import Codes, FloatArray, IntArray
from auditkit.voters.scores import RowScores

if TYPE_CHECKING:
    from scipy import stats
else:
    stats = lazy_module("scipy.stats")  # imported on first use (auditkit.lazy)

__all__ = ["GroupResult", "find_coordinated_groups"]

# Random time shifts that estimate how close in time members would be without coordination.
_TIME_SHIFTS = 8


@dataclass(frozen=True)
class GroupResult:
    """One candidate group: its target, direction, members and joint test."""

    group_id: str
    target: int
    target_name: str
    direction: int  # +1 pushed up, -1 pushed down
    members: tuple[int, ...]
    flagged_members: tuple[int, ...]
    z: float
    p_value: float
    q_value: float
    flagged: bool
    start: float
    end: float

    def to_json(self) -> dict[str, Any]:
        return {
            "group_id": self.group_id,
            "target": self.target_name,
            "direction": "up" if self.direction > 0 else "down",
            "size": len(self.members),
            "flagged_members": len(self.flagged_members),
            "z": self.z,
            "p_value": self.p_value,
            "q_value": self.q_value,
            "flagged": self.flagged,
            "start": self.start if np.isfinite(self.start) else None,
            "end": self.end if np.isfinite(self.end) else None,
        }


def _per_model(
    voter: IntArray,
    a: IntArray,
    b: IntArray,
    resid: FloatArray,
    var: FloatArray,
    n_voters: int,
    k: int,
) -> tuple[FloatArray, FloatArray]:
    size = n_voters * k
    s = np.bincount(voter * k + a, weights=resid, minlength=size) - np.bincount(
        voter * k + b, weights=resid, minlength=size
    )
    v = np.bincount(voter * k + a, weights=var, minlength=size) + np.bincount(
        voter * k + b, weights=var, minlength=size
    )
    return (
        np.asarray(s.reshape(n_voters, k), dtype=np.float64),
        np.asarray(v.reshape(n_voters, k), dtype=np.float64),
    )


def _rows_of(voters: IntArray, voter_start: IntArray) -> tuple[IntArray, IntArray]:
    """All vote rows of ``voters`` (rows are grouped by voter) and each row's index in ``voters``."""
    lengths = voter_start[voters + 1] - voter_start[voters]
    owner = np.repeat(np.arange(voters.size), lengths)
    offsets = np.arange(owner.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return voter_start[voters][owner] + offsets, owner


def find_coordinated_groups(
    *,
    voter: Codes,
    model_a: IntArray,
    model_b: IntArray,
    score: FloatArray | RowScores,
    probs: vt.OutcomeProbs | Callable[[IntArray], vt.OutcomeProbs],
    tstamp: FloatArray,
    n_votes: FloatArray,
    voter_start: IntArray | None = None,
    exclude: NDArray[np.bool_],
    min_votes: int,
    link_z: float,
    window_slack: float,
    member_min_z: float,
    member_alpha: float,
    fdr: float,
    member_window_share: float = 0.5,
    member_time_ratio: float = 1.0,
    n_models: int,
    model_names: list[str] | None = None,
    min_group_size: int = 3,
    block_votes: int = 250_000,
) -> tuple[GroupResult, ...]:
    """Find and test candidate groups; rows must be sorted by voter, then time.

    Null hypothesis of each group test: on their held-out votes the members vote like the consensus
    (``probs``: per vote, or a function giving them for vote rows, so that millions of votes never
    need all their probabilities at once), so the pooled score for the shared target is
    approximately standard normal. Per-voter sums are formed only for the voters that need them.
    ``score[rows]`` gives the scores of vote rows (an array, or the audit's one-byte
    :class:`~auditkit.voters.scores.WinnerScores`); ``voter_start``: where each voter's rows
    begin (``n_voters + 1`` entries), when the caller has it already.
    """
    k = n_models
    if voter.size == 0 or k < 2:
        return ()
    search = _GroupSearch.build(
        voter=voter,
        model_a=model_a,
        model_b=model_b,
        score=score,
        probs=probs,
        tstamp=tstamp,
        n_votes=n_votes,
        voter_start=voter_start,
        n_models=k,
        window_slack=window_slack,
        member_min_z=member_min_z,
        member_alpha=member_alpha,
        block_votes=block_votes,
    )
    cand_codes = np.flatnonzero((n_votes >= min_votes) & ~exclude)
    if cand_codes.size == 0:
        return ()
    target_c, z_best_c, s_held, v_held = search.split_sums(cand_codes)
    cand_index = np.full(n_votes.size, -1, dtype=np.int64)
    cand_index[cand_codes] = np.arange(cand_codes.size)
    comps = search.linked_components(cand_codes, target_c, z_best_c, link_z, min_group_size)
    if not comps:
        return ()
    zs: list[float] = []
    ps: list[float] = []
    for comp in comps:
        members = cand_index[np.asarray(comp, dtype=np.int64)]
        d = float(np.sign(z_best_c[members[0]]))
        # Every member of a component targets the same model (components lie in one bucket).
        z, p = vt.group_score_test(s_held[members], v_held[members], d)
        zs.append(z)
        ps.append(p)
    reject, q = vt.benjamini_hochberg(np.asarray(ps), fdr)
    names = model_names or [str(i) for i in range(k)]
    recruitable = (n_votes >= 2) & ~exclude
    targets = [int(target_c[cand_index[comp[0]]]) for comp in comps]
    directions = [int(np.sign(z_best_c[cand_index[comp[0]]])) for comp in comps]
    chosen_of: dict[int, IntArray] = {}
    # Significant groups one target at a time, each target's votes dropped once its groups are
    # done (each group's members depend on its own arguments only, so the order changes nothing;
    # every target's votes kept at once cost ~0.5 GiB at 10M votes).
    by_target = sorted((i for i in range(len(comps)) if reject[i]), key=lambda g: targets[g])
    for j, i in enumerate(by_target):
        chosen_of[i] = search.flagged_members(
            np.asarray(comps[i], dtype=np.int64),
            targets[i],
            directions[i],
            recruitable,
            seed=i + 1,
            member_window_share=member_window_share,
            member_time_ratio=member_time_ratio,
            min_group_size=min_group_size,
        )
        if j + 1 == len(by_target) or targets[by_target[j + 1]] != targets[i]:
            search.involved_rows.pop(targets[i], None)
            search.owned_bounds.pop(targets[i], None)
    out: list[GroupResult] = []
    for i, comp in enumerate(comps):
        members = np.asarray(comp, dtype=np.int64)
        m, d = targets[i], directions[i]
        chosen = chosen_of.get(i, members[:0])
        out.append(
            GroupResult(
                group_id=f"g{i + 1:04d}:{names[m]}:{'up' if d > 0 else 'down'}",
                target=m,
                target_name=names[m],
                direction=d,
                members=tuple(int(x) for x in members),
                flagged_members=tuple(int(x) for x in chosen),
                z=float(zs[i]),
                p_value=float(ps[i]),
                q_value=float(q[i]),
                flagged=bool(reject[i]) and chosen.size > 0,
                start=float(search.first[members].min()),
                end=float(search.last[members].max()),
            )
        )
    return tuple(out)


def _near_others(times: FloatArray, owner: IntArray, window_slack: float) -> FloatArray:
    """Per vote: how many *other* owners' votes fall within the slack of it."""
    order = np.argsort(times, kind="stable")
    sorted_t = times[order]
    near_all = np.searchsorted(sorted_t, times + window_slack, side="right") - np.searchsorted(
        sorted_t, times - window_slack, side="left"
    )
    span = float(np.ptp(times)) + 4.0 * window_slack + 1.0
    key = owner * span + (times - times.min())
    key_order = np.argsort(key, kind="stable")
    sorted_key = key[key_order]
    near_own = np.searchsorted(sorted_key, key + window_slack, side="right") - np.searchsorted(
        sorted_key, key - window_slack, side="left"
    )
    return np.asarray(near_all - near_own, dtype=np.float64)


# Voters whose target votes the member pass gathers at once.
_MEMBER_BLOCK = 262_144


def _pulls(lo: IntArray, hits: IntArray, pull: FloatArray, var: FloatArray) -> FloatArray:
    """Per voter owning entries ``lo[i] : lo[i] + hits[i]`` of ``pull`` / ``var``: the summed
    pull over the root of its summed variance (0 without variance)."""
    owner = np.repeat(np.arange(lo.size), hits)
    keep = np.repeat(lo, hits) + (np.arange(owner.size) - np.repeat(np.cumsum(hits) - hits, hits))
    # Each voter's sums are formed in one bincount, in row order, as they always were.
    s_m = 0.0 + np.bincount(owner, weights=pull[keep], minlength=lo.size)
    v_m = 0.0 + np.bincount(owner, weights=var[keep], minlength=lo.size)
    del owner, keep
    return np.divide(s_m, np.sqrt(v_m), out=np.zeros(lo.size), where=v_m > 0)


def _owned_ranges(
    sorted_voters: IntArray, who: IntArray, n_voters: int, bounds: IntArray | None = None
) -> tuple[IntArray, IntArray]:
    """Where each voter of ``who`` starts in ``sorted_voters`` (ascending codes < ``n_voters``)
    and how many entries it has: ``searchsorted`` left, and right minus left.

    Why: with millions of voters asked (a group's recruit pool) two binary searches per voter
    cost seconds; one count of every code and a cumulative sum give the same numbers in a pass.
    ``bounds``: :func:`_owned_bounds` of ``sorted_voters``, when the caller keeps it.
    """
    if bounds is None:
        if who.size * 8 < sorted_voters.size:  # few voters asked: the searches are cheaper
            lo = np.searchsorted(sorted_voters, who, side="left")
            return lo, np.searchsorted(sorted_voters, who, side="right") - lo
        bounds = _owned_bounds(sorted_voters, n_voters)
    lo = bounds[who]
    return lo, bounds[who + 1] - lo


def _owned_bounds(sorted_voters: IntArray, n_voters: int) -> IntArray:
    """Per voter code, where its entries start in ``sorted_voters``; then the length (n + 1)."""
    bounds = np.zeros(n_voters + 1, dtype=np.int64)
    np.cumsum(np.bincount(sorted_voters, minlength=n_voters), out=bounds[1:])
    return bounds


def _overlaps_any(
    lo: FloatArray, hi: FloatArray, first: FloatArray, last: FloatArray
) -> NDArray[np.bool_]:
    """Whether each window [first, last] meets any window [lo_j, hi_j] (closed intervals).

    The windows j are merged into their disjoint union first (a group's members overlap one
    another, so a few intervals remain): then two searches in that short list answer each
    window, where searching all members' ends costs seconds for millions of windows.
    """
    order = np.argsort(lo, kind="stable")
    lo, hi = lo[order], np.maximum.accumulate(hi[order])
    starts = np.r_[True, lo[1:] > hi[:-1]]  # a window starting after all before it closed
    union_lo = lo[starts]
    union_hi = hi[np.r_[np.flatnonzero(starts)[1:] - 1, lo.size - 1]]
    if union_lo.size <= _FEW_WINDOWS:
        # A few disjoint windows: compared with each directly (the searches' answer, since
        # the windows ending before ``first`` all start before ``last``), a pass per window
        # where a binary search per voter costs several times more over millions of voters.
        met_any = np.zeros(first.size, dtype=bool)
        for w_lo, w_hi in zip(union_lo.tolist(), union_hi.tolist(), strict=True):
            met_any |= (last >= w_lo) & (first <= w_hi)
        return met_any
    met = np.searchsorted(union_lo, last, side="right") - np.searchsorted(union_hi, first)
    return np.asarray(met > 0, dtype=bool)


# Up to this many disjoint windows :func:`_overlaps_any` compares each voter with each window.
_FEW_WINDOWS = 8


@dataclass
class _GroupSearch:
    """The votes (sorted by voter, then time) and settings the group search shares."""

    voter: Codes  # per vote, its voter's code (ascending)
    voter_start: IntArray
    model_a: IntArray
    model_b: IntArray
    score: FloatArray | RowScores
    probs: vt.OutcomeProbs | Callable[[IntArray], vt.OutcomeProbs]
    tstamp: FloatArray
    n_votes: FloatArray
    n_models: int
    share: FloatArray  # share of all battles involving each model
    first: FloatArray  # each voter's active window (0, 0 without timestamps)
    last: FloatArray
    window_slack: float
    member_min_z: float
    member_alpha: float
    block_votes: int
    arena_start: float  # first timestamp, and the span the null's time shifts wrap around
    arena_period: float
    # per target model: the voter of each vote it is in, the model's residual and variance in
    # each (found once per target, read by member_pass)
    involved_rows: dict[int, tuple[IntArray, FloatArray, FloatArray]] = field(default_factory=dict)
    # per target model: :func:`_owned_bounds` of its votes' voters (every group on that target
    # asks for ranges of millions of voters: one count per target, not one per group)
    owned_bounds: dict[int, IntArray] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        *,
        voter: Codes,
        model_a: IntArray,
        model_b: IntArray,
        score: FloatArray | RowScores,
        probs: vt.OutcomeProbs | Callable[[IntArray], vt.OutcomeProbs],
        tstamp: FloatArray,
        n_votes: FloatArray,
        voter_start: IntArray | None = None,
        n_models: int,
        window_slack: float,
        member_min_z: float,
        member_alpha: float,
        block_votes: int,
    ) -> _GroupSearch:
        k = n_models
        if voter_start is None:
            voter_start = np.searchsorted(voter, np.arange(n_votes.size + 1))
        share = (np.bincount(model_a, minlength=k) + np.bincount(model_b, minlength=k)) / voter.size
        t = np.where(np.isfinite(tstamp), tstamp, np.nan)
        with np.errstate(invalid="ignore"):
            first = np.fmin.reduceat(t, voter_start[:-1])
            last = np.fmax.reduceat(t, voter_start[:-1])
        no_time = np.isnan(first)
        first[no_time], last[no_time] = 0.0, 0.0  # no timestamps: one shared window
        finite_t = tstamp[np.isfinite(tstamp)]
        arena_start = float(finite_t.min()) if finite_t.size else 0.0
        return cls(
            voter=voter,
            voter_start=voter_start,
            model_a=model_a,
            model_b=model_b,
            score=score,
            probs=probs,
            tstamp=tstamp,
            n_votes=n_votes,
            n_models=k,
            share=share,
            first=first,
            last=last,
            window_slack=window_slack,
            member_min_z=member_min_z,
            member_alpha=member_alpha,
            block_votes=block_votes,
            arena_start=arena_start,
            arena_period=(float(finite_t.max()) - arena_start if finite_t.size else 0.0) + 1.0,
        )

    def probs_of(self, rows: IntArray) -> vt.OutcomeProbs:
        if callable(self.probs):
            return self.probs(rows)
        return vt.OutcomeProbs(self.probs.p_a[rows], self.probs.p_b[rows], self.probs.p_tie[rows])

    def split_sums(
        self, cand_codes: IntArray
    ) -> tuple[IntArray, FloatArray, FloatArray, FloatArray]:
        """Selection (even positions) and held-out (odd) sums per candidate and model.

        Over blocks of candidates, so that only one block's probabilities exist at a time.
        Returns each candidate's most pushed model and its z on the selection half, and the
        held-out score sum and variance for that model (the only model a group of the candidate
        is tested on: a group's members share their target; all k per candidate cost ~0.2 GiB
        at 10M votes).
        """
        k = self.n_models
        n_cand = cand_codes.size
        target_c = np.zeros(n_cand, dtype=np.int64)
        z_best_c = np.zeros(n_cand)
        s_held, v_held = np.zeros(n_cand), np.zeros(n_cand)
        cand_votes = np.cumsum(self.n_votes[cand_codes])
        bounds = np.searchsorted(
            cand_votes, np.arange(0.0, cand_votes[-1], self.block_votes), side="right"
        )
        for lo, hi in itertools.pairwise([*np.unique(bounds).tolist(), n_cand]):
            rows, owner = _rows_of(cand_codes[lo:hi], self.voter_start)
            even = (rows - self.voter_start[cand_codes[lo:hi]][owner]) % 2 == 0
            block_probs = self.probs_of(rows)
            resid = self.score[rows] - block_probs.mean
            var = block_probs.var
            a_c, b_c, size = self.model_a[rows], self.model_b[rows], hi - lo
            s_sel, v_sel = _per_model(
                owner[even], a_c[even], b_c[even], resid[even], var[even], size, k
            )
            odd = ~even
            s_odd, v_odd = _per_model(owner[odd], a_c[odd], b_c[odd], resid[odd], var[odd], size, k)
            z_sel = np.divide(s_sel, np.sqrt(v_sel), out=np.zeros_like(s_sel), where=v_sel > 0)
            target_c[lo:hi] = np.argmax(np.abs(z_sel), axis=1)
            z_best_c[lo:hi] = z_sel[np.arange(size), target_c[lo:hi]]
            s_held[lo:hi] = s_odd[np.arange(size), target_c[lo:hi]]
            v_held[lo:hi] = v_odd[np.arange(size), target_c[lo:hi]]
        return target_c, z_best_c, s_held, v_held

    def linked_components(
        self,
        cand_codes: IntArray,
        target_c: IntArray,
        z_best_c: FloatArray,
        link_z: float,
        min_group_size: int,
    ) -> list[list[int]]:
        """Candidates pushing the same model the same way in overlapping windows, as components.

        Linking only neighbours in start-time order yields the same components as all
        overlapping pairs.
        """
        first, last = self.first, self.last
        linked_c = np.abs(z_best_c) >= link_z
        nodes = cand_codes[linked_c]
        target_n = target_c[linked_c]
        direction_n = np.sign(z_best_c[linked_c]).astype(np.int64)
        bucket = target_n * 2 + (direction_n > 0)
        order = np.lexsort((nodes, first[nodes], bucket))
        nodes, bucket = nodes[order], bucket[order]
        if nodes.size == 0:
            return []
        # Each node links only to its predecessor in its bucket, so the components are the runs
        # of consecutive linked nodes: a node starts a new run when its bucket changes or it
        # starts after every earlier window of its bucket has closed (plus the slack).
        last_n = last[nodes]
        new_bucket = np.r_[True, bucket[1:] != bucket[:-1]]
        bucket_start = np.flatnonzero(new_bucket)
        reach = np.empty_like(last_n)
        for lo, hi in itertools.pairwise([*bucket_start.tolist(), nodes.size]):
            reach[lo:hi] = np.maximum.accumulate(last_n[lo:hi])
        linked = np.r_[False, first[nodes[1:]] <= reach[:-1] + self.window_slack] & ~new_bucket
        run_start = np.flatnonzero(~linked)
        comps = [
            sorted(nodes[lo:hi].tolist())
            for lo, hi in itertools.pairwise([*run_start.tolist(), nodes.size])
            if hi - lo >= min_group_size
        ]
        comps.sort(key=lambda c: c[0])
        return comps

    def target_votes(self, m: int) -> tuple[IntArray, FloatArray, FloatArray]:
        """The voter of each vote with model ``m``, the model's residual score and null variance
        in it (found once per target, in blocks of rows, and kept: the member test reads them
        repeatedly)."""
        if m not in self.involved_rows:
            rows_m = np.flatnonzero((self.model_a == m) | (self.model_b == m))
            pull_m, var_m = np.empty(rows_m.size), np.empty(rows_m.size)
            for lo in range(0, rows_m.size, self.block_votes):
                rows = rows_m[lo : lo + self.block_votes]
                sign = np.where(self.model_a[rows] == m, 1.0, -1.0)
                probs_w = self.probs_of(rows)
                pull_m[lo : lo + rows.size] = sign * (self.score[rows] - probs_w.mean)
                var_m[lo : lo + rows.size] = probs_w.var
            self.involved_rows[m] = (self.voter[rows_m], pull_m, var_m)
        return self.involved_rows[m]

    def member_pass(self, who: IntArray, m: int, d: int) -> NDArray[np.bool_]:
        """Concentration on the target's battles Fisher-combined with one-sidedness for it.

        Member evidence uses all of a voter's votes (any voter, not only candidates). The pool
        of accounts active in a group's window can be millions of voters, so the pass reads only
        the votes on the target's battles (:meth:`target_votes`, found once per target) whose
        voter is in ``who``; the tail probabilities are computed only for voters whose pull
        already passes ``member_min_z``. ``who``: distinct voter codes.
        """
        out = np.zeros(who.size, dtype=bool)
        if who.size == 0:
            return out
        voter_m, pull_m, var_m = self.target_votes(m)
        # The target's votes are grouped by voter (ascending): each voter in ``who`` owns one
        # contiguous range of them (no pass over every vote per voter).
        if m not in self.owned_bounds:
            self.owned_bounds[m] = _owned_bounds(voter_m, self.n_votes.size)
        lo, hits = _owned_ranges(voter_m, who, self.n_votes.size, self.owned_bounds[m])
        z_member = np.empty(who.size)
        # Over blocks of voters: a pool of millions of voters gathers its votes a block at a
        # time (each voter's sums are its own, so blocks change nothing).
        for first in range(0, who.size, _MEMBER_BLOCK):
            part = slice(first, first + _MEMBER_BLOCK)
            z_member[part] = d * _pulls(lo[part], hits[part], pull_m, var_m)
        hits_m = hits.astype(np.float64)
        pulled = np.flatnonzero(z_member >= self.member_min_z)  # the others fail whatever their p
        p_conc = stats.binom.sf(hits_m[pulled] - 1, self.n_votes[who][pulled], self.share[m])
        p_side = stats.norm.sf(z_member[pulled])
        fisher = -2.0 * (np.log(np.maximum(p_conc, 1e-300)) + np.log(np.maximum(p_side, 1e-300)))
        out[pulled] = stats.chi2.sf(fisher, 4) <= self.member_alpha
        return out

    def co_timed(self, who: IntArray, seed: int) -> tuple[FloatArray, FloatArray]:
        """Per voter in ``who``: share of their votes with another member's vote within the slack,
        and how many times more such neighbours they have than when every member's votes are
        shifted in time by an independent random offset (circularly over the arena's span).

        The shifted copies are the null of *no coordination*: the same people, the same habits
        and daily rhythm of each, but no shared moments. Honest people who merely share a taste
        are as close in time as chance makes them (ratio near one); accounts that vote together
        are many times closer.
        """
        starts, ends = self.voter_start[:-1], self.voter_start[1:]
        rows_of = [np.arange(starts[w], ends[w]) for w in who.tolist()]
        if not rows_of:
            return np.zeros(0), np.zeros(0)
        all_rows = np.concatenate(rows_of)
        times = np.nan_to_num(self.tstamp[all_rows], nan=0.0)
        owner = np.repeat(np.arange(who.size), [r.size for r in rows_of])
        counts = np.bincount(owner, minlength=who.size).astype(np.float64)
        observed = _near_others(times, owner, self.window_slack)
        share_w = np.bincount(owner, weights=observed > 0, minlength=who.size) / counts
        observed_w = np.bincount(owner, weights=observed, minlength=who.size)
        t0, period = self.arena_start, self.arena_period
        rng = np.random.default_rng(seed)
        null_w = np.zeros(who.size)
        for _ in range(_TIME_SHIFTS):
            # Shifts by whole days keep each member's daily rhythm (people vote at their hours)
            # when the arena spans days; a shorter log is shifted by any offset.
            offset = rng.random(who.size) * period
            if period >= 2 * 86_400.0:
                offset = np.floor(offset / 86_400.0) * 86_400.0
            shifted = t0 + np.mod(times - t0 + offset[owner], period)
            null_w += np.bincount(
                owner, weights=_near_others(shifted, owner, self.window_slack), minlength=who.size
            )
        null_w /= _TIME_SHIFTS
        ratio = (observed_w + 1.0) / (null_w + 1.0)
        return np.asarray(share_w, dtype=np.float64), np.asarray(ratio, dtype=np.float64)

    def flagged_members(
        self,
        members: IntArray,
        m: int,
        d: int,
        recruitable: NDArray[np.bool_],
        *,
        seed: int,
        member_window_share: float,
        member_time_ratio: float,
        min_group_size: int,
    ) -> IntArray:
        """Members of a significant group (and recruits) whose own votes push it, co-timed."""
        first, last, slack = self.first, self.last, self.window_slack
        chosen = members[self.member_pass(members, m, d)]
        if not chosen.size:
            return chosen
        # Recruit accounts active in the core members' windows that pass the same member
        # test (too few votes to be linked from half their votes, e.g. 3-vote sybils).
        lo, hi = first[chosen] - slack, last[chosen] + slack
        # Only voters active between the first window's start and the last one's end can
        # overlap a window: the others are dropped by two comparisons, not two searches.
        near = np.flatnonzero(recruitable & (last >= lo.min()) & (first <= hi.max()))
        meets = _overlaps_any(lo, hi, first[near], last[near])
        in_pool = np.zeros(first.size, dtype=bool)
        in_pool[near[meets]] = True
        in_pool[chosen] = False
        pool = np.flatnonzero(in_pool)  # ascending, without the members already chosen
        if pool.size:
            chosen = np.union1d(chosen, pool[self.member_pass(pool, m, d)])
        # Coordination in time: keep members most of whose votes fall within `window_slack` of
        # votes by *other* kept members (an honest voter spread over weeks does not), and
        # who have far more such neighbours than shifted copies of the same members do.
        # Repeated until stable (a member kept only for a dropped member's company goes too);
        # fewer than `min_group_size` coordinated accounts are no group.
        for _ in range(5):
            share_c, ratio_c = self.co_timed(chosen, seed=seed)
            keep = (share_c >= member_window_share) & (ratio_c >= member_time_ratio)
            if keep.all():
                break
            chosen = chosen[keep]
        if chosen.size < min_group_size:
            chosen = chosen[:0]
        return chosen
