"""``auditkit scan FILE``: identity-leak scan of a file of model responses (see :mod:`auditkit.scan`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from auditkit.commands._output import print_result

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "scan",
        help="scan a file of model responses for identity leaks (before a model enters the arena)",
        description="Scan JSON Lines / CSV / Parquet responses (a text column, optional model and "
        "prompt columns, or a messages list) for self-identifications; print a per-model table "
        "and write findings.jsonl + scan_summary.json. Exit 1 when any response names itself.",
    )
    parser.add_argument("file", metavar="FILE", help="responses file (.jsonl, .csv, .parquet, .gz)")
    parser.add_argument("--text-column", default=None, help="column holding the response text")
    parser.add_argument("--model-column", default=None, help="column naming the model")
    parser.add_argument("--prompt-column", default=None, help="column holding the user prompt")
    parser.add_argument("--rules", default=None, help="rule pack folder (default: ./rules)")
    parser.add_argument("--out", default="reports/scan", help="output folder")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from auditkit.scan import scan_file

    result = scan_file(
        Path(args.file),
        rules=args.rules,
        text_column=args.text_column,
        model_column=args.model_column,
        prompt_column=args.prompt_column,
    )
    written = result.write(args.out)
    print_result(result, as_json=args.json)
    if not args.json:
        print("wrote " + ", ".join(str(p) for p in written))
    return result.exit_code
