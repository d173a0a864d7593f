"""Population-level check: does a model's rating depend on new / few-vote accounts?


A swarm of brand-new accounts that each cast one to four votes for a model is invisible voter by
voter: no account carries evidence. What it does leave is a population signature — the model does
better among few-vote accounts than among established voters, beyond what honest newcomers'
different tastes explain. This module measures that signature:

1. split the votes into a *new* cohort (voters with at most ``new_max_votes`` votes in the table)
   and an *established* cohort (everyone else);
2. fit Bradley-Terry (ties as half a win) on the established cohort only;
3. per model m, the summed residual of m's score on the new cohort's votes under that fit,
   ``z_m = S_m / sqrt(V_m)``;
4. honest newcomers differ from established voters as a whole (other tastes, other topics), so the
   ``z_m`` are compared with an *empirical null* across models (Efron 2004): their spread is
   inflated by ``phi = max(1, median(z^2) / 0.455)`` (0.455 = median of χ²₁) before the two-sided
   p-value. A swarm also puts its model in more of the new cohort's battles than the arena's
   sampling does (:func:`auditkit.stats.cohort_excess.cohort_count_test`, against the established
   cohort's shares, its own empirical null); with ``count_trace`` (default) the two traces are
   combined by Stouffer, the count signed by the outcome (a lift and a sink both add to the
   model's battles), so a strong model lifted by a thin swarm — few surprising wins, but many
   extra battles — is still seen. Benjamini-Hochberg across models at ``fdr``; once a model is
   rejected, both nulls are measured again on the battles without it and the other models are
   tested there (a swarm's wins are its opponents' losses; a second swarm stays visible);
5. a model is flagged when its p survives BH *and* its rating moves by at least ``min_shift_elo``
   between the all-votes fit and the established-only fit (the effect-size floor: a shift smaller
   than that does not change what a leaderboard says).

Down-weighting (``down_weight_mode``): honest newcomers judge models a little differently from
established voters, so dropping the new cohort's votes (``cohort``: every new-cohort vote in a
flagged model's battles weighs ``down_weight``) moves the rating to the established voters' view,
not the honest one. ``excess`` (default) removes only what honest newcomers would not have cast:
:func:`auditkit.stats.cohort_excess.excess_votes` estimates the number ``S`` of excess wins (losses,
for a model pulled down) of the model among the new cohort's votes from two independent traces —
its outcomes against the established fit, and its share of the cohort's battles against the
arena's — each against the honest newcomers' spread measured on the unflagged models, combined by
inverse variance. Accounts of two or more votes that all went the model's way are rare for honest
newcomers (their expected number is calibrated on the unflagged models), so what they show beyond
chance is a floor under ``S`` (:func:`auditkit.stats.cohort_excess.all_win_floor`); the removed
excess is the estimate's posterior mean above that floor (flat prior, normal likelihood). The
excess against each opponent follows the arena's pairing, so the new cohort's wins of the model
against opponent ``o`` weigh ``1 - S pi_o / wins_o``; the same refit with one standard error more
and less removed gives the down-weighted rating's spread (``rating_se_elo``). No account is
singled out (one-vote accounts cannot be told apart); in expectation the honest newcomers' votes
are what remains. ``posterior`` weighs each new *account* by the posterior chance that it is
honest under a two-type mixture (:func:`swarm_posterior`: a swarm account votes only in the model's
battles, always for it); it removes honest all-wins accounts with the swarm and over-corrects.

Null hypothesis (per model): new accounts' votes on m follow the established voters' model up to
the overdispersion every model shows. The same audit asks the question over time too
(:mod:`auditkit.voters.timeshift`: a model whose results depend on the period beyond the drift
every model shows is reported, ``time_dependence``). The result never invalidates a vote: policy decides between
reporting, holding the rating as provisional, or down-weighting the new cohort's votes in the
flagged models' battles (``down_weighted_ratings``).

For established voters the same audit asks whether a model's rating rests on a crowd of voters who
pull for (or against) it beyond the honest spread (:mod:`auditkit.voters.pullers`, keys
``puller_*``; ``pullers`` and ``puller_vote_weights``), with the same policies and never an
invalidation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from auditkit.errors import RuleError
from auditkit.findings import jsonable
from auditkit.lazy import lazy_module
from auditkit.rulepack import RulePack, require
from auditkit.schema import BattleTable
from auditkit.stats.bradley_terry import fit_bt_pairs
from auditkit.stats.cohort_excess import (
    all_win_floor,
    cohort_count_test,
    combine_traces,
    empirical_null_phi,
    excess_votes,
    floored_excess,
)
from auditkit.stats.voter_tests import benjamini_hochberg
from auditkit.voters.pullers import PullerAudit, PullerConfig, audit_pullers
from auditkit.voters.timeshift import time_shift_test

if TYPE_CHECKING:
    from scipy import special, stats
else:
    stats = lazy_module("scipy.stats")  # imported on first use (auditkit.lazy)
    special = lazy_module("scipy.special")  # imported on first use (auditkit.lazy)

__all__ = [
    "POLICIES",
    "PopulationAudit",
    "PopulationConfig",
    "audit_population",
    "cohort_shift_test",
    "swarm_posterior",
]

POLICIES = ("report", "provisional", "down_weight")
DOWN_WEIGHT_MODES = ("excess", "posterior", "cohort")
_ELO = 400.0 / np.log(10.0)
# Model A's score per ``Winner`` category code (model_a, model_b, tie, tie_bothbad).
_SCORE_OF_WINNER = np.array([1.0, 0.0, 0.5, 0.5])


@dataclass(frozen=True)
class PopulationConfig:
    """Options from the rule pack's ``population`` section."""

    enabled: bool = True
    new_max_votes: int = 4
    min_new_battles: int = 50
    fdr: float = 0.01
    min_shift_elo: float = 10.0
    policy: str = "provisional"
    down_weight: float = 0.0
    severity: str = "medium"
    down_weight_mode: str = "excess"
    time_bins: int = 4
    time_min_shift_elo: float = 15.0
    time_min_battles: int = 50
    count_trace: bool = True

    @classmethod
    def from_rules(cls, rules: RulePack) -> PopulationConfig:
        section = rules.section("population", default={})
        where = rules.where("population")
        policy = str(require(section, "policy", str, where=where, default="provisional"))
        if policy not in POLICIES:
            raise RuleError(f"key 'policy' must be one of {', '.join(POLICIES)}", path=where)
        fdr = float(require(section, "fdr", (int, float), where=where, default=0.01))
        weight = float(require(section, "down_weight", (int, float), where=where, default=0.0))
        if not 0.0 < fdr < 1.0:
            raise RuleError("key 'fdr' must be in (0, 1)", path=where)
        if not 0.0 <= weight <= 1.0:
            raise RuleError("key 'down_weight' must be in [0, 1]", path=where)
        mode = str(require(section, "down_weight_mode", str, where=where, default="excess"))
        if mode not in DOWN_WEIGHT_MODES:
            raise RuleError(
                f"key 'down_weight_mode' must be one of {', '.join(DOWN_WEIGHT_MODES)}", path=where
            )
        return cls(
            enabled=bool(require(section, "enabled", bool, where=where, default=True)),
            new_max_votes=int(require(section, "new_max_votes", int, where=where, default=4)),
            min_new_battles=int(require(section, "min_new_battles", int, where=where, default=50)),
            fdr=fdr,
            min_shift_elo=float(
                require(section, "min_shift_elo", (int, float), where=where, default=10.0)
            ),
            policy=policy,
            down_weight=weight,
            severity=str(require(section, "severity", str, where=where, default="medium")),
            down_weight_mode=mode,
            time_bins=int(require(section, "time_bins", int, where=where, default=4)),
            time_min_shift_elo=float(
                require(section, "time_min_shift_elo", (int, float), where=where, default=15.0)
            ),
            time_min_battles=int(
                require(section, "time_min_battles", int, where=where, default=50)
            ),
            count_trace=bool(require(section, "count_trace", bool, where=where, default=True)),
        )


