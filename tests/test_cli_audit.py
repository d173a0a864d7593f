"""The thin CLI over the ledger: show, list, revoke, invalidate; exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditkit.cli import main
from auditkit.ledger import Ledger, LedgerInvalidation, RunRecord


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "auditkit.db"
    run = RunRecord("audit", "2026-01-01T00:00:00Z", "h", "pack@1#h", [], 0, "t", 3, 1)
    rows = [
        LedgerInvalidation(
            "v<1>", "identity_leak", "self_name", "high", "f1", "h", "pack@1#h", "leak"
        )
    ]
    with Ledger(path) as ledger:
        ledger.record_run(run, rows)
    return path


def test_revoke_and_show(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["ledger", "--db", str(db), "revoke", "v<1>", "--reason", "quoted", "--who", "ann"])
        == 0
    )
    assert "recorded: revoke v<1> by ann" in capsys.readouterr().out
    assert main(["ledger", "--db", str(db), "show", "v<1>"]) == 0
    out = capsys.readouterr().out
    assert "invalidated by identity_leak/self_name (high) under pack@1#h: leak" in out
    assert "revoke by ann: quoted" in out
    assert main(["ledger", "--db", str(db), "--json", "show", "v<1>"]) == 0
    kinds = [json.loads(line)["type"] for line in capsys.readouterr().out.splitlines()]
    assert kinds == ["invalidation", "decision"]


def test_list_filters_by_detector_and_since(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ledger", "--db", str(db), "list", "--detector", "identity_leak"]) == 0
    assert capsys.readouterr().out.strip().endswith("1 invalidations")
    assert main(["ledger", "--db", str(db), "list", "--detector", "voter_anomaly"]) == 0
    assert capsys.readouterr().out.strip() == "0 invalidations"
    assert main(["ledger", "--db", str(db), "list", "--since", "2999-01-01"]) == 0
    assert capsys.readouterr().out.strip() == "0 invalidations"


def test_invalidate_needs_a_reason(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["ledger", "--db", str(db), "invalidate", "v2"])
    assert exc.value.code == 2
    assert main(["ledger", "--db", str(db), "invalidate", "v2", "--reason", " "]) == 2
    assert "non-empty --reason" in capsys.readouterr().err
    assert main(["ledger", "--db", str(db), "invalidate", "v2", "--reason", "bribe"]) == 0
    with Ledger(db) as ledger:
        assert ledger.current_decisions()["v2"].action == "invalidate"


def test_a_missing_input_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["audit", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o"), "--quiet"])
    assert code == 2
    assert "does not exist" in capsys.readouterr().err


@pytest.fixture
def small_log(tmp_path: Path) -> Path:
    simulate = pytest.importorskip("auditkit.simulate", reason="simulator not available")
    config = simulate.ArenaConfig(
        n_battles=1_500, n_models=5, attacks=(simulate.PositionBot(n_votes=200),)
    )
    path = tmp_path / "log.jsonl"
    simulate.simulate_arena(config, seed=1).write(path, tmp_path / "truth.json")
    return path


def test_audit_command_maps_the_gate_to_exit_1_and_prints_json(
    small_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, db = tmp_path / "out", tmp_path / "a.db"
    args = ["audit", str(small_log), "--out", str(out), "--db", str(db), "--quiet"]
    code = main([*args, "--detectors", "voter_anomaly", "--json"])
    printed = json.loads(capsys.readouterr().out)
    assert printed["run"]["detectors_run"] == ["voter_anomaly"]
    assert printed["gate"]["failed"] and code == 1
    assert (out / "audit.log").read_text(encoding="utf-8").count("stage ") >= 10
    # with a gate nothing reaches, the same audit passes
    assert main([*args, "--detectors", "sampling", "--fail-on", "critical"]) == 0
    assert main([*args, "--detectors", "no_such_detector"]) == 2
    assert "unknown detector" in capsys.readouterr().err
