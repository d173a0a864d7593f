"""``auditkit diff PREVIOUS_DIR CURRENT_DIR``: what changed between two audit runs."""

from __future__ import annotations

import argparse
import json

from auditkit.errors import ExitCode

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("diff", help="compare two audit run folders")
    parser.add_argument("previous", metavar="PREVIOUS_DIR")
    parser.add_argument("current", metavar="CURRENT_DIR")
    parser.add_argument("--json", action="store_true", help="print the full diff as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the diff; exit 0 (a diff is information, not a gate)."""
    from auditkit.diff import diff_runs

    diff = diff_runs(args.previous, args.current)
    if args.json:
        print(json.dumps(diff.to_json(), indent=2, sort_keys=True))
    else:
        print(diff.summary())
        for vote_id in diff.new_invalidations[:20]:
            print(f"  + invalidated {vote_id}")
        for key, flags in diff.new_flags.items():
            for finding in flags:
                kind = key.removesuffix("s").replace("_", " ")
                print(f"  + {kind} {finding['rule']}: {finding['subject']}")
        for change in diff.rank_changes:
            ranges = ""
            if change.get("previous_range") and change.get("current_range"):
                ranges = " (range {}–{} → {}–{})".format(
                    *change["previous_range"], *change["current_range"]
                )
            print(f"  rank {change['model']}: {change['previous']} → {change['current']}{ranges}")
    return int(ExitCode.CLEAN)
