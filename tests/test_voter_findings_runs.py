"""The voter detector's vote-level findings, built once per flagged voter's run of votes, are the
findings the plain per-vote reading of ``vote_flags`` builds: same order, ids, values, evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from test_voters import _honest_records, _left_clicker, _stuffer, _sybils

from auditkit.detectors.base import Finding
from auditkit.detectors.voters import VoterAnomalyDetector, _records, _runs
from auditkit.rules import RulePack, load_rules
from auditkit.schema import BattleTable
from auditkit.voters import VoterAudit, VoterConfig


@pytest.fixture(scope="module")
def rules() -> RulePack:
    return load_rules(Path(__file__).resolve().parents[1] / "rules")


def _plain_vote_findings(audit: VoterAudit, cfg: VoterConfig) -> list[Finding]:
    """The definition: one Finding per row of ``vote_flags``, every value read from that row."""
    out: list[Finding] = []
    for row in _records(audit.vote_flags):
        rule = str(row["rule"])
        severity = cfg.group.severity if rule == "coordinated_group" else cfg.test(rule).severity
        raw_stat = row["statistic"]
        statistic = None if pd.isna(raw_stat) else float(raw_stat)
        p_value, q_value = float(row["p_value"]), float(row["q_value"])
        group_id = str(row["group_id"])
        where = f" in group {group_id}" if rule == "coordinated_group" else ""
        out.append(
            Finding(
                detector="voter_anomaly",
                rule=rule,
                severity=severity,
                subject=str(row["voter"]),
                vote_id=str(row["vote_id"]),
                score=statistic,
                p_value=p_value,
                message=f"voter flagged by {rule}{where} (p={p_value:.3g}, q={q_value:.3g})",
                evidence={
                    "test": rule,
                    "statistic": statistic,
                    "p_value": p_value,
                    "q_value": q_value,
                    "fdr": cfg.fdr,
                    "group_id": group_id or None,
                    "policy": cfg.invalidate,
                },
            )
        )
    return out


def test_run_wise_findings_equal_the_per_vote_definition(rules: RulePack) -> None:
    records = (
        _honest_records(12_000, seed=1)
        + _left_clicker(150)
        + _stuffer(150, target=2)
        + _sybils(40, 5, target=3, start=10 * 86400)
    )
    detector = VoterAnomalyDetector(random_state=0)
    table = BattleTable.from_records(records)
    cfg = VoterConfig.from_rules(rules)
    audit = detector.audit(table, rules)
    fast = detector._vote_findings(audit, cfg)
    plain = _plain_vote_findings(audit, cfg)
    assert {f.rule for f in plain} >= {"coordinated_group"}
    assert len({f.subject for f in plain}) > 3
    assert [f.to_dict() for f in fast] == [f.to_dict() for f in plain]
    # Each finding owns its evidence (no dict shared between the votes of a run).
    assert len({id(f.evidence) for f in fast}) == len(fast)


def test_no_flags_make_no_findings(rules: RulePack) -> None:
    detector = VoterAnomalyDetector(random_state=0)
    audit = detector.audit(BattleTable.from_records(_honest_records(3_000, seed=2)), rules)
    assert detector._vote_findings(audit, VoterConfig.from_rules(rules)) == []


def test_runs_split_where_any_value_changes_and_nan_equals_nan() -> None:
    frame = pd.DataFrame(
        {
            "voter": ["a", "a", "a", "b", "b", "a"],
            "statistic": [np.nan, np.nan, 1.0, 1.0, 1.0, 1.0],
        }
    )
    assert _runs(frame) == [(0, 2), (2, 3), (3, 5), (5, 6)]
    assert _runs(frame.iloc[:0]) == []
    one: Any = frame.iloc[:1]
    assert _runs(one) == [(0, 1)]
