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

Habits that say nothing about which model is better (``HABIT_PERSONS``; each judges by the true
strengths plus a personal taste, sd 30 Elo per model, unless said):

``tie_drift``
    Heavy users whose tie propensity drifts linearly over the period, from one U(0, 0.5) draw to
    another (a person who grows tired of close calls, or more careful).
``never_tie``
    People who skip a battle when unsure: they would have called a tie, so they cast no vote
    (their recorded votes are the arena's outcomes conditional on "not a tie").
``fast_sessions``
    Readers who skim short answers: sessions of about 30 votes, 3-30 s apart (median 8 s).
``shared_account``
    Two people taking turns on one account (a couple, a family): their own tastes (sd 50 Elo),
    tie habits and categories, ``n_votes`` votes each, on one voter id (``honest_shared``).
``nat_lab``
    A lab of ``n_people`` people behind one NAT address voting through one working day (sessions
    09:00-18:00), every prompt in one category (shared offsets, sd 60 Elo), ``n_votes`` each.
``launch_chaser``
    People who come when a model launches: they arrive in the model's launch week and the
    arena serves the new model 4-6x its weight then, so it is in about half their battles.
``phone_lefty``
    Phone users with a strong left/right habit: 0.10-0.15 of probability moved from the right
    answer to the left (64-71 % of decisive votes on the left). Sides are random, so the habit
    adds nothing to any model's expected score.
``style_recogniser``
    Voters who recognise ``model``'s style on anonymous battles and, curious, vote on its battles
    twice as often; their judgement of it is a taste like any other (N(0, 60) Elo: some like it,
    some do not).
``weekend_heavy``
    Very heavy users (``n_votes`` in the thousands) who vote only on Saturdays and Sundays, in
    long sessions (about 40 votes), with a category mix and a taste (sd 40 Elo).

Each vote's topic goes to the log's ``tag.category`` column: the champion's prompts are tagged
``specialist_topic`` and the class's ``coursework`` (topics no default person asks about), each
few-categories person's one or two topics get tags of their own, and the other kinds' votes get a
topic from the arena's base mix (their judging does not depend on it).

Every vote's outcome uses the arena's outcome model (ties ``4 s (1 - s)``-shaped, taken equally
from both sides) with the person's own tie propensity, so each person's expected score is the BT
probability *they* judge by: their votes are honest opinions, not rigging.
"""

from __future__ import annotations

import dataclasses
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


__all__ = ["HABIT_PERSONS", "UNSEEN_PERSONS", "ArenaTools", "UnseenHonest", "plant_unseen_honest"]

UNSEEN_PERSONS: tuple[str, ...] = (
    "category_champion",
    "drifting_taste",
    "class_burst",
    "few_categories",
    "bothbad_heavy",
    "length_lover",
    "other_language",
)
HABIT_PERSONS: tuple[str, ...] = (
    "tie_drift",
    "never_tie",
    "fast_sessions",
    "shared_account",
    "nat_lab",
    "launch_chaser",
    "phone_lefty",
    "style_recogniser",
    "weekend_heavy",
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
        """Votes this spec casts (``other_language`` draws its counts, capped at 2x per person;
        ``shared_account`` has two people per account)."""
        return self.n_people * self.n_votes * (2 if self.person == "shared_account" else 1)


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
    lean: np.ndarray | float = 0.0,
) -> np.ndarray:
    """Winner codes (0 A, 1 B, 2 tie, 3 both bad) for strengths as each voter sees them.

    Ties: the voter's tie propensity scales the Davidson closeness ``4 s (1 - s)`` (capped at
    ``1.9 min(s, 1 - s)``) and are taken equally from both sides, so A's expected score is ``s``.
    ``lean`` moves probability from B to A (a side habit; sides are random, so no model gains).
    """
    s = 1.0 / (1.0 + np.exp(-(seen_a - seen_b) * _LN10_400))
    t = np.minimum(
        tie_rate / max(closeness_mean, 1e-9) * 4.0 * s * (1.0 - s), 1.9 * np.minimum(s, 1 - s)
    )
    p_a = np.clip(s - t / 2.0 + lean, 0.0, 1.0 - t)
    u = rng.random(s.size)
    winner = np.where(u < p_a, 0, np.where(u >= 1.0 - t, 2, 1)).astype(np.int8)
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
    if spec.person not in UNSEEN_PERSONS + HABIT_PERSONS:
        raise ValueError(
            f"{spec.kind}: person must be one of {', '.join(UNSEEN_PERSONS + HABIT_PERSONS)}"
        )
    if spec.n_people < 1 or spec.n_votes < 1:
        raise ValueError(f"{spec.kind}: n_people and n_votes must be >= 1")
    if spec.person in HABIT_PERSONS:
        _plant_habit(rng, arena, spec, attack_id, record, tools)
        return
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


@dataclass
class _Habit:
    """One habit kind's people: who votes, how they are served and timed, how they judge."""

    people: int  # people casting votes
    ids: np.ndarray  # voter id (0-based, within the kind) of each person
    label: str
    pair_p: np.ndarray  # (people, n_pairs) or (n_pairs,)
    offset: np.ndarray  # (people, n_models) Elo points
    tie_rate: np.ndarray  # (people,)
    lean: np.ndarray  # (people,) P(A) shift
    timing: Any
    windows: np.ndarray | None = None
    window_length: float = 0.0
    model: int = -1  # the model a launch chaser or style recogniser is about


