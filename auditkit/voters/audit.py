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

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from auditkit.detectors.base import jsonable
from auditkit.rules import RulePack
from auditkit.schema import BattleTable, outcome_for_a
from auditkit.stats import voter_tests as vt
from auditkit.voters.config import INDIVIDUAL_TESTS, VoterConfig
from auditkit.voters.groups import GroupResult, find_coordinated_groups

__all__ = ["VoterAudit", "audit_voters"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


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


def audit_voters(battles: BattleTable, rules: RulePack, *, random_state: int = 0) -> VoterAudit:
    """Run every per-voter test and the group search; flag voters at the rule pack's FDR."""
    cfg = VoterConfig.from_rules(rules)
    frame = battles.frame
    if cfg.anonymous_only:
        frame = frame[frame["anony"].to_numpy(dtype=bool)]
    n_rows = len(frame)
    if not battles.voters_usable:
        why = battles.voter_note or f"voter status is {battles.voter_status.value}"
        note = (
            f"voters unusable ({why}): the voter audit did not run on {n_rows:,} rows "
            "and flags nothing"
        )
        return _empty((note,), {"rows": n_rows, "rows_unaudited": n_rows}, usable=False)

    voter_na = frame["voter"].isna().to_numpy()
    valid = (
        ~voter_na
        & frame["model_a"].notna().to_numpy()
        & frame["model_b"].notna().to_numpy()
        & frame["winner"].notna().to_numpy()
        & (frame["model_a"].astype(object) != frame["model_b"].astype(object)).to_numpy()
    )
    notes: list[str] = []
    if voter_na.any():
        notes.append(
            f"{int(voter_na.sum()):,} rows have no voter id: the voter audit cannot audit them"
        )
    data = frame.loc[valid, ["vote_id", "model_a", "model_b", "winner", "voter", "tstamp"]]
    prompts = frame.loc[valid, "prompt"] if "prompt" in frame.columns else None
    if len(data) == 0:
        return _empty(tuple(notes), {"rows": n_rows, "rows_unaudited": n_rows}, usable=True)

    ctx = _Context.build(data, prompts, cfg)
    evidence, seq_path = _individual_tests(ctx, cfg, random_state)
    flagged_ind = evidence["flagged"].to_numpy(dtype=bool)

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
            exclude=_expand(flagged_ind, ctx.audited, ctx.n_voters),
            min_votes=int(cfg.group.option("min_votes", 4)),
            link_z=cfg.group.option("link_z", 1.5),
            window_slack=cfg.group.option("window_slack_seconds", 3600.0),
            member_min_z=cfg.group.option("member_min_z", 2.0),
            member_alpha=cfg.group.option("member_alpha", 0.005),
            member_window_share=cfg.group.option("member_window_share", 0.5),
            fdr=cfg.fdr,
            n_models=len(ctx.models),
            model_names=ctx.models,
        )
    evidence = _merge_groups(evidence, ctx, groups)
    vote_flags = _vote_flags(ctx, cfg, evidence, seq_path)
    stats: dict[str, Any] = {
        "rows": n_rows,
        "rows_unaudited": int((~valid).sum()),
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


@dataclass
class _Context:
    """Encoded votes, sorted by (voter, time, vote id), and the consensus model."""

    vote_id: NDArray[np.object_]
    voter: IntArray
    voter_names: NDArray[np.object_]
    models: list[str]
    model_a: IntArray
    model_b: IntArray
    score: FloatArray
    tstamp: FloatArray
    prompt_code: IntArray | None
    n_voters: int
    n_votes: FloatArray
    theta: FloatArray
    full_probs: vt.OutcomeProbs
    loo_probs: vt.OutcomeProbs  # rows of audited voters only (see ``rows``)
    rows: IntArray  # vote rows belonging to audited voters
    audited: IntArray  # voter codes with n >= min_votes, ascending
    pair: IntArray  # unordered pair id per vote
    pair_score: FloatArray  # score of the pair's lower-index model
    exact_refits: int

    @classmethod
    def build(cls, data: pd.DataFrame, prompts: pd.Series | None, cfg: VoterConfig) -> _Context:
        from auditkit.stats.bradley_terry import fit_bt_pairs

        voter_raw = data["voter"].astype(str).to_numpy(dtype=object)
        voter_names, voter_codes = np.unique(voter_raw, return_inverse=True)
        model_a_raw = data["model_a"].astype(str).to_numpy(dtype=object)
        model_b_raw = data["model_b"].astype(str).to_numpy(dtype=object)
        models = sorted(set(model_a_raw.tolist()) | set(model_b_raw.tolist()))
        index = {m: i for i, m in enumerate(models)}
        a = np.fromiter((index[m] for m in model_a_raw), dtype=np.int64, count=len(data))
        b = np.fromiter((index[m] for m in model_b_raw), dtype=np.int64, count=len(data))
        t = data["tstamp"].to_numpy(dtype=np.float64, na_value=np.nan)
        vote_id = data["vote_id"].astype(str).to_numpy(dtype=object)
        order = np.lexsort((vote_id, np.where(np.isfinite(t), t, np.inf), voter_codes))
        voter = voter_codes[order].astype(np.int64)
        a, b, t, vote_id = a[order], b[order], t[order], vote_id[order]
        score = outcome_for_a(data["winner"].astype(object).to_numpy()[order])
        prompt_code: IntArray | None = None
        if prompts is not None:
            normal = prompts.astype("string").str.strip().str.lower().to_numpy(dtype=object)[order]
            codes, _ = pd.factorize(pd.Series(normal, dtype=object), use_na_sentinel=True)
            prompt_code = codes.astype(np.int64)
        n_voters = len(voter_names)
        k = len(models)
        n_votes = np.bincount(voter, minlength=n_voters).astype(np.float64)

        lo = np.minimum(a, b)
        hi = np.maximum(a, b)
        pair = lo * k + hi
        pair_score = np.where(a == lo, score, 1.0 - score)
        is_tie = (score == 0.5).astype(np.float64)
        n_cells = k * k
        pair_n = np.bincount(pair, minlength=n_cells).astype(np.float64)
        pair_w = np.asarray(np.bincount(pair, weights=pair_score, minlength=n_cells), float)
        pair_t = np.asarray(np.bincount(pair, weights=is_tie, minlength=n_cells), float)
        present = np.flatnonzero(pair_n > 0)
        p_lo, p_hi = present // k, present % k
        theta = np.asarray(
            fit_bt_pairs(p_lo, p_hi, pair_w[present], pair_n[present], k, l2=1e-6),
            dtype=np.float64,
        )
        global_tie = float(pair_t.sum() / max(pair_n.sum(), 1.0))
        prior = cfg.tie_prior_votes
        tie_full = (pair_t + prior * global_tie) / (pair_n + prior)
        full_probs = vt.outcome_probs(theta[a] - theta[b], tie_full[pair])

        audited = np.flatnonzero(n_votes >= cfg.min_votes).astype(np.int64)
        is_aud = np.zeros(n_voters, dtype=bool)
        is_aud[audited] = True
        rows = np.flatnonzero(is_aud[voter]).astype(np.int64)
        local = np.full(n_voters, -1, dtype=np.int64)
        local[audited] = np.arange(audited.size)
        exact = 0
        if audited.size:
            rv = local[voter[rows]]
            s_full = _scores(rv, a[rows], b[rows], score[rows], full_probs, rows, audited.size, k)
            info_total = _total_info(a, b, full_probs.var, k)
            theta_loo = vt.loo_strengths_one_step(theta, s_full, info_total)
            heavy = audited[n_votes[audited] >= cfg.exact_min_votes]
            heavy = heavy[np.argsort(-n_votes[heavy], kind="stable")][: cfg.max_exact_refits]
            if heavy.size:
                theta_loo, exact = _exact_refits(
                    theta_loo,
                    theta,
                    heavy,
                    local,
                    voter,
                    pair,
                    pair_score,
                    pair_n,
                    pair_w,
                    k,
                    fit_bt_pairs,
                )
            # Leave-voter-out tie rates: subtract the voter's own votes on each pair.
            key = voter[rows] * n_cells + pair[rows]
            _, inv = np.unique(key, return_inverse=True)
            own_n = np.bincount(inv).astype(np.float64)[inv]
            own_t = np.bincount(inv, weights=is_tie[rows])[inv]
            pr = pair[rows]
            tie_loo = (pair_t[pr] - own_t + prior * global_tie) / (pair_n[pr] - own_n + prior)
            diff = theta_loo[rv, a[rows]] - theta_loo[rv, b[rows]]
            loo_probs = vt.outcome_probs(diff, tie_loo)
        else:
            loo_probs = vt.outcome_probs(np.zeros(0), np.zeros(0))
        return cls(
            vote_id=vote_id,
            voter=voter,
            voter_names=voter_names,
            models=models,
            model_a=a,
            model_b=b,
            score=score,
            tstamp=t,
            prompt_code=prompt_code,
            n_voters=n_voters,
            n_votes=n_votes,
            theta=theta,
            full_probs=full_probs,
            loo_probs=loo_probs,
            rows=rows,
            audited=audited,
            pair=pair,
            pair_score=pair_score,
            exact_refits=exact,
        )


def _subset(probs: vt.OutcomeProbs, rows: IntArray) -> vt.OutcomeProbs:
    return vt.OutcomeProbs(probs.p_a[rows], probs.p_b[rows], probs.p_tie[rows])


def _scores(
    local_voter: IntArray,
    a: IntArray,
    b: IntArray,
    score: FloatArray,
    probs: vt.OutcomeProbs,
    rows: IntArray,
    n_voters: int,
    k: int,
) -> FloatArray:
    """Per-voter BT score vectors under the full-data fit (no information matrices needed)."""
    resid = score - probs.mean[rows]
    size = n_voters * k
    s = np.bincount(local_voter * k + a, weights=resid, minlength=size) - np.bincount(
        local_voter * k + b, weights=resid, minlength=size
    )
    return np.asarray(s.reshape(n_voters, k), dtype=np.float64)


def _total_info(a: IntArray, b: IntArray, var: FloatArray, k: int) -> FloatArray:
    flat = np.bincount(a * (k + 1), weights=var, minlength=k * k)
    flat += np.bincount(b * (k + 1), weights=var, minlength=k * k)
    flat -= np.bincount(a * k + b, weights=var, minlength=k * k)
    flat -= np.bincount(b * k + a, weights=var, minlength=k * k)
    return np.asarray(flat.reshape(k, k), dtype=np.float64)


def _exact_refits(
    theta_loo: FloatArray,
    theta: FloatArray,
    heavy: IntArray,
    local: IntArray,
    voter: IntArray,
    pair: IntArray,
    pair_score: FloatArray,
    pair_n: FloatArray,
    pair_w: FloatArray,
    k: int,
    fit: Any,
) -> tuple[FloatArray, int]:
    """Exact leave-voter-out BT refits for heavy voters, warm-started at the full fit."""
    is_heavy = np.zeros(local.size, dtype=bool)
    is_heavy[heavy] = True
    sel = np.flatnonzero(is_heavy[voter])
    order = np.argsort(voter[sel], kind="stable")
    sel = sel[order]
    bounds = np.searchsorted(voter[sel], heavy)
    ends = np.searchsorted(voter[sel], heavy, side="right")
    out = theta_loo.copy()
    for code, lo_i, hi_i in zip(heavy.tolist(), bounds.tolist(), ends.tolist(), strict=True):
        rows = sel[lo_i:hi_i]
        own_n = np.bincount(pair[rows], minlength=k * k).astype(np.float64)
        own_w = np.bincount(pair[rows], weights=pair_score[rows], minlength=k * k)
        rest_n = pair_n - own_n
        present = np.flatnonzero(rest_n > 0)
        fitted = fit(
            present // k,
            present % k,
            (pair_w - own_w)[present],
            rest_n[present],
            k,
            l2=1e-6,
            init=theta,
        )
        out[local[code]] = np.asarray(fitted, dtype=np.float64)
    return out, len(heavy)


def _individual_tests(
    ctx: _Context, cfg: VoterConfig, random_state: int
) -> tuple[pd.DataFrame, FloatArray]:
    """Run the per-voter tests on audited voters; returns the evidence table and the log e-path."""
    m = ctx.audited.size
    k = len(ctx.models)
    rows = ctx.rows
    local = np.full(ctx.n_voters, -1, dtype=np.int64)
    local[ctx.audited] = np.arange(m)
    v = local[ctx.voter[rows]]
    a, b, score = ctx.model_a[rows], ctx.model_b[rows], ctx.score[rows]
    probs = ctx.loo_probs
    p: dict[str, FloatArray] = {name: np.ones(m) for name in INDIVIDUAL_TESTS}
    cols: dict[str, Any] = {}

    # consensus_loo: the score test for voter-specific strength offsets and the two-sided test on
    # the summed surprise of each vote under the leave-voter-out model, Bonferroni-combined.
    stat, dof, p_score = vt.voter_score_test(
        v, a, b, score, probs, m, k, ridge=cfg.test("consensus_loo").option("ridge", 2.0)
    )
    z_surprise, p_surprise = vt.vote_surprise_test(v, score, probs, m)
    p["consensus_loo"] = np.minimum(1.0, 2.0 * np.minimum(p_score, p_surprise))
    cols["consensus_stat"], cols["consensus_dof"] = stat, dof
    cols["p_consensus_score"], cols["surprise_z"] = p_score, z_surprise

    diff_sign = np.sign(probs.p_a - probs.p_b)  # +1: A is the stronger side under the null
    upset = np.stack([-diff_sign, diff_sign, np.zeros_like(diff_sign)], axis=1)
    tie_f = np.tile(np.array([0.0, 0.0, 1.0]), (rows.size, 1))
    side_f = np.tile(np.array([1.0, -1.0, 0.0]), (rows.size, 1))
    outcome = np.where(score == 1.0, 0, np.where(score == 0.0, 1, 2)).astype(np.int64)
    seq = vt.sequential_mixture_test(
        v, [upset, tie_f, side_f], [probs.p_a, probs.p_b, probs.p_tie], outcome, m
    )
    p["consensus_sequential"] = seq.p_value
    cols["sequential_log_e"] = seq.log_max

    k_a, n_dec, p["position_bias"] = vt.position_bias_test(
        v,
        score == 1.0,
        score != 0.5,
        m,
        tolerance=cfg.test("position_bias").option("tolerance", 0.05),
    )
    cols["picked_a"], cols["decisive"] = k_a, n_dec

    share = (np.bincount(ctx.model_a, minlength=k) + np.bincount(ctx.model_b, minlength=k)) / max(
        ctx.model_a.size, 1
    )
    p_t, best_m, z_t, ratio = vt.target_concentration_test(v, a, b, score, probs, share, m, k)
    p["target_concentration"] = p_t
    cols["target_model"] = np.array(ctx.models, dtype=object)[best_m] if k else best_m
    cols["target_z"], cols["target_concentration_ratio"] = z_t, ratio

    ties, exp_ties, p["tie_spam"] = vt.tie_rate_test(v, score == 0.5, probs.p_tie, m)
    cols["ties"], cols["expected_ties"] = ties, exp_ties

    speed = cfg.test("speed")
    fast, gaps, p_fast = vt.speed_test(
        v,
        ctx.tstamp[rows],
        m,
        min_gap_seconds=speed.option("min_gap_seconds", 4.0),
        null_fast_rate=speed.option("null_fast_rate", 0.05),
    )
    burst, p_burst = vt.burst_test(
        v, ctx.tstamp[rows], m, window_seconds=speed.option("burst_window_seconds", 60.0)
    )
    p["speed"] = np.minimum(1.0, 2.0 * np.minimum(p_fast, p_burst))
    cols["fast_gaps"], cols["gaps"], cols["max_burst"] = fast, gaps, burst

    if ctx.prompt_code is not None:
        repeats, p["repeated_prompt"] = vt.repeated_prompt_test(
            v,
            ctx.prompt_code[rows],
            m,
            null_repeat_rate=cfg.test("repeated_prompt").option("null_repeat_rate", 0.05),
        )
        cols["repeated_prompts"] = repeats

    arena = cfg.test("arena_consistency")
    p["arena_consistency"], _ = vt.arena_consistency_test(
        v,
        ctx.pair[rows],
        ctx.pair_score[rows],
        m,
        alpha=arena.option("alpha", 0.05),
        n_checks=int(arena.option("n_checks", 5)),
        random_state=random_state,
    )

    evidence = pd.DataFrame(
        {"voter": ctx.voter_names[ctx.audited], "n_votes": ctx.n_votes[ctx.audited].astype(int)}
    )
    for name in INDIVIDUAL_TESTS:
        evidence[f"p_{name}"] = p[name] if cfg.test(name).enabled else 1.0
    for key, value in cols.items():
        evidence[key] = value

    family = [name for name in INDIVIDUAL_TESTS if cfg.invalidating(name)]
    if family and m:
        pm = np.column_stack([evidence[f"p_{name}"].to_numpy() for name in family])
        best = np.argmin(pm, axis=1)
        best_p = pm[np.arange(m), best]
        p_voter = np.minimum(1.0, best_p * len(family))
        reject, q = vt.benjamini_hochberg(p_voter, cfg.fdr)
        evidence["best_test"] = np.array(family, dtype=object)[best]
        evidence["best_p"] = best_p
    else:
        p_voter, q, reject = np.ones(m), np.ones(m), np.zeros(m, dtype=bool)
        evidence["best_test"] = ""
        evidence["best_p"] = 1.0
    evidence["p_value"] = p_voter
    evidence["q_value"] = q
    evidence["flagged"] = reject
    # BH rejects exactly the voters with p <= fdr * R / m; that level is where "evidence suffices".
    threshold = cfg.fdr * max(int(reject.sum()), 1) / max(m, 1)
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
    return evidence, seq.log_path


def _merge_groups(
    evidence: pd.DataFrame, ctx: _Context, groups: tuple[GroupResult, ...]
) -> pd.DataFrame:
    """Add group membership to the evidence table (group members may have too few votes alone)."""
    evidence = evidence.copy()
    extra: list[dict[str, Any]] = []
    position = {name: i for i, name in enumerate(evidence["voter"].tolist())}
    in_group = np.zeros(len(evidence), dtype=bool)
    group_ids = np.full(len(evidence), "", dtype=object)
    group_ps = np.full(len(evidence), np.nan)
    group_zs = np.full(len(evidence), np.nan)
    for group in groups:
        if not group.flagged:
            continue
        for code in group.flagged_members:
            name = str(ctx.voter_names[code])
            if name in position:
                i = position[name]
                in_group[i], group_ids[i], group_ps[i] = True, group.group_id, group.p_value
                group_zs[i] = group.z
            else:
                extra.append(
                    {
                        "voter": name,
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
    "target_concentration": "target_z",
    "tie_spam": "ties",
    "speed": "fast_gaps",
    "repeated_prompt": "repeated_prompts",
    "coordinated_group": "group_z",
}


def _vote_flags(
    ctx: _Context, cfg: VoterConfig, evidence: pd.DataFrame, log_path: FloatArray
) -> pd.DataFrame:
    """Which votes to invalidate, per the ``invalidate`` policy, each citing its test."""
    code_of = {str(name): i for i, name in enumerate(ctx.voter_names.tolist())}
    frames: list[pd.DataFrame] = []
    starts = np.searchsorted(ctx.voter, np.arange(ctx.n_voters))
    ends = np.searchsorted(ctx.voter, np.arange(ctx.n_voters), side="right")
    # log e-path rows follow ctx.rows (audited voters, same order).
    path = np.full(ctx.voter.size, -np.inf)
    path[ctx.rows] = log_path
    chosen = evidence[evidence["flagged"].astype(bool) | evidence["flagged_group"].astype(bool)]
    for row in chosen.to_dict(orient="records"):
        individual = bool(row["flagged"])
        code = code_of[str(row["voter"])]
        lo, hi = int(starts[code]), int(ends[code])
        if individual and cfg.invalidate == "after_detection":
            crossed = np.flatnonzero(path[lo:hi] >= -np.log(float(row["bh_threshold"])))
            if crossed.size:
                lo = lo + int(crossed[0])
        rule = str(row["best_test"]) if individual else "coordinated_group"
        column = _STATISTIC_OF.get(rule)
        value = row.get(column) if column else None
        statistic = float(value) if value is not None and not pd.isna(value) else np.nan
        frames.append(
            pd.DataFrame(
                {
                    "vote_id": ctx.vote_id[lo:hi],
                    "voter": str(row["voter"]),
                    "rule": rule,
                    "p_value": float(row["best_p"]) if individual else float(row["group_p"]),
                    "q_value": float(row["q_value"]),
                    "statistic": statistic,
                    "group_id": str(row["group_id"]),
                }
            )
        )
    if not frames:
        return pd.DataFrame(
            columns=["vote_id", "voter", "rule", "p_value", "q_value", "statistic", "group_id"]
        )
    return pd.concat(frames, ignore_index=True)
