"""Specifications of the ``voter_anomaly`` detector on small hand-built tables and the real data.

Simulated-arena recall/precision lives in ``tests/test_voters_simulated.py`` (one 30k-vote arena)
and, at 100k+ votes over several seeds, in ``bench/bench_voters.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from auditkit.detectors.base import Severity, get_detector
from auditkit.rules import RulePack, load_rules
from auditkit.schema import BattleTable, VoterStatus
from auditkit.voters import VoterConfig

pytest.importorskip("auditkit.stats.bradley_terry")

MODELS = [f"model-{i:02d}" for i in range(8)]
THETA = np.linspace(-1.2, 1.2, len(MODELS))


def _honest_records(n: int, seed: int, n_voters: int = 400) -> list[dict[str, Any]]:
    """Votes from the BT model with ties, spread over ``n_voters`` honest voters."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, len(MODELS), n)
    b = (a + rng.integers(1, len(MODELS), n)) % len(MODELS)
    p_a = 1 / (1 + np.exp(-(THETA[a] - THETA[b])))
    u = rng.random(n)
    tie = u < 0.25
    winner = np.where(tie, "tie", np.where(rng.random(n) < p_a, "model_a", "model_b"))
    voters = rng.integers(0, n_voters, n)
    t = np.sort(rng.uniform(0, 20 * 86400, n))
    return [
        {
            "vote_id": f"h{i:06d}",
            "model_a": MODELS[a[i]],
            "model_b": MODELS[b[i]],
            "winner": str(winner[i]),
            "voter": f"arena_user_10.0.{voters[i] // 250}.{voters[i] % 250}",
            "tstamp": float(t[i]),
        }
        for i in range(n)
    ]


def _left_clicker(n: int, voter: str = "bot-left") -> list[dict[str, Any]]:
    rng = np.random.default_rng(99)
    a = rng.integers(0, len(MODELS), n)
    b = (a + rng.integers(1, len(MODELS), n)) % len(MODELS)
    return [
        {
            "vote_id": f"b{i:05d}",
            "model_a": MODELS[a[i]],
            "model_b": MODELS[b[i]],
            "winner": "model_a",
            "voter": voter,
            "tstamp": 5 * 86400 + 3.0 * i,
        }
        for i in range(n)
    ]


def _stuffer(n: int, target: int, voter: str = "stuffer") -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        other = MODELS[(target + 1 + i % (len(MODELS) - 1)) % len(MODELS)]
        left = i % 2 == 0
        out.append(
            {
                "vote_id": f"s{i:05d}",
                "model_a": MODELS[target] if left else other,
                "model_b": other if left else MODELS[target],
                "winner": "model_a" if left else "model_b",
                "voter": voter,
                "tstamp": 8 * 86400 + 40.0 * i,
            }
        )
    return out


@pytest.fixture(scope="module")
def rules() -> RulePack:
    return load_rules(Path(__file__).resolve().parents[1] / "rules")


def _detect(table: BattleTable, rules: RulePack) -> Any:
    return get_detector("voter_anomaly")(random_state=0).detect(table, rules)


def test_registered_under_its_contract_name() -> None:
    assert get_detector("voter_anomaly").name == "voter_anomaly"


def test_rules_file_parses_with_policy_family(rules: RulePack) -> None:
    cfg = VoterConfig.from_rules(rules)
    assert cfg.fdr == 0.01 and cfg.invalidate == "all"
    assert cfg.invalidating("consensus_loo") and cfg.invalidating("position_clicking")
    # A side habit moves no model (sides are random): reported, never invalidated.
    assert not cfg.invalidating("position_bias")
    # Speed is evidence for review, never invalidation: shared addresses shorten gaps honestly.
    assert not cfg.invalidating("speed")


