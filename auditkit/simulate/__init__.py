"""Simulated arenas with planted attacks and their ground truth, for testing detectors end to end."""

from __future__ import annotations

from auditkit.simulate.arena import DEFAULT_MODELS, simulate_arena, tie_probabilities
from auditkit.simulate.config import (
    ATTACK_KINDS,
    PRESETS,
    ArenaConfig,
    Attack,
    DisconnectedGroup,
    IdentityLeak,
    OmnipresentStuffing,
    OverSampling,
    PositionBot,
    RandomBot,
    SharedAddress,
    SybilStuffing,
    TargetStuffing,
    parse_attack,
    preset_config,
)
from auditkit.simulate.truth import HONEST_LABELS, GroundTruth, SimulatedArena, load_truth

__all__ = [
    "ATTACK_KINDS",
    "DEFAULT_MODELS",
    "HONEST_LABELS",
    "PRESETS",
    "ArenaConfig",
    "Attack",
    "DisconnectedGroup",
    "GroundTruth",
    "IdentityLeak",
    "OmnipresentStuffing",
    "OverSampling",
    "PositionBot",
    "RandomBot",
    "SharedAddress",
    "SimulatedArena",
    "SybilStuffing",
    "TargetStuffing",
    "load_truth",
    "parse_attack",
    "preset_config",
    "simulate_arena",
    "tie_probabilities",
]
