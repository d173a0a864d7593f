"""Writes corpus.jsonl: the generalisation corpus with a fixed dev / test split (issue 19).

Three sources, each row carrying its provenance:

* ``written-by-auditkit``: the cases in ``cases_generalise.py`` (17 languages; positives of every
  claim kind, hard negatives of every kind), written for this corpus before the split was drawn;
* the real model answers of ``real.jsonl`` (arena-bench-v1, Arena-Hard v0.1 / v2.0 answers from
  /work/shared/data/real, labelled by reading; see README.md), re-split here;
* ``public-code`` / ``public-rollouts``: real model outputs (and real hard negatives) found in public
  repositories, ``cases_public.py`` (added for issue 19's second session; ``public-rollouts`` rows are
  all held out, see that module);
* ``public-cjk``: a third batch of real Chinese, Japanese and Korean outputs and hard negatives,
  ``cases_cjk.py`` (issue 19, part A), split between ``dev`` and a second held-out split ``test2``
  by a hash of each row's id with its own salt (``split2_of``), fixed when the row was written;
* ``public-multi``: real public text in eleven languages other than zh/ja/ko,
  ``cases_public_multi.py`` (issue 19, part B), split between ``dev`` and ``test2`` the same way
  with a salt of its own;
* ``public-cjk2``: a fourth batch of real Chinese, Japanese and Korean outputs and hard negatives,
  ``cases_cjk2.py`` (issue 19, part A, fourth session), split between ``dev`` and a third held-out
  split ``test3`` by a hash of each row's id with a salt of its own (``split3_of``).
* ``public-multi2``: a second batch of real public non-CJK text, ``cases_public_multi2.py``
  (fourth session), split between ``dev`` and a third held-out split ``test4`` by its own salt.

The split is a fixed hash of the row id (``sha256("identity-corpus-v1:" + id)``; the first 8 hex
digits below 0x80000000 → ``test``), drawn before any rule was tuned on the corpus. The test split
is measured only (log: MEASUREMENTS.md), never tuned on.
Run: ``.venv/bin/python tests/data/identity/build_corpus.py``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cases_cjk import CJK_CASES  # noqa: E402
from cases_cjk2 import CJK2_CASES  # noqa: E402
from cases_generalise import CASES  # noqa: E402
from cases_probe_answers import CASES2  # noqa: E402
from cases_public import PUBLIC_CODE, PUBLIC_ROLLOUTS  # noqa: E402
from cases_public_multi import PUBLIC_MULTI  # noqa: E402
from cases_public_multi2 import PUBLIC_MULTI2  # noqa: E402

SALT = "identity-corpus-v1:"
# Later batches get a second held-out split, ``test2``, each by its own salt: the CJK batch
# (cases_cjk.py) and the batch in eleven other languages (cases_public_multi.py).
CJK_SALT = "identity-corpus-cjk-v1:"
MULTI_SALT = "identity-corpus-v2:"
# The fourth session's CJK batch (cases_cjk2.py) gets a third held-out split, ``test3``.
CJK2_SALT = "identity-corpus-cjk-v2:"
# The fourth session's non-CJK batch (cases_public_multi2.py): held-out split ``test4``.
MULTI2_SALT = "identity-corpus-v4:"


def split_of(item_id: str) -> str:
    digest = hashlib.sha256((SALT + item_id).encode("utf-8")).hexdigest()
    return "test" if int(digest[:8], 16) < 0x80000000 else "dev"


def split2_of(salt: str, item_id: str, held_out: str = "test2") -> str:
    """``held_out`` or ``dev`` for a later batch's row: a fixed hash of its id with the batch's salt."""
    digest = hashlib.sha256((salt + item_id).encode("utf-8")).hexdigest()
    return held_out if int(digest[:8], 16) < 0x80000000 else "dev"


def split3_of(item_id: str) -> str:
    """``test3`` or ``dev`` for a row of the fourth CJK batch: a fixed hash of its id."""
    digest = hashlib.sha256((CJK2_SALT + item_id).encode("utf-8")).hexdigest()
    return "test3" if int(digest[:8], 16) < 0x80000000 else "dev"


def _case_row(
    item_id: str, source: str, source_id: str, split: str, case: tuple[Any, ...]
) -> dict[str, Any]:
    lang, kind, model, prompt, response, label, why = case[:7]
    return {
        "id": item_id,
        "source": source,
        "source_id": source_id,
        "split": split,
        "lang": lang,
        "kind": kind,
        "model": model,
        "prompt": prompt,
        "response": response,
        "label": label,
        "why": why,
    }


def main() -> None:
    rows = []
    # Cases written by auditkit: the first batch, then the probe answers (second session).
    for cases, prefix in ((CASES, "gen"), (CASES2, "gen2")):
        for i, case in enumerate(cases):
            item_id = f"{prefix}-{i:04d}"
            rows.append(_case_row(item_id, "written-by-auditkit", item_id, split_of(item_id), case))
    with open(HERE / "real.jsonl", encoding="utf-8") as fh:
        for line in fh:
            real = json.loads(line)
            rows.append(
                {
                    **real,
                    "split": split_of(real["id"]),
                    "lang": real.get("lang") or "en",
                    "kind": "real_positive" if real["label"] else "real_negative",
                }
            )
    # Real outputs found in public repositories (cases_public.py). The identity-rollouts report
    # may overlap the second independent evaluation set, so all of its rows are held out (test).
    for group, prefix, source in (
        (PUBLIC_CODE, "pub", "public-code"),
        (PUBLIC_ROLLOUTS, "rol", "public-rollouts"),
    ):
        for i, case in enumerate(group):
            item_id = f"{prefix}-{i:04d}"
            split = "test" if source == "public-rollouts" else split_of(item_id)
            rows.append(_case_row(item_id, source, case[7], split, case))
    # Third batch of real CJK outputs (cases_cjk.py): the id is the source ref, so a row keeps its
    # split whatever is added around it; no source is used twice across the public batches.
    public_refs = {case[7] for case in PUBLIC_CODE + PUBLIC_ROLLOUTS}
    for case in CJK_CASES:
        ref = case[7]
        if ref.split("#")[0] in public_refs:
            raise SystemExit(f"cases_cjk.py: {ref} is already a cases_public.py source")
        item_id = f"cjk:{ref}"
        rows.append(_case_row(item_id, "public-cjk", ref, split2_of(CJK_SALT, item_id), case))
    # Third session: public text in languages other than zh/ja/ko (cases_public_multi.py); the id
    # comes from the source (index file id), the split from the id's hash.
    for case in PUBLIC_MULTI:
        ref = case[7]
        if ref.split("#")[0] in public_refs | {c[7].split("#")[0] for c in CJK_CASES}:
            raise SystemExit(f"cases_public_multi.py: {ref} is already another batch's source")
        item_id = f"mul-{ref}"
        rows.append(_case_row(item_id, "public-multi", ref, split2_of(MULTI_SALT, item_id), case))
    # Fourth session: real CJK text (cases_cjk2.py), appended so no earlier row moves; its own
    # salt and held-out split (test3), and no source shared with any earlier batch.
    earlier_refs = public_refs | {c[7].split("#")[0] for c in CJK_CASES + PUBLIC_MULTI}
    for case in CJK2_CASES:
        ref = case[7]
        if ref.split("#")[0] in earlier_refs:
            raise SystemExit(f"cases_cjk2.py: {ref} is already an earlier batch's source")
        item_id = f"cjk2:{ref.removeprefix('code:')}"
        rows.append(_case_row(item_id, "public-cjk2", ref, split3_of(item_id), case))
    # Fourth session: a second non-CJK batch (cases_public_multi2.py), held-out split ``test4``.
    earlier = earlier_refs | {c[7].split("#")[0] for c in CJK2_CASES}
    for case in PUBLIC_MULTI2:
        ref = case[7]
        if ref.split("#")[0] in earlier:
            raise SystemExit(f"cases_public_multi2.py: {ref} is already another batch's source")
        item_id = f"m4-{ref}"
        split = split2_of(MULTI2_SALT, item_id, "test4")
        rows.append(_case_row(item_id, "public-multi2", ref, split, case))
    ids = [row["id"] for row in rows]
    if len(ids) != len(set(ids)):
        raise SystemExit("duplicate row ids in the corpus")
    with open(HERE / "corpus.jsonl", "w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    counts = Counter((r["split"], r["source"] == "written-by-auditkit", r["label"]) for r in rows)
    print(f"{len(rows)} rows; (split, written, label) -> {dict(sorted(counts.items()))}")


if __name__ == "__main__":
    main()
