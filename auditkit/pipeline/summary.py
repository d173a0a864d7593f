"""``summary.json`` as a typed, frozen object: :class:`AuditSummary`.

Every part of the summary is a field here; :meth:`AuditSummary.to_json` gives exactly the mapping
``summary.json`` has always held (``canonical_json`` sorts keys and rounds floats when it is
written), so readers of the file see no change while code reads attributes, not string keys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from auditkit._version import __version__
from auditkit.detectors.base import DetectorResult, Finding, detector_classes

if TYPE_CHECKING:
    import pandas as pd

    from auditkit.clean import CleaningResult
    from auditkit.gate import Gate
    from auditkit.io.loader import LoadResult
    from auditkit.rulepack import RulePack

__all__ = [
    "AuditSummary",
    "FindingCounts",
    "GateOutcome",
    "LoadCounts",
    "RankChange",
    "RunInfo",
    "build_summary",
]


def _count(items: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items:
        out[item] = out.get(item, 0) + 1
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class RunInfo:
    """What ran: when, which auditkit, seed, rule pack, inputs, detectors."""

    started_at: str
    auditkit_version: str
    seed: int
    rule_pack: Mapping[str, Any]  # name, version, hash, label
    inputs: tuple[Mapping[str, Any], ...]  # path, sha256, bytes
    detectors_requested: tuple[str, ...]
    detectors_run: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at,
            "auditkit_version": self.auditkit_version,
            "seed": self.seed,
            "rule_pack": dict(self.rule_pack),
            "inputs": [dict(i) for i in self.inputs],
            "detectors_requested": list(self.detectors_requested),
            "detectors_run": list(self.detectors_run),
        }


@dataclass(frozen=True)
class LoadCounts:
    rows_read: int
    rows_loaded: int
    quarantined: Mapping[str, int]
    voter_status: str

    def to_json(self) -> dict[str, Any]:
        return {
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "quarantined": dict(self.quarantined),
            "voter_status": self.voter_status,
        }


@dataclass(frozen=True)
class FindingCounts:
    total: int
    by_detector: Mapping[str, int]
    by_rule: Mapping[str, int]
    by_severity: Mapping[str, int]

    @classmethod
    def of(cls, findings: Sequence[Finding]) -> FindingCounts:
        return cls(
            total=len(findings),
            by_detector=_count([f.detector for f in findings]),
            by_rule=_count([f"{f.detector}/{f.rule}" for f in findings]),
            by_severity=_count([f.severity.value for f in findings]),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_detector": dict(self.by_detector),
            "by_rule": dict(self.by_rule),
            "by_severity": dict(self.by_severity),
        }


@dataclass(frozen=True)
class RankChange:
    """A model whose rank moved, or whose rating changed significantly, with cleaning."""

    model: str
    rank_before: Any
    rank_after: Any
    rating_before: Any
    rating_after: Any
    change_significant: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "rank_before": self.rank_before,
            "rank_after": self.rank_after,
            "rating_before": self.rating_before,
            "rating_after": self.rating_after,
            "change_significant": self.change_significant,
        }


@dataclass(frozen=True)
class GateOutcome:
    min_severity: str
    max_invalidated_share: float | None
    max_quarantined_share: float | None
    reasons: tuple[str, ...]

    @property
    def failed(self) -> bool:
        return bool(self.reasons)

    def to_json(self) -> dict[str, Any]:
        return {
            "min_severity": self.min_severity,
            "max_invalidated_share": self.max_invalidated_share,
            "max_quarantined_share": self.max_quarantined_share,
            "failed": self.failed,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class AuditSummary:
    """One audit's ``summary.json`` (see the module docstring).

    ``detector_entries`` are the top-level keys detectors add
    (:meth:`~auditkit.detectors.base.Detector.summary_entries`); ``robustness`` holds
    ``fragility`` and ``selftest`` when computed; ``diff`` the comparison with ``--previous``.
    """

    run: RunInfo
    load: LoadCounts
    findings: FindingCounts
    detectors: Mapping[str, Mapping[str, Any]]
    invalidations: Mapping[str, Any]
    table_findings: int
    ratings: Mapping[str, int]
    rank_changes: tuple[RankChange, ...]
    gate: GateOutcome
    notes: tuple[str, ...]
    detector_entries: Mapping[str, Any] = field(default_factory=dict)
    robustness: Mapping[str, Any] = field(default_factory=dict)
    diff: Mapping[str, Any] | None = None

    def with_diff(self, diff: Mapping[str, Any]) -> AuditSummary:
        return replace(self, diff=diff)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "run": self.run.to_json(),
            "load": self.load.to_json(),
            "findings": self.findings.to_json(),
            "detectors": {name: dict(entry) for name, entry in self.detectors.items()},
            "invalidations": dict(self.invalidations),
            "table_findings": self.table_findings,
            "ratings": dict(self.ratings),
            "rank_changes": [c.to_json() for c in self.rank_changes],
            "gate": self.gate.to_json(),
            "notes": list(self.notes),
            **dict(self.detector_entries),
            **dict(self.robustness),
        }
        if self.diff is not None:
            out["diff"] = dict(self.diff)
        return out


def _rank_changes(board: pd.DataFrame) -> tuple[RankChange, ...]:
    # A model unrated both before and after has no rank to change.
    both_unrated = board["rank_before"].isna() & board["rank_after"].isna()
    rank_moved = (board["rank_before"] != board["rank_after"]).fillna(True) & ~both_unrated
    moved = board[rank_moved | board["change_significant"]]
    return tuple(
        RankChange(
            model=row["model"],
            rank_before=row["rank_before"],
            rank_after=row["rank_after"],
            rating_before=row["rating_before"],
            rating_after=row["rating_after"],
            change_significant=bool(row["change_significant"]),
        )
        for row in moved.to_dict("records")
    )


def build_summary(
    *,
    started_at: str,
    pack: RulePack,
    seed: int,
    inputs: Sequence[Mapping[str, Any]],
    names: Sequence[str],
    results: Sequence[DetectorResult],
    findings: Sequence[Finding],
    cleaning: CleaningResult,
    board: pd.DataFrame,
    loaded: LoadResult,
    gate: Gate,
    gate_reasons: Sequence[str],
    notes: Sequence[str],
    robustness: Mapping[str, Any],
) -> AuditSummary:
    """The summary of one audit from what its stages returned."""
    by_name = {r.detector: r for r in results}
    entries: dict[str, Any] = {}
    for cls in detector_classes():  # every installed detector: its keys, empty when not run
        entries.update(cls.summary_entries(by_name.get(cls.name)))
    return AuditSummary(
        run=RunInfo(
            started_at=started_at,
            auditkit_version=__version__,
            seed=seed,
            rule_pack={
                "name": pack.name,
                "version": pack.version,
                "hash": pack.content_hash,
                "label": pack.label,
            },
            inputs=tuple(inputs),
            detectors_requested=tuple(names),
            detectors_run=tuple(r.detector for r in results),
        ),
        load=LoadCounts(
            rows_read=int(loaded.rows_read),
            rows_loaded=int(loaded.rows_loaded),
            quarantined=dict(sorted(dict(loaded.quarantine_counts).items())),
            voter_status=str(loaded.battles.voter_status.value),
        ),
        findings=FindingCounts.of(findings),
        detectors={
            r.detector: {
                "summary": dict(r.summary),
                "notes": list(r.notes),
                "status": r.status.value,
                "status_reason": r.status_reason,
            }
            for r in results
        },
        invalidations=cleaning.to_json(),
        table_findings=sum(1 for f in findings if f.vote_id is None),
        ratings={
            "models": len(board),
            "battles_before": int(board["battles_before"].sum()) // 2,
            "battles_after": int(board["battles_after"].sum()) // 2,
        },
        rank_changes=_rank_changes(board),
        gate=GateOutcome(
            min_severity=gate.min_severity.value,
            max_invalidated_share=gate.max_invalidated_share,
            max_quarantined_share=gate.max_quarantined_share,
            reasons=tuple(gate_reasons),
        ),
        notes=tuple(notes),
        detector_entries=entries,
        robustness=dict(robustness),
    )
