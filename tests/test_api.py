"""Specification of the one-call API (``auditkit.audit``, ``.ratings``, ``.graph``, ``.load``).

A DataFrame audited in memory gives the same findings, invalidations and leaderboard as the same
rows audited from a file, and leaves no file behind unless ``out`` (report) or ``db`` (ledger) asks.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import auditkit
from auditkit.audit import AuditResult, run_audit
from auditkit.errors import InputError
from auditkit.graph import audit_graph
from auditkit.io import load_battles
from auditkit.ledger import InvalidationList, Ledger
from auditkit.ratings import RatingOptions, RatingResult, SlicedRatings, fit_ratings
from auditkit.rules import RulePack

simulate = pytest.importorskip("auditkit.simulate", reason="simulator not available")

LEAKY = "qwen2-72b-instruct"
MODELS = ("gpt-4o-2024-05-13", LEAKY, "claude-3-5-sonnet-20240620", "llama-3-70b-instruct")


@pytest.fixture(scope="module")
def arena_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,000 battles with text: a position bot (200 votes) and a model that names itself."""
    folder = tmp_path_factory.mktemp("arena")
    config = simulate.ArenaConfig(
        n_battles=1_000,
        models=MODELS,
        text_fraction=0.3,
        attacks=(simulate.PositionBot(n_votes=200), simulate.IdentityLeak(model=LEAKY, rate=0.5)),
    )
    path = folder / "battles.jsonl"
    simulate.simulate_arena(config, seed=11).write(path, folder / "truth.json")
    return path


@pytest.fixture(scope="module")
def arena_frame(arena_file: Path) -> pd.DataFrame:
    lines = arena_file.read_text(encoding="utf-8").splitlines()
    return pd.DataFrame.from_records([json.loads(line) for line in lines])


@pytest.fixture(scope="module")
def file_audit(
    arena_file: Path, default_rules: RulePack, tmp_path_factory: pytest.TempPathFactory
) -> AuditResult:
    out = tmp_path_factory.mktemp("file_audit")
    return run_audit(arena_file, rules=default_rules, out_dir=out, db_path=None, quiet=True)


def _without_run(summary: Any) -> dict[str, Any]:
    return {k: v for k, v in dict(summary).items() if k != "run"}


