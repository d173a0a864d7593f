"""``auditkit ratings FILE``: Bradley-Terry leaderboard with intervals, optionally per slice."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from auditkit.commands._args import (
    add_encoding_argument,
    non_negative_float,
    non_negative_int,
    positive_int,
)
from auditkit.commands._output import print_result
from auditkit.errors import ExitCode, InputError

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "ratings",
        help="Bradley-Terry ratings with confidence intervals (LMArena conventions)",
        description=(
            "Fit Bradley-Terry ratings (scale 400, base 10, init 1000, ties = half wins, "
            "anonymous battles only) with sandwich or bootstrap intervals."
        ),
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="battle log(s), any loader format")
    parser.add_argument(
        "--ci",
        choices=("sandwich", "bootstrap", "none"),
        default=None,
        help="interval method (default sandwich; bootstrap when --bootstrap is given)",
    )
    parser.add_argument(
        "--bootstrap",
        type=positive_int,
        default=None,
        metavar="N",
        help="bootstrap rounds (implies --ci bootstrap unless --ci is given; default 100)",
    )
    parser.add_argument(
        "--seed", type=non_negative_int, default=0, help="bootstrap random seed (default 0)"
    )
    parser.add_argument("--style-control", action="store_true", help="control for length/markdown")
    parser.add_argument("--by", metavar="COLUMN", help="ratings per slice: language or tag.<name>")
    parser.add_argument("--ties", choices=("half", "exclude", "davidson"), default="half")
    parser.add_argument(
        "--l2",
        type=non_negative_float,
        default=0.0,
        help="ridge on natural-log strengths (FastChat sklearn C=1: 0.0943)",
    )
    parser.add_argument(
        "--min-battles",
        type=non_negative_int,
        default=10,
        help="rate only models with ≥ N battles (default 10)",
    )
    parser.add_argument(
        "--reweight",
        choices=("none", "pair_count", "inverse_sampling"),
        default="none",
        help="pair_count: arena-rank's 1/max(pair count, 50); inverse_sampling: paper eq. 7",
    )
    parser.add_argument("--all-battles", action="store_true", help="include non-anonymous battles")
    parser.add_argument(
        "--no-anchor",
        action="store_true",
        help="do not pin mixtral-8x7b-instruct-v0.1 to 1114 when present",
    )
    parser.add_argument(
        "--per-component",
        action="store_true",
        help="rate every connected component separately (not comparable across)",
    )
    parser.add_argument("--out", type=Path, help="write the table as CSV here")
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    add_encoding_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load, fit, print the summary and write CSV; exit 0, or 2 on bad input."""
    from auditkit.io import load_battles
    from auditkit.lazy import WarmImports
    from auditkit.ratings import RatingOptions, fit_ratings, fit_ratings_by
    from auditkit.ratings.engine import LAZY_IMPORTS

    ci: Any = args.ci or ("bootstrap" if args.bootstrap is not None else "sandwich")
    try:
        options = RatingOptions(
            ci=ci,
            n_bootstrap=args.bootstrap if args.bootstrap is not None else 100,
            random_state=args.seed,
            ties=args.ties,
            l2=args.l2,
            style_control=args.style_control,
            min_battles=args.min_battles,
            reweight=args.reweight,
            anonymous_only=not args.all_battles,
            anchor=None if args.no_anchor else RatingOptions().anchor,
            disconnected="per_component" if args.per_component else "main",
        )
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    # scipy is imported while the load parses (it forks no process), not after it.
    warm = WarmImports(LAZY_IMPORTS, background=True)
    battles = load_battles(args.files, encoding=args.encoding).require_votes().battles
    warm.wait()
    try:
        result = (
            fit_ratings_by(battles, args.by, options) if args.by else fit_ratings(battles, options)
        )
    except ValueError as exc:
        raise InputError(str(exc)) from exc
    print_result(result, as_json=args.json)
    if args.out is not None:
        from auditkit.csvsafe import write_csv

        args.out.parent.mkdir(parents=True, exist_ok=True)
        write_csv(result.to_frame(), args.out, index=False, float_format="%.2f")
        print(f"wrote {args.out}")
    return int(ExitCode.CLEAN)
