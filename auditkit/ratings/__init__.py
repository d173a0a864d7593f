"""Leaderboard ratings: Bradley-Terry fits with intervals, slices, style control and online Elo."""

from __future__ import annotations

from auditkit.ratings.elo import elo_ratings
from auditkit.ratings.engine import (
    FASTCHAT_ANCHOR,
    RATING_COLUMNS,
    RatingOptions,
    RatingResult,
    SlicedRatings,
    StyleCoefficients,
    fit_ratings,
    fit_ratings_by,
    inverse_sampling_weights,
    l2_from_sklearn_c,
    pair_count_weights,
)

__all__ = [
    "FASTCHAT_ANCHOR",
    "RATING_COLUMNS",
    "RatingOptions",
    "RatingResult",
    "SlicedRatings",
    "StyleCoefficients",
    "elo_ratings",
    "fit_ratings",
    "fit_ratings_by",
    "inverse_sampling_weights",
    "l2_from_sklearn_c",
    "pair_count_weights",
]
