"""Honest people the default layer does not draw: a false-positive check on kinds we never tuned on.

The default honest layer (:mod:`auditkit.simulate.people`) varies tie habits, side leans, topic mixes,
provider fans and shared addresses. An independent arena deals real votes to people of other designs,
so the voter audit is also measured on honest people of kinds it has not met. Each kind is a
:class:`UnseenHonest` spec (NOT an attack): its people are labelled ``honest`` (``honest_shared``
for the class behind one address) with role ``unseen_<person>``, and a voter audit must keep every
one of their votes. The kinds:

``category_champion``
    All their prompts are in one category where one model (``model``) is genuinely best: judged
    there it is 100-250 Elo above the best other model (whatever its overall rank), so they pick it
    almost always; the category also serves that model more often (1.5-2x its sampling weight)
    and judges the others by its own offsets (sd 60 Elo).
``drifting_taste``
    Heavy users whose taste drifts over the weeks: each model's personal offset moves linearly
    from one N(0, 80) draw at the start of the period to another at its end.
``class_burst``
    A class doing an assignment: ``n_people`` students behind one address, in one lesson (their
    sessions start within one hour of one day), every prompt in one category (shared offsets, sd 60 Elo), small personal tastes.
``few_categories``
    Heavy users who ask about only one or two categories, each with its own judging offsets
    (sd 80 Elo) and its own served pairs (log-sd 0.5 sampling multipliers).
``bothbad_heavy``
    Heavy users who find most answers wanting: 50-70 % of their votes are ties, 85-95 % of those
    "both bad" (a tie is taken equally from both sides, so their decisive votes still follow BT).
``length_lover``
    A strong but honest length preference: a model looks ``gain`` x (its verbosity - the mean
    verbosity) Elo stronger, ``gain`` 250-450 Elo per unit (verbosity spans 0.1-1.0), so the
    longer answer wins most close battles.
``other_language``
    Speakers of a language where models rank differently: one offset vector (sd 100 Elo) shared
    by the whole group, ``n_people`` light voters of about ``n_votes`` votes each (1/3 to 2x).

Each vote's topic goes to the log's ``tag.category`` column: the champion's prompts are tagged
``specialist_topic`` and the class's ``coursework`` (topics no default person asks about), each
few-categories person's one or two topics get tags of their own, and the other kinds' votes get a
topic from the arena's base mix (their judging does not depend on it).

Every vote's outcome uses the arena's outcome model (ties ``4 s (1 - s)``-shaped, taken equally
from both sides) with the person's own tie propensity, so each person's expected score is the BT
probability *they* judge by: their votes are honest opinions, not rigging.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import numpy as np

from auditkit.simulate.config import Attack


class _Arena(Protocol):
    """What this module reads and writes of the arena being built (``simulate.arena._Arena``),
    named here so the module does not import the arena back."""

    models: list[str]
    strengths: np.ndarray
    style: tuple[np.ndarray, np.ndarray]
    pair_i: np.ndarray
    pair_j: np.ndarray
    pair_p: np.ndarray
    tie_total: float
    closeness_mean: float
    bothbad_share: float
    start: float
    end: float
    voters: Any
    rows: Any

    def check_model(self, name: str, attack: Attack) -> int: ...


__all__ = ["UNSEEN_PERSONS", "ArenaTools", "UnseenHonest", "plant_unseen_honest"]

UNSEEN_PERSONS: tuple[str, ...] = (
    "category_champion",
    "drifting_taste",
    "class_burst",
    "few_categories",
    "bothbad_heavy",
    "length_lover",
    "other_language",
)
_LN10_400 = math.log(10.0) / 400.0
_DAY = 86_400.0
# Kinds whose prompts all fall in one category no default person asks about: its tag.
_OWN_CATEGORY = {"category_champion": "specialist_topic", "class_burst": "coursework"}


@dataclass(frozen=True)
class UnseenHonest(Attack):
    """``n_people`` honest people of kind ``person`` (see the module docstring), ``n_votes`` each.

    ``model`` is the category champion (``category_champion`` only; default: the arena's median
    model). Not in ``ATTACK_KINDS`` (nothing to plant in a self-test): benchmarks and tests add it
    to an arena's ``attacks`` directly. ``n_votes`` for ``other_language`` is a mean (1/3 to 2x).
    """

    kind: ClassVar[str] = "honest_unseen"
    person: str
    n_people: int = 4
    n_votes: int = 300
    model: str | None = None

    def total_votes(self) -> int:
        """Votes this spec casts (``other_language`` draws its counts, capped at 2x per person)."""
        return self.n_people * self.n_votes


def _counts(rng: np.random.Generator, spec: UnseenHonest) -> np.ndarray:
    """Votes per person, summing to :meth:`UnseenHonest.total_votes`."""
    total = spec.total_votes()
    if spec.person != "other_language":
        return np.full(spec.n_people, spec.n_votes, dtype=np.int64)
    raw = rng.uniform(1.0 / 3.0, 2.0, spec.n_people)
    counts = np.maximum(1, np.floor(raw / raw.sum() * total)).astype(np.int64)
    counts[np.argmax(counts)] += total - int(counts.sum())
    return counts


def _category_pairs(
    rng: np.random.Generator, arena: _Arena, log_sd: float, boost_model: int = -1
) -> np.ndarray:
    """A category's pair distribution: the policy times per-model multipliers."""
    mult = np.exp(rng.normal(0.0, log_sd, len(arena.models)))
    if boost_model >= 0:
        mult[boost_model] = rng.uniform(1.5, 2.0)
    p = arena.pair_p * mult[arena.pair_i] * mult[arena.pair_j]
    return p / p.sum()


