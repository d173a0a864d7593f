"""``auditkit compare FILE... MODEL_A MODEL_B``: a head-to-head verdict a reader can quote."""

from __future__ import annotations

import argparse
from pathlib import Path

from auditkit.commands._output import print_result, write_json_file
from auditkit.errors import ExitCode, InputError

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "compare",
        help="head-to-head: record, rating difference, rank intervals, votes-to-flip, verdict",
        description=(
            "Compare two models: direct record, rating difference with its interval and "
            "P(A rated above B), both rank intervals, style control and slices where the data "
            "allows, the votes that reverse their order, and a one-line verdict."
        ),
    )
    parser.add_argument(
        "args", nargs="+", metavar="FILE... MODEL_A MODEL_B", help="battle log(s), then two models"
    )
    parser.add_argument("--all-battles", action="store_true", help="include non-anonymous battles")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--out", type=Path, help="also write the JSON result to this file")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load, compare, print; exit 0, or 2 on bad input or an unknown/unrated model."""
    from auditkit.compare import compare
    from auditkit.io import load_battles
    from auditkit.ratings import RatingOptions

    if len(args.args) < 3:
        raise InputError("compare needs FILE... MODEL_A MODEL_B")
    files, model_a, model_b = args.args[:-2], args.args[-2], args.args[-1]
    battles = load_battles(files, with_text=True).battles
    try:
        result = compare(
            battles, model_a, model_b, options=RatingOptions(anonymous_only=not args.all_battles)
        )
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    print_result(result, as_json=args.json)
    if args.out is not None:
        write_json_file(result, args.out)
    return int(ExitCode.CLEAN)
