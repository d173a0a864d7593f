"""Population check: does a model's rating rest on a few established voters who pull for it?

Per-voter tests see one account at a time; an attacker who has read them spreads a campaign over
accounts that each stay near honest taste (camouflage with cover votes, the target's battles at
their natural share, a vote for it on only some of them, over a dozen or more accounts). What the
campaign cannot hide is where the model's rating comes from: a crowd of voters whose pulls *for*
the model (:mod:`auditkit.stats.puller_influence`: each voter's Bradley-Terry score of the model,
i.e. how far removing them would move it, standardised by its own noise) make a tail that the
other side does not mirror, beyond the tail every model shows. The test and its null are in that
module's docstring (symmetric pulls; a tail pooled across models; an empirical null across models;
Bonferroni over the cut ladder; the ``puller_fans`` largest pulls on each side set aside, so a few
strong honest fans are never judged here); Benjamini-Hochberg runs across models at
``puller_fdr``.

Down-weighting: the voters beyond the best cut on the flagged side get one weight in the model's
battles, chosen so that their pull matches the other side's tail beyond the same cut (what the
symmetric null expects), settled over ``puller_rounds`` refits (pulls are measured at a fit the
pullers moved). Effect-size floor: a model is flagged only when that down-weighted rating differs
from the all-votes rating by at least ``puller_min_shift_se`` of its standard error
(``1 / sqrt(I)`` in rating points): a smaller move does not change what the leaderboard says.

Policy (``puller_policy``): ``report``, ``provisional`` (hold the rating as provisional) or
``down_weight`` (the down-weighted rating is the one to read). No vote is ever invalidated on this
evidence: the pullers are honest-looking one by one, and honest fans of the model may be among
them. Every down-weighted vote is listed with its weight.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from auditkit.errors import RuleError
from auditkit.lazy import lazy_module
from auditkit.rulepack import RulePack, require
from auditkit.stats.puller_influence import (
    DEFAULT_CUTS,
    puller_test,
    standardised_pulls,
    voter_model_pulls,
)
from auditkit.stats.voter_tests import benjamini_hochberg

if TYPE_CHECKING:
    from scipy import special
else:
    special = lazy_module("scipy.special")  # imported on first use (auditkit.lazy)

__all__ = ["PULLER_POLICIES", "PullerAudit", "PullerConfig", "audit_pullers"]

PULLER_POLICIES = ("report", "provisional", "down_weight")
_ELO = 400.0 / np.log(10.0)
VoterCodes = NDArray[np.int32] | NDArray[np.int64]
Fit = Callable[[NDArray[np.float64] | None], NDArray[np.float64]]


@dataclass(frozen=True)
class PullerConfig:
    """The ``puller_*`` keys of the rule pack's ``population`` section."""

    enabled: bool = True
    fdr: float = 0.01
    min_shift_se: float = 1.0
    min_voters: int = 50
    min_variance: float = 2.0
    fans: int = 5
    rounds: int = 4
    policy: str = "provisional"
    severity: str = "medium"

    @classmethod
    def from_rules(cls, rules: RulePack) -> PullerConfig:
        section = rules.section("population", default={})
        where = rules.where("population")

        def get(key: str, kind: type | tuple[type, ...], default: object) -> object:
            return require(section, f"puller_{key}", kind, where=where, default=default)

        policy = str(get("policy", str, "provisional"))
        if policy not in PULLER_POLICIES:
            raise RuleError(
                f"key 'puller_policy' must be one of {', '.join(PULLER_POLICIES)}", path=where
            )
        fdr = float(get("fdr", (int, float), 0.01))  # type: ignore[arg-type]
        if not 0.0 < fdr < 1.0:
            raise RuleError("key 'puller_fdr' must be in (0, 1)", path=where)
        min_shift = float(get("min_shift_se", (int, float), 1.0))  # type: ignore[arg-type]
        if min_shift < 0.0:
            raise RuleError("key 'puller_min_shift_se' must be >= 0", path=where)
        min_voters = int(get("min_voters", int, 50))  # type: ignore[call-overload]
        min_variance = float(get("min_variance", (int, float), 2.0))  # type: ignore[arg-type]
        fans = int(get("fans", int, 5))  # type: ignore[call-overload]
        rounds = int(get("rounds", int, 4))  # type: ignore[call-overload]
        if min_voters < 3 or min_variance <= 0.0 or fans < 0 or rounds < 1:
            raise RuleError(
                "keys 'puller_min_voters' >= 3, 'puller_min_variance' > 0, 'puller_fans' >= 0, 'puller_rounds' >= 1",
                path=where,
            )
        return cls(
            enabled=bool(get("enabled", bool, True)),
            fdr=fdr,
            min_shift_se=min_shift,
            min_voters=min_voters,
            min_variance=min_variance,
            fans=fans,
            rounds=rounds,
            policy=policy,
            severity=str(get("severity", str, "medium")),
        )


