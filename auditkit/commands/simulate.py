"""``auditkit simulate``: write a simulated arena (FastChat JSON Lines) and its ground truth."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any

from auditkit.commands._args import non_negative_int, positive_int, share
from auditkit.errors import ExitCode, InputError

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "simulate",
        help="simulate an arena with planted attacks and write battles + ground truth",
        description=(
            "Simulate a pairwise-vote arena (Bradley-Terry outcomes, heavy-tailed voters, sessions) "
            "with injected attacks; write the battles as FastChat clean_battle JSON Lines and the "
            "ground truth as JSON. Attack kinds: target_stuffing, omnipresent_stuffing, "
            "sybil_stuffing, position_bot, random_bot, identity_leak, over_sampling, "
            "disconnected_group, shared_address."
        ),
    )
    parser.add_argument("--out", required=True, help="battles file (.jsonl or .jsonl.gz)")
    parser.add_argument("--truth", required=True, help="ground-truth JSON file")
    parser.add_argument(
        "--preset",
        choices=("clean", "demo", "attacks"),
        default=None,
        help="start from a named arena (default: a plain 10k-battle arena without attacks)",
    )
    parser.add_argument("--battles", type=positive_int, default=None, help="total battles")
    parser.add_argument("--models", type=positive_int, default=None, help="number of models")
    parser.add_argument("--seed", type=non_negative_int, default=0)
    parser.add_argument(
        "--text-fraction", type=share, default=None, help="share with conversations"
    )
    parser.add_argument(
        "--attack",
        action="append",
        default=[],
        metavar="KIND:ARGS",
        help="add an attack, e.g. target_stuffing:target=gpt-4o-2024-05-13,n_votes=300 (repeatable)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from auditkit.simulate import ArenaConfig, parse_attack, preset_config, simulate_arena

    try:
        config = preset_config(args.preset) if args.preset else ArenaConfig()
        overrides: dict[str, Any] = {}
        if args.battles is not None:
            overrides["n_battles"] = args.battles
        if args.models is not None:
            overrides["n_models"] = args.models
            overrides["models"] = None
        if args.text_fraction is not None:
            overrides["text_fraction"] = args.text_fraction
        if args.attack:
            overrides["attacks"] = (*config.attacks, *(parse_attack(s) for s in args.attack))
        config = dataclasses.replace(config, **overrides)
        arena = simulate_arena(config, seed=args.seed)
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    arena.write(Path(args.out), Path(args.truth))
    print(arena.summary())
    print(f"battles: {args.out}\ntruth: {args.truth}")
    return int(ExitCode.CLEAN)
