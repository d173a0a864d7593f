"""What a simulated arena looks like: :class:`ArenaConfig` plus the attack specs it can inject.

Every attack is a small frozen dataclass; its ``kind`` is the label its votes (or voters) carry in the
ground truth. ``parse_attack`` turns the CLI form ``KIND:ARGS`` into one, ``preset_config`` returns the
named arenas (``clean``, ``demo``, ``attacks``) with overrides.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

__all__ = [
    "ATTACK_KINDS",
    "DEFAULT_LANGUAGES",
    "DEFAULT_START_TIME",
    "HONEST_LAYERS",
    "PRESETS",
    "ArenaConfig",
    "Attack",
    "CamouflageStuffing",
    "DevotedFans",
    "DisconnectedGroup",
    "IdentityLeak",
    "IdentityProbeStuffing",
    "NewAccountSwarm",
    "OmnipresentStuffing",
    "OverSampling",
    "PositionBot",
    "RandomBot",
    "SharedAddress",
    "SybilStuffing",
    "TargetStuffing",
    "parse_attack",
    "preset_config",
]

# 2024-06-01T00:00:00Z: inside the FastChat-era arena the default log imitates.
DEFAULT_START_TIME = 1_717_200_000.0

# Shares roughly as in the public arena logs (English dominant, Chinese second).
DEFAULT_LANGUAGES: dict[str, float] = {
    "en": 0.60,
    "zh": 0.12,
    "ru": 0.06,
    "es": 0.05,
    "de": 0.04,
    "fr": 0.04,
    "ja": 0.03,
    "ko": 0.02,
    "pt": 0.02,
    "it": 0.02,
}


HONEST_LAYERS: tuple[str, ...] = ("heterogeneous", "homogeneous")


@dataclass(frozen=True)
class Attack:
    """Base of every injectable attack; ``kind`` is the ground-truth label."""

    kind: ClassVar[str] = "attack"

    def params(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


@dataclass(frozen=True)
class TargetStuffing(Attack):
    """Voters who vote only in battles of ``target``, always for it (Min et al. 2025, target-only rigging)."""

    kind: ClassVar[str] = "target_stuffing"
    target: str
    n_votes: int
    n_voters: int = 1


@dataclass(frozen=True)
class OmnipresentStuffing(Attack):
    """Votes on battles *without* the target, always against the target's closest rivals above it.

    Min et al. (2025), "Improving Your Model Ranking on Chatbot Arena by Vote Rigging": omnipresent
    rigging moves the target's rank by lowering its competitors, so every battle is usable.
    """

    kind: ClassVar[str] = "omnipresent_stuffing"
    target: str
    n_votes: int
    n_voters: int = 1
    n_competitors: int = 3


@dataclass(frozen=True)
class SybilStuffing(Attack):
    """Target stuffing spread over many low-volume accounts whose sessions overlap in a few windows."""

    kind: ClassVar[str] = "sybil_stuffing"
    target: str
    n_votes: int
    n_voters: int | None = None  # None: about 6 votes per account


@dataclass(frozen=True)
class PositionBot(Attack):
    """Always votes for the left answer (model A), fast."""

    kind: ClassVar[str] = "position_bot"
    n_votes: int
    n_voters: int = 1


@dataclass(frozen=True)
class RandomBot(Attack):
    """Uniformly random outcome (A, B, tie, both bad), very short gaps."""

    kind: ClassVar[str] = "random_bot"
    n_votes: int
    n_voters: int = 1


@dataclass(frozen=True)
class IdentityLeak(Attack):
    """``model`` reveals its identity in ``rate`` of its text responses."""

    kind: ClassVar[str] = "identity_leak"
    model: str
    rate: float = 0.3


@dataclass(frozen=True)
class OverSampling(Attack):
    """``model``'s sampling weight is multiplied by ``factor`` (a table-level imbalance, no vote labels)."""

    kind: ClassVar[str] = "over_sampling"
    model: str
    factor: float = 3.0


@dataclass(frozen=True)
class DisconnectedGroup(Attack):
    """Models that only ever battle each other; named models not in the arena are added to it."""

    kind: ClassVar[str] = "disconnected_group"
    n_models: int = 2
    models: tuple[str, ...] = ()