@dataclass(frozen=True)
class PopulationAudit:
    """Per-model comparison of the new and established cohorts (``table``) and the verdict."""

    usable: bool
    table: pd.DataFrame
    stats: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    down_weighted_ratings: dict[str, float] = field(default_factory=dict)
    # Per model: does its result depend on the period? (auditkit.voters.timeshift; report only)
    time_table: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Every vote with a weight below one in the down-weighted refit (vote id, models, weight).
    vote_weights: pd.DataFrame = field(default_factory=pd.DataFrame)
    # Does a model's rating rest on a few established voters who pull for it? (voters/pullers.py)
    pullers: PullerAudit | None = None
    puller_vote_weights: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def puller_flagged_models(self) -> list[str]:
        return [] if self.pullers is None else self.pullers.flagged_models

    @property
    def time_flagged_models(self) -> list[str]:
        if not len(self.time_table):
            return []
        return sorted(self.time_table.loc[self.time_table["flagged"], "model"].astype(str))

    @property
    def flagged_models(self) -> list[str]:
        if not len(self.table):
            return []
        return sorted(self.table.loc[self.table["flagged"], "model"].astype(str))

    def summary(self) -> str:
        if not self.usable:
            return "population check: not run — " + " ".join(self.notes)
        flagged = self.flagged_models
        what = ", ".join(flagged) if flagged else "no model"
        return (
            f"population check: {what} depends on new accounts beyond chance "
            f"({int(self.stats.get('new_votes', 0)):,} votes from accounts with <= "
            f"{int(self.stats.get('new_max_votes', 0))} votes)"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "usable": self.usable,
            "notes": list(self.notes),
            "stats": jsonable(self.stats),
            "models": jsonable(self.table.to_dict(orient="records")),
            "down_weighted_ratings": jsonable(self.down_weighted_ratings),
            "time_models": jsonable(self.time_table.to_dict(orient="records")),
            "pullers": None
            if self.pullers is None
            else {
                "models": jsonable(self.pullers.table.to_dict(orient="records")),
                "down_weighted_ratings": jsonable(self.pullers.down_weighted_ratings),
                "down_weighted_votes": len(self.puller_vote_weights),
                "policy": self.pullers.policy,
            },
        }


