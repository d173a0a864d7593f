"""The gate: when an audit "fails" (exit code 1), read from the rule pack's ``gate`` section."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditkit.errors import InputError, RuleError
from auditkit.findings import Finding, Severity
from auditkit.rulepack import RulePack

__all__ = ["DEFAULT_MAX_QUARANTINED_SHARE", "Gate"]


# The gate's default limit on quarantined input rows (``gate.max_quarantined_share`` overrides it).
DEFAULT_MAX_QUARANTINED_SHARE = 0.01


@dataclass(frozen=True)
class Gate:
    """When a run "fails": any finding at or above ``min_severity``, too many invalidated votes, or
    too much of the input rejected by the loader (``max_quarantined_share``: an audit of what is
    left of a broken file must not pass as an audit of the file)."""

    min_severity: Severity
    max_invalidated_share: float | None
    max_quarantined_share: float | None = DEFAULT_MAX_QUARANTINED_SHARE

    @classmethod
    def from_rules(cls, rules: RulePack, fail_on: str | Severity | None = None) -> Gate:
        where = str(Path(rules.root) / "pack.yaml")
        raw = rules.pack.get("gate", {}) or {}
        if not isinstance(raw, Mapping):
            raise RuleError("gate must be a mapping", path=where)
        try:
            severity = Severity(fail_on or raw.get("min_severity", Severity.HIGH.value))
        except ValueError:
            if fail_on:
                raise InputError(f"unknown severity {fail_on!r}") from None
            known = "/".join(s.value for s in Severity)
            raise RuleError(
                f"key 'gate.min_severity' must be one of {known}, got {raw.get('min_severity')!r}",
                path=where,
            ) from None
        return cls(
            severity,
            _share(raw, "max_invalidated_share", where, None),
            _share(raw, "max_quarantined_share", where, DEFAULT_MAX_QUARANTINED_SHARE),
        )

    def evaluate(
        self,
        findings: Sequence[Finding],
        invalidated: int,
        votes: int,
        *,
        quarantined: int = 0,
        rows_read: int = 0,
    ) -> list[str]:
        """Reasons the gate fails (empty when it passes); rejected input comes first."""
        reasons = []
        rejected = quarantined / rows_read if rows_read else 0.0
        if self.max_quarantined_share is not None and rejected > self.max_quarantined_share:
            reasons.append(
                f"{rejected:.2%} of input rows quarantined ({quarantined:,} of {rows_read:,}; "
                f"limit {self.max_quarantined_share:.2%}): the audit covers only what loaded"
            )
        at_or_above = sum(1 for f in findings if f.severity >= self.min_severity)
        if at_or_above:
            reasons.append(f"{at_or_above:,} findings at or above {self.min_severity.value}")
        share = invalidated / votes if votes else 0.0
        if self.max_invalidated_share is not None and share > self.max_invalidated_share:
            reasons.append(
                f"{share:.2%} of votes invalidated (limit {self.max_invalidated_share:.2%})"
            )
        return reasons


def _share(raw: Mapping[str, Any], key: str, where: str, default: float | None) -> float | None:
    """A gate share: a number in [0, 1], or null for "no limit"; anything else names file and key."""
    if key not in raw:
        return default
    value = raw[key]
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise RuleError(
            f"key 'gate.{key}' must be a share between 0 and 1, got {value!r}", path=where
        )
    return float(value)
