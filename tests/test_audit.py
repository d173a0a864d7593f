"""End to end: audit a simulated arena with planted attacks; determinism; idempotent ledger; kill safety.

The arena (seeded, so exact): 8 models, 6,000 battles, 30% with text. Planted: a position bot
(400 votes), target stuffing for ``command-r-plus`` (300 votes), an identity leak by
``qwen2-72b-instruct`` in half its text responses, and oversampling of
``gpt-4o-mini-2024-07-18``. Expected: the bots' votes are invalidated by ``voter_anomaly``, the
leaks by ``identity_leak``; honest votes are rarely touched; the stuffed model loses rating after
cleaning; the oversampled model is flagged by ``sampling``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from auditkit.audit import AuditResult, run_audit
from auditkit.ledger import PAUSE_ENV, Ledger
from auditkit.rules import RulePack

simulate = pytest.importorskip("auditkit.simulate", reason="simulator not available")

TARGET = "command-r-plus"
LEAKY = "qwen2-72b-instruct"
HOT = "gpt-4o-mini-2024-07-18"
STRENGTHS = {
    "gpt-4o-2024-05-13": 1250.0,
    TARGET: 1080.0,
    LEAKY: 1150.0,
    HOT: 1120.0,
    "claude-3-5-sonnet-20240620": 1100.0,
    "llama-3-70b-instruct": 1060.0,
    "mistral-large-2402": 1040.0,
    "yi-large": 1000.0,
}
MODELS = tuple(STRENGTHS)


@pytest.fixture(scope="module")
def arena_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    folder = tmp_path_factory.mktemp("arena")
    config = simulate.ArenaConfig(
        n_battles=6_000,
        models=MODELS,
        strengths=STRENGTHS,
        text_fraction=0.3,
        attacks=(
            simulate.PositionBot(n_votes=400),
            simulate.TargetStuffing(target=TARGET, n_votes=300),
            simulate.IdentityLeak(model=LEAKY, rate=0.5),
            simulate.OverSampling(model=HOT, factor=3.0),
        ),
    )
    arena = simulate.simulate_arena(config, seed=7)
    battles = folder / "battles.jsonl"
    arena.write(battles, folder / "truth.json")
    return battles, arena.truth


@pytest.fixture(scope="module")
def first_run(
    arena_files: tuple[Path, Any], default_rules: RulePack, tmp_path_factory: pytest.TempPathFactory
) -> AuditResult:
    out = tmp_path_factory.mktemp("run1")
    return run_audit(
        [arena_files[0]], rules=default_rules, out_dir=out, db_path=out / "a.db", seed=3, quiet=True
    )


def _reasons(out: Path) -> dict[str, set[str]]:
    lines = (out / "invalidations.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    return {
        r["vote_id"]: {x["detector"] for x in r["reasons"]}
        for r in rows
        if r["status"] == "invalidated"
    }


def test_attack_votes_are_invalidated_by_the_right_detectors(
    first_run: AuditResult, arena_files: tuple[Path, Any]
) -> None:
    reasons = _reasons(first_run.out_dir)
    labels = arena_files[1].vote_labels
    raw = pd.read_json(arena_files[0], lines=True, dtype={"question_id": str})
    anonymous = set(raw.loc[raw["anony"].astype(bool), "question_id"])
    # (label, detector, minimum recall). Leaks are only leaks in anonymous battles (named battles
    # show the models anyway); the identity lexicon misses some phrasings ("As Qwen, a model built
    # by …"), hence the lower bar there.
    expected = (
        ("position_bot", "voter_anomaly", 0.9),
        ("target_stuffing", "voter_anomaly", 0.9),
        ("identity_leak", "identity_leak", 0.5),
    )
    for label, detector, recall in expected:
        votes = labels.loc[labels["label"] == label, "vote_id"].astype(str)
        if label == "identity_leak":
            named = votes[~votes.isin(anonymous)]
            assert not any(detector in reasons.get(v, set()) for v in named)
            votes = votes[votes.isin(anonymous)]
        assert len(votes) > 50, label
        caught = sum(detector in reasons.get(v, set()) for v in votes)
        assert caught / len(votes) >= recall, f"{label}: {caught} of {len(votes)} by {detector}"
    honest = labels.loc[labels["label"] == "honest", "vote_id"].astype(str)
    false_positives = sum(v in reasons for v in honest)
    assert false_positives / len(honest) < 0.03


def test_rank_changes_and_outputs(first_run: AuditResult) -> None:
    out = first_run.out_dir
    board = pd.read_csv(out / "leaderboard.csv")
    assert list(board.columns) == [
        "model", "rating_before", "ci_before_lower", "ci_before_upper", "rank_before",
        "rating_after", "ci_after_lower", "ci_after_upper", "rank_after",
        "battles_before", "battles_after", "change_significant", "note",
        "rank_before_lower", "rank_before_upper", "rank_after_lower", "rank_after_upper",
    ]  # fmt: skip
    target = board.set_index("model").loc[TARGET]
    assert target["rating_after"] < target["rating_before"]
    assert target["battles_after"] < target["battles_before"]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["invalidations"]["by_detector"].keys() >= {"identity_leak", "voter_anomaly"}
    assert any(HOT in flag["subject"] for flag in summary["sampling_flags"])
    assert summary["gate"]["failed"] and first_run.exit_code == 1
    assert len(summary["run"]["inputs"][0]["sha256"]) == 64
    for name in (
        "findings.jsonl",
        "quarantine.jsonl",
        "cleaned_battles.jsonl.gz",
        "report.md",
        "audit.log",
    ):
        assert (out / name).is_file(), name
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Gate failed" in page and TARGET in page and "<mark>" in page
    assert "<script" not in page
    finding_ids = [json.loads(x)["finding_id"] for x in (out / "findings.jsonl").open()]
    assert len(finding_ids) == len(set(finding_ids)) == summary["findings"]["total"]


def test_same_run_twice_is_byte_identical_but_for_started_at(
    first_run: AuditResult,
    arena_files: tuple[Path, Any],
    default_rules: RulePack,
    tmp_path: Path,
) -> None:
    time.sleep(1.1)  # so started_at really differs
    second = run_audit(
        [arena_files[0]],
        rules=default_rules,
        out_dir=tmp_path / "run2",
        db_path=first_run.out_dir / "a.db",
        seed=3,
        quiet=True,
    )
    one, two = first_run.out_dir, second.out_dir
    assert (one / "invalidations.jsonl").read_bytes() == (two / "invalidations.jsonl").read_bytes()
    a = (one / "summary.json").read_text(encoding="utf-8")
    b = (two / "summary.json").read_text(encoding="utf-8")
    assert a != b
    sa, sb = json.loads(a), json.loads(b)
    sa["run"].pop("started_at"), sb["run"].pop("started_at")
    assert sa == sb
    start = json.loads(a)["run"]["started_at"]
    assert a.replace(start, json.loads(b)["run"]["started_at"]) == b
    # the ledger is idempotent: same input and rules append nothing, but the run is recorded
    assert second.new_ledger_invalidations == 0
    with Ledger(first_run.out_dir / "a.db") as ledger:
        assert [r["new_invalidations"] > 0 for r in ledger.runs()] == [True, False]


def test_ledger_decisions_apply_on_the_next_run(
    first_run: AuditResult, arena_files: tuple[Path, Any], default_rules: RulePack, tmp_path: Path
) -> None:
    db = tmp_path / "d.db"
    flagged = first_run.cleaning.invalidated_ids[0]
    clean_vote = first_run.cleaning.cleaned.frame["vote_id"].iloc[0]
    with Ledger(db) as ledger:
        ledger.decide(flagged, "revoke", "reviewed: not a leak", who="t")
        ledger.decide(clean_vote, "invalidate", "reported by operator", who="t")
    result = run_audit(
        [arena_files[0]],
        rules=default_rules,
        out_dir=tmp_path / "o",
        db_path=db,
        seed=3,
        quiet=True,
    )
    kept = set(result.cleaning.cleaned.frame["vote_id"])
    assert flagged in kept and clean_vote not in kept
    status = {inv.vote_id: inv.status for inv in result.cleaning.invalidations}
    assert status[flagged] == "revoked" and status[clean_vote] == "invalidated"


def test_an_audit_killed_inside_the_ledger_transaction_changes_nothing(
    arena_files: tuple[Path, Any], repo_root: Path, tmp_path: Path
) -> None:
    db = tmp_path / "k.db"
    command = [
        sys.executable, "-m", "auditkit", "audit", str(arena_files[0]), "--db", str(db),
        "--out", str(tmp_path / "out"), "--rules", str(repo_root / "rules"), "--quiet",
    ]  # fmt: skip
    with Ledger(db) as ledger:
        ledger.decide("v0000001", "invalidate", "pre-existing decision", who="t")
        before = ledger.counts()
    marker = tmp_path / "paused"
    proc = subprocess.Popen(command, env={**os.environ, PAUSE_ENV: str(marker)}, cwd=repo_root)
    deadline = time.monotonic() + 300
    while not marker.exists():
        assert proc.poll() is None, "audit exited before reaching the ledger transaction"
        assert time.monotonic() < deadline, "audit never reached the ledger transaction"
        time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with Ledger(db) as ledger:
        assert ledger.counts() == before
    completed = subprocess.run(command, cwd=repo_root, capture_output=True, text=True)
    assert completed.returncode == 1, completed.stderr  # findings above the gate
    with Ledger(db) as ledger:
        after = ledger.counts()
    assert after["runs"] == before["runs"] + 1
    assert after["invalidations"] > before["invalidations"]
