""":class:`AuditResult`: one finished audit, as :func:`auditkit.audit.run_audit` returns it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from auditkit.clean import CleaningResult
from auditkit.detectors.base import DetectorResult, FindingList
from auditkit.errors import ExitCode
from auditkit.pipeline.summary import AuditSummary

__all__ = ["AuditResult"]


@dataclass(frozen=True)
class AuditResult:
    """One finished audit: where its files are, what it found, and whether the gate failed.

    ``out_dir`` is None when the audit kept no files (:func:`auditkit.audit` without ``out``).
    """

    out_dir: Path | None
    audit_summary: AuditSummary
    leaderboard: pd.DataFrame
    cleaning: CleaningResult
    detector_results: tuple[DetectorResult, ...]
    gate_reasons: tuple[str, ...]
    timings: Mapping[str, float] = field(default_factory=dict)
    run_id: int | None = None
    new_ledger_invalidations: int = 0

    @property
    def summary_data(self) -> dict[str, Any]:
        """``summary.json``'s content as a mapping (:attr:`audit_summary` is the typed object)."""
        return self.audit_summary.to_json()

    @property
    def gate_failed(self) -> bool:
        return bool(self.gate_reasons)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.FINDINGS if self.gate_failed else ExitCode.CLEAN

    @property
    def findings(self) -> FindingList:
        return FindingList(f for r in self.detector_results for f in r.findings)

    def summary(self) -> str:
        board = self.leaderboard
        moved = int((board["rank_before"] != board["rank_after"]).sum()) if len(board) else 0
        gate = "FAILED: " + "; ".join(self.gate_reasons) if self.gate_failed else "passed"
        return "\n".join(
            [
                f"audit of {self.cleaning.votes_in:,} votes"
                + (f" → {self.out_dir}" if self.out_dir is not None else ""),
                "  " + self.cleaning.summary(),
                "  detectors:" + ("" if self.detector_results else " none"),
                *("    " + r.summary_text() for r in self.detector_results),
                f"  models: {len(board)}, rank changes: {moved}",
                f"  gate: {gate}",
            ]
            + ([f"  report: {self.out_dir / 'report.html'}"] if self.out_dir is not None else [])
        )

    def to_frame(self) -> pd.DataFrame:
        return self.leaderboard.copy()

    def _repr_html_(self) -> str:
        from auditkit.report.notebook import audit_html

        return audit_html(self)

    def to_json(self) -> dict[str, Any]:
        return {
            **dict(self.summary_data),
            "out_dir": None if self.out_dir is None else str(self.out_dir),
            "run_id": self.run_id,
            "timings_seconds": dict(self.timings),
        }
