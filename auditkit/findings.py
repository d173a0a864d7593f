"""Findings and the types every layer shares: severity, a detector's result, JSON-able values.

The bottom of auditkit: detectors return these, and the modules below the detectors (graph, ratings,
voters, identity, the simulator's ground truth) and above them (cleaning, gate, report, ledger) read
them — so they live here, importing nothing from auditkit. ``auditkit.detectors.base`` re-exports
them beside the detector contract.

A *vote-level* finding names one ``vote_id``; a *table-level* finding (graph, sampling) has
``vote_id=None`` and a ``subject`` such as a model, a pair or a voter.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "FINDING_COLUMNS",
    "DetectorResult",
    "DetectorStatus",
    "Finding",
    "FindingList",
    "Severity",
    "finding_id_for",
    "jsonable",
]


class DetectorStatus(StrEnum):
    """What became of one detector in a run (a detector without data says ``summary["ran"] = False``)."""

    RAN = "ran"
    NO_FINDINGS = "ran with no findings"
    DID_NOT_RUN = "did not run"


class Severity(StrEnum):
    """How serious a finding is; ordered, so a gate can say "at or above"."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    def __ge__(self, other: object) -> bool:  # type: ignore[override]
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank

    def __gt__(self, other: object) -> bool:  # type: ignore[override]
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank > other.rank

    def __le__(self, other: object) -> bool:  # type: ignore[override]
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank <= other.rank

    def __lt__(self, other: object) -> bool:  # type: ignore[override]
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank < other.rank


# Each severity's place in the order (``rank`` is asked millions of times at 10M votes).
_SEVERITY_RANK: dict[Severity, int] = {severity: i for i, severity in enumerate(Severity)}


# Values ``jsonable`` returns as they are (exact types: a subclass such as a StrEnum is converted).
_LEAVES = frozenset({str, int, bool, type(None)})


def jsonable(value: Any) -> Any:
    """Plain-Python copy of ``value`` fit for JSON: numpy scalars → Python, NaN → None, tuples → lists."""
    kind = type(value)  # the plain types first: a finding's evidence is mostly these
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is dict:
        return _jsonable_dict(value)
    if kind is list:
        # Plain leaves are kept without a call each (a span, a list of ids).
        leaves = _LEAVES
        return [v if type(v) in leaves else jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [jsonable(v) for v in items]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, StrEnum):
        return value.value
    return value


def _jsonable_dict(value: dict[Any, Any]) -> dict[str, Any]:
    """``{str(k): jsonable(v) for k, v in value.items()}``, plain keys and leaves without a call."""
    leaves = _LEAVES
    return {
        (k if type(k) is str else str(k)): (v if type(v) in leaves else jsonable(v))
        for k, v in value.items()
    }


def _plain_copy(value: Any) -> Any:
    """A copy of nested dicts and lists (other values are immutable JSON leaves, shared)."""
    if isinstance(value, dict):
        return {k: _plain_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_copy(v) for v in value]
    return value


def finding_id_for(detector: str, rule: str, subject: str, vote_id: str | None) -> str:
    """A stable id: the same detector, rule, subject and vote always hash alike, so runs diff as sets."""
    key = "\x1f".join((detector, rule, subject, vote_id or ""))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


FINDING_COLUMNS = (
    "finding_id",
    "detector",
    "rule",
    "severity",
    "subject",
    "vote_id",
    "score",
    "p_value",
    "message",
    "evidence",
)