def test_a_dataframe_audit_keeps_no_files_and_equals_the_file_audit(
    arena_frame: pd.DataFrame,
    file_audit: AuditResult,
    default_rules: RulePack,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    workdir, scratch = tmp_path / "cwd", tmp_path / "tmp"
    workdir.mkdir()
    scratch.mkdir()
    monkeypatch.chdir(workdir)
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    result = auditkit.audit(arena_frame, rules=default_rules)
    assert isinstance(result, AuditResult)
    assert result.out_dir is None
    assert list(workdir.iterdir()) == [] and list(scratch.iterdir()) == []  # nothing kept
    assert "report:" not in result.summary() and result.to_json()["out_dir"] is None
    # Same votes, same rules: the same audit.
    assert sorted(f.finding_id for f in result.findings) == sorted(
        f.finding_id for f in file_audit.findings
    )
    assert result.cleaning.invalidated_ids == file_audit.cleaning.invalidated_ids
    assert result.cleaning.n_invalidated > 0
    pd.testing.assert_frame_equal(result.leaderboard, file_audit.leaderboard)
    assert _without_run(result.summary_data) == _without_run(file_audit.summary_data)
    [source] = result.summary_data["run"]["inputs"]
    assert source["path"] == "<DataFrame>" and len(source["sha256"]) == 64


def test_out_keeps_the_report_files(
    arena_file: Path, default_rules: RulePack, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    result = auditkit.audit([arena_file], rules=default_rules, out=out, detectors=["sampling"])
    assert result.out_dir == out
    for name in ("report.html", "summary.json", "invalidations.jsonl", "quarantine.jsonl"):
        assert (out / name).is_file()
    # Files are hashed and recorded as the CLI records them.
    [source] = result.summary_data["run"]["inputs"]
    assert source["path"] == str(arena_file) and source["bytes"] == arena_file.stat().st_size


def test_db_records_the_run_and_the_ledger_reads_as_a_table(
    arena_frame: pd.DataFrame, default_rules: RulePack, tmp_path: Path
) -> None:
    db = tmp_path / "ledger.db"
    result = auditkit.audit(arena_frame, rules=default_rules, db=db)
    assert result.run_id is not None
    with Ledger(db) as ledger:
        frame = ledger.invalidations()
        rows = ledger.invalidation_records()
    assert isinstance(frame, pd.DataFrame)
    assert isinstance(rows, InvalidationList)
    pd.testing.assert_frame_equal(frame, rows.to_frame())
    assert list(frame.columns[:5]) == ["run_id", "recorded_at", "vote_id", "detector", "rule"]
    assert set(frame["vote_id"]) == set(result.cleaning.invalidated_ids)
    assert (frame["run_id"] == result.run_id).all()
    assert {"voter_anomaly", "identity_leak"} <= set(frame["detector"])
    # Still the typed records the CLI reads.
    assert rows[0].vote_id == frame["vote_id"].iloc[0]


def test_ratings_in_one_call(arena_frame: pd.DataFrame, arena_file: Path) -> None:
    result = auditkit.ratings(arena_frame, ci="bootstrap", n_bootstrap=20, random_state=4)
    assert isinstance(result, RatingResult)
    expected = fit_ratings(
        load_battles(arena_file).battles,
        RatingOptions(ci="bootstrap", n_bootstrap=20, random_state=4),
    )
    pd.testing.assert_frame_equal(result.to_frame(), expected.to_frame())
    by_language = auditkit.ratings(arena_frame, by="language", ci="none")
    assert isinstance(by_language, SlicedRatings) and by_language.results
    with pytest.raises(InputError, match="unknown rating option"):
        auditkit.ratings(arena_frame, confidense=0.9)


def test_graph_in_one_call(
    arena_frame: pd.DataFrame, arena_file: Path, default_rules: RulePack
) -> None:
    result = auditkit.graph(arena_frame, rules=default_rules)
    expected = audit_graph(load_battles(arena_file, with_text=False).battles, default_rules)
    pd.testing.assert_frame_equal(result.to_frame(), expected.to_frame())
    assert result.summary() == expected.summary()


def test_columns_pass_through_every_call(default_rules: RulePack) -> None:
    frame = pd.DataFrame(
        {"left": ["a", "b", "c"] * 20, "right": ["b", "c", "a"] * 20, "vote": ["model_a"] * 60}
    )
    mapped = {"model_a": "left", "model_b": "right", "winner": "vote"}
    assert auditkit.load(frame, columns=mapped).rows_loaded == 60
    assert len(auditkit.ratings(frame, columns=mapped, ci="none").models) == 3
    assert auditkit.graph(frame, rules=default_rules, columns=mapped).n_battles == 60
    assert auditkit.audit(frame, rules=default_rules, columns=mapped).cleaning.votes_in == 60


def test_load_passes_loaded_battles_through_and_refuses_other_things(
    arena_frame: pd.DataFrame,
) -> None:
    loaded = auditkit.load(arena_frame)
    assert auditkit.load(loaded) is loaded
    wrapped = auditkit.load(loaded.battles)
    assert wrapped.battles is loaded.battles and wrapped.quarantine == []
    with pytest.raises(InputError, match="expected a path"):
        auditkit.load(42)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="columns="):
        auditkit.load(loaded, columns={"winner": "vote"})


def test_submodules_named_like_the_functions_stay_modules() -> None:
    from auditkit import audit, graph, ratings

    assert audit.run_audit is run_audit and callable(audit)
    assert ratings.fit_ratings is fit_ratings and callable(ratings)
    assert graph.audit_graph is audit_graph and callable(graph)
    assert auditkit.audit is audit
    assert set(auditkit.__all__) >= {"audit", "ratings", "graph", "load", "from_frame", "Ledger"}
