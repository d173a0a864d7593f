"""The one detector contract: typed findings with stable ids, a registry, severity order."""

from __future__ import annotations

import math

import numpy as np
import pytest

from auditkit.detectors.base import (
    Detector,
    DetectorResult,
    Finding,
    Severity,
    finding_id_for,
    get_detector,
    register,
)
from auditkit.rules import RulePack
from auditkit.schema import BattleTable


def test_finding_id_is_stable_and_depends_on_identity_not_evidence() -> None:
    first = Finding("d", "r", Severity.HIGH, "voter-1", vote_id="v1", evidence={"p": 0.1})
    again = Finding("d", "r", Severity.LOW, "voter-1", vote_id="v1", evidence={"p": 0.2})
    other = Finding("d", "r", Severity.HIGH, "voter-1", vote_id="v2")
    assert first.finding_id == again.finding_id == finding_id_for("d", "r", "voter-1", "v1")
    assert first.finding_id != other.finding_id


def test_findings_hold_plain_json_values() -> None:
    finding = Finding(
        "d",
        "r",
        "medium",
        "s",
        score=np.float64(2.5),
        p_value=math.nan,
        evidence={"n": np.int64(3), "xs": np.array([1.0, 2.0]), "bad": float("inf")},
    )
    assert finding.severity is Severity.MEDIUM
    assert finding.score == 2.5 and type(finding.score) is float
    assert finding.p_value is None
    assert finding.evidence == {"n": 3, "xs": [1.0, 2.0], "bad": None}


def test_severity_is_ordered() -> None:
    assert Severity.INFO < Severity.LOW < Severity.MEDIUM < Severity.HIGH < Severity.CRITICAL
    assert Severity.HIGH >= Severity.MEDIUM
    assert not Severity.LOW >= Severity.HIGH


def test_result_orders_findings_and_splits_vote_and_table_level() -> None:
    result = DetectorResult(
        "d",
        findings=(
            Finding("d", "z", "low", "m1"),
            Finding("d", "a", "high", "u2", vote_id="v9"),
            Finding("d", "a", "high", "u1", vote_id="v3"),
        ),
    )
    assert [f.subject for f in result.findings] == ["u1", "u2", "m1"]
    assert len(result.vote_findings) == 2 and len(result.table_findings) == 1
    frame = result.to_frame()
    assert list(frame["vote_id"].iloc[:2]) == ["v3", "v9"]
    assert result.to_json()["findings"][0]["severity"] == "high"


def test_registry_finds_user_detectors_and_refuses_name_clashes() -> None:
    @register
    class PlantedDetector(Detector):
        name = "planted_for_contract_test"

        def detect(self, battles: BattleTable, rules: RulePack) -> DetectorResult:
            return DetectorResult(self.name)

    assert get_detector("planted_for_contract_test") is PlantedDetector
    with pytest.raises(ValueError, match="already registered"):

        @register
        class Clash(Detector):
            name = "planted_for_contract_test"

            def detect(self, battles: BattleTable, rules: RulePack) -> DetectorResult:
                return DetectorResult(self.name)

    with pytest.raises(KeyError, match="no detector named"):
        get_detector("does_not_exist")