def _weekday_windows(
    start: float, end: float, days: tuple[int, ...], hour: float, length: float
) -> np.ndarray:
    """Window starts at ``hour`` on every day of the week in ``days`` (Monday 0) in [start, end)."""
    first = math.floor(start / _DAY)
    day = np.arange(first, math.ceil(end / _DAY) + 1)
    keep = np.isin((day + 3) % 7, days)  # 1970-01-01 was a Thursday
    starts = day[keep] * _DAY + hour * 3600.0
    starts = starts[(starts >= start) & (starts + length <= end)]
    return starts if starts.size else np.array([start])


def _habit_people(
    rng: np.random.Generator, arena: _Arena, spec: UnseenHonest, tools: ArenaTools
) -> _Habit:
    """The people of a habit kind (see the module docstring), before any vote is cast."""
    person, k, n_models = spec.person, spec.n_people, len(arena.models)
    tie_mean = min(max(arena.tie_total, 1e-3), 0.49)
    people = 2 * k if person == "shared_account" else k
    habit = _Habit(
        people=people,
        ids=np.arange(people),
        label="honest",
        pair_p=arena.pair_p,
        offset=rng.normal(0.0, 30.0, (people, n_models)),
        tie_rate=rng.beta(tie_mean * 10.0, (1.0 - tie_mean) * 10.0, people),
        lean=np.zeros(people),
        timing=tools.heavy,
    )
    span_days = max(1, math.floor((arena.end - arena.start) / _DAY))
    model = (
        arena.check_model(spec.model, spec)
        if spec.model
        else int(np.argsort(arena.strengths)[n_models // 2])
    )
    if person == "fast_sessions":
        habit.timing = dataclasses.replace(
            tools.heavy, mean_session=30.0, gap_median=8.0, gap_low=3.0, gap_high=30.0
        )
    elif person == "shared_account":
        habit.ids = np.arange(people) // 2
        habit.label = "honest_shared"
        habit.offset = rng.normal(0.0, 50.0, (people, n_models))
        habit.pair_p = np.stack([_category_pairs(rng, arena, 0.4) for _ in range(people)])
    elif person == "nat_lab":
        habit.ids = np.zeros(people, dtype=np.int64)
        habit.label = "honest_shared"
        habit.pair_p = _category_pairs(rng, arena, 0.4)
        habit.offset = rng.normal(0.0, 60.0, n_models) + rng.normal(0.0, 20.0, (people, n_models))
        day = int(rng.integers(0, span_days))
        habit.windows = np.array([arena.start + day * _DAY + 9 * 3600.0])
        habit.window_length = 9 * 3600.0
        habit.timing = dataclasses.replace(tools.human, mean_session=8.0)
    elif person == "launch_chaser":
        mult = np.ones(n_models)
        mult[model] = rng.uniform(4.0, 6.0)
        p = arena.pair_p * mult[arena.pair_i] * mult[arena.pair_j]
        habit.pair_p = p / p.sum()
        launch = int(rng.integers(0, max(1, span_days - 7)))
        habit.windows = arena.start + (launch + np.arange(7)) * _DAY
        habit.window_length = _DAY
        habit.timing = tools.human
    elif person == "phone_lefty":
        habit.lean = rng.uniform(0.10, 0.15, people)
    elif person == "style_recogniser":
        mult = np.ones(n_models)
        mult[model] = 2.0
        p = arena.pair_p * mult[arena.pair_i] * mult[arena.pair_j]
        habit.pair_p = p / p.sum()
        habit.offset[:, model] = rng.normal(0.0, 60.0, people)
    elif person == "weekend_heavy":
        habit.offset = rng.normal(0.0, 40.0, (people, n_models))
        habit.pair_p = np.stack([_category_pairs(rng, arena, 0.4) for _ in range(people)])
        habit.windows = _weekday_windows(arena.start, arena.end, (5, 6), 8.0, 14 * 3600.0)
        habit.window_length = 14 * 3600.0
        habit.timing = dataclasses.replace(tools.heavy, mean_session=40.0)
    if person in ("launch_chaser", "style_recogniser"):
        habit.model = model
    return habit


def _plant_habit(
    rng: np.random.Generator,
    arena: _Arena,
    spec: UnseenHonest,
    attack_id: str,
    record: dict[str, Any],
    tools: ArenaTools,
) -> None:
    """Cast the votes of a habit kind's people (``HABIT_PERSONS``; see the module docstring)."""
    person = spec.person
    habit = _habit_people(rng, arena, spec, tools)
    counts = np.full(habit.people, spec.n_votes, dtype=np.int64)
    owner = np.repeat(np.arange(habit.people), counts)
    n = int(counts.sum())
    times = tools.session_times(
        rng, counts, habit.timing, arena.start, arena.end, habit.windows, habit.window_length
    )
    tie = habit.tie_rate[owner]
    if person == "tie_drift":
        begin, finish = rng.uniform(0.0, 0.5, habit.people), rng.uniform(0.0, 0.5, habit.people)
        frac = (times - arena.start) / max(arena.end - arena.start, 1.0)
        tie = begin[owner] + (finish - begin)[owner] * frac
    # Skippers are drawn until their votes are all decisive (a tie is a battle they skip).
    draws = 4 if person == "never_tie" else 1
    a = np.zeros(n, dtype=np.int64)
    b = np.zeros(n, dtype=np.int64)
    winner = np.zeros(n, dtype=np.int8)
    for who in range(habit.people):
        rows = np.flatnonzero(owner == who)
        pair_p = habit.pair_p[who] if habit.pair_p.ndim == 2 else habit.pair_p
        keep = np.zeros(0, dtype=np.int64)
        while keep.size < rows.size:
            m = rows.size * draws
            ra, rb = tools.draw_pairs(rng, arena.pair_i, arena.pair_j, pair_p, m)
            w = _judge(
                rng,
                arena.strengths[ra] + habit.offset[who, ra],
                arena.strengths[rb] + habit.offset[who, rb],
                np.resize(tie[rows], m),
                np.full(m, arena.bothbad_share),
                arena.closeness_mean,
                float(habit.lean[who]),
            )
            keep = np.flatnonzero(w < 2)[: rows.size] if draws > 1 else np.arange(m)
        a[rows], b[rows], winner[rows] = ra[keep], rb[keep], w[keep]
    first = arena.voters.add(int(habit.ids.max()) + 1, habit.label, attack_id, f"unseen_{person}")
    arena.rows.add(a, b, winner, first + habit.ids[owner], times, habit.label, attack_id)
    record["person"] = person
    if habit.model >= 0:
        record["models"] = [arena.models[habit.model]]
