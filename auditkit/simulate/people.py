"""Honest people who differ: the simulator's default honest layer.

One average person is not an honest population. Real voters differ in how often they call a tie or
"both bad", in a slight habit for one side of the screen, in what they ask (a maths student meets
other pairs, and judges them by other standards, than a novelist), in a soft spot for one provider's
style, in plain personal taste — and many people can share one address (a class, a lab, a NAT).
All of them are honest and every one of their votes should count.

:func:`draw_population` draws such a population. The *spread* of each trait is itself drawn per
seed from a wide range (:class:`PopulationSpread`), so a detector tuned on a few seeds meets
populations it was not tuned on. :func:`heterogeneous_votes` then casts their votes:

* categories: each vote has a topic category (written to the log as ``tag.category``, as a real
  arena's classifier tags prompts), drawn from the voter's own category mix (generalists
  follow the arena's base mix, specialists put 60-95 % of their votes on one category); each
  category has its own model sampling multipliers (which pairs are served) and its own strength
  offsets (how answers are judged there), centred so the population's mean strength is the true one;
* strengths seen by a voter: true + category offset + personal taste (a per-voter, per-model
  random effect) + a fan boost for every model of the voter's favourite provider, if any;
* ties: the voter's own tie propensity (Beta-distributed around the arena's tie rate; a share of
  people never tie) scales the Davidson-style closeness ``4 s (1 - s)``, so ties stay likelier
  between close models and each vote's expected score is still the BT probability it judges by;
  the both-bad share of a voter's ties is their own too;
* side lean: a small per-voter shift of probability from B to A (or back).

The labels of all of these are ``honest``; :class:`HonestPeople` records each person's traits for
the ground truth.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "BASE_MIX",
    "CATEGORIES",
    "CATEGORY_TAG",
    "HonestPeople",
    "PopulationSpread",
    "draw_population",
    "draw_spread",
    "heterogeneous_votes",
    "provider_of",
]

# Topic categories and the arena's base mix over them (roughly the public arena's category shares).
CATEGORIES: tuple[str, ...] = ("general", "coding", "math", "creative", "multilingual")
BASE_MIX = np.array([0.45, 0.2, 0.1, 0.15, 0.1])
# The battle-table column the simulator writes each vote's category to (a ``tag.*`` column, as the
# real logs' ``category_tag`` is flattened).
CATEGORY_TAG = "tag.category"
_LN10_400 = math.log(10.0) / 400.0


def provider_of(model: str) -> str:
    """The provider family a model name belongs to (the first word of the name)."""
    head = model.lower().split("-", 1)[0]
    return head.rstrip("0123456789.") or head


@dataclass(frozen=True)
class PopulationSpread:
    """How widely one seed's honest people differ; every field is drawn per seed by :func:`draw_spread`."""

    tie_concentration: float  # Beta(a, b) with a + b = this: small = very unequal tie habits
    never_tie_share: float  # people who never call a tie
    bothbad_concentration: float
    side_lean_sd: float  # per-voter P(pick A) shift, before clipping at +-0.08
    taste_sd: float  # per-voter, per-model taste, Elo points
    specialist_share: float
    category_weight_sd: float  # log-sd of per-category model sampling multipliers
    category_strength_sd: float  # per-category strength offsets, Elo points
    fan_share: float
    fan_boost: tuple[float, float]  # Elo points given to the favourite provider's models
    shared_ids_per_100k: float
    shared_people: tuple[int, int]

    def to_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def draw_spread(rng: np.random.Generator) -> PopulationSpread:
    """A population's trait spreads, drawn from wide ranges (the null must hold across all of them)."""
    low_boost = float(rng.uniform(10.0, 40.0))
    return PopulationSpread(
        tie_concentration=float(math.exp(rng.uniform(math.log(1.2), math.log(25.0)))),
        never_tie_share=float(rng.uniform(0.0, 0.25)),
        bothbad_concentration=float(math.exp(rng.uniform(math.log(1.0), math.log(20.0)))),
        side_lean_sd=float(rng.uniform(0.0, 0.04)),
        taste_sd=float(rng.uniform(0.0, 50.0)),
        specialist_share=float(rng.uniform(0.1, 0.5)),
        category_weight_sd=float(rng.uniform(0.0, 0.6)),
        category_strength_sd=float(rng.uniform(10.0, 80.0)),
        fan_share=float(rng.uniform(0.02, 0.2)),
        fan_boost=(low_boost, low_boost + float(rng.uniform(10.0, 50.0))),
        shared_ids_per_100k=float(rng.uniform(3.0, 15.0)),
        shared_people=(3, int(rng.integers(8, 41))),
    )


