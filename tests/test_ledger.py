"""The SQLite ledger: versioned schema, append-only idempotent invalidations, decisions, atomic runs."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from auditkit.errors import InputError
from auditkit.ledger import PAUSE_ENV, SCHEMA_VERSION, Ledger, LedgerInvalidation, RunRecord

RUN = RunRecord(
    kind="audit",
    started_at="2026-01-01T00:00:00Z",
    rule_pack_hash="h" * 64,
    rule_pack_label="p@1#hhh",
    inputs=[{"path": "x.jsonl", "sha256": "0" * 64}],
    seed=0,
    auditkit_version="test",
    votes_loaded=10,
    votes_invalidated=2,
)
ROWS = [
    LedgerInvalidation("v1", "identity_leak", "r", "high", "f1", "h" * 64, "p@1#hhh", "leak"),
    LedgerInvalidation("v2", "voter_anomaly", "r", "high", "f2", "h" * 64, "p@1#hhh", "bot"),
]


def test_schema_is_versioned_and_in_wal_mode(tmp_path: Path) -> None:
    with Ledger(tmp_path / "a.db") as ledger:
        assert ledger.schema_version == SCHEMA_VERSION
        assert ledger.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(InputError, match="newer"):
        Ledger(path)


def test_rerun_appends_no_duplicate_invalidations_but_records_the_run(tmp_path: Path) -> None:
    with Ledger(tmp_path / "a.db") as ledger:
        first, appended_first = ledger.record_run(RUN, ROWS)
        second, appended_second = ledger.record_run(RUN, ROWS)
        assert (appended_first, appended_second) == (2, 0)
        assert second == first + 1
        assert [inv.run_id for inv in ledger.invalidation_records()] == [first, first]
        assert [r["new_invalidations"] for r in ledger.runs()] == [2, 0]
        # a new rule pack hash is a new reason to record
        other = LedgerInvalidation("v1", "identity_leak", "r", "high", "f1", "g" * 64, "p@2", "x")
        _, appended = ledger.record_run(RUN, [other])
        assert appended == 1
        assert [i.detector for i in ledger.invalidation_records(vote_id="v2")] == ["voter_anomaly"]
        assert len(ledger.invalidation_records(detector="identity_leak")) == 2
        assert ledger.invalidation_records(since="2999-01-01") == []


def test_latest_decision_wins_and_needs_a_reason(tmp_path: Path) -> None:
    with Ledger(tmp_path / "a.db") as ledger:
        ledger.decide("v1", "invalidate", "spam", who="alice")
        ledger.decide("v1", "revoke", "appeal upheld", who="bob")
        current = ledger.current_decisions()
        assert (current["v1"].action, current["v1"].who) == ("revoke", "bob")
        assert len(ledger.decisions("v1")) == 2
        with pytest.raises(InputError, match="reason"):
            ledger.decide("v1", "revoke", "  ")
        with pytest.raises(InputError, match="unknown decision"):
            ledger.decide("v1", "delete", "x")


def test_detector_cache_round_trips_per_rule_pack(tmp_path: Path) -> None:
    with Ledger(tmp_path / "a.db") as ledger:
        cache = {("v1", "identity_leak"): [{"rule": "r"}], ("v2", "identity_leak"): []}
        ledger.record_run(RUN, [], cache=cache, seen_files=[("x.jsonl", "0" * 64)])
        got = ledger.cached_findings(["v1", "v2", "v3"], "h" * 64, "identity_leak")
        assert got == {"v1": [{"rule": "r"}], "v2": []}
        assert ledger.cached_findings(["v1"], "other", "identity_leak") == {}
        assert ledger.seen_file_hashes() == {("x.jsonl", "0" * 64)}


SCRIPT = """
import sys
from auditkit.ledger import Ledger, LedgerInvalidation, RunRecord
run = RunRecord("audit", "t", "h", "l", [], 0, "v", 1, 1)
rows = [LedgerInvalidation("v9", "d", "r", "high", "f9", "h", "l", "x")]
with Ledger(sys.argv[1]) as ledger:
    ledger.record_run(run, rows, cache={("v9", "d"): []}, seen_files=[("f", "s")])
"""


def test_a_run_killed_inside_its_transaction_leaves_the_ledger_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Ledger(db) as ledger:
        ledger.record_run(RUN, ROWS)
        before = ledger.counts()
    marker = tmp_path / "paused"
    env = {**os.environ, PAUSE_ENV: str(marker)}
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(db)], env=env)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None, "the writer exited before reaching the pause point"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with Ledger(db) as ledger:
        assert ledger.counts() == before
    subprocess.run([sys.executable, "-c", SCRIPT, str(db)], check=True)
    with Ledger(db) as ledger:
        after = ledger.counts()
    assert after["runs"] == before["runs"] + 1
    assert after["invalidations"] == before["invalidations"] + 1
