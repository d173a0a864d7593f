"""``auditkit describe FILE...``: profile battle logs (counts, quarantine, models, voters, time)."""

from __future__ import annotations

import argparse
from pathlib import Path

from auditkit.commands._args import add_encoding_argument
from auditkit.errors import ExitCode

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "describe",
        help="profile battle logs: rows, quarantine reasons, models, voters, time range",
        description="Load battle logs (any supported format) and describe what they hold.",
    )
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="battle log(s)")
    parser.add_argument("--json", action="store_true", help="print the description as JSON")
    parser.add_argument(
        "--quarantine", type=Path, metavar="PATH", help="write quarantined rows here (JSON Lines)"
    )
    parser.add_argument(
        "--format",
        dest="fmt",
        choices=("json", "jsonl", "csv", "parquet"),
        help="force the container format instead of sniffing it",
    )
    parser.add_argument(
        "--no-text", action="store_true", help="skip conversation text (faster, less memory)"
    )
    add_encoding_argument(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from auditkit.describe import describe_files

    description = describe_files(
        args.files,
        quarantine_path=args.quarantine,
        fmt=args.fmt,
        with_text=not args.no_text,
        encoding=args.encoding,
    )
    print(description.to_json() if args.json else description.summary())
    return int(ExitCode.CLEAN)