def _fit(
    a: NDArray[np.int64],
    b: NDArray[np.int64],
    score: NDArray[np.float64],
    w: NDArray[np.float64] | None,
    k: int,
) -> NDArray[np.float64]:
    """BT strengths (natural log, mean zero) from weighted votes (``None``: weight one),
    aggregated per ordered pair."""
    key = a * k + b
    n = np.asarray(np.bincount(key, weights=w, minlength=k * k), dtype=np.float64)
    s = np.bincount(key, weights=score if w is None else w * score, minlength=k * k)
    del key
    present = np.flatnonzero(n > 0)
    theta = fit_bt_pairs(present // k, present % k, s[present], n[present], k, l2=1e-4)
    return np.asarray(theta, dtype=np.float64)


def cohort_shift_test(
    a: NDArray[np.int64],
    b: NDArray[np.int64],
    score: NDArray[np.float64],
    theta: NDArray[np.float64],
    n_models: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], float]:
    """Per model: the cohort's summed score residual under ``theta`` and its empirical-null p.

    ``a, b, score`` are the cohort's votes (model codes and A's score, ties 0.5); ``theta`` the
    strengths fitted on the *other* cohort. Null hypothesis: the cohort's votes on each model follow
    ``theta`` up to a common overdispersion ``phi`` (estimated across models as
    ``max(1, median(z^2) / median(χ²₁))``). Returns (z, p, battles per model, phi).
    """
    p_a = special.expit(theta[a] - theta[b])
    resid = score - p_a
    var = p_a * (1.0 - p_a)
    s = np.bincount(a, weights=resid, minlength=n_models) - np.bincount(
        b, weights=resid, minlength=n_models
    )
    v = np.bincount(a, weights=var, minlength=n_models) + np.bincount(
        b, weights=var, minlength=n_models
    )
    h = (np.bincount(a, minlength=n_models) + np.bincount(b, minlength=n_models)).astype(float)
    z = np.divide(s, np.sqrt(v), out=np.zeros(n_models), where=v > 0)
    informed = v > 0
    phi = empirical_null_phi(z[informed] ** 2)
    p = np.where(informed, 2.0 * stats.norm.sf(np.abs(z) / np.sqrt(phi)), 1.0)
    return z, np.asarray(p, dtype=np.float64), h, phi


