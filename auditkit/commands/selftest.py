"""``auditkit selftest FILE...``: plant known attacks in a copy of the night's votes, measure recall."""

from __future__ import annotations

import argparse
from pathlib import Path

from auditkit.commands._output import print_result, write_json_file
from auditkit.errors import ExitCode, InputError

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "selftest",
        help="plant the simulator's attacks in a copy of the votes: recall, false positives, cost",
        description=(
            "Copy the votes, plant every simulator attack kind at a stated budget plus honest "
            "look-alikes, run the detectors and policy, and report vote recall per attack kind, "
            "the honest false-positive rate, and the undetected votes that would lift each top "
            "model one and five ranks. Says what the data does not allow testing."
        ),
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="battle log(s), any loader format")
    parser.add_argument("--rules", default=None, help="rule pack folder (default: ./rules)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--budget", type=int, default=None, help="votes per attack kind (default 0.5%%, 200–2000)"
    )
    parser.add_argument(
        "--attack",
        action="append",
        default=[],
        metavar="KIND:ARGS",
        help="plant this attack instead of the default plan (repeatable; as in `simulate`)",
    )
    parser.add_argument("--target", default=None, help="model targeted attacks promote")
    parser.add_argument("--top", type=int, default=10, help="attack cost for the top K")
    parser.add_argument("--out", type=Path, help="also write the JSON result to this file")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load, plant, detect, measure; exit 0, or 2 on bad input."""
    from auditkit.io import load_battles
    from auditkit.rules import load_rules
    from auditkit.selftest import selftest
    from auditkit.simulate import parse_attack

    if args.budget is not None and args.budget < 1:
        raise InputError("--budget must be at least 1")
    try:
        attacks = [parse_attack(spec) for spec in args.attack] or None
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    rules = load_rules(args.rules)
    battles = load_battles(args.files, with_text=True).battles
    try:
        result = selftest(
            battles,
            rules,
            seed=args.seed,
            budget=args.budget,
            attacks=attacks,
            target=args.target,
            top=args.top,
        )
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    print_result(result, as_json=args.json)
    if args.out is not None:
        write_json_file(result, args.out)
    return int(ExitCode.CLEAN)
