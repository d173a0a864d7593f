"""The arena generator: seeded, vectorised battles with planted attacks and their ground truth.

Outcome model. With Elo-scale strengths R, s = 1 / (1 + 10^((R_B - R_A)/400)) is BT's probability that
A wins. Ties (tie + both-bad) occur with probability t = c * 4 s (1 - s) — largest for evenly matched
models, in the spirit of Davidson (1970) — and are taken equally from both sides:
P(A) = s - t/2, P(B) = 1 - s - t/2. A's expected score (ties as half) is then exactly s, so a BT fit with
ties as half-wins recovers the true strengths. ``c`` is calibrated so the expected tie share over the
sampling policy equals ``tie_rate + bothbad_rate``; a both-bad share of the ties is ``bothbad_rate /
(tie_rate + bothbad_rate)``. A voter's position bias b shifts mass from B to A.

Timing. Every voter's votes come in sessions; inside a session consecutive votes are 20-300 s apart
(log-normal, median 60 s) for people, 1-10 s for bots. Session starts follow a daily cycle (peak 16:00
UTC, trough 04:00) and a voter's sessions never overlap.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from auditkit.schema import WINNER_DTYPE, BattleTable, VoterStatus
from auditkit.simulate.config import (
    PRESET_MODELS,
    ArenaConfig,
    Attack,
    CamouflageStuffing,
    DevotedFans,
    DisconnectedGroup,
    IdentityLeak,
    IdentityProbeStuffing,
    NewAccountSwarm,
    OmnipresentStuffing,
    OverSampling,
    PositionBot,
    RandomBot,
    SharedAddress,
    SybilStuffing,
    TargetStuffing,
)
from auditkit.simulate.people import (
    BASE_MIX,
    CATEGORIES,
    CATEGORY_TAG,
    draw_categories,
    draw_population,
    draw_spread,
    heterogeneous_votes,
    provider_of,
)
from auditkit.simulate.responses import (
    IDENTITIES,
    BankTurn,
    Identity,
    add_signature,
    compose_conversation,
    hard_negative_sentence,
    identity_for,
    leak_sentence,
    style_counts,
)
from auditkit.simulate.truth import (
    HARD_NEGATIVE_COLUMNS,
    LEAK_COLUMNS,
    GroundTruth,
    SimulatedArena,
)
from auditkit.simulate.unseen import ArenaTools, UnseenHonest, plant_unseen_honest

__all__ = ["DEFAULT_MODELS", "simulate_arena", "tie_probabilities"]

DEFAULT_MODELS: tuple[str, ...] = (
    *PRESET_MODELS,
    "gemini-1.5-flash-api-0514",
    "llama-3-8b-instruct",
    "mixtral-8x22b-instruct-v0.1",
    "qwen1.5-110b-chat",
    "gemma-2-27b-it",
    "claude-3-opus-20240229",
    "gpt-4-turbo-2024-04-09",
    "deepseek-coder-v2",
    "reka-flash-20240226",
    "phi-3-mini-4k-instruct",
    "yandexgpt-3",
    "ernie-4.0",
)

# Winner codes = positions in WINNER_DTYPE's categories.
A_WINS, B_WINS, TIE, BOTHBAD = 0, 1, 2, 3
_LN10_400 = math.log(10.0) / 400.0
_DAY = 86_400.0
_HOUR_WEIGHTS = 1.0 + 0.6 * np.cos(2 * np.pi * (np.arange(24) - 16) / 24)
_HOUR_P = _HOUR_WEIGHTS / _HOUR_WEIGHTS.sum()


@dataclass(frozen=True)
class _Timing:
    """How a group of voters spaces its votes: session length and within-session gaps (seconds)."""

    mean_session: float
    gap_median: float
    gap_low: float
    gap_high: float


HUMAN = _Timing(mean_session=4.0, gap_median=60.0, gap_low=20.0, gap_high=300.0)
HEAVY = _Timing(mean_session=15.0, gap_median=60.0, gap_low=20.0, gap_high=300.0)
STUFFER = _Timing(mean_session=25.0, gap_median=90.0, gap_low=20.0, gap_high=300.0)
SYBIL = _Timing(mean_session=math.inf, gap_median=45.0, gap_low=20.0, gap_high=120.0)
POSITION_BOT = _Timing(mean_session=150.0, gap_median=4.0, gap_low=2.0, gap_high=10.0)
RANDOM_BOT = _Timing(mean_session=150.0, gap_median=2.5, gap_low=1.0, gap_high=6.0)


@dataclass
class _Voters:
    """Voter table under construction: one entry per voter id."""

    label: list[str] = field(default_factory=list)
    attack_id: list[str | None] = field(default_factory=list)
    role: list[str] = field(default_factory=list)
    subnet: list[int] = field(default_factory=list)  # -1: random address; else a /24 prefix

    def add(self, n: int, label: str, attack_id: str | None, role: str, subnet: int = -1) -> int:
        first = len(self.label)
        self.label += [label] * n
        self.attack_id += [attack_id] * n
        self.role += [role] * n
        self.subnet += [subnet] * n
        return first


@dataclass
class _Rows:
    """Vote rows under construction, as lists of numpy blocks."""

    a: list[np.ndarray] = field(default_factory=list)
    b: list[np.ndarray] = field(default_factory=list)
    winner: list[np.ndarray] = field(default_factory=list)
    voter: list[np.ndarray] = field(default_factory=list)
    tstamp: list[np.ndarray] = field(default_factory=list)
    label: list[np.ndarray] = field(default_factory=list)
    attack: list[np.ndarray] = field(default_factory=list)
    # The topic category of each vote ("" where the planting code set none: drawn from the
    # arena's base mix at the end, so every vote carries one as a real arena's classifier gives).
    category: list[np.ndarray] = field(default_factory=list)

    def add(
        self,
        a: np.ndarray,
        b: np.ndarray,
        winner: np.ndarray,
        voter: np.ndarray,
        tstamp: np.ndarray,
        label: str,
        attack_id: str | None,
        category: np.ndarray | str | None = None,
    ) -> None:
        n = len(a)
        self.category.append(
            np.asarray(category, dtype=object)
            if isinstance(category, np.ndarray)
            else np.full(n, category or "", dtype=object)
        )
        self.a.append(a)
        self.b.append(b)
        self.winner.append(winner.astype(np.int8))
        self.voter.append(voter)
        self.tstamp.append(tstamp)
        self.label.append(np.full(n, label, dtype=object))
        self.attack.append(np.full(n, attack_id, dtype=object))


def tie_probabilities(strength_a: np.ndarray, strength_b: np.ndarray, c: float) -> np.ndarray:
    """(P(A), P(B), P(tie)) per battle, shape (3, n), under the BT-preserving tie model above."""
    s = 1.0 / (1.0 + np.exp(-(strength_a - strength_b) * _LN10_400))
    t = c * 4.0 * s * (1.0 - s)
    return np.stack([s - t / 2.0, 1.0 - s - t / 2.0, t])


def _per_model(
    values: Mapping[str, float] | Sequence[float] | None,
    models: list[str],
    default: np.ndarray,
    what: str,
    n_base: int,
) -> np.ndarray:
    out = default.astype(np.float64).copy()
    if values is None:
        return out
    if isinstance(values, Mapping):
        unknown = set(values) - set(models)
        if unknown:
            raise ValueError(f"{what} names unknown models: {', '.join(sorted(unknown))}")
        for i, model in enumerate(models):
            if model in values:
                out[i] = float(values[model])
        return out
    seq = np.asarray(list(values), dtype=np.float64)
    if not n_base <= len(seq) <= len(models):
        # Models added by a DisconnectedGroup may be left out of a positional list.
        raise ValueError(f"{what} has {len(seq)} values for {n_base} models")
    out[: len(seq)] = seq
    return out


def _model_names(config: ArenaConfig) -> list[str]:
    if config.models is not None:
        names = list(config.models)
    else:
        names = list(DEFAULT_MODELS[: config.n_models])
        names += [f"model-{k:03d}" for k in range(len(names) + 1, config.n_models + 1)]
    for attack in config.attacks:
        if isinstance(attack, DisconnectedGroup):
            names += [m for m in attack.models if m not in names]
    if len(set(names)) != len(names):
        raise ValueError("model names must be unique")
    if len(names) < 2:
        raise ValueError("an arena needs at least two models")
    return names


def _counts_even(n: int, k: int) -> np.ndarray:
    base = np.full(k, n // k, dtype=np.int64)
    base[: n % k] += 1
    return base


def _draw_pairs(
    rng: np.random.Generator, pair_i: np.ndarray, pair_j: np.ndarray, p: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` battles from a pair distribution, with a fair coin for who sits on side A."""
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    if p.sum() <= 0:
        raise ValueError("no admissible pair of models for this attack")
    cdf = np.cumsum(p / p.sum())
    cdf[-1] = 1.0
    k = np.searchsorted(cdf, rng.random(n), side="right")
    swap = rng.random(n) < 0.5
    a = np.where(swap, pair_j[k], pair_i[k])
    b = np.where(swap, pair_i[k], pair_j[k])
    return a, b