def _all_win_accounts(
    account: NDArray[np.int64],
    a: NDArray[np.int64],
    b: NDArray[np.int64],
    score: NDArray[np.float64],
    model: int,
    theta: NDArray[np.float64],
    share: float,
    tie_rate: float,
    n_accounts: int,
) -> tuple[NDArray[np.bool_], NDArray[np.float64], float]:
    """Accounts whose every vote is a win of ``model``; each one's honest log-likelihood; ``q``.

    Honest: a vote involves ``model`` with probability ``share`` and ``model`` wins it with the
    BT-with-ties-as-half probability ``sigma(d) - t / 2`` (the audit's outcome model). ``q`` is the
    honest chance that one vote is a win of ``model`` (``share`` times the mean win probability
    over the model's battles here).
    """
    other = np.where(a == model, b, a)
    involved = (a == model) | (b == model)
    won = np.where(a == model, score == 1.0, (b == model) & (score == 0.0))
    votes = np.bincount(account, minlength=n_accounts)
    wins = np.bincount(account, weights=won.astype(np.float64), minlength=n_accounts)
    sig = special.expit(theta[model] - theta[other])
    p_win = sig - np.minimum(tie_rate, 1.98 * np.minimum(sig, 1.0 - sig)) / 2.0
    log_honest = np.bincount(
        account,
        weights=np.where(involved, np.log(max(share, 1e-12)) + np.log(np.maximum(p_win, 1e-12)), 0),
        minlength=n_accounts,
    )
    q = share * float(np.mean(p_win[involved])) if involved.any() else 0.0
    candidate = np.asarray((votes > 0) & (wins == votes), dtype=bool)
    return candidate, np.asarray(log_honest, dtype=np.float64), q


def swarm_posterior(
    account: NDArray[np.int64],
    a: NDArray[np.int64],
    b: NDArray[np.int64],
    score: NDArray[np.float64],
    model: int,
    theta: NDArray[np.float64],
    share: NDArray[np.float64],
    tie_rate: float,
    *,
    reference: NDArray[np.int64] | None = None,
    max_iter: int = 200,
) -> tuple[NDArray[np.float64], float]:
    """Per new account (codes ``account`` of the new cohort's votes): P(swarm | its votes).

    Mixture of two types (the null is the first): an honest newcomer's vote involves ``model``
    with probability ``share[model]`` and, when it does, ``model`` wins with the established fit's
    ``sigma(theta_m - theta_o) - tie_rate / 2``; a swarm account votes only in ``model``'s battles
    and always for it. Only accounts whose every vote is a win of ``model`` can be swarm. Honest
    people are not independent vote by vote (a specialist meets the same models again), so the
    honest chance of an all-wins account of ``k`` votes is calibrated on the ``reference`` models
    (not flagged): ``c_k`` = median over them of observed / predicted all-wins accounts of ``k``
    votes. The swarm share ``pi`` among accounts is the maximum-likelihood EM fit. Returns
    (posterior per account code, ``pi``).
    """
    n_accounts = int(account.max()) + 1 if account.size else 0
    posterior = np.zeros(n_accounts)
    if n_accounts == 0:
        return posterior, 0.0
    votes = np.bincount(account, minlength=n_accounts)
    candidate, log_honest, _ = _all_win_accounts(
        account, a, b, score, model, theta, float(share[model]), tie_rate, n_accounts
    )
    if not candidate.any():
        return posterior, 0.0
    top = int(votes.max())
    calibration = np.ones(top + 1)
    ratios: list[NDArray[np.float64]] = []
    for ref in (reference if reference is not None else np.zeros(0, dtype=np.int64)).tolist():
        ref_cand, _, q = _all_win_accounts(
            account, a, b, score, ref, theta, float(share[ref]), tie_rate, n_accounts
        )
        observed = np.bincount(votes[ref_cand], minlength=top + 1).astype(np.float64)
        expected = np.bincount(votes, minlength=top + 1) * q ** np.arange(top + 1)
        ratios.append(np.divide(observed, expected, out=np.ones(top + 1), where=expected > 0))
    if ratios:
        calibration = np.maximum(np.median(np.stack(ratios), axis=0), 1.0)
    log_honest = log_honest + np.log(calibration[votes])
    # One swarm share per account size k: swarm accounts are not sized like honest newcomers.
    lr = np.exp(np.minimum(-log_honest, 700.0))  # L_swarm / L_honest (L_swarm = 1)
    pi_total = 0.0
    for size in range(1, top + 1):
        members = candidate & (votes == size)
        n_size = int((votes == size).sum())
        if not members.any():
            continue
        pi = _em_share(lr[members], n_size, max_iter)
        posterior[members] = pi * lr[members] / (pi * lr[members] + (1.0 - pi))
        pi_total += pi * n_size
    return posterior, pi_total / n_accounts


def _em_share(lr: NDArray[np.float64], n_all: int, max_iter: int) -> float:
    """EM fit of the swarm share among ``n_all`` accounts, of which these candidates have ``lr``."""
    pi = 0.5 * lr.size / n_all
    for _ in range(max_iter):
        r = pi * lr / (pi * lr + (1.0 - pi))
        new_pi = float(r.sum()) / n_all
        if abs(new_pi - pi) < 1e-12:
            return new_pi
        pi = new_pi
    return pi