@dataclass(frozen=True)
class Finding:
    """One thing a detector saw. ``evidence`` is a JSON-able mapping a reviewer can read."""

    detector: str
    rule: str
    severity: Severity
    subject: str
    vote_id: str | None = None
    score: float | None = None
    p_value: float | None = None
    message: str = ""
    evidence: Mapping[str, Any] = field(default_factory=dict)
    finding_id: str = ""

    def __post_init__(self) -> None:
        if type(self.severity) is not Severity:  # Severity(a severity) is that severity
            object.__setattr__(self, "severity", Severity(self.severity))
        object.__setattr__(self, "evidence", jsonable(dict(self.evidence)))
        for name in ("score", "p_value"):
            value = getattr(self, name)
            if value is not None:
                value = float(value)
                object.__setattr__(self, name, value if math.isfinite(value) else None)
        if not self.finding_id:
            object.__setattr__(
                self,
                "finding_id",
                finding_id_for(self.detector, self.rule, self.subject, self.vote_id),
            )

    @property
    def is_vote_level(self) -> bool:
        return self.vote_id is not None

    def to_dict(self) -> dict[str, Any]:
        # What ``dataclasses.asdict`` gives, without its generic deep copy (the evidence is
        # already plain JSON values: only its dicts and lists need copying).
        out = {key: getattr(self, key) for key in FINDING_COLUMNS}
        out["severity"] = self.severity.value
        out["evidence"] = _plain_copy(self.evidence)
        return out


class FindingList(list[Finding]):
    """Findings as a list that also shows as a table: ``to_frame()`` and a notebook view."""

    def to_frame(self) -> pd.DataFrame:
        """Long format, one row per finding, columns ``FINDING_COLUMNS``."""
        return pd.DataFrame([f.to_dict() for f in self], columns=list(FINDING_COLUMNS))

    def _repr_html_(self) -> str:
        from auditkit.report.notebook import findings_html

        return findings_html(self)


@dataclass(frozen=True)
class DetectorResult:
    """What one detector returns: its findings, a one-level summary, and notes it wants shown.

    ``summary`` holds counts and statistics (JSON-able); ``notes`` are sentences a reader must see,
    such as "voter ids unusable: the voter audit did not run on 2,061 rows".
    """

    detector: str
    findings: tuple[Finding, ...] = ()
    summary: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.findings, key=lambda f: (f.rule, f.subject, f.vote_id or "")))
        object.__setattr__(self, "findings", ordered)
        object.__setattr__(self, "summary", jsonable(dict(self.summary)))
        object.__setattr__(self, "notes", tuple(self.notes))

    @property
    def vote_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.vote_id is not None)

    @property
    def table_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.vote_id is None)

    def to_frame(self) -> pd.DataFrame:
        """Long format, one row per finding, columns ``FINDING_COLUMNS``."""
        return FindingList(self.findings).to_frame()

    def _repr_html_(self) -> str:
        from auditkit.report.notebook import findings_html

        return findings_html(self.findings, title=self.summary_text(), notes=self.notes)

    def to_json(self) -> dict[str, Any]:
        return {
            "detector": self.detector,
            "summary": dict(self.summary),
            "notes": list(self.notes),
            "findings": [f.to_dict() for f in self.findings],
        }

    @property
    def ran(self) -> bool:
        """False when the detector could not judge the data (it says so: ``summary["ran"] = False``)."""
        return self.summary.get("ran", True) is not False

    @property
    def status(self) -> DetectorStatus:
        """:data:`DetectorStatus` word: the same in stdout, ``summary.json`` and the report."""
        if not self.ran:
            return DetectorStatus.DID_NOT_RUN
        return DetectorStatus.RAN if self.findings else DetectorStatus.NO_FINDINGS

    @property
    def status_reason(self) -> str:
        """Why it did not run: ``summary["not_run_reason"]``, else its first note ("" when it ran)."""
        if self.ran:
            return ""
        reason = self.summary.get("not_run_reason")
        return str(reason) if reason else (self.notes[0] if self.notes else "no reason given")

    def summary_text(self) -> str:
        """One line: ``name: ran (rule: n, …)``, ``name: ran with no findings`` or ``did not run (why)``."""
        if not self.ran:
            return f"{self.detector}: {self.status.value} ({self.status_reason})"
        counts: dict[str, int] = {}
        for f in self.findings:
            counts[f.rule] = counts.get(f.rule, 0) + 1
        parts = ", ".join(f"{rule}: {n}" for rule, n in sorted(counts.items()))
        return f"{self.detector}: {self.status.value}" + (f" ({parts})" if parts else "")

    @staticmethod
    def merge_frames(results: Iterable[DetectorResult]) -> pd.DataFrame:
        frames = [r.to_frame() for r in results]
        if not frames:
            return pd.DataFrame(columns=list(FINDING_COLUMNS))
        return pd.concat(frames, ignore_index=True)
