"""Cleaning: findings + policy + decisions → every reason per vote, and the cleaned table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditkit.clean import apply_policy, canonical_json, parse_policy
from auditkit.detectors.base import Finding, Severity
from auditkit.errors import RuleError
from auditkit.ledger import Decision
from auditkit.rules import RulePack
from auditkit.schema import BattleTable


def _pack(policy: object) -> RulePack:
    return RulePack(
        root="/tmp/pack",
        name="test",
        version="1",
        content_hash="ab" * 32,
        sections={"pack": {"name": "test", "version": "1", "policy": {"invalidate": policy}}},
    )


POLICY = [
    {"detector": "identity_leak", "rules": "*", "min_severity": "medium"},
    {"detector": "voter_anomaly", "rules": ["position_bias"], "min_severity": "high"},
]


def _battles(n: int = 6) -> BattleTable:
    return BattleTable.from_records(
        {"vote_id": f"v{i}", "model_a": "a", "model_b": "b", "winner": "model_a", "voter": f"u{i}"}
        for i in range(n)
    )


def test_every_reason_for_a_vote_is_kept_not_just_the_first() -> None:
    findings = [
        Finding("voter_anomaly", "position_bias", "high", "u1", vote_id="v1", message="bot"),
        Finding("identity_leak", "self_name", "medium", "v1", vote_id="v1", message="leak"),
        Finding("identity_leak", "self_name", "low", "v2", vote_id="v2"),  # below min severity
        Finding("voter_anomaly", "target_stuffing", "critical", "u3", vote_id="v3"),  # not listed
        Finding("identity_leak", "self_name", "critical", "m", vote_id=None),  # table-level
        Finding("identity_leak", "self_name", "high", "v9", vote_id="v9"),  # vote not loaded
    ]
    result = apply_policy(_battles(), findings, _pack(POLICY))
    assert [inv.vote_id for inv in result.invalidations] == ["v1"]
    reasons = result.invalidations[0].reasons
    assert [(r.detector, r.rule) for r in reasons] == [
        ("identity_leak", "self_name"),
        ("voter_anomaly", "position_bias"),
    ]
    assert {r.rule_pack_version for r in reasons} == {"test@1#" + "ab" * 6}
    assert list(result.cleaned.frame["vote_id"]) == ["v0", "v2", "v3", "v4", "v5"]
    assert result.counts_by_detector() == {"identity_leak": 1, "voter_anomaly": 1}
    assert result.counts_by_rule() == {
        "identity_leak/self_name": 1,
        "voter_anomaly/position_bias": 1,
    }
    assert len(result.ledger_rows("ab" * 32)) == 2


def test_revoke_counts_the_vote_again_and_manual_invalidation_removes_it() -> None:
    findings = [Finding("identity_leak", "self_name", "high", "v1", vote_id="v1")]
    decisions = {
        "v1": Decision("v1", "revoke", "false positive: quoted the user", "alice", "2026-01-01", 1),
        "v4": Decision("v4", "invalidate", "operator saw a bribe", "bob", "2026-01-02", 2),
    }
    result = apply_policy(_battles(), findings, _pack(POLICY), decisions)
    status = {inv.vote_id: inv.status for inv in result.invalidations}
    assert status == {"v1": "revoked", "v4": "invalidated"}
    assert "v1" in set(result.cleaned.frame["vote_id"])
    assert "v4" not in set(result.cleaned.frame["vote_id"])
    manual = result.invalidations[1].reasons[0]
    assert (manual.detector, manual.source, manual.reason) == (
        "manual",
        "manual",
        "operator saw a bribe",
    )
    # manual reasons live in the decisions table, not appended as policy invalidations
    assert [row.vote_id for row in result.ledger_rows("h")] == ["v1"]


def test_jsonl_has_one_sorted_canonical_line_per_vote(tmp_path: Path) -> None:
    findings = [
        Finding("identity_leak", "r", "high", "v5", vote_id="v5", evidence={"x": 0.1 + 0.2}),
        Finding("identity_leak", "r", "high", "v0", vote_id="v0"),
    ]
    result = apply_policy(_battles(), findings, _pack(POLICY))
    path = tmp_path / "invalidations.jsonl"
    result.write_jsonl(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["vote_id"] for line in lines] == ["v0", "v5"]
    assert json.loads(lines[1])["reasons"][0]["evidence"] == {"x": 0.3}
    assert canonical_json({"b": 1, "a": [1.0000000001]}) == '{"a":[1.0],"b":1}'


@pytest.mark.parametrize(
    "policy",
    [
        "not a list",
        [{"rules": "*"}],
        [{"detector": "d", "rules": 3}],
        [{"detector": "d", "min_severity": "urgent"}],
    ],
)
def test_invalid_policy_is_a_rule_error_naming_the_entry(policy: object) -> None:
    with pytest.raises(RuleError, match=r"policy\.invalidate"):
        parse_policy(_pack(policy))


def test_default_pack_policy_parses(default_rules: RulePack) -> None:
    entries = parse_policy(default_rules)
    assert {e.detector for e in entries} >= {"identity_leak", "voter_anomaly"}
    assert all(isinstance(e.min_severity, Severity) for e in entries)


SEVERITIES = [s.value for s in Severity]


@given(
    flags=st.lists(
        st.tuples(
            st.integers(0, 5),
            st.sampled_from(["identity_leak", "voter_anomaly", "sampling"]),
            st.sampled_from(["position_bias", "self_name"]),
            st.sampled_from(SEVERITIES),
        ),
        max_size=20,
    ),
    decided=st.dictionaries(st.integers(0, 5), st.sampled_from(["revoke", "invalidate"])),
)
def test_every_vote_is_kept_or_invalidated_with_all_matching_reasons(
    flags: list[tuple[int, str, str, str]], decided: dict[int, str]
) -> None:
    battles = _battles()
    findings = [Finding(d, r, s, f"v{i}", vote_id=f"v{i}") for i, d, r, s in flags]
    decisions = {
        f"v{i}": Decision(f"v{i}", action, "why", "me", "t", k)
        for k, (i, action) in enumerate(decided.items())
    }
    result = apply_policy(battles, findings, _pack(POLICY), decisions)
    entries = parse_policy(_pack(POLICY))
    kept = set(result.cleaned.frame["vote_id"])
    dropped = set(result.invalidated_ids)
    assert kept | dropped == set(battles.frame["vote_id"]) and not kept & dropped
    for inv in result.invalidations:
        policy_ids = {r.finding_id for r in inv.reasons if r.source == "policy"}
        expected = {
            f.finding_id
            for f in findings
            if f.vote_id == inv.vote_id and any(e.matches(f) for e in entries)
        }
        assert policy_ids == expected
        assert (inv.status == "revoked") == (decided.get(int(inv.vote_id[1:])) == "revoke")


def test_result_keeps_the_dropped_rows_and_builds_the_cleaned_table_on_demand() -> None:
    findings = [
        Finding("identity_leak", "self_name", Severity.HIGH, v, vote_id=v)
        for v in ("v4", "v1", "v9")
    ]
    decisions = {"v4": Decision("v4", "revoke", "false positive", "alice", "2026-01-01", 1)}
    battles = _battles()
    result = apply_policy(battles, findings, _pack(POLICY), decisions)
    assert result.battles is battles  # no copy of the table is held
    assert result.dropped_rows.tolist() == [1]  # v4 revoked, v9 not loaded
    assert result.keep.tolist() == [True, False, True, True, True, True]
    cleaned = result.cleaned.frame
    assert list(cleaned["vote_id"]) == ["v0", "v2", "v3", "v4", "v5"]
    assert list(cleaned.index) == [0, 1, 2, 3, 4]