def _down_weights(
    cfg: PopulationConfig,
    flagged: NDArray[np.bool_],
    new: NDArray[np.bool_],
    voter_codes: NDArray[np.int32],
    a: NDArray[np.int64],
    b: NDArray[np.int64],
    score: NDArray[np.float64],
    theta_est: NDArray[np.float64],
    lifted: NDArray[np.bool_],
) -> tuple[NDArray[np.float64], dict[str, Any], _Bounds | None]:
    """Each vote's weight in the down-weighted refit, per ``down_weight_mode``; its stats; and
    (``excess`` only) the weights with one standard error less and more removed."""
    if cfg.down_weight_mode == "cohort":
        touched = new & (flagged[a] | flagged[b])
        weights = np.where(touched, cfg.down_weight, 1.0)
        return weights, {"down_weighted_votes": int(touched.sum())}, None
    if cfg.down_weight_mode == "excess":
        return _excess_weights(flagged, new, voter_codes, a, b, score, theta_est, lifted)
    k = flagged.size
    w = np.ones(a.size)
    rows = np.flatnonzero(new)
    account, _ = pd.factorize(voter_codes[rows])
    share = (np.bincount(a, minlength=k) + np.bincount(b, minlength=k)) / max(a.size, 1)
    tie_rate = float(np.mean(score == 0.5)) if score.size else 0.0
    swarm = 0.0
    reference = np.flatnonzero(~flagged).astype(np.int64)
    for model in np.flatnonzero(flagged).tolist():
        posterior, _ = swarm_posterior(
            account.astype(np.int64),
            a[rows],
            b[rows],
            score[rows],
            model,
            theta_est,
            share,
            tie_rate,
            reference=reference,
        )
        w[rows] = np.minimum(w[rows], 1.0 - posterior[account])
        swarm += float(posterior.sum())
    stats_w = {
        "down_weighted_votes": int((w < 1.0).sum()),
        "swarm_accounts_estimated": round(swarm, 3),
    }
    return w, stats_w, None


_Bounds = tuple[NDArray[np.float64], NDArray[np.float64]]


def _opponent_weights(
    removed: float, pairing: NDArray[np.float64], votes_per_opponent: NDArray[np.float64]
) -> NDArray[np.float64]:
    """One weight per opponent: ``removed`` votes spread by the arena's pairing."""
    share = np.divide(
        removed * pairing,
        votes_per_opponent,
        out=np.zeros(pairing.size),
        where=votes_per_opponent > 0,
    )
    return np.asarray(np.clip(1.0 - share, 0.0, 1.0), dtype=np.float64)