def test_planted_left_clicker_and_stuffer_are_flagged_with_every_vote(rules: RulePack) -> None:
    records = _honest_records(12_000, seed=1) + _left_clicker(150) + _stuffer(150, target=2)
    result = _detect(BattleTable.from_records(records), rules)
    flagged = set(result.summary["flagged_voters"])
    assert flagged == {"bot-left", "stuffer"}
    by_voter: dict[str, set[str]] = {}
    for f in result.vote_findings:
        by_voter.setdefault(f.subject, set()).add(str(f.vote_id))
        assert f.detector == "voter_anomaly" and f.p_value is not None
        assert f.score is not None  # the test's statistic is cited
        assert f.severity >= Severity.MEDIUM
        assert f.evidence["q_value"] <= 0.01
    assert by_voter["bot-left"] == {f"b{i:05d}" for i in range(150)}
    assert by_voter["stuffer"] == {f"s{i:05d}" for i in range(150)}
    rules_used = {f.subject: f.rule for f in result.vote_findings}
    assert rules_used["stuffer"] in {"target_concentration", "consensus_loo"}
    # The scatter gets per-voter evidence rows.
    scatter = [f for f in result.table_findings if f.rule == "voter_evidence"]
    assert {"bot-left", "stuffer"} <= {f.subject for f in scatter}
    assert all(f.vote_id is None for f in scatter)


def test_honest_only_table_flags_nobody(rules: RulePack) -> None:
    result = _detect(BattleTable.from_records(_honest_records(12_000, seed=2)), rules)
    assert result.vote_findings == ()
    assert result.summary["voters_usable"] is True
    assert result.summary["voters_audited"] > 0


def test_after_detection_policy_keeps_votes_before_the_evidence(tmp_path: Path) -> None:
    src = Path(__file__).resolve().parents[1] / "rules"
    for path in src.rglob("*.yaml"):
        dest = tmp_path / path.relative_to(src)
        dest.parent.mkdir(parents=True, exist_ok=True)
        text = path.read_text(encoding="utf-8")
        if path.name == "voters.yaml":
            text = text.replace("invalidate: all", "invalidate: after_detection")
        dest.write_text(text, encoding="utf-8")
    records = _honest_records(12_000, seed=3) + _left_clicker(300)
    result = _detect(BattleTable.from_records(records), load_rules(tmp_path))
    votes = {f.vote_id for f in result.vote_findings if f.subject == "bot-left"}
    assert 0 < len(votes) < 300
    # The kept prefix is the earliest votes: invalidation starts at the crossing point.
    first = min(int(str(v)[1:]) for v in votes)
    assert votes == {f"b{i:05d}" for i in range(first, 300)}


def test_unusable_voter_ids_are_reported_and_nothing_is_flagged(rules: RulePack) -> None:
    records = _honest_records(2_000, seed=4) + _left_clicker(200)
    for r in records:
        r["voter"] = "arena_user_::1"
    table = BattleTable.from_records(records, voter_status=VoterStatus.PLACEHOLDER)
    result = _detect(table, rules)
    assert result.findings == ()
    assert result.summary["voters_usable"] is False
    assert any("voters unusable" in note for note in result.notes)


def test_rows_without_voter_are_noted_not_audited(rules: RulePack) -> None:
    records = _honest_records(6_000, seed=5)
    for r in records[:500]:
        r["voter"] = None
    result = _detect(BattleTable.from_records(records), rules)
    assert any("500 rows have no voter id" in note for note in result.notes)
    assert result.vote_findings == ()


def test_deterministic_given_table_rules_and_seed(rules: RulePack) -> None:
    table = BattleTable.from_records(_honest_records(8_000, seed=6) + _left_clicker(120))
    one = _detect(table, rules).to_json()
    two = _detect(table, rules).to_json()
    assert one == two


@pytest.mark.real_data
def test_real_votes_without_voter_ids_report_unusable(real_data_dir: Path, rules: RulePack) -> None:
    io = pytest.importorskip("auditkit.io")
    if not hasattr(io, "load_battles"):
        pytest.skip("auditkit.io.load_battles not available yet")
    for name in ("arena_hp140k_votes_meta.jsonl.gz", "genai_arena_clean_battle_20240220.jsonl.gz"):
        path = real_data_dir / name
        if not path.is_file():
            pytest.skip(f"{name} missing")
        battles = io.load_battles(path).battles
        result = _detect(battles, rules)
        assert result.findings == (), name
        assert result.summary["voters_usable"] is False, name
        assert any("voters unusable" in note for note in result.notes), name