@dataclass(frozen=True)
class PullerAudit:
    """Per model (``table``), the down-weighted ratings and each vote's weight (usable rows;
    ``None`` when no model is flagged: every weight is one, and at 10M votes an array of ones
    would be 80 MB held for nothing)."""

    table: pd.DataFrame
    weights: NDArray[np.float64] | None
    down_weighted_ratings: dict[str, float]
    policy: str = "provisional"

    @property
    def flagged_models(self) -> list[str]:
        if not len(self.table):
            return []
        return sorted(self.table.loc[self.table["flagged"], "model"].astype(str))


def _pullers(
    model: int,
    lift: bool,
    cut: float,
    min_variance: float,
    pair_voter: NDArray[np.int64],
    pair_model: NDArray[np.int64],
    g: NDArray[np.float64],
    var: NDArray[np.float64],
) -> NDArray[np.int64]:
    """The voters whose standardised pull on ``model`` lies beyond ``cut`` the flagged way."""
    mine = pair_model == model
    std = standardised_pulls(g[mine] if lift else -g[mine], var[mine], min_variance)
    return pair_voter[mine][std > cut]


def _settled_weight(
    model: int,
    lift: bool,
    pullers: NDArray[np.int64],
    votes: tuple[VoterCodes, NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]],
    theta: NDArray[np.float64],
    fit: Fit,
    cut: float,
    floor: float,
    rounds: int,
) -> tuple[float, NDArray[np.float64]]:
    """The pullers' weight in ``model``'s battles, and the refit with it.

    The weight is the summed pull of the voters beyond the same cut the other way (standardised
    pulls, voters with a pull variance of at least ``floor``) over the pullers' pull: their weighted
    pull then equals the other side's tail, which is what the sign-symmetric null expects of it. Pulls are measured at the fit, which the pullers moved, so the
    weight is settled by refitting with it and measuring again (``rounds`` times).
    """
    voter, a, b, score = votes
    rows = np.flatnonzero((a == model) | (b == model))
    who, code = np.unique(voter[rows], return_inverse=True)
    is_puller = np.isin(who, pullers)
    sign = 1.0 if lift else -1.0
    weight = 1.0
    refit = theta
    for _ in range(rounds):
        p_a = special.expit(refit[a[rows]] - refit[b[rows]])
        resid = sign * np.where(a[rows] == model, score[rows] - p_a, p_a - score[rows])
        per_voter = np.bincount(code, weights=resid, minlength=who.size)
        spread = np.bincount(code, weights=p_a * (1.0 - p_a), minlength=who.size)
        pull_for = float(per_voter[is_puller].sum())
        # The other side's tail beyond the same cut: what the pullers' side would hold if the
        # pulls were symmetric.
        std = standardised_pulls(per_voter, spread, floor)
        against = float(-per_voter[~is_puller & (std < -cut)].sum())
        weight = float(np.clip(against / pull_for, 0.0, 1.0)) if pull_for > 0 else 1.0
        refit = fit(_vote_weights(model, pullers, weight, voter, a, b))
    return weight, refit