def _sample_outcomes(
    rng: np.random.Generator,
    probs: np.ndarray,
    bias: np.ndarray,
    bothbad_share: float,
) -> np.ndarray:
    pa = np.clip(probs[0] + bias, 0.0, 1.0 - probs[2])
    u = rng.random(probs.shape[1])
    winner = np.full(probs.shape[1], B_WINS, dtype=np.int8)
    winner[u < pa] = A_WINS
    tie = u >= 1.0 - probs[2]
    bothbad = rng.random(probs.shape[1]) < bothbad_share
    winner[tie & ~bothbad] = TIE
    winner[tie & bothbad] = BOTHBAD
    return winner


def _session_times(
    rng: np.random.Generator,
    counts: np.ndarray,
    timing: _Timing,
    start: float,
    end: float,
    windows: np.ndarray | None = None,
    window_length: float = 0.0,
) -> np.ndarray:
    """Timestamps for ``counts[i]`` votes of voter i, voter by voter, each voter's in time order.

    Session starts follow the daily cycle (or fall inside one of ``windows`` of ``window_length``
    seconds); gaps inside a session are log-normal, clipped to the timing's range; a voter's sessions
    are pushed apart so they never overlap.
    """
    n = int(counts.sum())
    if n == 0:
        return np.zeros(0)
    owner = np.repeat(np.arange(len(counts)), counts)
    first = np.ones(n, dtype=bool)
    first[1:] = owner[1:] != owner[:-1]
    new_session = first | (rng.random(n) < 1.0 / timing.mean_session)
    session = np.cumsum(new_session) - 1
    starts = np.flatnonzero(new_session)
    gaps = np.clip(
        rng.lognormal(math.log(timing.gap_median), 0.6, n), timing.gap_low, timing.gap_high
    )
    gaps[new_session] = 0.0
    cumulative = np.cumsum(gaps)
    offset = cumulative - cumulative[starts][session]
    duration = np.maximum.reduceat(offset, starts)
    n_sessions = len(starts)
    if windows is None:
        days = rng.integers(0, max(1, math.ceil((end - start) / _DAY)), n_sessions)
        hours = rng.choice(24, size=n_sessions, p=_HOUR_P)
        t0 = start + days * _DAY + hours * 3600.0 + rng.random(n_sessions) * 3600.0
    else:
        pick = rng.integers(0, len(windows), n_sessions)
        t0 = windows[pick] + rng.random(n_sessions) * np.maximum(window_length - duration, 1.0)
    t0 = np.clip(t0, start, np.maximum(end - duration - 1.0, start))
    # Non-overlapping sessions per voter: s'_k = D_k + cummax(s_k - D_k) within the voter, where D_k
    # is the summed duration (+ a pause) of the voter's earlier sessions in time order.
    session_owner = owner[starts]
    order = np.lexsort((t0, session_owner))
    span = duration[order] + timing.gap_high
    before = np.cumsum(span) - span
    owner_sorted = session_owner[order]
    group_first = np.ones(n_sessions, dtype=bool)
    group_first[1:] = owner_sorted[1:] != owner_sorted[:-1]
    base = before[np.maximum.accumulate(np.where(group_first, np.arange(n_sessions), 0))]
    d = before - base
    shifted = pd.Series(t0[order] - d).groupby(owner_sorted).cummax().to_numpy() + d
    t0_final = np.empty(n_sessions)
    t0_final[order] = shifted
    times = t0_final[session] + offset
    return np.minimum(times, end - 1e-3)


def _voter_ids(
    rng: np.random.Generator, voters: _Voters, style: str, hash_fraction: float
) -> list[str]:
    """``arena_user_<ipv4>`` and/or 32-hex hashes, all distinct."""
    n = len(voters.label)
    subnet = np.asarray(voters.subnet, dtype=np.int64)
    if style == "ip":
        use_hash = np.zeros(n, dtype=bool)
    elif style == "hash":
        use_hash = np.ones(n, dtype=bool)
    else:
        use_hash = (rng.random(n) < hash_fraction) & (subnet < 0)
    # Public-looking unicast addresses 1.0.0.0-223.255.255.255; proxy pools share a /24.
    address = rng.integers(1 << 24, 224 << 24, n, dtype=np.int64)
    pooled = subnet >= 0
    address[pooled] = (subnet[pooled] << 8) | rng.integers(1, 255, int(pooled.sum()))
    while True:
        _, first_index = np.unique(address, return_index=True)
        duplicate = np.ones(n, dtype=bool)
        duplicate[first_index] = False
        if not duplicate.any():
            break
        address[duplicate] = rng.integers(1 << 24, 224 << 24, int(duplicate.sum()))
    hashes = rng.integers(0, 1 << 62, (n, 2), dtype=np.int64)
    ids = []
    for i in range(n):
        if use_hash[i]:
            ids.append(f"{int(hashes[i, 0]):016x}{int(hashes[i, 1]):016x}")
        else:
            x = int(address[i])
            ids.append(f"arena_user_{x >> 24}.{(x >> 16) & 255}.{(x >> 8) & 255}.{x & 255}")
    return ids


def _regular_counts(rng: np.random.Generator, total: int, n_voters: int | None) -> np.ndarray:
    """Votes per ordinary voter: heavy-tailed, most cast 1-3 (Zipf-like, exponent 2.3)."""
    if total <= 0:
        return np.zeros(0, dtype=np.int64)
    if n_voters is not None:
        if n_voters > total:
            raise ValueError(f"n_voters ({n_voters}) exceeds the honest votes ({total})")
        weights = rng.pareto(1.3, n_voters) + 1.0
        return 1 + rng.multinomial(total - n_voters, weights / weights.sum())
    support = np.arange(1, 151)
    p = support**-2.3
    p /= p.sum()
    counts = np.zeros(0, dtype=np.int64)
    while counts.sum() < total:
        more = support[rng.choice(len(support), size=int(total / 2) + 16, p=p)]
        counts = np.concatenate([counts, more])
    cut = int(np.searchsorted(np.cumsum(counts), total))
    counts = counts[: cut + 1].copy()
    counts[-1] -= int(counts.sum()) - total
    return counts[counts > 0]


