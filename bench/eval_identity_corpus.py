"""Score the identity audit on the generalisation corpus (tests/data/identity/corpus.jsonl).

The corpus has a fixed hash split (see build_corpus.py). ``--split dev`` prints the figures and,
with ``--show-errors``, the misclassified items (what rule work is allowed to look at);
``--split test`` (and ``--split test2``, the held-out parts of the CJK batch and of the batch in
eleven other languages, ``--split test3``, the held-out part of the fourth session's CJK
batch, and ``--split test4``, the held-out part of the fourth session's non-CJK batch) prints
figures only — never the items — and, with ``--log "what
changed"``, appends them to tests/data/identity/MEASUREMENTS.md so every measurement of a
held-out split is on record, good or bad.

    .venv/bin/python bench/eval_identity_corpus.py --split dev --show-errors
    .venv/bin/python bench/eval_identity_corpus.py --split test --log "after normalisation"
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from auditkit.identity.evaluate import (  # noqa: E402
    evaluate_labelled,
    fastchat_flags,
    identity_flags,
)
from auditkit.rules import load_rules  # noqa: E402

DATA = REPO / "tests" / "data" / "identity"
LOG = DATA / "MEASUREMENTS.md"


def load_corpus(split: str) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in (DATA / "corpus.jsonl").open(encoding="utf-8")]
    return [r for r in rows if split == "all" or r["split"] == split]


def _fmt(frame: Any, subsets: list[str]) -> str:
    rows = frame[frame["subset"].isin(subsets)]
    cols = ["subset", "method", "n", "positives", "tp", "fp", "fn", "precision", "recall"]
    return str(rows[cols].to_string(index=False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--split", choices=["dev", "test", "test2", "test3", "test4", "all"], default="dev"
    )
    parser.add_argument("--show-errors", action="store_true", help="dev split only")
    parser.add_argument("--log", metavar="NOTE", help="append the test figures to MEASUREMENTS.md")
    args = parser.parse_args(argv)
    if args.show_errors and args.split != "dev":
        parser.error("--show-errors is for the dev split only: the test split is never read")
    if args.log and args.split not in ("test", "test2", "test3", "test4"):
        parser.error(
            "--log records measurements of the held-out splits (test, test2, test3, test4)"
        )
    rules = load_rules(REPO / "rules")
    items = load_corpus(args.split)
    frame = evaluate_labelled(items, rules, by=("lang", "kind", "source"))
    subsets = list(dict.fromkeys(frame["subset"]))
    text = _fmt(frame, subsets)
    print(text)
    if args.show_errors:
        ours = identity_flags(items, rules)
        fc = fastchat_flags(items)
        for item, flag, fc_flag in zip(items, ours, fc, strict=True):
            if bool(flag) != bool(item["label"]):
                kind = "MISS" if item["label"] else "FALSE"
                print(f"\n{kind} [{item['lang']}/{item['kind']}] {item['id']} fastchat={fc_flag}")
                print(f"  prompt:   {item['prompt'][:160]!r}")
                print(f"  response: {item['response'][:300]!r}")
    if args.log:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        with LOG.open("a", encoding="utf-8") as fh:
            fh.write(
                f"\n## {stamp} — [{args.split}] {args.log}\n\ncommit {commit}{' + uncommitted changes' if dirty else ''}\n\n"
                f"```\n{text}\n```\n"
            )
        print(f"\nlogged to {LOG}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