def audit_pullers(
    voter: VoterCodes,
    a: NDArray[np.int64],
    b: NDArray[np.int64],
    score: NDArray[np.float64],
    theta_all: NDArray[np.float64],
    models: list[str],
    fit: Fit,
    cfg: PullerConfig,
) -> PullerAudit:
    """Test every model for a rating that rests on a few pullers; down-weight the flagged ones.

    ``voter, a, b, score``: the usable votes (codes; A's score, ties 0.5); ``theta_all`` the
    all-votes fit; ``fit(weights)`` refits with per-vote weights (natural-log strengths).
    """
    k_models = len(models)
    pair_voter, pair_model, g, var, info = voter_model_pulls(
        voter, a, b, score, theta_all, k_models, cfg.min_variance
    )
    test = puller_test(
        pair_model,
        g,
        var,
        info,
        k_models,
        cuts=DEFAULT_CUTS,
        min_voters=cfg.min_voters,
        min_variance=cfg.min_variance,
        fans=cfg.fans,
    )
    reject, q = benjamini_hochberg(test.p_value, cfg.fdr)
    se_elo = np.divide(_ELO, np.sqrt(info), out=np.full(k_models, np.inf), where=info > 0)
    centred = (theta_all - theta_all.mean()) * _ELO
    shift = np.zeros(k_models)
    weight_of = np.ones(k_models)
    chosen: dict[int, NDArray[np.int64]] = {}
    for m in np.flatnonzero(reject).tolist():
        lift = bool(test.z[m] > 0)
        top = _pullers(
            m, lift, float(test.cut[m]), cfg.min_variance, pair_voter, pair_model, g, var
        )
        chosen[m] = top
        weight_of[m], refit = _settled_weight(
            m,
            lift,
            top,
            (voter, a, b, score),
            theta_all,
            fit,
            float(test.cut[m]),
            cfg.min_variance,
            cfg.rounds,
        )
        shift[m] = centred[m] - (refit[m] - refit.mean()) * _ELO
    flagged = np.asarray(reject, dtype=bool) & (np.abs(shift) >= cfg.min_shift_se * se_elo)
    w: NDArray[np.float64] | None = None
    for m in np.flatnonzero(flagged).tolist():
        mine = _vote_weights(m, chosen[m], float(weight_of[m]), voter, a, b)
        w = mine if w is None else np.minimum(w, mine)
    down: dict[str, float] = {}
    theta_w = theta_all if w is None else fit(w)
    if w is not None:
        down = {name: float(x) for name, x in zip(models, theta_w * _ELO, strict=True)}
    table = pd.DataFrame(
        {
            "model": models,
            "direction": np.where(test.z >= 0, "for", "against"),
            "cut": test.cut,
            "regular_voters": test.n_regular,
            "pullers": test.k_pullers,
            "pull_for": test.pull_for,
            "pull_against": test.pull_against,
            "z": test.z,
            "p_value": test.p_value,
            "q_value": q,
            "rating_all": centred,
            "rating_down_weighted": (theta_w - theta_w.mean()) * _ELO,
            "rating_se_elo": se_elo,
            "shift_elo": shift,
            "puller_weight": weight_of,
            "flagged": flagged,
        }
    )
    return PullerAudit(table, w, down, cfg.policy)


def _vote_weights(
    model: int,
    top: NDArray[np.int64],
    weight: float,
    voter: VoterCodes,
    a: NDArray[np.int64],
    b: NDArray[np.int64],
) -> NDArray[np.float64]:
    """Weight ``weight`` for the ``top`` voters' votes in ``model``'s battles, one elsewhere."""
    touched = np.isin(voter, top) & ((a == model) | (b == model))
    return np.where(touched, weight, 1.0)
