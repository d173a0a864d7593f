"""The ``voter_anomaly`` detector: FDR-controlled per-voter tests and coordinated groups as findings.

The statistics live in :mod:`auditkit.stats.voter_tests` and the pipeline in
:mod:`auditkit.voters`; this module only turns a :class:`~auditkit.voters.VoterAudit` into findings:

* one vote-level finding per vote of a flagged voter (per the ``invalidate`` policy of
  ``rules/voters.yaml``), ``rule`` = the test that flagged the voter, citing statistic and p-value;
* table-level ``voter_evidence`` findings (most significant voters) for the report's scatter;
* table-level ``coordinated_group`` findings, and ``review`` findings for low-severity tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from auditkit.detectors.base import Detector, DetectorResult, Finding, Severity, register
from auditkit.rulepack import RulePack
from auditkit.schema import BattleTable
from auditkit.voters import INDIVIDUAL_TESTS, VoterAudit, VoterConfig, audit_voters
from auditkit.voters.audit import statistic_columns

__all__ = ["VoterAnomalyDetector", "voter_evidence_frame"]

# What a voter_evidence finding cites: the verdict, then every per-voter statistic.
_EVIDENCE_KEYS = (
    "n_votes",
    "p_value",
    "q_value",
    "best_test",
    "best_p",
    *(name for name in statistic_columns(with_prompt=True) if name != "p_consensus_score"),
    "group_id",
)


def voter_evidence_frame(result: DetectorResult) -> pd.DataFrame:
    """Per-voter evidence (voter, n_votes, best p, q-value, flagged…) from a detector result."""
    rows = [
        {"voter": f.subject, **dict(f.evidence)}
        for f in result.table_findings
        if f.rule == "voter_evidence"
    ]
    return pd.DataFrame(rows)


@register
class VoterAnomalyDetector(Detector):
    """Rigged, automated or coordinated voting, with the FDR across voters set in the rule pack."""

    name = "voter_anomaly"
    description = "Rigged, automated or coordinated voting (per-voter tests, groups, FDR)."
    default = True
    order = 20
    lazy_imports = ("scipy.special", "scipy.stats", "statsmodels.stats.multitest")

    @classmethod
    def check_rules(cls, rules: RulePack) -> None:
        VoterConfig.from_rules(rules)

    @classmethod
    def rule_ids(cls, rules: RulePack) -> frozenset[str]:
        return frozenset({*INDIVIDUAL_TESTS, "coordinated_group", "voter_evidence"})

    def audit(self, battles: BattleTable, rules: RulePack) -> VoterAudit:
        """The full audit object (evidence for every audited voter, groups, votes to invalidate)."""
        return audit_voters(battles, rules, random_state=self.random_state)

    def detect(self, battles: BattleTable, rules: RulePack) -> DetectorResult:
        cfg = VoterConfig.from_rules(rules)
        audit = self.audit(battles, rules)
        if not audit.usable:
            return DetectorResult(
                detector=self.name,
                summary={"voters_usable": False, "ran": False, **audit.stats},
                notes=audit.notes,
            )
        findings: list[Finding] = []
        findings.extend(self._vote_findings(audit, cfg))
        findings.extend(self._evidence_findings(audit, cfg))
        findings.extend(self._group_findings(audit, cfg))
        evidence = audit.evidence
        summary: dict[str, Any] = {
            "voters_usable": True,
            **audit.stats,
            "flagged_voters": sorted(
                evidence.loc[evidence["flagged"] | evidence["flagged_group"], "voter"].astype(str)
            ),
            "by_test": {
                name: int((evidence["flagged"] & (evidence["best_test"] == name)).sum())
                for name in INDIVIDUAL_TESTS
            },
        }
        return DetectorResult(
            detector=self.name, findings=tuple(findings), summary=summary, notes=audit.notes
        )

    def _vote_findings(self, audit: VoterAudit, cfg: VoterConfig) -> list[Finding]:
        out: list[Finding] = []
        flags = audit.vote_flags
        # A flagged voter's votes share every value but the vote id (``vote_flags`` repeats the
        # voter's row over its votes, consecutively): each run's values are read and formatted
        # once, not per vote (93k votes at 10M).
        per_run = ["voter", "rule", "p_value", "q_value", "statistic", "group_id"]
        values = flags[per_run] if len(flags) else flags.reindex(columns=per_run)
        runs = _runs(values)
        vote_ids = _column_values(flags, "vote_id") if len(flags) else []
        for (lo, hi), row in zip(runs, _records(values.iloc[[lo for lo, _ in runs]]), strict=True):
            rule = str(row["rule"])
            severity = (
                cfg.group.severity if rule == "coordinated_group" else cfg.test(rule).severity
            )
            raw_stat = row["statistic"]
            statistic = None if pd.isna(raw_stat) else float(raw_stat)
            p_value, q_value = float(row["p_value"]), float(row["q_value"])
            group_id = str(row["group_id"])
            where = f" in group {group_id}" if rule == "coordinated_group" else ""
            subject = str(row["voter"])
            message = f"voter flagged by {rule}{where} (p={p_value:.3g}, q={q_value:.3g})"
            evidence = {
                "test": rule,
                "statistic": statistic,
                "p_value": p_value,
                "q_value": q_value,
                "fdr": cfg.fdr,
                "group_id": group_id or None,
                "policy": cfg.invalidate,
            }
            for vote_id in vote_ids[lo:hi]:
                out.append(
                    Finding(
                        detector=self.name,
                        rule=rule,
                        severity=severity,
                        subject=subject,
                        vote_id=str(vote_id),
                        score=statistic,
                        p_value=p_value,
                        message=message,
                        evidence=evidence,
                    )
                )
        return out

    def _evidence_findings(self, audit: VoterAudit, cfg: VoterConfig) -> list[Finding]:
        ev = audit.evidence
        chosen = ev[
            ev["flagged"] | ev["flagged_group"] | ev["review_flag"].fillna(False).astype(bool)
        ]
        top = ev.head(cfg.evidence_top_n)
        chosen = pd.concat([chosen, top]).drop_duplicates("voter")
        out: list[Finding] = []
        for record in _records(chosen):
            flagged = bool(record.get("flagged")) or bool(record.get("flagged_group"))
            evidence = {key: record.get(key) for key in _EVIDENCE_KEYS if key in record}
            evidence["flagged"] = flagged
            evidence["review_flag"] = bool(record.get("review_flag") or False)
            for name in INDIVIDUAL_TESTS:
                evidence[f"p_{name}"] = record.get(f"p_{name}")
            out.append(
                Finding(
                    detector=self.name,
                    rule="voter_evidence",
                    severity=Severity.INFO if not flagged else Severity.LOW,
                    subject=str(record["voter"]),
                    score=None,
                    p_value=record.get("p_value"),
                    message=_evidence_message(record, flagged),
                    evidence=evidence,
                )
            )
        return out

    def _group_findings(self, audit: VoterAudit, cfg: VoterConfig) -> list[Finding]:
        out: list[Finding] = []
        for group in audit.groups:
            if not group.flagged:
                continue
            out.append(
                Finding(
                    detector=self.name,
                    rule="coordinated_group",
                    severity=cfg.group.severity,
                    subject=group.group_id,
                    score=group.z,
                    p_value=group.p_value,
                    message=_group_message(group),
                    evidence=group.to_json(),
                )
            )
        return out


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``frame.to_dict(orient="records")``, the same Python values, built column by column.

    Why: pandas boxes every cell on its own (about 40 µs a row of the evidence table: seconds
    for the tens of thousands of voters a 10M-vote audit reports); a column's ``tolist`` is one
    C loop, and rows are zipped from the lists.
    """
    keys = [str(key) for key in frame.columns]
    columns = [_column_values(frame, key) for key in frame.columns]
    return [dict(zip(keys, values, strict=True)) for values in zip(*columns, strict=True)]


