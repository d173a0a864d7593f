"""``auditkit nightly --engine``: streamed nightly runs reuse the ledger's detector cache.

Specification: a nightly run with ``--engine`` streams its input like ``auditkit audit --engine``
and scans for identity leaks only the votes not yet scanned under the same rule pack, looking
each chunk's vote ids up in the ledger. Its findings, invalidations and leaderboard equal a fresh
in-memory audit without any cache; its summary and its new cache rows equal an in-memory nightly
run's. Votes whose rows carry no text are cached as "nothing found", like every scanned vote; an
input with no text at all caches nothing, because the detector could not run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from auditkit.audit import DEFAULT_DETECTORS, run_audit
from auditkit.cli import main
from auditkit.commands._engine import ENGINE_CHOICES
from auditkit.detectors.identity import IdentityLeakDetector
from auditkit.engine import ENGINES
from auditkit.errors import InputError
from auditkit.io import load_battles
from auditkit.ledger import Ledger, RunRecord
from auditkit.nightly import run_nightly
from auditkit.rules import RulePack
from auditkit.simulate import ArenaConfig, preset_config, simulate_arena
from auditkit.streaming import stream_battles

SAME_AS_FRESH = ("findings.jsonl", "invalidations.jsonl", "leaderboard.csv")
DAY1, DAY2, ALL = slice(0, 1_000), slice(1_000, 1_500), slice(1_000, 2_000)
# What the logs folder holds on each night of `three_nights`: day 1, then day 2, then day 2 grown.
NIGHTS = {"2026-01-01": (DAY1,), "2026-01-02": (DAY1, DAY2), "2026-01-03": (DAY1, ALL)}


@pytest.fixture(scope="module")
def log_lines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """2,000 simulated battles, half with conversations, some leaking their model's identity."""
    folder = tmp_path_factory.mktemp("nightly-engine")
    arena = simulate_arena(preset_config("demo", n_battles=2_000, text_fraction=0.5), seed=5)
    arena.write(folder / "all.jsonl", folder / "truth.json")
    return (folder / "all.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)


@pytest.fixture(scope="module")
def fresh_audits(log_lines: list[str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The references: per night, an in-memory audit of that night's files, no ledger, no cache."""
    outs = {}
    for date, days in NIGHTS.items():
        folder = tmp_path_factory.mktemp(f"fresh-{date}")
        files = [
            write_log(folder / f"day{i}.jsonl", log_lines, rows) for i, rows in enumerate(days)
        ]
        run_audit(
            files, out_dir=folder / "out", db_path=None, quiet=True, detectors=DEFAULT_DETECTORS
        )
        outs[date] = folder / "out"
    return outs


def write_log(path: Path, lines: list[str], rows: slice) -> Path:
    path.write_text("".join(lines[rows]), encoding="utf-8")
    return path


def nightly(folder: Path, date: str, repo_root: Path, *engine_args: str) -> dict[str, Any]:
    """Run ``auditkit nightly`` on ``folder/logs``; return that night's summary.json."""
    args = ["nightly", "--input", str(folder / "logs" / "*.jsonl"), "--quiet"]
    args += ["--db", str(folder / "ledger.db"), "--reports", str(folder / "reports")]
    args += ["--rules", str(repo_root / "rules"), "--date", date, *engine_args]
    assert main(args) in (0, 1)
    summary_path = folder / "reports" / date / "summary.json"
    summary: dict[str, Any] = json.loads(summary_path.read_text(encoding="utf-8"))
    return summary


def identity_cache(summary: dict[str, Any]) -> tuple[int, int]:
    found = summary["detectors"]["identity_leak"]["summary"]
    return found["votes_from_cache"], found["votes_scanned"]


def cache_rows(db: Path) -> list[tuple[str, ...]]:
    with Ledger(db) as ledger:
        rows = ledger.conn.execute(
            "SELECT vote_id, rule_pack_hash, detector, findings_json FROM detector_cache"
            " ORDER BY vote_id, detector"
        )
        return [tuple(row) for row in rows]


def assert_same_as_fresh(night: Path, fresh: Path) -> None:
    for name in SAME_AS_FRESH:
        assert (night / name).read_bytes() == (fresh / name).read_bytes(), name


def three_nights(
    folder: Path, lines: list[str], repo_root: Path, *engine_args: str
) -> list[dict[str, Any]]:
    """Night 1: day 1. Night 2: a new file, day 2. Night 3: day 2's file grows (see NIGHTS)."""
    (folder / "logs").mkdir(parents=True)
    summaries = []
    for date, days in NIGHTS.items():
        for name, rows in zip(("day1.jsonl", "day2.jsonl"), days, strict=False):
            write_log(folder / "logs" / name, lines, rows)
        summaries.append(nightly(folder, date, repo_root, *engine_args))
    return summaries


# ----------------------------------------------------------------------------- streamed nights


def test_streamed_nights_scan_only_new_votes_and_equal_a_fresh_audit(
    log_lines: list[str], fresh_audits: dict[str, Path], repo_root: Path, tmp_path: Path
) -> None:
    # Chunks of 400 rows: night 2 skips whole chunks, night 3 has a chunk half cached, half new.
    streamed = three_nights(
        tmp_path / "streamed", log_lines, repo_root, "--engine", "local", "--chunk-rows", "400"
    )
    assert [identity_cache(s) for s in streamed] == [(0, 1_000), (1_000, 500), (1_500, 500)]
    assert all(any("streaming load" in n for n in s["notes"]) for s in streamed)
    for date, fresh in fresh_audits.items():
        assert_same_as_fresh(tmp_path / "streamed" / "reports" / date, fresh)

    # The same nights in memory: the same summaries (identity counts included) and cache rows.
    in_memory = three_nights(tmp_path / "memory", log_lines, repo_root)
    for got, want in zip(streamed, in_memory, strict=True):
        assert {k: v for k, v in got.items() if k not in ("run", "notes", "diff")} == {
            k: v for k, v in want.items() if k not in ("run", "notes", "diff")
        }
        assert set(want["notes"]) < set(got["notes"])
        if "diff" in want:
            assert got["diff"]["summary"] == want["diff"]["summary"]
    rows = cache_rows(tmp_path / "streamed" / "ledger.db")
    assert len(rows) == 2_000  # every vote once, text or not
    assert rows == cache_rows(tmp_path / "memory" / "ledger.db")


def test_streamed_nights_on_a_process_pool(
    log_lines: list[str], fresh_audits: dict[str, Path], repo_root: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "pool"
    (folder / "logs").mkdir(parents=True)
    write_log(folder / "logs" / "day1.jsonl", log_lines, DAY1)
    engine = ("--engine", "processes", "--workers", "2", "--chunk-rows", "300")
    assert identity_cache(nightly(folder, "2026-01-01", repo_root, *engine)) == (0, 1_000)
    write_log(folder / "logs" / "day2.jsonl", log_lines, ALL)
    assert identity_cache(nightly(folder, "2026-01-02", repo_root, *engine)) == (1_000, 1_000)
    assert_same_as_fresh(folder / "reports" / "2026-01-02", fresh_audits["2026-01-03"])
    assert len(cache_rows(folder / "ledger.db")) == 2_000


def test_an_input_without_text_caches_nothing_and_says_why_every_night(
    repo_root: Path, tmp_path: Path
) -> None:
    (tmp_path / "logs").mkdir()
    arena = simulate_arena(ArenaConfig(n_battles=300, n_models=4, text_fraction=0.0), seed=3)
    arena.write(tmp_path / "logs" / "day1.jsonl", tmp_path / "truth.json")
    for date in ("2026-01-01", "2026-01-02"):  # night 2: nothing new, so --force
        summary = nightly(tmp_path, date, repo_root, "--engine", "local", "--force")
        assert identity_cache(summary) == (0, 300)
        assert any("identity audit could not run" in n for n in summary["notes"])
        with Ledger(tmp_path / "ledger.db") as ledger:
            assert ledger.counts()["detector_cache"] == 0


# ----------------------------------------------------------------------------- the stream hook


def test_stream_battles_skips_the_rows_it_is_told_to_skip(
    log_lines: list[str], default_rules: RulePack, tmp_path: Path
) -> None:
    path = write_log(tmp_path / "battles.jsonl", log_lines, slice(0, 900))
    asked: list[int] = []

    def every_other_vote(frame: pd.DataFrame) -> np.ndarray:
        asked.append(len(frame))
        return frame["vote_id"].str[-1].isin(list("02468ace")).to_numpy()

    streamed = stream_battles(path, rules=default_rules, chunk_rows=250, skip=every_other_vote)
    whole = load_battles(path, with_text=True).battles
    kept = whole.frame[~whole.frame["vote_id"].str[-1].isin(list("02468ace"))]
    expected = IdentityLeakDetector().detect(whole.with_frame(kept), default_rules)
    assert asked == [250, 250, 250, 150]
    assert len(streamed.battles) == 900  # the table keeps every row
    assert streamed.skipped_rows == 900 - len(kept) == 450
    assert streamed.identity is not None
    assert streamed.identity.findings == expected.findings
    assert dict(streamed.identity.summary) == dict(expected.summary)
    assert stream_battles(path, rules=None, skip=every_other_vote).skipped_rows == 0


# ----------------------------------------------------------------------------- the CLI


def help_text(command: str, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    return capsys.readouterr().out


def test_nightly_accepts_the_engine_flags_of_audit(capsys: pytest.CaptureFixture[str]) -> None:
    nightly_help = help_text("nightly", capsys)
    for flag in ("--engine {local,processes,dask}", "--workers", "--scheduler", "--chunk-rows"):
        assert flag in nightly_help
    # One definition for both commands: the option help reads the same, word for word.
    engine_options = "  --engine {"
    assert (
        nightly_help.split(engine_options)[1] == help_text("audit", capsys).split(engine_options)[1]
    )
    assert ENGINE_CHOICES == ENGINES


def test_a_bad_engine_name_is_a_clear_user_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["nightly", "--input", str(tmp_path / "*.jsonl"), "--engine", "spark"])
    assert exited.value.code == 2
    assert "argument --engine: invalid choice: 'spark'" in capsys.readouterr().err
    (tmp_path / "a.jsonl").write_text("{}\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown engine 'spark'; expected one of local"):
        run_nightly(
            str(tmp_path / "*.jsonl"),
            db_path=tmp_path / "l.db",
            reports_dir=tmp_path / "reports",
            engine="spark",
        )
    # Refused before touching anything.
    assert not (tmp_path / "l.db").exists() and not (tmp_path / "reports").exists()


# ----------------------------------------------------------------------------- the ledger look-up

ODD_IDS = ['quote"d', "apostrophe's", "投票-号", "ballot 🗳", "a,b", "x') OR 1=1 --", "", " space "]


def test_the_cache_lookup_returns_exactly_the_cached_rows_for_the_given_ids(
    tmp_path: Path,
) -> None:
    many = [f"v{i:05d}" for i in range(2_000)] + ODD_IDS
    cache = {
        (v, "identity_leak"): [{"rule": "r", "vote_id": v}] if i % 3 == 0 else []
        for i, v in enumerate(many)
    }
    cache[("v00001", "other_detector")] = [{"rule": "elsewhere"}]
    run = RunRecord("nightly", "t", "h" * 64, "pack", [], 0, "v", len(many), 0)
    with Ledger(tmp_path / "cache.db") as ledger:
        ledger.record_run(run, [], cache=cache)
        ledger.record_run(
            RunRecord("nightly", "t", "other", "pack", [], 0, "v", 1, 0),
            [],
            cache={("unknown-here", "identity_leak"): []},
        )
        statements: list[str] = []
        ledger.conn.set_trace_callback(statements.append)
        asked = [*many, "unknown-here", "never-seen", 'quote"d']  # a repeat is answered once
        got = ledger.cached_findings(asked, "h" * 64, "identity_leak")
        ledger.conn.set_trace_callback(None)

        assert got == {
            v: rows for (v, detector), rows in cache.items() if detector == "identity_leak"
        }
        assert set(ODD_IDS) <= set(got)
        assert got["apostrophe's"] == [{"rule": "r", "vote_id": "apostrophe's"}]
        # 2,010 distinct ids in batches of at most 898 ids plus the pack hash and detector.
        assert len([s for s in statements if "detector_cache" in s]) == 3
        assert (
            ledger.cached_findings(["never-seen", "unknown-here"], "h" * 64, "identity_leak") == {}
        )
        assert ledger.cached_findings([], "h" * 64, "identity_leak") == {}
        assert ledger.cached_findings(ODD_IDS, "h" * 64, "other_detector") == {}