def _excess_weights(
    flagged: NDArray[np.bool_],
    new: NDArray[np.bool_],
    voter_codes: NDArray[np.int32],
    a: NDArray[np.int64],
    b: NDArray[np.int64],
    score: NDArray[np.float64],
    theta_est: NDArray[np.float64],
    lifted: NDArray[np.bool_],
) -> tuple[NDArray[np.float64], dict[str, Any], _Bounds]:
    """Weights removing, per flagged model, its estimated excess of new-cohort votes.

    :func:`auditkit.stats.cohort_excess.excess_votes` estimates how many of the new cohort's
    wins (losses, when the cohort pulls the model down) of model m no honest newcomer would have
    cast; each such new-cohort vote then weighs ``1 - excess / candidates``, so the refit keeps
    in expectation the honest newcomers' share of them. Which account cast which vote is not
    guessed: one-vote accounts are indistinguishable, and no vote is singled out. The estimate's
    uncertainty is carried along: the same weights with one standard error less and more removed
    (the third value) give the down-weighted rating's own spread.
    """
    w = np.ones(a.size)
    w_less, w_more = np.ones(a.size), np.ones(a.size)
    na, nb, ns = a[new], b[new], score[new]
    reference = ~flagged
    est_a, est_b = a[~new], b[~new]
    account = pd.factorize(voter_codes[new])[0].astype(np.int64)
    per_model: dict[int, Any] = {}
    total = 0.0
    for model in np.flatnonzero(flagged).tolist():
        in_m = (na == model) | (nb == model)
        mine = np.where(na == model, ns, 1.0 - ns)
        lift = bool(lifted[model])
        est = excess_votes(na, nb, ns, theta_est, model, reference, est_a, est_b, lift=lift)
        floor = all_win_floor(
            account, na, nb, ns, model, reference, est_a, est_b, score[~new], lift=lift
        )
        kind = in_m & (mine == (1.0 if lift else 0.0))
        removed = min(floored_excess(est.votes, est.se, floor.votes), float(est.candidates))
        # The swarm is served battles like everyone: its excess against each opponent follows the
        # arena's pairing (the established cohort's share of m's battles against that opponent).
        k = flagged.size
        opponent = np.where(na == model, nb, na)
        est_opp = np.where(est_a == model, est_b, est_a)[(est_a == model) | (est_b == model)]
        pairing = np.bincount(est_opp, minlength=k) / max(est_opp.size, 1)
        votes_per_opponent = np.bincount(opponent[kind], minlength=k).astype(np.float64)
        weight = _opponent_weights(removed, pairing, votes_per_opponent)
        rows = np.flatnonzero(new)[kind]
        w[rows] = np.minimum(w[rows], weight[opponent[kind]])
        for bound, step in ((w_less, -est.se), (w_more, est.se)):
            moved = float(np.clip(removed + step, 0.0, est.candidates))
            bound[rows] = np.minimum(
                bound[rows], _opponent_weights(moved, pairing, votes_per_opponent)[opponent[kind]]
            )
        total += removed
        served = np.flatnonzero(votes_per_opponent > 0)
        per_model[int(model)] = {
            "direction": "lift" if lift else "sink",
            **asdict(est),
            # The traces' estimate (``votes``) and the all-win floor give what is removed.
            "removed": removed,
            "all_win_floor": floor.votes,
            "all_win_observed": floor.observed,
            "all_win_expected": floor.expected,
            # Which votes, and how much each counts: the new cohort's votes where the model won
            # (lift) or lost (sink) against this opponent all weigh this much in the refit.
            "by_opponent": [
                (int(o), int(votes_per_opponent[o]), round(float(weight[o]), 6))
                for o in served.tolist()
            ],
        }
    stats_w = {
        "down_weighted_votes": int((w < 1.0).sum()),
        "swarm_votes_estimated": round(total, 3),
        "excess": per_model,
    }
    return w, stats_w, (w_less, w_more)