@dataclass(frozen=True)
class SharedAddress(Attack):
    """Several honest people behind one voter id (an office NAT): NOT an attack, a false-positive check."""

    kind: ClassVar[str] = "honest_shared"
    n_people: int = 4
    n_votes: int = 300


@dataclass(frozen=True)
class DevotedFans(Attack):
    """Honest heavy users devoted to one model: NOT an attack, the honest twin of camouflage.

    Each of ``n_people`` casts ``n_votes`` votes on battles served by the arena's own policy (an
    anonymous voter cannot pick their battles) at a heavy user's pace over the whole period, and
    judges like an average person except that ``model`` looks ``boost`` Elo points stronger to
    them (drawn per person, uniform in the range) — a fan far beyond the default population's
    provider fans, who still loses to clearly stronger models. Labelled ``honest`` (role
    ``devoted_fan``): a voter audit must not flag them. Not in :data:`ATTACK_KINDS` (no attack
    to plant in a self-test): benchmarks and tests add it to an arena's ``attacks`` directly.
    """

    kind: ClassVar[str] = "honest_devoted"
    model: str
    n_people: int = 4
    n_votes: int = 300
    boost: tuple[float, float] = (60.0, 150.0)


@dataclass(frozen=True)
class CamouflageStuffing(Attack):
    """Accounts that look honest: plausible votes on other battles, a vote for ``target`` whenever
    they recognise it (``recognise`` of its battles), at human pace over the whole period.

    ``n_votes`` counts the rigged votes (labelled ``camouflage``); each account also casts about
    ``cover_ratio`` honest-looking votes per rigged vote (labelled ``camouflage_cover``), judged
    like an average person. Min et al. 2025 (arXiv 2501.17858): rigging that hides among normal use.
    """

    kind: ClassVar[str] = "camouflage"
    target: str
    n_votes: int
    n_voters: int = 4
    cover_ratio: float = 2.0
    recognise: float = 0.9


@dataclass(frozen=True)
class NewAccountSwarm(Attack):
    """Many brand-new accounts that each cast 1-4 votes, all for ``target``, spread over weeks.

    No single account carries evidence; only the population of new accounts does. Variants an
    attacker who has read the population check's docstring would try: ``direction="sink"`` votes
    against ``target`` (pull a rival down) instead of for it; ``cover_ratio`` honest-looking votes
    (judged like an average person, on battles without ``target``) per rigged vote are dealt to
    the same accounts (labelled ``new_account_swarm_cover``), so no account is all wins;
    ``max_votes_per_account=1`` with a small ``n_votes`` spreads the swarm thin; ``bursts`` > 0
    brings the accounts in that many bursts of ``burst_days`` days (0: over the whole period, like
    honest newcomers).
    """

    kind: ClassVar[str] = "new_account_swarm"
    target: str
    n_votes: int
    max_votes_per_account: int = 4
    direction: str = "lift"
    cover_ratio: float = 0.0
    bursts: int = 0
    burst_days: float = 2.0


@dataclass(frozen=True)
class IdentityProbeStuffing(Attack):
    """Accounts that open each battle with an identity probe ("who made you?") and vote for
    ``target`` when the answer names it; other battles get honest-looking votes.

    Huang et al. 2025 (arXiv 2501.07493): de-anonymising answers, then voting. ``n_votes`` counts
    the rigged votes; the probed battles without the target (``probe_cover`` per rigged vote) are
    labelled ``identity_probe_cover``. When the arena has text, their battles' prompts are probes.
    """

    kind: ClassVar[str] = "identity_probe_voter"
    target: str
    n_votes: int
    n_voters: int = 3
    probe_cover: float = 1.0


ATTACK_KINDS: dict[str, type[Attack]] = {
    cls.kind: cls
    for cls in (
        TargetStuffing,
        OmnipresentStuffing,
        SybilStuffing,
        PositionBot,
        RandomBot,
        IdentityLeak,
        OverSampling,
        DisconnectedGroup,
        SharedAddress,
        CamouflageStuffing,
        NewAccountSwarm,
        IdentityProbeStuffing,
    )
}
# CLI aliases: "shared_address" reads better on a command line than the label.
ATTACK_KINDS["shared_address"] = SharedAddress


