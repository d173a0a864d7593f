"""``auditkit nightly --input GLOB``: audit what is new since the last run (see :mod:`auditkit.nightly`)."""

from __future__ import annotations

import argparse

from auditkit.commands._args import add_encoding_argument, iso_date, non_negative_int
from auditkit.commands._choices import SEVERITY_CHOICES
from auditkit.commands._engine import add_engine_arguments
from auditkit.commands._output import print_result

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "nightly", help="audit new files since the last run and diff against the previous night"
    )
    parser.add_argument("--input", required=True, help="glob of battle logs, e.g. 'logs/*.jsonl'")
    parser.add_argument("--db", default="auditkit.db", help="ledger database")
    parser.add_argument("--reports", default="reports", help="reports root: writes REPORTS/<date>/")
    parser.add_argument("--rules", default=None, help="rule pack folder (default: ./rules)")
    parser.add_argument("--seed", type=non_negative_int, default=0)
    parser.add_argument(
        "--date", default=None, type=iso_date, help="run date YYYY-MM-DD (default: today, UTC)"
    )
    parser.add_argument("--fail-on", choices=SEVERITY_CHOICES, default=None)
    parser.add_argument("--force", action="store_true", help="run even if nothing is new")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    add_engine_arguments(parser)
    add_encoding_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from auditkit.nightly import run_nightly

    result = run_nightly(
        args.input,
        db_path=args.db,
        reports_dir=args.reports,
        rules=args.rules,
        seed=args.seed,
        date=args.date,
        fail_on=args.fail_on,
        quiet=args.quiet,
        force=args.force,
        engine=args.engine,
        workers=args.workers,
        scheduler=args.scheduler,
        chunk_rows=args.chunk_rows,
        encoding=args.encoding,
    )
    print_result(result, as_json=args.json, quiet=args.quiet)
    return int(result.exit_code)