def audit_population(battles: BattleTable, rules: RulePack) -> PopulationAudit:
    """Compare every model's results among new accounts with established voters' (module doc)."""
    cfg = PopulationConfig.from_rules(rules)
    if not cfg.enabled:
        return PopulationAudit(False, pd.DataFrame(), notes=("disabled in the rule pack",))
    if not battles.voters_usable:
        why = battles.voter_note or f"voter status is {battles.voter_status.value}"
        return PopulationAudit(False, pd.DataFrame(), notes=(f"voters unusable ({why})",))
    frame = battles.frame
    # Integer codes over whole columns, then the usable rows by position: no copy of the table
    # and no Python object per row (10M votes were a 1.3 GiB copy and a dict lookup per name).
    # The voter codes are the table's shared ones (int32, -1 where missing; the loader computed
    # them already), so no second hash table of 10M voter ids is built here.
    voter_all = battles.codes.voter
    all_models = battles.codes.models  # sorted; the codes below index it (-1 where missing)
    a_all = battles.codes.model_a
    b_all = battles.codes.model_b
    winner_codes = np.asarray(frame["winner"].cat.codes)  # int8
    ok = (voter_all >= 0) & (a_all >= 0) & (b_all >= 0) & (a_all != b_all)
    ok &= winner_codes >= 0
    rows = np.flatnonzero(ok)
    del ok
    if rows.size == 0:
        return PopulationAudit(False, pd.DataFrame(), notes=("no battles with a voter id",))
    present = np.zeros(len(all_models), dtype=bool)
    present[a_all[rows]] = True
    present[b_all[rows]] = True
    models = [m for m, here in zip(all_models, present, strict=True) if here]
    k = len(models)
    recode = np.cumsum(present) - 1  # sorted names of all rows → sorted names of usable rows
    a = recode[a_all[rows]]
    b = recode[b_all[rows]]
    del a_all, b_all
    score = _SCORE_OF_WINNER[winner_codes[rows]]
    del winner_codes
    voter_codes = voter_all[rows]
    del voter_all
    per_voter = np.bincount(voter_codes)
    new = per_voter[voter_codes] <= cfg.new_max_votes
    per_voter = per_voter[per_voter > 0]  # voters with usable votes only
    stats_out: dict[str, Any] = {
        "new_max_votes": cfg.new_max_votes,
        "new_votes": int(new.sum()),
        "established_votes": int((~new).sum()),
        "new_accounts": int((per_voter <= cfg.new_max_votes).sum()),
        "policy": cfg.policy,
    }
    if new.sum() == 0 or (~new).sum() == 0:
        note = "one cohort is empty: nothing to compare"
        return PopulationAudit(False, pd.DataFrame(), stats=stats_out, notes=(note,))
    theta_all = _fit(a, b, score, None, k)
    pullers, puller_weights = _puller_check(rules, voter_codes, a, b, score, theta_all, models)
    # Each usable vote's row in the frame, kept only when some rows were left out (so that at
    # 10M votes the time test below runs without a second 80 MB array of row numbers).
    positions = None if rows.size == len(frame) else rows
    del rows
    over_time = time_shift_test(
        a,
        b,
        score,
        _usable_times(frame, positions),
        theta_all,
        models,
        n_bins=cfg.time_bins,
        fdr=cfg.fdr,
        min_shift_elo=cfg.time_min_shift_elo,
        min_battles=cfg.time_min_battles,
    )
    stats_out["time_phi"] = over_time.phi
    stats_out["time_flagged_models"] = len(over_time.flagged_models)
    # The established cohort's fit: the new cohort weighs zero (no copy of the votes).
    theta_est = _fit(a, b, score, (~new).astype(np.float64), k)
    shift = (theta_all - theta_all.mean() - (theta_est - theta_est.mean())) * _ELO
    z, z_count, z_both, p, q, h, phi, count_phi, reject = _cohort_evidence(
        cfg, a, b, score, new, theta_est
    )
    enough = h >= cfg.min_new_battles
    flagged = reject & enough & (np.abs(shift) >= cfg.min_shift_elo)
    table = pd.DataFrame(
        {
            "model": models,
            "new_battles": h.astype(np.int64),
            "z": z,
            "z_count": z_count,
            "z_combined": z_both,
            "p_value": p,
            "q_value": q,
            "rating_all": theta_all * _ELO,
            "rating_established": theta_est * _ELO,
            "shift_elo": shift,
            "flagged": flagged,
        }
    )
    stats_out.update({"phi": phi, "count_phi": count_phi, "flagged_models": int(flagged.sum())})
    weighted: dict[str, float] = {}
    vote_weights = pd.DataFrame(columns=["vote_id", "model_a", "model_b", "weight"])
    if flagged.any():
        w, weight_stats, bounds = _down_weights(
            cfg, flagged, new, voter_codes, a, b, score, theta_est, z > 0
        )
        theta_w = _fit(a, b, score, w, k)
        if bounds is not None:
            # The down-weighted rating's spread from the excess estimate's own standard error.
            less, more = (_fit(a, b, score, x, k) for x in bounds)
            for model, entry in weight_stats["excess"].items():
                entry["rating_se_elo"] = abs(float(more[model] - less[model])) * _ELO / 2.0
        stats_out.update(_named_weight_stats(weight_stats, models))
        weighted = {m: float(x) for m, x in zip(models, theta_w * _ELO, strict=True)}
        vote_weights = _vote_weights(frame, w, a, b, models, positions)
    return PopulationAudit(
        True,
        table,
        stats=stats_out,
        down_weighted_ratings=weighted,
        time_table=over_time.table,
        vote_weights=vote_weights,
        pullers=pullers,
        puller_vote_weights=_vote_weights(frame, puller_weights, a, b, models, positions),
    )


def _usable_times(frame: pd.DataFrame, positions: NDArray[np.int64] | None) -> NDArray[np.float64]:
    """The usable votes' timestamps (NaN where missing). A float64 column is read in place (the
    time test only reads it): no NaN-filled copy of 10M timestamps."""
    column = frame["tstamp"]
    if column.dtype == np.float64:
        tstamp = column.to_numpy()
    else:
        tstamp = column.to_numpy(dtype=np.float64, na_value=np.nan)
    return tstamp if positions is None else tstamp[positions]


def _puller_check(
    rules: RulePack,
    voter_codes: NDArray[np.int32],
    a: NDArray[np.int64],
    b: NDArray[np.int64],
    score: NDArray[np.float64],
    theta_all: NDArray[np.float64],
    models: list[str],
) -> tuple[PullerAudit | None, NDArray[np.float64] | None]:
    """The puller check (:mod:`auditkit.voters.pullers`) on the usable votes, and each vote's
    weight in its down-weighted refit (``None``, all one, when it is off or flags nothing)."""
    cfg = PullerConfig.from_rules(rules)
    if not cfg.enabled:
        return None, None
    k = len(models)
    result = audit_pullers(
        voter_codes,
        a,
        b,
        score,
        theta_all,
        models,
        lambda w: _fit(a, b, score, w, k),
        cfg,
    )
    return result, result.weights


