"""The audit pipeline, one module per stage: load → detect → clean → rate → report → record.

:func:`run_pipeline` takes one :class:`AuditConfig` and returns an :class:`AuditResult` whose
:class:`AuditSummary` is ``summary.json`` as a typed object. :func:`auditkit.audit.run_audit` is the
keyword-argument front door to it.
"""

from auditkit.pipeline.config import AuditConfig
from auditkit.pipeline.result import AuditResult
from auditkit.pipeline.run import run_pipeline
from auditkit.pipeline.summary import AuditSummary

__all__ = ["AuditConfig", "AuditResult", "AuditSummary", "run_pipeline"]
