"""Nightly runs: only new input triggers a run; cached per-vote detector results are reused; diffs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditkit.ledger import Ledger
from auditkit.nightly import previous_report_dir, run_nightly
from auditkit.rules import RulePack

simulate = pytest.importorskip("auditkit.simulate", reason="simulator not available")


@pytest.fixture(scope="module")
def split_logs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """One simulated log cut into two nights' files (distinct vote ids); night 2's file held back."""
    folder = tmp_path_factory.mktemp("nightly")
    config = simulate.ArenaConfig(
        n_battles=3_000,
        n_models=6,
        text_fraction=0.3,
        attacks=(simulate.PositionBot(n_votes=300),),
    )
    arena = simulate.simulate_arena(config, seed=11)
    whole = folder / "all.jsonl"
    arena.write(whole, folder / "truth.json")
    lines = whole.read_text(encoding="utf-8").splitlines(keepends=True)
    logs = folder / "logs"
    logs.mkdir()
    (logs / "day1.jsonl").write_text("".join(lines[:1_800]), encoding="utf-8")
    held = folder / "day2.jsonl"
    held.write_text("".join(lines[1_800:]), encoding="utf-8")
    return logs, held, folder


def test_two_nights_reuse_cache_skip_when_nothing_new_and_diff(
    split_logs: tuple[Path, Path, Path], default_rules: RulePack, tmp_path: Path
) -> None:
    logs, held, _ = split_logs
    db, reports = tmp_path / "ledger.db", tmp_path / "reports"
    pattern = str(logs / "*.jsonl")
    common = {"db_path": db, "reports_dir": reports, "rules": default_rules, "quiet": True}

    night1 = run_nightly(pattern, date="2026-01-01", **common)
    assert night1.audit is not None and night1.reason == "new input"
    assert night1.report_dir == reports / "2026-01-01" and night1.previous_dir is None
    cache1 = night1.audit.summary_data["detectors"]["identity_leak"]["summary"]
    assert (cache1["votes_from_cache"], cache1["votes_scanned"]) == (0, 1_800)

    idle = run_nightly(pattern, date="2026-01-02", **common)
    assert idle.audit is None and idle.reason == "no new input, same rules"
    assert idle.exit_code == 0

    (logs / "day2.jsonl").write_text(held.read_text(encoding="utf-8"), encoding="utf-8")
    night2 = run_nightly(pattern, date="2026-01-02", **common)
    assert night2.audit is not None
    assert night2.new_files == (str(logs / "day2.jsonl"),)
    assert night2.previous_dir == reports / "2026-01-01"
    cache2 = night2.audit.summary_data["detectors"]["identity_leak"]["summary"]
    assert (cache2["votes_from_cache"], cache2["votes_scanned"]) == (1_800, 1_200)
    assert night2.audit.cleaning.votes_in == 3_000  # ratings refit on all votes

    diff = json.loads((reports / "2026-01-02" / "diff.json").read_text(encoding="utf-8"))
    night1_ids = set(night1.audit.cleaning.invalidated_ids)
    assert set(diff["new_invalidations"]).isdisjoint(night1_ids)
    assert set(diff["new_invalidations"]) <= set(night2.audit.cleaning.invalidated_ids)
    assert diff["cleared_invalidations"] == []
    page = (reports / "2026-01-02" / "report.html").read_text(encoding="utf-8")
    assert "Change since the previous run" in page and diff["summary"] in page
    assert previous_report_dir(reports, "2026-01-03") == reports / "2026-01-02"
    with Ledger(db) as ledger:
        assert [r["kind"] for r in ledger.runs()] == ["nightly", "nightly"]
        assert len(ledger.seen_file_hashes()) == 2


def test_no_matching_files_is_an_input_error(tmp_path: Path) -> None:
    from auditkit.errors import InputError

    with pytest.raises(InputError, match="no input files"):
        run_nightly(str(tmp_path / "*.jsonl"), db_path=tmp_path / "l.db", reports_dir=tmp_path)