def _windows(
    rng: np.random.Generator, n: int, length: float, start: float, end: float
) -> np.ndarray:
    """``n`` window starts inside [start, end - length], during busy hours."""
    days = rng.integers(0, max(1, math.floor((end - start - length) / _DAY)), n)
    hours = rng.choice(24, size=n, p=_HOUR_P)
    return np.minimum(start + days * _DAY + hours * 3600.0, max(start, end - length))


def _model_code(index: Mapping[str, int], name: str, attack: Attack) -> int:
    """The code of model ``name``, which ``attack`` names (an error when the arena has no such model)."""
    if name not in index:
        raise ValueError(f"{attack.kind}: unknown model {name!r}")
    return index[name]


@dataclass
class _Arena:
    """The arena under construction: its models, sampling policy, tie model and period, and the
    voter and vote tables the honest layer and then each attack fill."""

    models: list[str]
    index: dict[str, int]
    strengths: np.ndarray
    weights: np.ndarray
    style: tuple[np.ndarray, np.ndarray]  # (verbosity, markdown) per model
    pair_i: np.ndarray
    pair_j: np.ndarray
    pair_p: np.ndarray  # probability of each pair (i < j) per battle
    tie_total: float
    closeness_mean: float  # mean of 4 s (1 - s) over the sampling policy
    tie_c: float
    bothbad_share: float
    start: float
    end: float
    voters: _Voters = field(default_factory=_Voters)
    rows: _Rows = field(default_factory=_Rows)

    @property
    def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return self.pair_i, self.pair_j, self.pair_p

    def check_model(self, name: str, attack: Attack) -> int:
        return _model_code(self.index, name, attack)

    def honest_block(
        self,
        rng: np.random.Generator,
        counts: np.ndarray,
        first_voter: int,
        bias: np.ndarray,
        timing: _Timing,
        label: str,
        attack_id: str | None,
        windows: np.ndarray | None = None,
        window_length: float = 0.0,
        voter_of_person: np.ndarray | None = None,
    ) -> None:
        """``counts[i]`` honest votes of person i, on pairs drawn from the policy, as vote rows."""
        n = int(counts.sum())
        owner = np.repeat(np.arange(len(counts)), counts)
        a, b = _draw_pairs(rng, self.pair_i, self.pair_j, self.pair_p, n)
        probs = tie_probabilities(self.strengths[a], self.strengths[b], self.tie_c)
        winner = _sample_outcomes(rng, probs, bias[owner], self.bothbad_share)
        times = _session_times(rng, counts, timing, self.start, self.end, windows, window_length)
        voter = first_voter + (owner if voter_of_person is None else voter_of_person[owner])
        self.rows.add(a, b, winner, voter, times, label, attack_id)


def _setup_arena(config: ArenaConfig, rng_models: np.random.Generator) -> _Arena:
    """Models, their strengths and styles, the pair-sampling policy (with the attacks that change
    it) and the tie model calibrated to the configured tie rate."""
    models = _model_names(config)
    n_models = len(models)
    n_base = len(config.models) if config.models is not None else config.n_models
    index = {m: i for i, m in enumerate(models)}
    strengths = _per_model(
        config.strengths,
        models,
        rng_models.normal(config.strength_mean, config.strength_sd, n_models),
        "strengths",
        n_base,
    )
    weights = _per_model(
        config.sampling_weights, models, np.ones(n_models), "sampling_weights", n_base
    )
    style_verbosity = rng_models.uniform(0.1, 1.0, n_models)
    style_markdown = rng_models.uniform(0.0, 0.95, n_models)

    groups: list[np.ndarray] = []
    for attack in config.attacks:
        if isinstance(attack, OverSampling):
            if attack.factor <= 0:
                raise ValueError("over_sampling: factor must be > 0")
            weights[_model_code(index, attack.model, attack)] *= attack.factor
        elif isinstance(attack, DisconnectedGroup):
            names = list(attack.models) or models[-attack.n_models :]
            if len(names) < 2 or len(names) >= n_models:
                raise ValueError("disconnected_group needs 2+ models and some outside the group")
            member = np.zeros(n_models, dtype=bool)
            member[[_model_code(index, m, attack) for m in names]] = True
            groups.append(member)
    if (weights < 0).any() or (weights > 0).sum() < 2:
        raise ValueError("sampling weights must be >= 0 with at least two positive")

    pair_i, pair_j = np.triu_indices(n_models, k=1)
    pair_p = weights[pair_i] * weights[pair_j]
    for member in groups:
        pair_p[member[pair_i] != member[pair_j]] = 0.0
    pair_p = pair_p / pair_p.sum()

    tie_total = config.tie_rate + config.bothbad_rate
    closeness = tie_probabilities(strengths[pair_i], strengths[pair_j], 1.0)[2]
    expected = float((pair_p * closeness).sum())
    tie_c = min(0.5, tie_total / expected) if expected > 0 else 0.0
    bothbad_share = config.bothbad_rate / tie_total if tie_total > 0 else 0.0

    start = float(config.start_time)
    return _Arena(
        models=models,
        index=index,
        strengths=strengths,
        weights=weights,
        style=(style_verbosity, style_markdown),
        pair_i=pair_i,
        pair_j=pair_j,
        pair_p=pair_p,
        tie_total=tie_total,
        closeness_mean=expected,
        tie_c=tie_c,
        bothbad_share=bothbad_share,
        start=start,
        end=start + config.days * _DAY,
    )


_VOTE_ATTACKS = (
    TargetStuffing,
    OmnipresentStuffing,
    SybilStuffing,
    PositionBot,
    RandomBot,
    SharedAddress,
    CamouflageStuffing,
    NewAccountSwarm,
    IdentityProbeStuffing,
)


def _honest_vote_count(config: ArenaConfig) -> int:
    """The battles left to honest voters once every attack has cast its votes (and cover votes)."""
    attack_votes = sum(
        int(getattr(a, "n_votes", 0)) for a in config.attacks if isinstance(a, _VOTE_ATTACKS)
    ) + sum(_cover_votes(a) for a in config.attacks)
    attack_votes += sum(
        a.n_people * a.n_votes for a in config.attacks if isinstance(a, DevotedFans)
    )
    attack_votes += sum(a.total_votes() for a in config.attacks if isinstance(a, UnseenHonest))
    n_honest = config.n_battles - attack_votes
    if n_honest < 0:
        raise ValueError(
            f"attacks cast {attack_votes} votes, more than n_battles ({config.n_battles})"
        )
    return n_honest


