"""The cleaned battles written on a second thread (``pipeline.background``) end a run as they did
when written first: the same bytes, the same one-line exit 2 for a full disk, and no writer left
running once the audit returns or raises."""

from __future__ import annotations

import errno
import gzip
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from test_faults import _one_line_error

from auditkit.cli import main
from auditkit.io.writer import FastChatWriter
from auditkit.pipeline import outputs as outputs_module
from auditkit.pipeline.background import BackgroundWrite
from auditkit.runfolder import COMPLETE_MARKER

REPO = Path(__file__).resolve().parents[1]
MODELS = ("alpha", "bravo", "charlie", "delta")


def _input(path: Path, n: int = 400) -> Path:
    rows = []
    for i in range(n):
        a, b = MODELS[i % 4], MODELS[(i // 4 + 1 + i) % 4]
        if a == b:
            b = MODELS[(MODELS.index(a) + 1) % 4]
        rows.append(
            {
                "question_id": f"q{i}",
                "model_a": a,
                "model_b": b,
                "winner": ("model_a", "model_b", "tie", "tie (bothbad)")[i % 4],
                "judge": f"user{i % 37}",
                "anony": True,
                "language": "English",
                "turn": 1,
                "tstamp": 1_700_000_000.0 + 7.0 * i,
            }
        )
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _audit(path: Path, out: Path) -> int:
    args = ["audit", str(path), "--out", str(out), "--db", "", "--quiet"]
    return main([*args, "--rules", str(REPO / "rules")])


def _no_writer_thread() -> bool:
    return not any(t.name.startswith("auditkit-cleaned") for t in threading.enumerate())


def test_the_cleaned_file_is_the_one_written_before_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Byte for byte what ``write_cleaned`` writes on the main thread, with every other file."""
    path = _input(tmp_path / "in.jsonl")
    assert _audit(path, tmp_path / "threaded") in (0, 1)
    monkeypatch.setattr(BackgroundWrite, "start", lambda self, write: write(threading.Event()))
    assert _audit(path, tmp_path / "inline") in (0, 1)
    for name in ("cleaned_battles.jsonl.gz", "invalidations.jsonl", "findings.jsonl"):
        threaded = (tmp_path / "threaded" / name).read_bytes()
        assert threaded == (tmp_path / "inline" / name).read_bytes(), name
    lines = gzip.decompress((tmp_path / "threaded" / "cleaned_battles.jsonl.gz").read_bytes())
    assert lines.count(b"\n") > 300
    assert (tmp_path / "threaded" / COMPLETE_MARKER).is_file()
    assert _no_writer_thread()


def test_a_full_disk_in_the_writer_thread_is_exit_2_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(self: FastChatWriter, battles: Any) -> int:
        raise OSError(errno.ENOSPC, "No space left on device", "cleaned_battles.jsonl.gz")

    monkeypatch.setattr(FastChatWriter, "write", full)
    assert _audit(_input(tmp_path / "in.jsonl"), tmp_path / "out") == 2
    assert "cleaned_battles.jsonl.gz: No space left on device" in _one_line_error(capsys)
    assert not (tmp_path / "out" / COMPLETE_MARKER).exists()
    assert _no_writer_thread()


def test_the_writers_error_wins_over_a_later_error_of_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written one after the other, the cleaned file's full disk stopped the run before the report."""
    failed = threading.Event()

    def full(self: FastChatWriter, battles: Any) -> int:
        failed.set()
        raise OSError(errno.ENOSPC, "No space left on device", "cleaned_battles.jsonl.gz")

    def report_fails(*args: Any, **kwargs: Any) -> None:
        failed.wait(10.0)
        raise OSError(errno.ENOSPC, "No space left on device", "report.html")

    monkeypatch.setattr(FastChatWriter, "write", full)
    monkeypatch.setattr("auditkit.pipeline.run.report_stage", report_fails)
    assert _audit(_input(tmp_path / "in.jsonl"), tmp_path / "out") == 2
    err = _one_line_error(capsys)
    assert "cleaned_battles.jsonl.gz: No space left on device" in err
    assert "report.html" not in err
    assert _no_writer_thread()


def _slow_writer(monkeypatch: pytest.MonkeyPatch) -> tuple[list[int], threading.Event]:
    """The cleaned file written 10 rows a block, 50 ms a block: the blocks written so far (their
    rows) and an event set once the first block is being written."""
    blocks: list[int] = []
    writing = threading.Event()
    plain_write = FastChatWriter.write

    def slow(self: FastChatWriter, battles: Any) -> int:
        blocks.append(len(battles))
        writing.set()
        time.sleep(0.05)
        return plain_write(self, battles)

    monkeypatch.setattr(outputs_module, "CLEANED_BLOCK_ROWS", 10)
    monkeypatch.setattr(FastChatWriter, "write", slow)
    return blocks, writing


def test_an_error_of_the_report_stops_the_writer_and_is_raised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks, writing = _slow_writer(monkeypatch)

    def report_fails(*args: Any, **kwargs: Any) -> None:
        writing.wait(10.0)
        raise OSError(errno.EACCES, "Permission denied", "report.html")

    monkeypatch.setattr("auditkit.pipeline.run.report_stage", report_fails)
    assert _audit(_input(tmp_path / "in.jsonl"), tmp_path / "out") == 2
    assert "report.html: Permission denied" in _one_line_error(capsys)
    assert _no_writer_thread()
    assert 0 < len(blocks) < 40  # stopped before its 40 blocks of 10 rows
    assert not (tmp_path / "out" / COMPLETE_MARKER).exists()


def test_wait_without_a_write_and_a_second_start_are_refused() -> None:
    background = BackgroundWrite()
    background.wait()  # nothing started: nothing to wait for
    started = threading.Event()
    background.start(lambda stop: started.set())
    with pytest.raises(RuntimeError, match="already running"):
        background.start(lambda stop: None)
    background.wait()
    assert started.is_set()
    assert _no_writer_thread()


def test_the_cleaned_file_starts_before_the_ratings_and_an_error_there_stops_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer starts in the outputs stage, before the ratings; an error while rating stops it
    at its next block and is the run's error (the folder stays incomplete)."""
    blocks, writing = _slow_writer(monkeypatch)

    def rating_fails(*args: Any, **kwargs: Any) -> None:
        assert writing.wait(10.0), "the cleaned battles were not being written yet"
        raise OSError(errno.EACCES, "Permission denied", "fragility.json")

    monkeypatch.setattr("auditkit.pipeline.run.rate_stage", rating_fails)
    assert _audit(_input(tmp_path / "in.jsonl"), tmp_path / "out") == 2
    assert "fragility.json: Permission denied" in _one_line_error(capsys)
    assert _no_writer_thread()
    assert 0 < len(blocks) < 40
    assert not (tmp_path / "out" / COMPLETE_MARKER).exists()


def test_starting_the_outputs_before_the_ratings_changes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import auditkit.pipeline.run as run_module

    source = _input(tmp_path / "in.jsonl")
    assert _audit(source, tmp_path / "early") == 0
    plain = run_module.rate_and_report
    monkeypatch.setattr(run_module, "rate_and_report", lambda *args: plain(*args, early=False))
    assert _audit(source, tmp_path / "sequential") == 0
    names = ("invalidations.jsonl", "findings.jsonl", "leaderboard.csv", "quarantine.jsonl")
    for name in names:
        early, sequential = (tmp_path / way / name for way in ("early", "sequential"))
        assert early.read_bytes() == sequential.read_bytes(), name
    with (
        gzip.open(tmp_path / "early" / "cleaned_battles.jsonl.gz") as early_file,
        gzip.open(tmp_path / "sequential" / "cleaned_battles.jsonl.gz") as sequential_file,
    ):
        assert early_file.read() == sequential_file.read()
    early_log = (tmp_path / "early" / "audit.log").read_text(encoding="utf-8")
    assert "stage outputs: done" in early_log
    assert "stage outputs" not in (tmp_path / "sequential" / "audit.log").read_text("utf-8")