@dataclass(frozen=True)
class HonestPeople:
    """Per-person traits (one entry per person; ``n`` people)."""

    tie_rate: np.ndarray  # expected tie + both-bad share over the arena's battles
    bothbad_share: np.ndarray
    side_lean: np.ndarray
    category_mix: np.ndarray  # (n, len(CATEGORIES))
    specialty: np.ndarray  # dominant category index, -1 for generalists
    taste: np.ndarray  # (n, n_models) Elo points
    fan_of: np.ndarray  # provider index, -1 for none
    fan_boost: np.ndarray


def draw_population(
    rng: np.random.Generator,
    n: int,
    spread: PopulationSpread,
    *,
    tie_total: float,
    bothbad_rate: float,
    n_models: int,
    n_providers: int,
    heavy: np.ndarray | None = None,
) -> HonestPeople:
    """Traits for ``n`` people; ``heavy`` (bool per person) get at least two quirks each."""
    heavy = np.zeros(n, dtype=bool) if heavy is None else heavy
    mean = min(max(tie_total, 1e-3), 0.49)
    kappa = spread.tie_concentration
    tie = rng.beta(mean * kappa, (1 - mean) * kappa, n)
    # Some people never tie; the others tie a little more, so the arena's tie rate is kept.
    never = rng.random(n) < spread.never_tie_share
    tie = np.minimum(tie / max(1.0 - spread.never_tie_share, 0.5), 0.6)
    tie[never] = 0.0
    bb_mean = bothbad_rate / tie_total if tie_total > 0 else 0.0
    bb_mean = min(max(bb_mean, 1e-3), 1 - 1e-3)
    bk = spread.bothbad_concentration
    bothbad = rng.beta(bb_mean * bk, (1 - bb_mean) * bk, n)
    lean = np.clip(rng.normal(0.0, spread.side_lean_sd, n), -0.08, 0.08)

    specialist = rng.random(n) < spread.specialist_share
    fan = rng.random(n) < spread.fan_share
    # Heavy honest users combine quirks: specialist and fan, and a marked tie habit.
    specialist |= heavy
    fan |= heavy & (rng.random(n) < 0.6)
    n_cat = len(CATEGORIES)
    specialty = np.where(specialist, rng.choice(n_cat, n, p=BASE_MIX), -1)
    mix = rng.dirichlet(BASE_MIX * 20.0, n)
    focus = rng.uniform(0.6, 0.95, n)
    rows = np.flatnonzero(specialist)
    mix[rows] *= (1 - focus[rows])[:, None]
    mix[rows, specialty[rows]] += focus[rows]
    heavy_rows = np.flatnonzero(heavy)
    tie[heavy_rows] = np.where(
        rng.random(heavy_rows.size) < 0.5,
        rng.uniform(0.3, 0.55, heavy_rows.size),
        rng.uniform(0.0, 0.06, heavy_rows.size),
    )
    taste = rng.normal(0.0, spread.taste_sd, (n, n_models)) if spread.taste_sd > 0 else None
    fan_of = np.where(fan & (n_providers > 0), rng.integers(0, max(1, n_providers), n), -1)
    boost = np.where(fan_of >= 0, rng.uniform(*spread.fan_boost, n), 0.0)
    return HonestPeople(
        tie_rate=tie,
        bothbad_share=bothbad,
        side_lean=lean,
        category_mix=mix / mix.sum(axis=1, keepdims=True),
        specialty=specialty.astype(np.int64),
        taste=np.zeros((n, n_models)) if taste is None else taste,
        fan_of=fan_of.astype(np.int64),
        fan_boost=boost,
    )


@dataclass(frozen=True)
class CategoryModel:
    """Per-category pair distributions and strength offsets (drawn once per arena)."""

    pair_p: np.ndarray  # (n_categories, n_pairs), rows sum to 1
    offset: np.ndarray  # (n_categories, n_models) Elo points, base-mix-weighted mean 0 per model


