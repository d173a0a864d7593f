"""``auditkit graph FILE...``: the battle graph and sampling-imbalance audit (see :mod:`auditkit.graph`)."""

from __future__ import annotations

import argparse

from auditkit.commands._args import add_encoding_argument
from auditkit.commands._choices import SEVERITY_CHOICES
from auditkit.commands._output import print_result
from auditkit.errors import ExitCode

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "graph",
        help="battle graph, sampling shares and connectivity",
        description="Audit who battled whom: components, Fiedler value, pair coverage, per-model "
        "and per-provider sampling shares against the rule pack's policy, position balance, "
        "drift, deprecations, variant families, IPW pair weights and the pairs to sample next.",
    )
    parser.add_argument("inputs", nargs="+", metavar="FILE", help="battle log files")
    parser.add_argument("--rules", default=None, help="rule pack folder (default: ./rules)")
    parser.add_argument("--json", action="store_true", help="print the full audit as JSON")
    parser.add_argument(
        "--anonymous-only", action="store_true", help="only anonymous battles (leaderboard view)"
    )
    parser.add_argument(
        "--with-ratings",
        action="store_true",
        help="fit ratings first: CI width vs battles and rating-based best-of-N bias",
    )
    parser.add_argument(
        "--fail-on",
        choices=SEVERITY_CHOICES,
        default=None,
        help="exit 1 when a flag is at or above this severity (default: always exit 0)",
    )
    add_encoding_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load, audit, print; exit 1 only when ``--fail-on`` is given and met."""
    from auditkit.findings import Severity
    from auditkit.graph import audit_graph, fit_ratings_frame
    from auditkit.io import load_battles
    from auditkit.rules import load_rules

    rules = load_rules(args.rules)
    loaded = load_battles(args.inputs, with_text=False, encoding=args.encoding)
    battles = loaded.require_votes().battles
    if args.anonymous_only:
        battles = battles.anonymous()
    ratings = fit_ratings_frame(battles) if args.with_ratings else None
    audit = audit_graph(battles, rules, ratings=ratings)
    print_result(audit, as_json=args.json)
    if args.fail_on is not None:
        threshold = Severity(args.fail_on)
        if any(flag.severity >= threshold for flag in audit.flags):
            return int(ExitCode.FINDINGS)
    return int(ExitCode.CLEAN)