def _column_values(frame: pd.DataFrame, key: Any) -> list[Any]:
    """One column's values as ``frame.to_dict(orient="records")`` gives them."""
    column = frame[key]
    kind = column.dtype.kind if isinstance(column.dtype, np.dtype) else ""
    if kind and kind in "biuf":
        return list(column.tolist())  # Python scalars, as pandas gives
    if kind == "O":  # numpy scalars among the objects become Python ones, as pandas does
        return [v.item() if isinstance(v, np.generic) else v for v in column.tolist()]
    # extension types (missing values become None): pandas' own conversion
    return list(frame[[key]].to_dict(orient="list")[key])


def _runs(frame: pd.DataFrame) -> list[tuple[int, int]]:
    """[lo, hi) row ranges of ``frame`` whose rows are equal in every column (NaN equals NaN)."""
    n = len(frame)
    if n == 0:
        return []
    change = np.zeros(n - 1, dtype=bool)
    for name in frame.columns:
        column = frame[name].to_numpy()
        same = column[1:] == column[:-1]
        if column.dtype.kind == "f":
            same |= np.isnan(column[1:]) & np.isnan(column[:-1])
        change |= ~same
    starts = np.r_[0, np.flatnonzero(change) + 1]
    ends = np.r_[starts[1:], n]
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def _evidence_message(record: Mapping[Any, Any], flagged: bool) -> str:
    """One line a reviewer reads: the votes, the strongest individual test, and why it is flagged."""
    line = f"{int(record['n_votes'])} votes"
    best = record.get("best_test")
    if best:
        line += f"; best test {best} q={float(record.get('q_value', 1.0)):.3g}"
    if bool(record.get("flagged")):
        line += "; flagged"
    elif flagged:
        line += f"; flagged as a member of coordinated group {record.get('group_id') or '?'}"
    return line


def _group_message(group: Any) -> str:
    linked = set(group.members)
    recruited = len(set(group.flagged_members) - linked)
    kept = len(group.flagged_members) - recruited
    who = f"{kept} of {len(linked)} linked voters"
    if recruited:
        who += f" and {recruited} accounts active in the same windows"
    direction = "up" if group.direction > 0 else "down"
    return f"{who} push {group.target_name} {direction} (z={group.z:.2f}, q={group.q_value:.3g})"
