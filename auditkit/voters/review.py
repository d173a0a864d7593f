"""Review evidence as prior weights: who deserves a closer look, never a reason to invalidate alone.

Some evidence about a voter says nothing about *how* they vote: casting votes at machine pace, or
asking the models "who made you?" again and again before voting (issue 19: identity probes go to
the voter audit as evidence). Neither distorts a rating by itself — several people behind one
address vote fast, a curious person asks a model its name — so neither invalidates a vote. But an
account that does either and *also* pulls ratings is far likelier an attacker than a person with
the same pull and neither habit.

That is prior information, and weighted Benjamini-Hochberg (Genovese, Roeder & Wasserman 2006,
"False discovery control with p-value weighting") is the valid way to use it: voter ``i``'s harm
p-value is compared with ``fdr * R * w_i / m`` instead of ``fdr * R / m``, with weights that average
one over the audited voters. FDR stays controlled when the weights are independent of the harm
p-values under the null — here: an honest voter's pace and prompts say nothing about which side
their votes take. A reviewed voter with no harm evidence (p-values uniform) is never flagged more
than ``weight`` times as often as before; one whose votes pull ratings needs ``weight`` times less
of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from auditkit.errors import RuleError
from auditkit.lazy import lazy_module
from auditkit.rulepack import RulePack
from auditkit.stats.betabinom import betabinom_sf
from auditkit.stats.population_nulls import binomial_overdispersion
from auditkit.stats.voter_tests import benjamini_hochberg
from auditkit.typing import Codes

if TYPE_CHECKING:
    from scipy import stats
else:
    stats = lazy_module("scipy.stats")  # imported on first use (auditkit.lazy)

__all__ = [
    "ReviewWeights",
    "probing_votes",
    "repeat_probers",
    "review_weights",
    "weighted_benjamini_hochberg",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


# The largest share of the weighted-BH alpha budget that reviewed voters can take together.
MAX_REVIEW_SHARE = 0.25


@dataclass(frozen=True)
class ReviewWeights:
    """Per audited voter: the BH weight, and which review evidence raised it."""

    weight: FloatArray
    machine_pace: BoolArray
    repeat_prober: BoolArray


def repeat_probers(
    probes: FloatArray, n_votes: FloatArray, *, repeat_min: int, alpha: float
) -> BoolArray:
    """Voters who probe identities more than honest people do, at least ``repeat_min`` times.

    People ask a model who it is now and then (curiosity, a test of the arena). Null hypothesis:
    the voter's probing rate is a draw from the audited population's Beta (beta-binomial around the
    population's pooled rate, intra-voter correlation estimated from every voter: the curious
    are the honest tail, not suspects); one-sided, a repeat prober's upper-tail p is at most
    ``alpha``.
    """
    k = np.asarray(probes, dtype=np.float64)
    n = np.asarray(n_votes, dtype=np.float64)
    if k.size == 0 or n.sum() <= 0:
        return np.zeros(k.size, dtype=bool)
    rate = float(np.clip(k.sum() / n.sum(), 1e-6, 1 - 1e-6))
    rho = binomial_overdispersion(k, n, np.full(k.size, rate), trim=False)
    n_int = n.astype(np.int64)
    if rho <= 1e-9:
        upper = stats.binom.sf(k - 1, n_int, rate)
    else:
        scale = (1.0 - rho) / rho
        upper = betabinom_sf(k - 1, n_int, rate * scale, (1.0 - rate) * scale)
    return np.asarray((k >= max(repeat_min, 1)) & (upper <= alpha), dtype=bool)


def review_weights(
    p_speed: FloatArray,
    prober: BoolArray,
    *,
    weight: float,
    pace_alpha: float,
) -> ReviewWeights:
    """Weights averaging one: up to ``weight`` for voters with review evidence, about one for others.

    Review evidence: the speed test at ``p <= pace_alpha`` (gaps no single person keeps), or a
    repeat prober (:func:`repeat_probers`). Reviewed voters together hold at most
    ``MAX_REVIEW_SHARE`` of the weight; the others share the rest equally (at least
    ``1 - MAX_REVIEW_SHARE`` each). ``weight <= 1`` (or nobody, or everybody, with evidence) gives
    every voter weight one, i.e. plain BH.
    """
    p_speed = np.asarray(p_speed, dtype=np.float64)
    pace = p_speed <= pace_alpha
    prober = np.asarray(prober, dtype=bool)
    marked = pace | prober
    m = p_speed.size
    r = int(marked.sum())
    w = np.ones(m)
    if weight > 1.0 and 0 < r < m:
        # Reviewed voters take at most MAX_REVIEW_SHARE of the alpha budget, so a night where
        # many voters are fast (a class behind one address) does not starve everyone else.
        w_marked = min(float(weight), MAX_REVIEW_SHARE * m / r)
        w_marked = max(w_marked, 1.0)
        w = np.where(marked, w_marked, (m - r * w_marked) / (m - r))
    return ReviewWeights(weight=w, machine_pace=pace, repeat_prober=prober)


def weighted_benjamini_hochberg(
    p_values: FloatArray, weights: FloatArray, fdr: float
) -> tuple[BoolArray, FloatArray, FloatArray]:
    """Weighted BH: BH on ``p_i / w_i`` (weights averaging one). Returns (reject, q, threshold).

    ``threshold[i] = fdr * R * w_i / m`` is the p-value at which voter ``i``'s evidence sufficed
    (``R`` rejections among ``m``); with all weights one this is plain BH (statsmodels ``fdr_bh``).
    """
    p = np.asarray(p_values, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    m = p.size
    if m == 0:
        return np.zeros(0, dtype=bool), np.zeros(0), np.zeros(0)
    reject, q = benjamini_hochberg(np.minimum(1.0, p / w), fdr)
    threshold = fdr * max(int(reject.sum()), 1) * w / m
    return reject, q, threshold


def probing_votes(
    frame: pd.DataFrame, positions: Codes, rules: RulePack
) -> tuple[FloatArray | None, int]:
    """Whether each vote (rows ``positions`` of ``frame``) opens with an identity probe.

    The probing rows the ``identity_probe`` detector reports
    (:func:`~auditkit.identity.text.probing_rows`: the table is searched once for both). Returns
    (1.0/0.0 per vote, or None without conversation text or identity rules; the pack's
    ``probe_repeat_min``).
    """
    if "conversation_a" not in frame.columns or not rules.sections_under("identity"):
        return None, 0
    from auditkit.identity.lexicon import load_identity_rules, probe_repeat_min
    from auditkit.identity.text import probing_rows

    try:
        probes = load_identity_rules(rules).probes
        repeat_min = probe_repeat_min(rules)
    except RuleError:
        return None, 0
    # The same rows the identity_probe detector reports (one search of the table for both).
    probing = probing_rows(frame, probes).mask(len(frame))
    return probing[positions].astype(np.float64), repeat_min