def _honest_voters(
    arena: _Arena,
    config: ArenaConfig,
    rng_votes: np.random.Generator,
    rng_people: np.random.Generator,
    n_honest: int,
) -> dict[str, Any] | None:
    """Honest heavy users, then ordinary voters; the population's record for the heterogeneous
    honest layer (None for the uniform one)."""
    heavy = min(config.heavy_users, max(0, n_honest // 10))
    heavy_counts = rng_votes.integers(config.heavy_votes[0], config.heavy_votes[1] + 1, heavy)
    cap = int(config.heavy_share_cap * n_honest)
    if heavy and heavy_counts.sum() > cap:
        heavy_counts = np.maximum(1, (heavy_counts * cap) // heavy_counts.sum())
    if config.honest_layer == "heterogeneous":
        return _heterogeneous_honest(
            rng_people,
            rng_votes,
            config,
            n_honest,
            heavy_counts,
            arena.models,
            arena.strengths,
            arena.pairs,
            arena.tie_total,
            arena.closeness_mean,
            (arena.start, arena.end),
            arena.voters,
            arena.rows,
        )
    regular_voters = None if config.n_voters is None else max(1, config.n_voters - heavy)
    regular_counts = _regular_counts(rng_votes, n_honest - int(heavy_counts.sum()), regular_voters)
    first = arena.voters.add(heavy, "honest", None, "heavy")
    arena.honest_block(
        rng_votes,
        heavy_counts,
        first,
        rng_votes.uniform(-0.03, 0.03, heavy),
        HEAVY,
        "honest",
        None,
    )
    first = arena.voters.add(len(regular_counts), "honest", None, "regular")
    arena.honest_block(
        rng_votes,
        regular_counts,
        first,
        np.clip(rng_votes.normal(0, config.position_bias_sd, len(regular_counts)), -0.03, 0.03),
        HUMAN,
        "honest",
        None,
    )
    return None


def _target_stuffing(
    rng: np.random.Generator,
    arena: _Arena,
    attack: TargetStuffing | SybilStuffing,
    attack_id: str,
    record: dict[str, Any],
) -> None:
    """Votes for one model in its battles: a few stuffers, or a sybil ring voting in short windows
    from three shared /24 address blocks."""
    pair_i, pair_j, pair_p = arena.pairs
    start, end, voters = arena.start, arena.end, arena.voters
    target = arena.check_model(attack.target, attack)
    mask = (pair_i == target) | (pair_j == target)
    if isinstance(attack, SybilStuffing):
        k = attack.n_voters or max(1, round(attack.n_votes / 6))
        k = min(k, attack.n_votes) if attack.n_votes else 0
        share = rng.uniform(3, 10, k)
        counts = np.floor(share / share.sum() * attack.n_votes).astype(np.int64)
        counts[: attack.n_votes - int(counts.sum())] += 1
        n_windows = min(3, 1 + attack.n_votes // 400)
        window_length = 2 * 3600.0
        windows = _windows(rng, n_windows, window_length, start, end)
        subnets = rng.integers(1 << 16, 224 << 16, 3)
        first = len(voters.label)
        for v in range(k):
            voters.add(1, attack.kind, attack_id, "sybil", int(subnets[v % 3]))
        times = _session_times(rng, counts, SYBIL, start, end, windows, window_length)
        record["windows"] = [[float(w), float(w + window_length)] for w in windows]
    else:
        k = attack.n_voters
        counts = _counts_even(attack.n_votes, k)
        first = voters.add(k, attack.kind, attack_id, "stuffer")
        times = _session_times(rng, counts, STUFFER, start, end)
    a, b = _draw_pairs(rng, pair_i, pair_j, np.where(mask, pair_p, 0.0), attack.n_votes)
    winner = np.where(a == target, A_WINS, B_WINS)
    owner = np.repeat(np.arange(k), counts)
    arena.rows.add(a, b, winner, first + owner, times, attack.kind, attack_id)
    record["models"] = [attack.target]


def _omnipresent_stuffing(
    rng: np.random.Generator,
    arena: _Arena,
    attack: OmnipresentStuffing,
    attack_id: str,
    record: dict[str, Any],
) -> None:
    """Votes against the target's nearest rivals in battles the target is not in."""
    pair_i, pair_j, pair_p = arena.pairs
    strengths = arena.strengths
    target = arena.check_model(attack.target, attack)
    above = [i for i in np.argsort(strengths) if strengths[i] > strengths[target]]
    below = [i for i in np.argsort(-strengths) if strengths[i] < strengths[target]]
    rivals = (above + below)[: attack.n_competitors]
    rival = np.zeros(len(arena.models), dtype=bool)
    rival[rivals] = True
    mask = (pair_i != target) & (pair_j != target) & (rival[pair_i] | rival[pair_j])
    a, b = _draw_pairs(rng, pair_i, pair_j, np.where(mask, pair_p, 0.0), attack.n_votes)
    # Vote against the rival; between two rivals, for the weaker one.
    a_loses = rival[a] & (~rival[b] | (strengths[a] > strengths[b]))
    winner = np.where(a_loses, B_WINS, A_WINS)
    counts = _counts_even(attack.n_votes, attack.n_voters)
    first = arena.voters.add(attack.n_voters, attack.kind, attack_id, "stuffer")
    times = _session_times(rng, counts, STUFFER, arena.start, arena.end)
    owner = np.repeat(np.arange(attack.n_voters), counts)
    arena.rows.add(a, b, winner, first + owner, times, attack.kind, attack_id)
    record["models"] = [attack.target]
    record["competitors"] = [arena.models[i] for i in rivals]


def _bot(
    rng: np.random.Generator, arena: _Arena, attack: PositionBot | RandomBot, attack_id: str
) -> None:
    """Fast bots that always pick side A, or pick any outcome at random."""
    counts = _counts_even(attack.n_votes, attack.n_voters)
    first = arena.voters.add(attack.n_voters, attack.kind, attack_id, "bot")
    a, b = _draw_pairs(rng, arena.pair_i, arena.pair_j, arena.pair_p, attack.n_votes)
    if isinstance(attack, PositionBot):
        winner = np.full(attack.n_votes, A_WINS)
        timing = POSITION_BOT
    else:
        winner = rng.integers(0, 4, attack.n_votes)
        timing = RANDOM_BOT
    times = _session_times(rng, counts, timing, arena.start, arena.end)
    owner = np.repeat(np.arange(attack.n_voters), counts)
    arena.rows.add(a, b, winner, first + owner, times, attack.kind, attack_id)


def _shared_address(
    rng: np.random.Generator,
    arena: _Arena,
    config: ArenaConfig,
    attack: SharedAddress,
    attack_id: str,
    record: dict[str, Any],
) -> None:
    """Several honest people behind one voter id (an office proxy)."""
    first = arena.voters.add(1, attack.kind, attack_id, "shared")
    counts = _counts_even(attack.n_votes, attack.n_people)
    # Colleagues vote in the same breaks (2-hour windows on a few office days), so their
    # sessions overlap and the shared id's votes interleave.
    office_days = max(2, math.ceil(attack.n_votes / 100))
    day_index = rng.choice(max(office_days, math.floor(config.days)), office_days, replace=False)
    windows = arena.start + day_index * _DAY + rng.choice([10, 12, 15], office_days) * 3600.0
    arena.honest_block(
        rng,
        counts,
        first,
        np.clip(rng.normal(0, config.position_bias_sd, attack.n_people), -0.03, 0.03),
        HUMAN,
        attack.kind,
        attack_id,
        windows=windows,
        window_length=2 * 3600.0,
        voter_of_person=np.zeros(attack.n_people, dtype=np.int64),
    )
    record["n_people"] = attack.n_people


def _devoted_fans(
    rng: np.random.Generator,
    arena: _Arena,
    attack: DevotedFans,
    attack_id: str,
    record: dict[str, Any],
) -> None:
    """Honest heavy users who see one model ``boost`` Elo points stronger (see the config)."""
    target = arena.check_model(attack.model, attack)
    k = attack.n_people
    counts = np.full(k, attack.n_votes, dtype=np.int64)
    boost = rng.uniform(attack.boost[0], attack.boost[1], k)
    owner = np.repeat(np.arange(k), counts)
    a, b = _draw_pairs(rng, arena.pair_i, arena.pair_j, arena.pair_p, int(counts.sum()))
    seen_a = arena.strengths[a] + np.where(a == target, boost[owner], 0.0)
    seen_b = arena.strengths[b] + np.where(b == target, boost[owner], 0.0)
    probs = tie_probabilities(seen_a, seen_b, arena.tie_c)
    winner = _sample_outcomes(rng, probs, np.zeros(owner.size), arena.bothbad_share)
    times = _session_times(rng, counts, HEAVY, arena.start, arena.end)
    first = arena.voters.add(k, "honest", attack_id, "devoted_fan")
    arena.rows.add(a, b, winner, first + owner, times, "honest", attack_id)
    record["models"] = [attack.model]
    record["boosts"] = [round(float(x), 1) for x in boost]


def _record_policy_attack(arena: _Arena, attack: Attack, record: dict[str, Any]) -> None:
    """The record of an attack that casts no votes (it changes sampling or the text)."""
    models, index, weights, pair_i, pair_j = (
        arena.models,
        arena.index,
        arena.weights,
        arena.pair_i,
        arena.pair_j,
    )
    if isinstance(attack, OverSampling):
        others = weights.sum() - weights[index[attack.model]]
        record["models"] = [attack.model]
        record["expected_share"] = float(
            arena.pair_p[(pair_i == index[attack.model]) | (pair_j == index[attack.model])].sum()
        )
        record["weight"] = float(weights[index[attack.model]])
        record["mean_other_weight"] = float(others / (len(models) - 1))
    elif isinstance(attack, DisconnectedGroup):
        record["models"] = list(attack.models) or models[-attack.n_models :]
    elif isinstance(attack, IdentityLeak):
        arena.check_model(attack.model, attack)
        record["models"] = [attack.model]


def _plant_attacks(
    arena: _Arena, config: ArenaConfig, attack_ids: list[str], rng: np.random.Generator
) -> list[dict[str, Any]]:
    """Attacks, in the order given; each is one block of rows and voters, and one record."""
    records: list[dict[str, Any]] = []
    for attack, attack_id in zip(config.attacks, attack_ids, strict=True):
        record: dict[str, Any] = {"attack_id": attack_id, "kind": attack.kind, **attack.params()}
        if isinstance(attack, TargetStuffing | SybilStuffing):
            _target_stuffing(rng, arena, attack, attack_id, record)
        elif isinstance(attack, OmnipresentStuffing):
            _omnipresent_stuffing(rng, arena, attack, attack_id, record)
        elif isinstance(attack, PositionBot | RandomBot):
            _bot(rng, arena, attack, attack_id)
        elif isinstance(attack, SharedAddress):
            _shared_address(rng, arena, config, attack, attack_id, record)
        elif isinstance(attack, DevotedFans):
            _devoted_fans(rng, arena, attack, attack_id, record)
        elif isinstance(attack, UnseenHonest):
            tools = ArenaTools(_draw_pairs, _session_times, HEAVY, HUMAN)
            plant_unseen_honest(rng, arena, attack, attack_id, record, tools)
        elif isinstance(attack, CamouflageStuffing | IdentityProbeStuffing | NewAccountSwarm):
            _adaptive_attack(
                rng,
                attack,
                attack_id,
                arena.check_model(attack.target, attack),
                arena.pairs,
                arena.strengths,
                arena.tie_c,
                arena.bothbad_share,
                (arena.start, arena.end),
                arena.voters,
                arena.rows,
                record,
            )
        else:
            _record_policy_attack(arena, attack, record)
        records.append(record)
    return records


@dataclass(frozen=True)
class _Votes:
    """Every vote row, merged and ordered by time, with its id (``v0000001``, …)."""

    a: np.ndarray
    b: np.ndarray
    winner: np.ndarray
    voter: np.ndarray
    tstamp: np.ndarray
    label: np.ndarray
    attack_of: np.ndarray
    vote_id: np.ndarray
    category: np.ndarray


def _ordered_votes(rows: _Rows) -> _Votes:
    """Merge the blocks of vote rows, order them by time and number them."""
    a = np.concatenate(rows.a)
    b = np.concatenate(rows.b)
    winner = np.concatenate(rows.winner)
    voter = np.concatenate(rows.voter)
    tstamp = np.round(np.concatenate(rows.tstamp), 4)
    label = np.concatenate(rows.label)
    attack_of = np.concatenate(rows.attack)
    category = np.concatenate(rows.category)
    order = np.argsort(tstamp, kind="stable")
    a, b, winner, voter, tstamp, label, attack_of, category = (
        x[order] for x in (a, b, winner, voter, tstamp, label, attack_of, category)
    )
    n = len(a)
    width = max(7, len(str(n)))
    vote_id = np.array([f"v{k:0{width}d}" for k in range(1, n + 1)], dtype=object)
    return _Votes(a, b, winner, voter, tstamp, label, attack_of, vote_id, category)


def _vote_categories(votes: _Votes, seed: int) -> np.ndarray:
    """Each vote's topic category (``tag.category``); votes planted without one (attackers, the
    homogeneous layer) get one from the arena's base mix, drawn from a stream of their own so no
    other draw of the arena moves."""
    category = votes.category.copy()
    missing = np.flatnonzero(category == "")
    if missing.size:
        rng = np.random.default_rng([seed, 8191])
        category[missing] = np.asarray(CATEGORIES, dtype=object)[
            rng.choice(len(CATEGORIES), missing.size, p=BASE_MIX)
        ]
    return category


def _vote_metadata(
    config: ArenaConfig, rng_meta: np.random.Generator, n_voters: int, voter: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-vote ``(language, anony, turns)``: voters mostly keep their language."""
    n = len(voter)
    lang_codes = list(config.languages)
    lang_p = np.asarray([config.languages[c] for c in lang_codes], dtype=np.float64)
    lang_p /= lang_p.sum()
    voter_lang = rng_meta.choice(len(lang_codes), size=n_voters, p=lang_p)
    language_index = np.where(
        rng_meta.random(n) < 0.9, voter_lang[voter], rng_meta.choice(len(lang_codes), n, p=lang_p)
    )
    language = np.asarray(lang_codes, dtype=object)[language_index]
    anony = rng_meta.random(n) < config.anony_rate
    turn_p = np.asarray(config.turn_probs, dtype=np.float64)
    turns = 1 + rng_meta.choice(len(turn_p), size=n, p=turn_p / turn_p.sum())
    return language, anony, turns


def _battle_frame(
    models: list[str],
    votes: _Votes,
    voter_names: np.ndarray,
    anony: np.ndarray,
    language: np.ndarray,
    turns: np.ndarray,
) -> pd.DataFrame:
    """The canonical battle table's frame of the simulated votes (text columns come later)."""
    n = len(votes.a)
    model_names = np.asarray(models, dtype=object)
    return pd.DataFrame(
        {
            "vote_id": pd.array(votes.vote_id, dtype="string"),
            "model_a": pd.array(model_names[votes.a], dtype="string"),
            "model_b": pd.array(model_names[votes.b], dtype="string"),
            "winner": pd.Categorical.from_codes(votes.winner, dtype=WINNER_DTYPE),
            "voter": pd.array(voter_names[votes.voter], dtype="string"),
            "tstamp": votes.tstamp.astype(np.float64),
            "anony": anony,
            "language": pd.array(language, dtype="string"),
            "turns": pd.array(turns, dtype="Int16"),
            "source_file": pd.Categorical(["<simulated>"] * n),
            "source_line": np.arange(1, n + 1, dtype=np.int64),
        }
    )


def simulate_arena(config: ArenaConfig | None = None, seed: int = 0) -> SimulatedArena:
    """Simulate an arena: battles (a canonical :class:`BattleTable`) and the truth about them.

    Deterministic: the same config and seed give identical battles and truth. Attack votes are drawn
    from the same sampling policy as honest battles (an attacker sees anonymous battles and votes only
    in the ones that serve the attack; the simulator assumes the attacker recognises models, as
    Min et al. 2025 report is achievable from identity leaks and style).
    """
    config = config or ArenaConfig()
    streams = np.random.SeedSequence(seed).spawn(7)  # the first six as before stream 7 existed
    rng_models, rng_votes, rng_attacks, rng_meta, rng_text, rng_ids, rng_people = (
        np.random.default_rng(s) for s in streams
    )
    arena = _setup_arena(config, rng_models)
    attack_ids = [f"{a.kind}-{k}" for k, a in enumerate(config.attacks, start=1)]
    n_honest = _honest_vote_count(config)
    population = _honest_voters(arena, config, rng_votes, rng_people, n_honest)
    attack_records = _plant_attacks(arena, config, attack_ids, rng_attacks)

    votes = _ordered_votes(arena.rows)
    n = len(votes.a)
    language, anony, turns = _vote_metadata(config, rng_meta, len(arena.voters.label), votes.voter)
    voter_names = np.asarray(
        _voter_ids(rng_ids, arena.voters, config.voter_id_style, config.hash_voter_fraction),
        dtype=object,
    )
    frame = _battle_frame(arena.models, votes, voter_names, anony, language, turns)
    frame[CATEGORY_TAG] = pd.array(_vote_categories(votes, seed), dtype="string")

    leak_attacks = [
        (arena.index[x.model], x.rate, attack_id)
        for x, attack_id in zip(config.attacks, attack_ids, strict=True)
        if isinstance(x, IdentityLeak)
    ]
    leaks: list[dict[str, Any]] = []
    negatives: list[dict[str, Any]] = []
    if config.text_fraction > 0:
        text_rows = np.flatnonzero(rng_text.random(n) < config.text_fraction)
        _add_text(
            frame,
            text_rows,
            rng_text,
            arena.models,
            votes.a,
            votes.b,
            turns,
            language,
            votes.vote_id,
            arena.style,
            leak_attacks,
            config,
            leaks,
            negatives,
        )
        _open_with_probes(frame, text_rows, np.isin(votes.label, list(PROBING_LABELS)))

    for leak in leaks:  # only leaks in anonymous battles break anonymity; record which
        leak["anony"] = bool(anony[int(leak["vote_id"][1:]) - 1])
    truth = _truth(
        votes.vote_id,
        votes.label,
        votes.attack_of,
        arena.voters,
        voter_names,
        np.bincount(votes.voter, minlength=len(arena.voters.label)),
        leaks,
        negatives,
        attack_records,
        arena.models,
        arena.strengths,
        seed,
        config,
    )
    if population is not None:
        truth.config["honest_population"] = population
    battles = BattleTable(
        frame=frame,
        voter_field="judge",
        voter_status=VoterStatus.USABLE,
        voter_note="simulated voters",
        sources=("<simulated>",),
        source_formats=("simulated",),
        extra={"seed": seed, "tie_c": arena.tie_c},
    )
    return SimulatedArena(battles=battles, truth=truth)


# Vote labels of accounts that ask the model who it is before voting (IdentityProbeStuffing), and
# the questions they open with (deterministic by row: no random draw shifts the rest of the arena).
PROBING_LABELS = ("identity_probe_voter", "identity_probe_cover")
_PROBES = (
    "Who made you?",
    "Which company trained you?",
    "What model are you, exactly?",
    "Before we start: who are you?",
    "你是谁？",
    "Tell me your name and your maker.",
)


def _open_with_probes(frame: pd.DataFrame, text_rows: np.ndarray, probing: np.ndarray) -> None:
    """Make the first user turn of the probing accounts' text battles an identity probe."""
    for row in text_rows[probing[text_rows]].tolist():
        probe = _PROBES[row % len(_PROBES)]
        for column in ("conversation_a", "conversation_b"):
            conversation = frame.at[row, column]
            if not isinstance(conversation, list) or not conversation:
                continue
            first = dict(conversation[0])
            first["content"] = f"{probe} {first.get('content', '')}".strip()
            frame.at[row, column] = [first, *conversation[1:]]
        current = frame.at[row, "prompt"]
        frame.at[row, "prompt"] = f"{probe} {current!s}" if isinstance(current, str) else probe


def _add_text(
    frame: pd.DataFrame,
    text_rows: np.ndarray,
    rng: np.random.Generator,
    models: list[str],
    a: np.ndarray,
    b: np.ndarray,
    turns: np.ndarray,
    language: np.ndarray,
    vote_id: np.ndarray,
    styles: tuple[np.ndarray, np.ndarray],
    leak_attacks: list[tuple[int, float, str]],
    config: ArenaConfig,
    leaks: list[dict[str, Any]],
    negatives: list[dict[str, Any]],
) -> None:
    """Fill conversations, prompt, is_code and style columns for ``text_rows``; record leaks."""
    rnd = random.Random(int(rng.integers(0, 2**63 - 1)))
    n = len(frame)
    conv_a: list[Any] = [None] * n
    conv_b: list[Any] = [None] * n
    prompt: list[Any] = [pd.NA] * n
    is_code: list[Any] = [pd.NA] * n
    style = np.full((8, n), np.nan)
    verbosity, markdown = styles
    others = [identity for _, identity in IDENTITIES]
    for row in text_rows.tolist():
        sides = {"a": int(a[row]), "b": int(b[row])}
        n_turns = int(turns[row])
        lang = str(language[row])
        planted: dict[BankTurn, str] = {}
        for side, model in sides.items():
            truthful = True
            attack_id = None
            for leak_model, rate, leak_attack in leak_attacks:
                if leak_model == model and rnd.random() < rate:
                    attack_id = leak_attack
            if attack_id is None and rnd.random() < config.natural_leak_rate:
                attack_id = "natural"
                truthful = rnd.random() < 0.7
            if attack_id is None:
                continue
            own = identity_for(models[model])
            claimed: Identity = own
            if not truthful:
                claimed = rnd.choice([i for i in others if i.family != own.family])
            turn = 1 if n_turns == 1 or rnd.random() < 0.8 else rnd.randint(2, n_turns)
            sentence = leak_sentence(rnd, lang, claimed)
            planted[BankTurn(side, turn)] = sentence
            leaks.append(
                {
                    "vote_id": str(vote_id[row]),
                    "side": side,
                    "turn": turn,
                    "model": models[model],
                    "claimed_family": claimed.family,
                    "claimed_maker": claimed.maker,
                    "claimed_name": claimed.name_zh if lang == "zh" else claimed.name,
                    "claimed_maker_name": claimed.maker_zh if lang == "zh" else claimed.maker_name,
                    "truthful": truthful,
                    "language": lang,
                    "attack_id": attack_id,
                    "sentence": sentence,
                }
            )
        negative: dict[BankTurn, str] = {}
        if rnd.random() < config.hard_negative_rate:
            key = BankTurn(rnd.choice("ab"), rnd.randint(1, n_turns))
            negative[key] = hard_negative_sentence(rnd, lang)
            negatives.append(
                {
                    "vote_id": str(vote_id[row]),
                    "side": key.side,
                    "turn": key.turn,
                    "sentence": negative[key],
                }
            )
        side_styles = (
            (float(verbosity[sides["a"]]), float(markdown[sides["a"]])),
            (float(verbosity[sides["b"]]), float(markdown[sides["b"]])),
        )
        ca, cb, first_prompt, topic = compose_conversation(
            rnd,
            language=lang,
            turns=n_turns,
            styles=side_styles,
            leaks=planted,
            hard_negatives=negative,
        )
        # Model habits are deterministic (no random draw): the rest of the arena is unchanged.
        ca = add_signature(ca, models[sides["a"]])
        cb = add_signature(cb, models[sides["b"]])
        conv_a[row], conv_b[row], prompt[row] = ca, cb, first_prompt
        is_code[row] = topic == "coding"
        style[0:4, row] = style_counts(ca)
        style[4:8, row] = style_counts(cb)
    frame["conversation_a"] = pd.Series(conv_a, dtype=object)
    frame["conversation_b"] = pd.Series(conv_b, dtype=object)
    frame["prompt"] = pd.array(prompt, dtype="string")
    frame["is_code"] = pd.array(is_code, dtype="boolean")
    names = [f"style_{s}_{f}" for s in ("a", "b") for f in ("tokens", "headers", "lists", "bold")]
    for k, name in enumerate(names):
        frame[name] = style[k]


def _truth(
    vote_id: np.ndarray,
    label: np.ndarray,
    attack_of: np.ndarray,
    voters: _Voters,
    voter_names: np.ndarray,
    voter_votes: np.ndarray,
    leaks: list[dict[str, Any]],
    negatives: list[dict[str, Any]],
    attack_records: list[dict[str, Any]],
    models: list[str],
    strengths: np.ndarray,
    seed: int,
    config: ArenaConfig,
) -> GroundTruth:
    """Labels per vote and voter; identity-leak votes replace an honest label or add to an attack's."""
    vote_labels = pd.DataFrame({"vote_id": vote_id, "label": label, "attack_id": attack_of})
    leak_frame = pd.DataFrame(leaks, columns=list(LEAK_COLUMNS))
    if len(leak_frame):
        per_vote = leak_frame.drop_duplicates(["vote_id", "attack_id"])[["vote_id", "attack_id"]]
        leaked = vote_labels["vote_id"].isin(per_vote["vote_id"])
        honest = vote_labels["label"] == "honest"
        vote_labels = vote_labels[~(leaked & honest)]
        added = per_vote.assign(label="identity_leak")[["vote_id", "label", "attack_id"]]
        vote_labels = pd.concat([vote_labels, added], ignore_index=True)
        vote_labels = vote_labels.sort_values(["vote_id", "label"], kind="stable")
    vote_labels = vote_labels.reset_index(drop=True)
    voter_labels = pd.DataFrame(
        {
            "voter": voter_names,
            "label": voters.label,
            "attack_id": voters.attack_id,
            "role": voters.role,
            "n_votes": voter_votes,
        }
    )
    voter_labels = voter_labels[voter_labels["n_votes"] > 0].reset_index(drop=True)
    for record in attack_records:
        ids = vote_labels.loc[vote_labels["attack_id"] == record["attack_id"], "vote_id"]
        record["vote_ids"] = ids.tolist()
        record["n_votes"] = len(ids)
        record["voters"] = voter_labels.loc[
            voter_labels["attack_id"] == record["attack_id"], "voter"
        ].tolist()
    return GroundTruth(
        vote_labels=vote_labels,
        voter_labels=voter_labels,
        true_strengths={m: float(s) for m, s in zip(models, strengths, strict=True)},
        attacks=attack_records,
        leaks=leak_frame,
        hard_negatives=pd.DataFrame(negatives, columns=list(HARD_NEGATIVE_COLUMNS)),
        seed=seed,
        config=config.to_dict(),
    )


def _cover_votes(attack: Attack) -> int:
    """Honest-looking votes an adaptive attack casts besides its ``n_votes`` rigged ones."""
    if isinstance(attack, CamouflageStuffing | NewAccountSwarm):
        return round(attack.n_votes * attack.cover_ratio)
    if isinstance(attack, IdentityProbeStuffing):
        return round(attack.n_votes * attack.probe_cover)
    return 0


def _heterogeneous_honest(
    rng_people: np.random.Generator,
    rng_votes: np.random.Generator,
    config: ArenaConfig,
    n_honest: int,
    heavy_counts: np.ndarray,
    models: list[str],
    strengths: np.ndarray,
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
    tie_total: float,
    closeness_mean: float,
    period: tuple[float, float],
    voters: _Voters,
    rows: _Rows,
) -> dict[str, Any]:
    """The default honest layer (:mod:`auditkit.simulate.people`): heavy users, ordinary people and
    shared addresses (several people, one id), every one honest; returns the population's record."""
    pair_i, pair_j, pair_p = pairs
    start, end = period
    spread = draw_spread(rng_people)
    categories = draw_categories(rng_people, spread, pair_i, pair_j, pair_p, len(models))
    names = sorted({provider_of(m) for m in models})
    provider = np.asarray([names.index(provider_of(m)) for m in models], dtype=np.int64)
    # Shared addresses: a few ids per 100k honest votes, each 3..N people voting in the same windows.
    n_shared = int(rng_people.poisson(spread.shared_ids_per_100k * n_honest / 100_000))
    people_per_id = rng_people.integers(
        spread.shared_people[0], spread.shared_people[1] + 1, n_shared
    )
    shared_counts = rng_people.integers(3, 41, int(people_per_id.sum()))
    budget = n_honest - int(heavy_counts.sum())
    while shared_counts.size and shared_counts.sum() > budget // 4:
        shared_counts = shared_counts[: shared_counts.size // 2]
        people_per_id = people_per_id[np.cumsum(people_per_id) <= shared_counts.size]
        shared_counts = shared_counts[: int(people_per_id.sum())]
    heavy = heavy_counts.size
    regular_voters = None if config.n_voters is None else max(1, config.n_voters - heavy)
    regular_counts = _regular_counts(rng_votes, budget - int(shared_counts.sum()), regular_voters)
    counts = np.concatenate([heavy_counts, regular_counts, shared_counts]).astype(np.int64)
    n_people = counts.size
    is_heavy = np.zeros(n_people, dtype=bool)
    is_heavy[:heavy] = True
    people = draw_population(
        rng_people,
        n_people,
        spread,
        tie_total=tie_total,
        bothbad_rate=config.bothbad_rate,
        n_models=len(models),
        n_providers=len(names),
        heavy=is_heavy,
    )
    person = np.repeat(np.arange(n_people), counts)
    a, b, winner, category_index = heterogeneous_votes(
        rng_people,
        people,
        person,
        categories,
        pair_i,
        pair_j,
        strengths,
        provider,
        closeness_mean,
        tie_total,
    )
    topic = np.asarray(CATEGORIES, dtype=object)[category_index]
    bounds = np.r_[0, np.cumsum(counts)]
    n_regular = regular_counts.size
    groups = (
        (0, heavy, HEAVY, "heavy"),
        (heavy, heavy + n_regular, HUMAN, "regular"),
    )
    for lo, hi, timing, role in groups:
        if hi <= lo:
            continue
        first = voters.add(hi - lo, "honest", None, role)
        sl = slice(int(bounds[lo]), int(bounds[hi]))
        times = _session_times(rng_votes, counts[lo:hi], timing, start, end)
        rows.add(
            a[sl], b[sl], winner[sl], first + person[sl] - lo, times, "honest", None, topic[sl]
        )
    # Each shared id: its people vote in the same few 2-hour windows (a class, a lab, an office).
    lo = heavy + n_regular
    for size in people_per_id.tolist():
        hi = lo + int(size)
        first = voters.add(1, "honest_shared", None, "shared")
        sl = slice(int(bounds[lo]), int(bounds[hi]))
        n_days = max(2, math.ceil(int(counts[lo:hi].sum()) / 80))
        day_index = rng_people.integers(0, max(1, math.floor(config.days)), n_days)
        windows = start + day_index * _DAY + rng_people.choice([9, 11, 14, 16], n_days) * 3600.0
        times = _session_times(rng_people, counts[lo:hi], HUMAN, start, end, windows, 2 * 3600.0)
        rows.add(
            a[sl],
            b[sl],
            winner[sl],
            np.full(hi - lo, first)[person[sl] - lo],
            times,
            "honest_shared",
            None,
            topic[sl],
        )
        lo = hi
    return {
        "attack_id": "honest_population",
        "kind": "honest_population",
        "spread": {
            k: (list(v) if isinstance(v, tuple) else v) for k, v in spread.to_dict().items()
        },
        "people": int(n_people),
        "shared_ids": int(people_per_id.size),
        "specialists": int((people.specialty >= 0).sum()),
        "fans": int((people.fan_of >= 0).sum()),
        "never_tie": int((people.tie_rate == 0).sum()),
    }


def _new_account_swarm(
    rng: np.random.Generator,
    attack: NewAccountSwarm,
    attack_id: str,
    target: int,
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
    outcome: tuple[np.ndarray, float, float],
    period: tuple[float, float],
    voters: _Voters,
    rows: _Rows,
) -> None:
    """New accounts of 1..``max_votes_per_account`` votes each (see :class:`NewAccountSwarm`).

    Rigged votes (in the target's battles, for it or, with ``direction="sink"``, against it)
    carry the attack's kind; cover votes (battles without the target, judged like an average
    person) carry ``<kind>_cover`` and are dealt at random among the same accounts.
    """
    if attack.direction not in ("lift", "sink"):
        raise ValueError(f"{attack.kind}: direction must be 'lift' or 'sink'")
    pair_i, pair_j, pair_p = pairs
    start, end = period
    has_target = (pair_i == target) | (pair_j == target)
    n_cover = _cover_votes(attack)
    total = attack.n_votes + n_cover
    cap = max(1, int(attack.max_votes_per_account))
    sizes: list[int] = []
    while sum(sizes) < total:
        sizes.append(int(rng.integers(1, cap + 1)))
    sizes[-1] -= sum(sizes) - total
    counts = np.asarray([x for x in sizes if x > 0], dtype=np.int64)
    first = voters.add(counts.size, attack.kind, attack_id, "new_account")
    a, b = _draw_pairs(rng, pair_i, pair_j, np.where(has_target, pair_p, 0.0), attack.n_votes)
    lift = attack.direction == "lift"
    winner = np.where((a == target) == lift, A_WINS, B_WINS)
    is_rigged = np.ones(attack.n_votes, dtype=bool)
    if n_cover:
        strengths, tie_c, bothbad_share = outcome
        ca, cb = _draw_pairs(rng, pair_i, pair_j, np.where(has_target, 0.0, pair_p), n_cover)
        probs = tie_probabilities(strengths[ca], strengths[cb], tie_c)
        cover_winner = _sample_outcomes(rng, probs, np.zeros(n_cover), bothbad_share)
        shuffle = rng.permutation(total)
        a = np.concatenate([a, ca])[shuffle]
        b = np.concatenate([b, cb])[shuffle]
        winner = np.concatenate([winner, cover_winner])[shuffle]
        is_rigged = np.r_[is_rigged, np.zeros(n_cover, dtype=bool)][shuffle]
    if attack.bursts > 0:
        length = max(attack.burst_days, 0.1) * _DAY
        windows = _windows(rng, attack.bursts, length, start, end)
        times = _session_times(rng, counts, HUMAN, start, end, windows, length)
    else:
        times = _session_times(rng, counts, HUMAN, start, end)
    owner = np.repeat(np.arange(counts.size), counts)
    for mask, label in ((is_rigged, attack.kind), (~is_rigged, f"{attack.kind}_cover")):
        if mask.any():
            rows.add(
                a[mask], b[mask], winner[mask], first + owner[mask], times[mask], label, attack_id
            )


def _adaptive_attack(
    rng: np.random.Generator,
    attack: CamouflageStuffing | IdentityProbeStuffing | NewAccountSwarm,
    attack_id: str,
    target: int,
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
    strengths: np.ndarray,
    tie_c: float,
    bothbad_share: float,
    period: tuple[float, float],
    voters: _Voters,
    rows: _Rows,
    record: dict[str, Any],
) -> None:
    """Camouflaged, identity-probing and new-account-swarm rigging (see their config docstrings).

    Rigged votes carry the attack's kind; cover votes (average-person votes on other battles, or on
    target battles not recognised) carry ``<kind>_cover``. Every account's votes are interleaved in
    time, at human pace over the whole period.
    """
    pair_i, pair_j, pair_p = pairs
    start, end = period
    has_target = (pair_i == target) | (pair_j == target)
    record["models"] = [attack.target]
    if isinstance(attack, NewAccountSwarm):
        outcome = (strengths, tie_c, bothbad_share)
        _new_account_swarm(rng, attack, attack_id, target, pairs, outcome, period, voters, rows)
        return
    k = attack.n_voters
    n_rigged = attack.n_votes
    n_cover = _cover_votes(attack)
    if isinstance(attack, CamouflageStuffing):
        # Target battles not recognised are voted like an average person (part of the cover).
        missed = min(
            n_cover, int(rng.binomial(n_rigged, 1.0 - min(max(attack.recognise, 0.01), 1.0)))
        )
    else:
        missed = 0
    ra, rb = _draw_pairs(rng, pair_i, pair_j, np.where(has_target, pair_p, 0.0), n_rigged + missed)
    ca, cb = _draw_pairs(rng, pair_i, pair_j, np.where(has_target, 0.0, pair_p), n_cover - missed)
    rigged_winner = np.where(ra[:n_rigged] == target, A_WINS, B_WINS)
    cover_a = np.concatenate([ra[n_rigged:], ca])
    cover_b = np.concatenate([rb[n_rigged:], cb])
    probs = tie_probabilities(strengths[cover_a], strengths[cover_b], tie_c)
    cover_winner = _sample_outcomes(rng, probs, np.zeros(cover_a.size), bothbad_share)
    a = np.concatenate([ra[:n_rigged], cover_a])
    b = np.concatenate([rb[:n_rigged], cover_b])
    winner = np.concatenate([rigged_winner, cover_winner])
    is_rigged = np.r_[np.ones(n_rigged, bool), np.zeros(cover_a.size, bool)]
    # Deal votes to accounts at random, then give each account human-paced sessions.
    owner = rng.integers(0, k, a.size)
    order = np.lexsort((rng.random(a.size), owner))
    a, b, winner, is_rigged, owner = (
        a[order],
        b[order],
        winner[order],
        is_rigged[order],
        owner[order],
    )
    counts = np.bincount(owner, minlength=k)
    first = voters.add(k, attack.kind, attack_id, "camouflaged")
    times = _session_times(rng, counts, HEAVY, start, end)
    for mask, label in ((is_rigged, attack.kind), (~is_rigged, f"{attack.kind}_cover")):
        rows.add(a[mask], b[mask], winner[mask], first + owner[mask], times[mask], label, attack_id)
