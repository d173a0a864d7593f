"""Conditioning a voter's null on their own habits that say nothing about which model is better.

A tie (or "both bad") is half a win for each side: however often a person calls one, their
expected score in every battle is the consensus's. What the tie habit does change is the
*spread* of their scores — someone who skips close calls (never ties) scores 0 or 1 every
time, someone who calls half their battles a tie scores 0.5 half the time — and a test that
measures a voter's taste against the average person's variance mistakes the first for a strong
taste. :func:`own_tie_probs` re-expresses the per-vote null with the voter's own tie
propensity (shrunk toward the arena's) where it *widens* the null, keeping each vote's expected
score. It never tightens it: a heavy tie-caller's taste still moves their expected score by the
full ``s (1 - s)`` per unit of strength while their variance shrinks, so a tighter null would read
an ordinary taste as a strong one (seen on a heavy honest tie-caller, 186 ties in 400 votes).
Pure functions on numpy arrays.
"""

from __future__ import annotations

import numpy as np

from auditkit.stats.voter_tests import OutcomeProbs
from auditkit.typing import FloatArray, IntArray

__all__ = ["own_tie_factor", "own_tie_probs"]


def own_tie_factor(
    voter: IntArray, score: FloatArray, p_tie: FloatArray, n_voters: int, *, prior_ties: float
) -> FloatArray:
    """Per voter: how many times the null's tie probability their own ties are, shrunk.

    ``(ties + prior_ties) / (expected ties + prior_ties)``: a voter with few votes keeps about the
    arena's tie rate, one with hundreds of votes and no tie gets a factor near zero.
    """
    ties = np.bincount(voter, weights=(score == 0.5).astype(np.float64), minlength=n_voters)
    expected = np.bincount(voter, weights=p_tie, minlength=n_voters)
    prior = max(float(prior_ties), 1e-9)
    return np.asarray((ties + prior) / (expected + prior), dtype=np.float64)


def own_tie_probs(
    probs: OutcomeProbs,
    voter: IntArray,
    score: FloatArray,
    n_voters: int,
    *,
    prior_ties: float,
) -> OutcomeProbs:
    """The null outcome probabilities with each voter's own tie propensity, same expected scores.

    Null hypothesis of a test using them: the voter's expected score in each battle is the
    consensus's (``probs.mean``) and they call ties ``min(f, 1)`` times as often as the null says,
    ``f`` from :func:`own_tie_factor` (fewer ties: a wider null; more ties: the arena's, see the
    module docstring); the tie is taken equally from both sides (as in the arena's outcome model),
    capped at ``1.98 min(mean, 1 - mean)`` so no probability is negative.
    """
    factor = own_tie_factor(voter, score, probs.p_tie, n_voters, prior_ties=prior_ties)
    factor = np.minimum(factor, 1.0)
    mean = probs.mean
    t = np.minimum(probs.p_tie * factor[voter], 1.98 * np.minimum(mean, 1.0 - mean))
    return OutcomeProbs(p_a=mean - t / 2.0, p_b=(1.0 - mean) - t / 2.0, p_tie=t)