def draw_categories(
    rng: np.random.Generator,
    spread: PopulationSpread,
    pair_i: np.ndarray,
    pair_j: np.ndarray,
    pair_p: np.ndarray,
    n_models: int,
) -> CategoryModel:
    """Which pairs each category serves (multipliers on the base policy) and how it judges them."""
    n_cat = len(CATEGORIES)
    mult = np.exp(rng.normal(0.0, spread.category_weight_sd, (n_cat, n_models)))
    ratio = mult[:, pair_i] * mult[:, pair_j]
    # Categories mixed as the arena's people mix them serve pairs by the arena's own policy
    # (a sampling audit sees the policy, not the topics)
    # (alternating scaling: each category sums to one, the base-mix average is the policy).
    p = pair_p[None, :] * ratio
    for _ in range(50):
        p /= p.sum(axis=1, keepdims=True)
        mixed = (BASE_MIX[:, None] * p).sum(axis=0, keepdims=True)
        p *= np.divide(pair_p[None, :], mixed, out=np.zeros_like(mixed), where=mixed > 0)
    p /= p.sum(axis=1, keepdims=True)
    offset = rng.normal(0.0, spread.category_strength_sd, (n_cat, n_models))
    offset -= (BASE_MIX[:, None] * offset).sum(axis=0, keepdims=True)
    return CategoryModel(pair_p=p, offset=offset)


def heterogeneous_votes(
    rng: np.random.Generator,
    people: HonestPeople,
    person: np.ndarray,
    categories: CategoryModel,
    pair_i: np.ndarray,
    pair_j: np.ndarray,
    strengths: np.ndarray,
    provider: np.ndarray,
    tie_closeness_mean: float,
    tie_total: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cast one vote per entry of ``person``: (model A, model B, winner code, category).

    Winner codes: 0 A, 1 B, 2 tie, 3 both bad (``WINNER_DTYPE`` order).
    """
    n = person.size
    n_cat = len(CATEGORIES)
    cum = np.cumsum(people.category_mix[person], axis=1)
    category = np.minimum((rng.random(n)[:, None] > cum).sum(axis=1), n_cat - 1)
    a = np.zeros(n, dtype=np.int64)
    b = np.zeros(n, dtype=np.int64)
    for c in range(n_cat):
        rows = np.flatnonzero(category == c)
        if not rows.size:
            continue
        cdf = np.cumsum(categories.pair_p[c])
        cdf[-1] = 1.0
        k = np.searchsorted(cdf, rng.random(rows.size), side="right")
        swap = rng.random(rows.size) < 0.5
        a[rows] = np.where(swap, pair_j[k], pair_i[k])
        b[rows] = np.where(swap, pair_i[k], pair_j[k])

    def seen(model: np.ndarray) -> np.ndarray:
        fan = (people.fan_of[person] >= 0) & (provider[model] == people.fan_of[person])
        return (
            strengths[model]
            + categories.offset[category, model]
            + people.taste[person, model]
            + np.where(fan, people.fan_boost[person], 0.0)
        )

    s = 1.0 / (1.0 + np.exp(-(seen(a) - seen(b)) * _LN10_400))
    scale = people.tie_rate[person] / max(tie_closeness_mean, 1e-9)
    base = scale * 4.0 * s * (1.0 - s)
    cap = 1.9 * np.minimum(s, 1.0 - s)
    # Tastes make pairs look less close and the cap trims heavy tie-callers: rescale all habits
    # together so the arena's overall tie share stays what the config asks for.
    factor = 1.0
    for _ in range(8):
        realised = float(np.mean(np.minimum(factor * base, cap))) if n else 0.0
        if realised <= 0:
            break
        factor *= min(max(tie_total / realised, 0.5), 2.0)
    t = np.minimum(factor * base, cap)
    p_a = np.clip(s - t / 2.0 + people.side_lean[person], 0.0, 1.0 - t)
    u = rng.random(n)
    winner = np.where(u < p_a, 0, np.where(u >= 1.0 - t, 2, 1)).astype(np.int8)
    bothbad = rng.random(n) < people.bothbad_share[person]
    winner[(winner == 2) & bothbad] = 3
    return a, b, winner, category
