"""The ``sampling`` detector: battle-graph and sampling-imbalance flags as table-level findings.

All the measuring happens in :func:`auditkit.graph.audit_graph`; this module turns each
:class:`~auditkit.graph.SamplingFlag` into one table-level :class:`Finding` (``vote_id`` None,
``rule`` = the flag kind) and puts the whole :class:`~auditkit.graph.GraphAudit` JSON — including
``expected_shares`` and the inverse-probability ``pair_weights`` — into ``DetectorResult.summary``.
Sampling findings never invalidate votes: an imbalance is the platform's doing, not the voters'.
"""

from __future__ import annotations

from typing import Any

from auditkit.detectors.base import Detector, DetectorResult, Finding, register
from auditkit.graph import GraphAudit, SamplingConfig, audit_graph
from auditkit.rulepack import RulePack
from auditkit.schema import BattleTable

__all__ = ["SamplingDetector", "findings_from_audit"]


def findings_from_audit(audit: GraphAudit, detector: str = "sampling") -> tuple[Finding, ...]:
    """One table-level finding per flag of the audit."""
    return tuple(
        Finding(
            detector=detector,
            rule=flag.kind,
            severity=flag.severity,
            subject=flag.subject,
            vote_id=None,
            score=flag.statistic,
            p_value=flag.p_value,
            message=flag.message,
            evidence=flag.evidence,
        )
        for flag in audit.flags
    )


@register
class SamplingDetector(Detector):
    """Disconnected or barely connected graphs, over/undersampled models and providers, drift."""

    name = "sampling"
    description = "A disconnected battle graph, over/undersampled models and providers, drift."
    default = True
    order = 30
    lazy_imports = (
        "networkx",
        "scipy.sparse.csgraph",
        "scipy.stats",
        "statsmodels.stats.multitest",
    )
    diff_key = "sampling_flags"

    @classmethod
    def summary_entries(cls, result: DetectorResult | None) -> dict[str, Any]:
        """``sampling_flags``: its table-level findings, briefly."""
        table_level = sorted(
            result.table_findings if result is not None else (),
            key=lambda f: (f.rule, f.subject, f.finding_id),
        )
        keys = ("finding_id", "rule", "severity", "subject", "message")
        return {"sampling_flags": [{k: f.to_dict()[k] for k in keys} for f in table_level]}

    @classmethod
    def check_rules(cls, rules: RulePack) -> None:
        SamplingConfig.from_rules(rules)

    def detect(self, battles: BattleTable, rules: RulePack) -> DetectorResult:
        if len(battles) == 0:
            return DetectorResult(
                detector=self.name, summary={"ran": False}, notes=("no battles: nothing to audit",)
            )
        audit = audit_graph(battles, rules)
        return DetectorResult(
            detector=self.name,
            findings=findings_from_audit(audit, self.name),
            summary=audit.to_json(),
            notes=audit.notes,
        )
