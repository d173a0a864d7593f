"""``auditkit audit INPUT...``: the full audit of one or more battle logs (see :mod:`auditkit.audit`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from auditkit.commands._args import add_encoding_argument, non_negative_int
from auditkit.commands._choices import SEVERITY_CHOICES
from auditkit.commands._engine import add_engine_arguments
from auditkit.commands._output import print_result

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "audit",
        help="load, detect, invalidate, re-rate and report",
        description="Audit battle logs: load (with quarantine) → detectors → invalidations → "
        "cleaned battles → ratings before/after → reports in --out.",
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="battle log files")
    parser.add_argument("--rules", default=None, help="rule pack folder (default: ./rules)")
    parser.add_argument("--out", default="reports/audit", help="output folder")
    parser.add_argument("--db", default="auditkit.db", help="ledger database ('' for none)")
    parser.add_argument("--seed", type=non_negative_int, default=0)
    parser.add_argument(
        "--fail-on",
        choices=SEVERITY_CHOICES,
        default=None,
        help="exit 1 on findings at or above this severity (default: the pack's gate)",
    )
    parser.add_argument("--detectors", default=None, help="comma-separated detector names")
    parser.add_argument("--previous", default=None, help="a previous run folder to diff against")
    parser.add_argument("--quiet", action="store_true", help="no progress bars or summary")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument(
        "--selftest",
        action="store_true",
        help="also plant known attacks in a copy of the votes and report recall and attack cost",
    )
    parser.add_argument(
        "--cleaned-format",
        choices=("jsonl.gz", "parquet"),
        default=None,
        help="cleaned battles as gzipped JSON Lines or Parquet (default: Parquet when every "
        "input is Parquet, else jsonl.gz)",
    )
    add_engine_arguments(parser)
    add_encoding_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from auditkit.audit import run_audit

    detectors = (
        [d.strip() for d in args.detectors.split(",") if d.strip()] if args.detectors else None
    )
    result = run_audit(
        [Path(p) for p in args.inputs],
        rules=args.rules,
        out_dir=args.out,
        db_path=args.db or None,
        seed=args.seed,
        detectors=detectors,
        fail_on=args.fail_on,
        quiet=args.quiet,
        previous_dir=args.previous,
        engine=args.engine,
        workers=args.workers,
        scheduler=args.scheduler,
        chunk_rows=args.chunk_rows,
        selftest=args.selftest,
        encoding=args.encoding,
        cleaned_format=args.cleaned_format,
        text_detectors=True,  # the text is read: run the text detectors that can see it
    )
    print_result(result, as_json=args.json, quiet=args.quiet)
    return int(result.exit_code)