def _judge(
    rng: np.random.Generator,
    seen_a: np.ndarray,
    seen_b: np.ndarray,
    tie_rate: np.ndarray,
    bothbad: np.ndarray,
    closeness_mean: float,
) -> np.ndarray:
    """Winner codes (0 A, 1 B, 2 tie, 3 both bad) for strengths as each voter sees them.

    Ties: the voter's tie propensity scales the Davidson closeness ``4 s (1 - s)`` (capped at
    ``1.9 min(s, 1 - s)``) and are taken equally from both sides, so A's expected score is ``s``.
    """
    s = 1.0 / (1.0 + np.exp(-(seen_a - seen_b) * _LN10_400))
    t = np.minimum(
        tie_rate / max(closeness_mean, 1e-9) * 4.0 * s * (1.0 - s), 1.9 * np.minimum(s, 1 - s)
    )
    u = rng.random(s.size)
    winner = np.where(u < s - t / 2.0, 0, np.where(u >= 1.0 - t, 2, 1)).astype(np.int8)
    winner[(winner == 2) & (rng.random(s.size) < bothbad)] = 3
    return winner


@dataclass(frozen=True)
class ArenaTools:
    """The arena generator's pair drawing, session timing and paces (passed in by
    :mod:`auditkit.simulate.arena`, so this module does not import it back)."""

    draw_pairs: Callable[..., tuple[np.ndarray, np.ndarray]]
    session_times: Callable[..., np.ndarray]
    heavy: Any  # the arena's heavy-user pace
    human: Any  # an ordinary person's pace


