"""The identity scan cut into row chunks: a picklable per-chunk function and an exact merge.

Why: the identity scan is the only stage that reads conversation text, the bulk of an arena's bytes.
It judges each vote from that vote's own row, so it can run chunk by chunk on any worker and the
partial results can be merged into exactly what :class:`IdentityLeakDetector` returns on the whole
table (same findings, same order after :class:`DetectorResult`'s sort, same summary and notes).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from auditkit.detectors.base import DetectorResult, Finding, Severity
from auditkit.detectors.identity import IdentityLeakDetector
from auditkit.schema import CORE_COLUMNS, BattleTable

if TYPE_CHECKING:
    from auditkit.rulepack import RulePack

__all__ = [
    "SCAN_COLUMNS",
    "TEXT_COLUMNS",
    "merge_identity_results",
    "scan_frame",
    "scan_identity_chunk",
    "warm_up",
]

TEXT_COLUMNS = ("conversation_a", "conversation_b")
# What the identity scan reads; nothing else is shipped to a worker.
SCAN_COLUMNS = ("vote_id", "model_a", "model_b", "anony", *TEXT_COLUMNS)
DETECTOR = IdentityLeakDetector.name
# Summary keys that describe the rule pack, not the rows: equal in every part, never summed.
_CONSTANT_KEYS = frozenset({"ran", "lexicon_names"})
# Summary keys recomputed from the merged findings (the detector derives them from findings too).
_FROM_FINDINGS = frozenset(
    {"self_identifications", "votes_leaked", "claims_false", "roleplay_echoes"}
)


def warm_up() -> None:
    """Load what the first scan would load lazily (langdetect's language profiles, ~1 s).

    Engines call this once per worker, so a worker's first chunk costs what every chunk costs.
    """
    from langdetect import DetectorFactory, LangDetectException, detect

    DetectorFactory.seed = 0
    with contextlib.suppress(LangDetectException):
        detect("warm up the language profiles")


def scan_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns of ``frame`` the scan needs (what a worker is sent)."""
    return frame.loc[:, [c for c in SCAN_COLUMNS if c in frame.columns]]


def scan_identity_chunk(frame: pd.DataFrame, rules: RulePack) -> DetectorResult:
    """Run the identity detector on one chunk of canonical rows (top-level, so it pickles).

    ``frame`` needs only :data:`SCAN_COLUMNS`; other core columns are filled with placeholders the
    detector never reads, so a worker is sent the text and four short columns, nothing else.
    Missing conversation columns mean rows without text (the scan runs and finds nothing); whether
    a whole input has no text at all is for the caller to say (see ``stream_battles``).
    """
    frame = frame.reset_index(drop=True)
    # A chunk whose rows all lack text may come without conversation columns (a reader only
    # creates the columns it sees); in the whole table those rows are scanned as empty.
    missing: dict[str, Any] = {name: None for name in TEXT_COLUMNS if name not in frame.columns}
    missing |= {
        name: None for name, _ in CORE_COLUMNS if name not in frame.columns and name != "anony"
    }
    if "anony" not in frame.columns:
        missing["anony"] = True
    if missing:
        frame = frame.assign(**missing)
    return _scan_rows_with_text(frame, rules)


def _scan_rows_with_text(frame: pd.DataFrame, rules: RulePack) -> DetectorResult:
    """The detector's result on ``frame``, judging in Python only the rows it would read.

    Why: the detector walks every row, but a row without a conversation on either side, or a
    non-anonymous one, only adds to its ``rows`` / ``anonymous_rows`` counts. Those rows are
    counted here over whole columns and the detector sees the others, so a chunk of a text-free
    (or mostly text-free) log costs a column scan instead of a Python loop over its rows. The
    result equals the detector's on the whole frame (same findings, summary and notes: the merge
    recomputes what is derived from counts).
    """
    anony = frame["anony"].to_numpy(dtype=bool)
    with_text = anony & (
        frame["conversation_a"].notna().to_numpy() | frame["conversation_b"].notna().to_numpy()
    )
    if with_text.all():
        return IdentityLeakDetector().detect(BattleTable(frame=frame), rules)
    scanned = IdentityLeakDetector().detect(
        BattleTable(frame=frame.loc[with_text].reset_index(drop=True)), rules
    )
    counts = {"rows": len(frame), "anonymous_rows": int(anony.sum())}
    return merge_identity_results([replace(scanned, summary={**scanned.summary, **counts})])


def _sum_into(total: dict[str, Any], part: Mapping[str, Any]) -> None:
    for key, value in part.items():
        if key in _CONSTANT_KEYS or key in _FROM_FINDINGS:
            total.setdefault(key, value)
            if key in _CONSTANT_KEYS and total[key] != value:
                raise ValueError(f"identity partial results disagree on {key!r}: rule packs differ")
        elif isinstance(value, Mapping):
            bucket = total.setdefault(key, {})
            for k, v in value.items():
                bucket[k] = bucket.get(k, 0) + v
        elif isinstance(value, bool | None) or not isinstance(value, int | float):
            total.setdefault(key, value)
        else:
            total[key] = total.get(key, 0) + value


def merge_identity_results(parts: Iterable[DetectorResult]) -> DetectorResult:
    """Merge per-chunk identity results into the whole table's result.

    Counts are summed, per-rule and per-language tallies added key by key, and the figures the
    detector derives from its findings are derived again from all findings. Vote ids are unique
    across chunks (the loader quarantines repeats), so no vote is counted twice.
    """
    findings: list[Finding] = []
    summary: dict[str, Any] = {}
    n_parts = 0
    first_notes: tuple[str, ...] = ()
    for part in parts:
        if part.detector != DETECTOR:
            raise ValueError(f"cannot merge a {part.detector!r} result into {DETECTOR!r}")
        if n_parts == 0:
            first_notes = part.notes
        n_parts += 1
        findings.extend(part.findings)
        _sum_into(summary, part.summary)
    if n_parts == 0 or not summary.get("ran", False):
        # No text anywhere: the detector did not run; its note carries no counts.
        return DetectorResult(
            DETECTOR, (), {"rows": int(summary.get("rows", 0)), "ran": False}, first_notes
        )
    summary["self_identifications"] = len(findings)
    summary["votes_leaked"] = len({f.vote_id for f in findings if f.severity >= Severity.MEDIUM})
    summary["claims_false"] = sum(1 for f in findings if f.evidence.get("claim_true") is False)
    summary["roleplay_echoes"] = sum(1 for f in findings if f.evidence.get("roleplay_echo"))
    for key in ("by_rule", "by_language"):
        summary[key] = dict(sorted(summary.get(key, {}).items()))
    notes = []
    skipped = int(summary["rows"]) - int(summary["anonymous_rows"])
    if skipped:
        # Same sentence as IdentityLeakDetector.detect (a test compares the two results whole).
        notes.append(
            f"{skipped:,} non-anonymous battles not checked: "
            "their model names were shown to the voter anyway"
        )
    return DetectorResult(DETECTOR, tuple(findings), summary, tuple(notes))
