"""``auditkit fragility FILE...``: how many votes hold the top of the leaderboard in place."""

from __future__ import annotations

import argparse
from pathlib import Path

from auditkit.commands._output import print_result
from auditkit.errors import ExitCode, InputError

__all__ = ["register"]


def _pair(text: str) -> tuple[str, str]:
    a, sep, b = text.partition(",")
    if not sep or not a.strip() or not b.strip():
        raise argparse.ArgumentTypeError(f"--pair wants MODEL_A,MODEL_B, not {text!r}")
    return a.strip(), b.strip()


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "fragility",
        help="votes to remove, flip or add to reverse the top of the leaderboard",
        description=(
            "For #1 and each adjacent pair of the top K: the fewest votes whose removal "
            "(drop_to_flip), changed winner (flip_to_flip) or addition on served pairs "
            "(add_to_flip) reverses the order, found by a greedy influence search and verified "
            "by exact Bradley-Terry refits (counts are verified upper bounds)."
        ),
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="battle log(s), any loader format")
    parser.add_argument("--top", type=int, default=10, help="pairs among the top K (default 10)")
    parser.add_argument(
        "--pair",
        type=_pair,
        action="append",
        default=[],
        metavar="MODEL_A,MODEL_B",
        help="also this pair (repeatable)",
    )
    parser.add_argument("--all-battles", action="store_true", help="include non-anonymous battles")
    parser.add_argument(
        "--out", type=Path, help="write fragility.json and one vote-ids file per pair here"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load, search, verify, print (and write); exit 0, or 2 on bad input."""
    from auditkit.fragility import fragility
    from auditkit.io import load_battles
    from auditkit.ratings import RatingOptions

    battles = load_battles(args.files, with_text=False).battles
    options = RatingOptions(ci="none", anonymous_only=not args.all_battles)
    try:
        result = fragility(battles, top=args.top, pairs=args.pair, options=options)
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    if args.out is not None:
        try:
            result = result.write(args.out)
        except OSError as exc:
            raise InputError(f"cannot write fragility results: {exc}", path=str(args.out)) from exc
    print_result(result, as_json=args.json)
    if args.out is not None and not args.json:
        print(f"wrote {args.out / 'fragility.json'} and {args.out / 'fragility_votes'}/")
    return int(ExitCode.CLEAN)