def plant_unseen_honest(
    rng: np.random.Generator,
    arena: _Arena,
    spec: UnseenHonest,
    attack_id: str,
    record: dict[str, Any],
    tools: ArenaTools,
) -> None:
    """Cast the votes of ``spec``'s people into ``arena`` (labelled honest; see the module doc)."""
    if spec.person not in UNSEEN_PERSONS:
        raise ValueError(f"{spec.kind}: person must be one of {', '.join(UNSEEN_PERSONS)}")
    if spec.n_people < 1 or spec.n_votes < 1:
        raise ValueError(f"{spec.kind}: n_people and n_votes must be >= 1")
    n_models = len(arena.models)
    k = spec.n_people
    counts = _counts(rng, spec)
    owner = np.repeat(np.arange(k), counts)
    n = int(counts.sum())
    tie_mean = min(max(arena.tie_total, 1e-3), 0.49)
    tie_rate = rng.beta(tie_mean * 10.0, (1.0 - tie_mean) * 10.0, k)
    bothbad = np.full(k, arena.bothbad_share)
    offset = np.zeros((k, n_models))  # Elo points each person adds to each model, fixed in time
    pair_p = arena.pair_p
    category_of = np.zeros(n, dtype=np.int64)
    windows: np.ndarray | None = None
    window_length = 0.0
    timing = tools.heavy
    person = spec.person
    if person == "category_champion":
        champion = (
            arena.check_model(spec.model, spec)
            if spec.model
            else int(np.argsort(arena.strengths)[n_models // 2])
        )
        pair_p = _category_pairs(rng, arena, 0.3, champion)
        offset += rng.normal(0.0, 60.0, n_models)
        # Genuinely best in the category: 100-250 Elo above the best other model as judged there.
        seen = arena.strengths[None, :] + offset
        rival = np.delete(seen, champion, axis=1).max(axis=1)
        offset[:, champion] = rival + rng.uniform(100.0, 250.0, k) - arena.strengths[champion]
        record["models"] = [arena.models[champion]]
    elif person == "class_burst":
        pair_p = _category_pairs(rng, arena, 0.4)
        offset += rng.normal(0.0, 60.0, n_models) + rng.normal(0.0, 20.0, (k, n_models))
        day = int(rng.integers(0, max(1, math.floor((arena.end - arena.start) / _DAY))))
        windows = np.array([arena.start + day * _DAY + float(rng.choice([9, 10, 14])) * 3600.0])
        window_length = 3600.0
        timing = tools.human
    elif person == "few_categories":
        offsets = rng.normal(0.0, 80.0, (2, k, n_models))
        cat_p = np.stack([_category_pairs(rng, arena, 0.5), _category_pairs(rng, arena, 0.5)])
        two = rng.random(k) < 0.5
        category_of = np.where(two[owner], rng.integers(0, 2, n), 0)
        offset = offsets[0]  # per-vote offsets below pick the vote's category
    elif person == "bothbad_heavy":
        tie_rate = rng.uniform(0.5, 0.7, k)
        bothbad = rng.uniform(0.85, 0.95, k)
    elif person == "length_lover":
        verbosity = arena.style[0]
        gain = rng.uniform(250.0, 450.0, k)
        offset = gain[:, None] * (verbosity - verbosity.mean())[None, :]
    elif person == "other_language":
        offset += rng.normal(0.0, 100.0, n_models)
        timing = tools.human
    # drifting_taste: offsets depend on the vote's time (below).

    if person == "few_categories":
        a = np.zeros(n, dtype=np.int64)
        b = np.zeros(n, dtype=np.int64)
        for c in (0, 1):
            rows = np.flatnonzero(category_of == c)
            a[rows], b[rows] = tools.draw_pairs(
                rng, arena.pair_i, arena.pair_j, cat_p[c], rows.size
            )
        seen_off_a = offsets[category_of, owner, a]
        seen_off_b = offsets[category_of, owner, b]
    else:
        a, b = tools.draw_pairs(rng, arena.pair_i, arena.pair_j, pair_p, n)
        seen_off_a = offset[owner, a]
        seen_off_b = offset[owner, b]
    times = tools.session_times(rng, counts, timing, arena.start, arena.end, windows, window_length)
    if person == "drifting_taste":
        begin = rng.normal(0.0, 80.0, (k, n_models))
        finish = rng.normal(0.0, 80.0, (k, n_models))
        frac = (times - arena.start) / max(arena.end - arena.start, 1.0)
        seen_off_a = begin[owner, a] + (finish - begin)[owner, a] * frac
        seen_off_b = begin[owner, b] + (finish - begin)[owner, b] * frac
    winner = _judge(
        rng,
        arena.strengths[a] + seen_off_a,
        arena.strengths[b] + seen_off_b,
        tie_rate[owner],
        bothbad[owner],
        arena.closeness_mean,
    )
    role = f"unseen_{person}"
    # The category a real arena's classifier would file these prompts under, where it is one of
    # their own (others get one from the arena's base mix, like any vote planted without one).
    topic: str | np.ndarray | None = _OWN_CATEGORY.get(person)
    if person == "few_categories":
        # Each person's one or two topics are their own (their judging and served pairs are).
        labels = np.array([f"niche_{attack_id}_{p}_{c}" for p in range(k) for c in (0, 1)])
        topic = labels[owner * 2 + category_of].astype(object)
    if person == "class_burst":
        first = arena.voters.add(1, "honest_shared", attack_id, role)
        arena.rows.add(a, b, winner, np.full(n, first), times, "honest_shared", attack_id, topic)
    else:
        first = arena.voters.add(k, "honest", attack_id, role)
        arena.rows.add(a, b, winner, first + owner, times, "honest", attack_id, topic)
    record["person"] = person