@dataclass(frozen=True)
class ArenaConfig:
    """Everything that shapes a simulated arena; with a seed it fixes the output exactly.

    ``n_battles`` is the total number of rows, attack votes included. Strengths are on the Elo scale
    (P(A beats B) = 1 / (1 + 10^((R_B - R_A)/400))); when not given they are drawn from
    N(``strength_mean``, ``strength_sd``). ``sampling_weights`` (per model, default uniform) make a
    pair's probability proportional to the product of its two weights.
    """

    n_battles: int = 10_000
    n_models: int = 12
    models: tuple[str, ...] | None = None
    strengths: Mapping[str, float] | Sequence[float] | None = None
    sampling_weights: Mapping[str, float] | Sequence[float] | None = None
    strength_mean: float = 1100.0
    strength_sd: float = 120.0
    n_voters: int | None = None
    heavy_users: int = 5
    heavy_votes: tuple[int, int] = (200, 800)
    heavy_share_cap: float = 0.15
    position_bias_sd: float = 0.01
    tie_rate: float = 0.17
    bothbad_rate: float = 0.12
    anony_rate: float = 0.85
    languages: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_LANGUAGES))
    turn_probs: tuple[float, ...] = (0.82, 0.13, 0.05)
    text_fraction: float = 0.0
    natural_leak_rate: float = 0.004
    hard_negative_rate: float = 0.04
    start_time: float = DEFAULT_START_TIME
    days: float = 30.0
    voter_id_style: str = "mixed"  # "ip" | "hash" | "mixed"
    hash_voter_fraction: float = 0.15
    attacks: tuple[Attack, ...] = ()
    # "heterogeneous": honest people differ (auditkit.simulate.people; the default);
    # "homogeneous": every honest voter is one average person (the former layer, kept as a preset).
    honest_layer: str = "heterogeneous"

    def __post_init__(self) -> None:
        object.__setattr__(self, "attacks", tuple(self.attacks))
        if self.models is not None:
            object.__setattr__(self, "models", tuple(self.models))
        problems = []
        if self.n_battles < 1:
            problems.append("n_battles must be >= 1")
        if self.models is None and self.n_models < 2:
            problems.append("n_models must be >= 2")
        if not 0.0 <= self.text_fraction <= 1.0:
            problems.append("text_fraction must be in [0, 1]")
        if self.tie_rate < 0 or self.bothbad_rate < 0 or self.tie_rate + self.bothbad_rate >= 0.5:
            problems.append("tie_rate + bothbad_rate must be in [0, 0.5)")
        if self.voter_id_style not in ("ip", "hash", "mixed"):
            problems.append("voter_id_style must be ip, hash or mixed")
        if self.honest_layer not in HONEST_LAYERS:
            problems.append("honest_layer must be " + " or ".join(HONEST_LAYERS))
        if self.days <= 0:
            problems.append("days must be > 0")
        if not self.turn_probs or abs(sum(self.turn_probs) - 1.0) > 1e-6:
            problems.append("turn_probs must sum to 1")
        if not self.languages or any(v < 0 for v in self.languages.values()):
            problems.append("languages must be a non-empty mapping of non-negative shares")
        if problems:
            raise ValueError("invalid ArenaConfig: " + "; ".join(problems))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able description (recorded in the ground truth for provenance)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "attacks":
                value = [{"kind": a.kind, **a.params()} for a in value]
            elif isinstance(value, Mapping):
                value = dict(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out


def _convert(text: str, target: Any) -> Any:
    """Coerce a CLI string to a dataclass field's declared type (given as a string annotation)."""
    kind = str(target)
    if kind.startswith("int"):
        return int(text)
    if kind.startswith("float"):
        return float(text)
    if kind.startswith("tuple"):
        return tuple(part for part in text.split("+") if part)
    return text


def parse_attack(spec: str) -> Attack:
    """``KIND:ARGS`` → an attack; ARGS are ``key=value`` or positional, comma-separated.

    ``target_stuffing:gpt-4o,300`` and ``target_stuffing:target=gpt-4o,n_votes=300,n_voters=2`` are the
    same attack; tuple fields take ``+``-joined values (``disconnected_group:models=a+b``).
    """
    kind, _, rest = spec.partition(":")
    cls = ATTACK_KINDS.get(kind.strip().lower().replace("-", "_"))
    if cls is None:
        known = ", ".join(sorted(ATTACK_KINDS))
        raise ValueError(f"unknown attack kind {kind!r} (known: {known})")
    fields = [f for f in dataclasses.fields(cls) if f.init]
    by_name = {f.name: f for f in fields}
    kwargs: dict[str, Any] = {}
    for position, part in enumerate(p.strip() for p in rest.split(",") if p.strip()):
        if "=" in part:
            key, _, value = part.partition("=")
            key = key.strip()
            if key not in by_name:
                raise ValueError(f"{cls.kind}: unknown argument {key!r}")
        else:
            if position >= len(fields):
                raise ValueError(f"{cls.kind}: too many arguments in {spec!r}")
            key, value = fields[position].name, part
        try:
            kwargs[key] = _convert(value.strip(), by_name[key].type)
        except ValueError as exc:
            raise ValueError(f"{cls.kind}: bad value for {key}: {value!r}") from exc
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise ValueError(f"{cls.kind}: {exc}") from exc


# Realistic FastChat-era model names (the response bank knows each one's identity).
PRESET_MODELS: tuple[str, ...] = (
    "gpt-4o-2024-05-13",
    "claude-3-5-sonnet-20240620",
    "gemini-1.5-pro-api-0514",
    "llama-3-70b-instruct",
    "qwen2-72b-instruct",
    "mistral-large-2402",
    "yi-large",
    "command-r-plus",
    "deepseek-v2-api-0628",
    "glm-4-0520",
    "gpt-4o-mini-2024-07-18",
    "claude-3-haiku-20240307",
)


def _preset(name: str) -> ArenaConfig:
    m = PRESET_MODELS
    if name == "clean":
        return ArenaConfig(n_battles=20_000, models=m, text_fraction=0.1)
    if name == "homogeneous":
        return ArenaConfig(
            n_battles=20_000, models=m, text_fraction=0.1, honest_layer="homogeneous"
        )
    if name == "demo":
        return ArenaConfig(
            n_battles=20_000,
            models=m,
            text_fraction=0.3,
            attacks=(
                IdentityLeak(model=m[4], rate=0.3),
                TargetStuffing(target=m[7], n_votes=300, n_voters=1),
                SybilStuffing(target=m[9], n_votes=360, n_voters=60),
                PositionBot(n_votes=300),
                RandomBot(n_votes=300),
                OverSampling(model=m[10], factor=3.0),
                DisconnectedGroup(models=("reka-core-20240501", "phi-3-medium-4k-instruct")),
                SharedAddress(n_people=4, n_votes=300),
            ),
        )
    if name == "attacks":
        return ArenaConfig(
            n_battles=50_000,
            models=m,
            text_fraction=0.2,
            attacks=(
                IdentityLeak(model=m[4], rate=0.5),
                IdentityLeak(model=m[6], rate=0.2),
                TargetStuffing(target=m[7], n_votes=800, n_voters=2),
                OmnipresentStuffing(target=m[8], n_votes=1500, n_voters=3),
                SybilStuffing(target=m[9], n_votes=900),
                PositionBot(n_votes=600, n_voters=2),
                RandomBot(n_votes=600, n_voters=2),
                OverSampling(model=m[10], factor=3.0),
                DisconnectedGroup(models=("reka-core-20240501", "phi-3-medium-4k-instruct")),
                SharedAddress(n_people=5, n_votes=600),
                CamouflageStuffing(target=m[3], n_votes=300, n_voters=3),
                NewAccountSwarm(target=m[11], n_votes=600),
                IdentityProbeStuffing(target=m[5], n_votes=200, n_voters=2),
            ),
        )
    raise ValueError(f"unknown preset {name!r} (known: {', '.join(PRESETS)})")


PRESETS: tuple[str, ...] = ("clean", "demo", "attacks", "homogeneous")


def preset_config(name: str, **overrides: Any) -> ArenaConfig:
    """The named arena (``clean``, ``demo``, ``attacks``) with any field overridden."""
    return dataclasses.replace(_preset(name), **overrides)
