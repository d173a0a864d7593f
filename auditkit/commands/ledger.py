"""``auditkit ledger show|list|revoke|invalidate``: read the ledger and record manual decisions."""

from __future__ import annotations

import argparse
import json

from auditkit.commands._args import iso_datetime
from auditkit.errors import ExitCode

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("ledger", help="inspect the ledger, revoke or invalidate votes")
    parser.add_argument("--db", default="auditkit.db", help="ledger database")
    parser.add_argument("--json", action="store_true", help="print JSON lines")
    sub = parser.add_subparsers(dest="ledger_command", metavar="ACTION", required=True)
    show = sub.add_parser("show", help="every invalidation and decision for one vote")
    show.add_argument("vote_id")
    listing = sub.add_parser("list", help="invalidations, oldest first")
    listing.add_argument(
        "--since", default=None, type=iso_datetime, help="ISO date/time (UTC), e.g. 2026-11-01"
    )
    listing.add_argument("--detector", default=None)
    for action, text in (
        ("revoke", "make an invalidated vote count again"),
        ("invalidate", "drop a vote by hand"),
    ):
        decide = sub.add_parser(action, help=text)
        decide.add_argument("vote_id")
        decide.add_argument("--reason", required=True)
        decide.add_argument("--who", default=None, help="default: $USER")
        decide.set_defaults(action=action)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from auditkit.ledger import Ledger

    read_only = args.ledger_command in ("show", "list")
    with Ledger(args.db, read_only=read_only) as ledger:
        if args.ledger_command in ("revoke", "invalidate"):
            decision = ledger.decide(args.vote_id, args.action, args.reason, who=args.who)
            print(
                json.dumps(decision.to_dict(), sort_keys=True)
                if args.json
                else f"recorded: {decision.action} {decision.vote_id} by {decision.who} "
                f"({decision.reason}); applies from the next audit run"
            )
            return int(ExitCode.CLEAN)
        if args.ledger_command == "show":
            invalidations = ledger.invalidation_records(vote_id=args.vote_id)
            decisions = ledger.decisions(args.vote_id)
            if args.json:
                for inv in invalidations:
                    print(json.dumps({"type": "invalidation", **inv.to_dict()}, sort_keys=True))
                for dec in decisions:
                    print(json.dumps({"type": "decision", **dec.to_dict()}, sort_keys=True))
                return int(ExitCode.CLEAN)
            if not invalidations and not decisions:
                print(f"vote {args.vote_id}: no invalidations or decisions recorded")
            for inv in invalidations:
                print(
                    f"{inv.recorded_at} run {inv.run_id} invalidated by {inv.detector}/{inv.rule}"
                    f" ({inv.severity}) under {inv.rule_pack_label}: {inv.reason}"
                )
            for dec in decisions:
                print(f"{dec.decided_at} {dec.action} by {dec.who}: {dec.reason}")
            return int(ExitCode.CLEAN)
        rows = ledger.invalidation_records(detector=args.detector, since=args.since)
        for inv in rows:
            if args.json:
                print(json.dumps(inv.to_dict(), sort_keys=True))
            else:
                print(
                    f"{inv.recorded_at}\t{inv.vote_id}\t{inv.detector}/{inv.rule}\t"
                    f"{inv.severity}\t{inv.rule_pack_label}"
                )
        if not args.json:
            print(f"{len(rows)} invalidations")
    return int(ExitCode.CLEAN)