def _cohort_evidence(
    cfg: PopulationConfig,
    a: NDArray[np.int64],
    b: NDArray[np.int64],
    score: NDArray[np.float64],
    new: NDArray[np.bool_],
    theta_est: NDArray[np.float64],
) -> tuple[Any, ...]:
    """Per model: outcome z, count z, combined z, p, q, new battles, both nulls' phi, rejected.

    The empirical nulls' spreads (``phi``) are first taken over every model. A swarm's wins are its
    opponents' losses and its battles their battles too, so a swarm widens every model's z and
    with it the null, hiding a second, smaller swarm. So the spreads are estimated again on the
    battles without the rejected models, until the rejected set no longer changes (at most three
    rounds): the null describes the honest models, as in :mod:`auditkit.stats.cohort_excess`.
    With nothing rejected in the first round (an honest arena), nothing changes.
    """
    k = theta_est.size
    na, nb, ns = a[new], b[new], score[new]
    ea, eb = a[~new], b[~new]
    z_all, _, h, phi = cohort_shift_test(na, nb, ns, theta_est, k)
    z_count_scaled, count_phi = cohort_count_test(na, nb, ea, eb, k)
    count_all = z_count_scaled * np.sqrt(count_phi)
    z, count_raw = z_all, count_all
    enough = h >= cfg.min_new_battles
    suspects = np.zeros(k, dtype=bool)
    for _ in range(3):
        if suspects.any():
            # The other models are tested, and the nulls' spreads measured, on their battles
            # without the suspects; a suspect keeps its own whole-cohort z.
            keep = ~(suspects[na] | suspects[nb])
            keep_est = ~(suspects[ea] | suspects[eb])
            z_clean, _, _, phi = cohort_shift_test(na[keep], nb[keep], ns[keep], theta_est, k)
            scaled, count_phi = cohort_count_test(na[keep], nb[keep], ea[keep_est], eb[keep_est], k)
            z = np.where(suspects, z_all, z_clean)
            count_raw = np.where(suspects, count_all, scaled * np.sqrt(count_phi))
        z_outcome = z / np.sqrt(phi)
        z_count = count_raw / np.sqrt(count_phi)
        if cfg.count_trace:
            z_both, p = combine_traces(z_outcome, z_count)
        else:
            z_both, p = z_outcome, 2.0 * stats.norm.sf(np.abs(z_outcome))
        reject, q = benjamini_hochberg(np.where(enough, p, 1.0), cfg.fdr)
        rejected = np.asarray(reject & enough, dtype=bool)
        if np.array_equal(rejected, suspects):
            break
        suspects = rejected
    return z, z_count, z_both, p, q, h, phi, count_phi, reject


def _named_weight_stats(weight_stats: dict[str, Any], models: list[str]) -> dict[str, Any]:
    """The down-weighting stats with model names for model codes (summary and report read them)."""
    for entry in weight_stats.get("excess", {}).values():
        entry["by_opponent"] = [
            {"opponent": models[o], "votes": n, "weight": x} for o, n, x in entry["by_opponent"]
        ]
    if "excess" in weight_stats:
        weight_stats["excess"] = {models[i]: e for i, e in weight_stats["excess"].items()}
    return weight_stats


def _vote_weights(
    frame: pd.DataFrame,
    w: NDArray[np.float64] | None,
    a: NDArray[np.int64],
    b: NDArray[np.int64],
    models: list[str],
    positions: NDArray[np.int64] | None,
) -> pd.DataFrame:
    """Every down-weighted vote by id, with its models and weight (traceable to the votes);
    ``w`` None: none is."""
    touched = np.flatnonzero(w < 1.0) if w is not None else np.zeros(0, dtype=np.intp)
    at = touched if positions is None else positions[touched]
    return pd.DataFrame(
        {
            "vote_id": frame["vote_id"].iloc[at].astype(str).to_numpy(),
            "model_a": np.asarray(models, dtype=object)[a[touched]],
            "model_b": np.asarray(models, dtype=object)[b[touched]],
            "weight": w[touched] if w is not None else np.zeros(0),
        }
    )