def _sybils(n_accounts: int, votes_each: int, target: int, start: float) -> list[dict[str, Any]]:
    """Many small accounts, each voting only in ``target``'s battles and for it, in one window."""
    out = []
    rng = np.random.default_rng(7)
    for acc in range(n_accounts):
        for j in range(votes_each):
            other = MODELS[(target + 1 + rng.integers(0, len(MODELS) - 1)) % len(MODELS)]
            left = bool(rng.integers(0, 2))
            out.append(
                {
                    "vote_id": f"y{acc:03d}-{j}",
                    "model_a": MODELS[target] if left else other,
                    "model_b": other if left else MODELS[target],
                    "winner": "model_a" if left else "model_b",
                    "voter": f"sybil-{acc:03d}",
                    "tstamp": start + rng.uniform(0, 7200),
                }
            )
    return out


def test_sybil_accounts_unremarkable_alone_are_flagged_as_a_group(rules: RulePack) -> None:
    records = _honest_records(12_000, seed=8) + _sybils(40, 5, target=3, start=10 * 86400)
    result = _detect(BattleTable.from_records(records), rules)
    sybil_votes = {f.vote_id for f in result.vote_findings if f.subject.startswith("sybil-")}
    # 5 votes each is below min_votes (10): no account is audited alone, only the group finds them.
    assert len(sybil_votes) >= 0.9 * 200
    assert {f.rule for f in result.vote_findings} == {"coordinated_group"}
    assert not any(f.subject.startswith("arena_user_") for f in result.vote_findings)
    groups = [f for f in result.table_findings if f.rule == "coordinated_group"]
    assert len(groups) >= 1
    assert groups[0].evidence["target"] == MODELS[3] and groups[0].evidence["direction"] == "up"


def test_voter_evidence_frame_lists_flagged_voters_with_q_values(rules: RulePack) -> None:
    from auditkit.detectors.voters import voter_evidence_frame

    records = _honest_records(12_000, seed=9) + _left_clicker(150)
    frame = voter_evidence_frame(_detect(BattleTable.from_records(records), rules))
    assert {"voter", "n_votes", "best_p", "q_value", "flagged"} <= set(frame.columns)
    row = frame.set_index("voter").loc["bot-left"]
    assert bool(row["flagged"]) and row["q_value"] <= 0.01 and row["n_votes"] == 150


def test_tiny_table_without_timestamps_runs_and_flags_nobody(rules: RulePack) -> None:
    records = _honest_records(300, seed=10, n_voters=20)
    for r in records:
        r.pop("tstamp")
    result = _detect(BattleTable.from_records(records), rules)
    assert result.vote_findings == ()
    assert result.summary["voters_usable"] is True


def test_table_where_no_voter_reaches_min_votes(rules: RulePack) -> None:
    records = _honest_records(200, seed=11, n_voters=150)
    result = _detect(BattleTable.from_records(records), rules)
    assert result.vote_findings == ()
    assert result.summary["voters_audited"] == 0


def test_swapping_sides_mirrors_position_counts_and_keeps_consensus_evidence(
    rules: RulePack,
) -> None:
    from auditkit.voters import audit_voters

    records = _honest_records(6_000, seed=12) + _stuffer(120, target=5)
    flip = {"model_a": "model_b", "model_b": "model_a", "tie": "tie"}
    mirrored = [
        {**r, "model_a": r["model_b"], "model_b": r["model_a"], "winner": flip[r["winner"]]}
        for r in records
    ]
    one = audit_voters(BattleTable.from_records(records), rules).evidence.set_index("voter")
    two = audit_voters(BattleTable.from_records(mirrored), rules).evidence.set_index("voter")
    two = two.loc[one.index]
    np.testing.assert_allclose(one["p_consensus_loo"], two["p_consensus_loo"], rtol=1e-6)
    np.testing.assert_allclose(
        one["p_target_concentration"], two["p_target_concentration"], rtol=1e-6
    )
    np.testing.assert_array_equal(one["picked_a"], one["decisive"] - two["picked_a"])
    assert one.loc["stuffer", "flagged"] and two.loc["stuffer", "flagged"]
