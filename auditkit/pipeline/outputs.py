"""Stages *report* and *record*: the run folder's files, the report, the ledger's run row.

Determinism: the same inputs, rule pack and seed give byte-identical ``invalidations.jsonl`` and
``summary.json`` except for ``summary.json`` → ``run.started_at`` (every list sorted, JSON keys
sorted, floats rounded by :func:`auditkit.clean.canonical_json`; timings live only in ``audit.log``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditkit.clean import CleaningResult, EvidenceMemo, canonical_json, finding_line
from auditkit.errors import InputError
from auditkit.ledger import Ledger, RunRecord
from auditkit.pipeline.summary import AuditSummary

if TYPE_CHECKING:
    import threading
    from concurrent.futures import Future

    import pandas as pd

    from auditkit.detectors.base import DetectorResult, Finding
    from auditkit.io.loader import LoadResult
    from auditkit.pipeline.background import BackgroundWrite
    from auditkit.report.context import VoteTables
    from auditkit.report.figures import FigureProcess, PageFigures, PendingFigures
    from auditkit.report.render import ReportContext
    from auditkit.rulepack import RulePack
    from auditkit.schema import BattleTable

__all__ = [
    "CLEANED_BLOCK_ROWS",
    "CLEANED_FORMATS",
    "CLEANED_GZIP_LEVEL",
    "OutputsStart",
    "Recorded",
    "ReportStart",
    "check_outputs",
    "cleaned_format_for",
    "record_stage",
    "report_stage",
    "start_cleaned",
    "start_outputs",
    "start_report",
    "write_outputs",
]

# Rows of the table copied at a time when writing the cleaned battles (the writer's own chunk):
# the copy of the kept rows is all the extra memory the write stage needs.
CLEANED_BLOCK_ROWS = 50_000

# gzip level of the cleaned JSON Lines: 1 compresses 1M simulated battles (638 MB, 10 % with
# text) in 2.4 s to 76 MB, against 5.6 s and 59.6 MB at 6 (``writer.GZIP_LEVEL``): the output is
# re-read by machines, so speed wins. Parquet output is a tenth of either.
CLEANED_GZIP_LEVEL = 1
CLEANED_FORMATS = ("jsonl.gz", "parquet")


def cleaned_format_for(paths: Sequence[Path], requested: str | None) -> str:
    """The cleaned output's format: ``requested``, else Parquet when every input is Parquet."""
    if requested is not None:
        if requested not in CLEANED_FORMATS:
            raise InputError(f"unknown cleaned format {requested!r}; use jsonl.gz or parquet")
        return requested
    from auditkit.io.detect import detect_container

    # An in-memory table (no paths) is written as JSON Lines, the format every reader takes.
    parquet = bool(paths) and all(detect_container(path)[0] == "parquet" for path in paths)
    return "parquet" if parquet else "jsonl.gz"


def write_cleaned(cleaning: CleaningResult, path: Path, stop: threading.Event | None = None) -> int:
    """Write the kept votes as FastChat JSON Lines (gzip) or Parquet (by ``path``'s suffix),
    copying ``CLEANED_BLOCK_ROWS`` at a time.

    Why blocks: ``cleaning.cleaned`` copies the whole table (≈130 bytes a vote, 1.3 GiB at 10M).
    Each block's kept rows are appended to one :class:`~auditkit.io.writer.FastChatWriter`, which
    compresses on a second thread; the file holds exactly what
    ``write_fastchat_jsonl(cleaning.cleaned, path)`` writes. ``stop`` (set by another thread)
    ends the writing after the current block, leaving the file incomplete.
    """
    from auditkit.io.parquet_writer import FastChatParquetWriter
    from auditkit.io.writer import FastChatWriter

    battles, keep = cleaning.battles, cleaning.keep
    writer: FastChatWriter | FastChatParquetWriter
    if path.suffix == ".parquet":
        writer = FastChatParquetWriter(path)
    else:
        writer = FastChatWriter(path, compresslevel=CLEANED_GZIP_LEVEL)
    with writer as out:
        for start in range(0, len(battles), CLEANED_BLOCK_ROWS):
            if stop is not None and stop.is_set():
                break
            end = start + CLEANED_BLOCK_ROWS
            out.write(battles.with_frame(battles.frame.iloc[start:end].loc[keep[start:end]]))
    return out.rows


def start_cleaned(background: BackgroundWrite, cleaning: CleaningResult, path: Path) -> None:
    """Start writing the cleaned battles to ``path`` on ``background``'s thread."""
    background.start(lambda stop: write_cleaned(cleaning, path, stop))


@dataclass(frozen=True)
class OutputsStart:
    """What :func:`start_outputs` began: the report's vote tables (built) and the figure worker's
    drawing of their figures (None: drawn with the others)."""

    tables: VoteTables
    vote_figures: Future[PageFigures] | None = None


def start_outputs(
    out: Path,
    cleaned_name: str,
    *,
    battles: BattleTable,
    results: Sequence[DetectorResult],
    cleaning: CleaningResult,
    background: BackgroundWrite,
    figures: FigureProcess | None = None,
) -> OutputsStart:
    """As soon as the votes are cleaned: start writing the cleaned battles (``background``'s
    thread), build the report's tables that need no ratings and hand their figures to the
    worker, so both run while the ratings and their robustness are computed.

    Why: those stages run on one core; the cleaned file (Arrow kernels and gzip, mostly without
    the GIL) and the figure worker (another process) take the second one meanwhile instead of
    after them. The files and the figures are the same: neither reads the ratings."""
    from auditkit.report.context import vote_tables

    start_cleaned(background, cleaning, out / cleaned_name)
    tables = vote_tables(battles, results, cleaning)
    started = None if figures is None else figures.start_votes(tables.figure_inputs())
    return OutputsStart(tables, started)


def write_outputs(
    out: Path,
    *,
    cleaning: CleaningResult,
    cleaned_name: str,
    board: pd.DataFrame,
    findings: Sequence[Finding],
    summary: AuditSummary,
    previous_dir: str | Path | None,
    background: BackgroundWrite | None = None,
    started: Callable[[], object] | None = None,
) -> tuple[AuditSummary, dict[str, Any] | None]:
    """Write ``invalidations.jsonl``, the cleaned battles, ``leaderboard.csv``, ``findings.jsonl``
    and ``summary.json`` (with the diff against ``previous_dir``); return the summary as written
    and the whole diff.

    With ``background`` the cleaned battles are written on its thread
    (:mod:`auditkit.pipeline.background`), started right after ``invalidations.jsonl`` unless
    :func:`start_outputs` started it already; the caller waits for it. ``started`` is called
    once the cleaned battles are being written, first thing when they were already (the audit
    begins its report there, so the figure worker draws while the other files are written)."""
    from auditkit.csvsafe import write_csv

    memo: EvidenceMemo = {}  # each finding's evidence is encoded once for both files
    if started is not None and background is not None and background.started:
        started()  # the cleaned battles are being written already: the report need not wait
        started = None
    cleaning.write_jsonl(out / "invalidations.jsonl", memo)
    if background is None:
        write_cleaned(cleaning, out / cleaned_name)
    elif not background.started:
        start_cleaned(background, cleaning, out / cleaned_name)
    if started is not None:
        started()
    write_csv(board, out / "leaderboard.csv", index=False, float_format="%.4f")
    with open(out / "findings.jsonl", "wb") as handle:
        for finding in findings:
            handle.write(finding_line(finding, memo) + b"\n")
    diff_json = None
    if previous_dir is not None:
        from auditkit.diff import diff_runs

        diff_json = diff_runs(previous_dir, out, current_complete=False).to_json()
        summary = summary.with_diff({k: v for k, v in diff_json.items() if k != "current"})
    (out / "summary.json").write_text(canonical_json(summary.to_json()) + "\n", encoding="utf-8")
    return summary, diff_json


@dataclass(frozen=True)
class ReportStart:
    """The report's data, built while the run folder's files are written, and its figures,
    being drawn by the figure worker meanwhile (None: drawn when the page is rendered)."""

    context: ReportContext
    figures: PendingFigures | None = None


def start_report(
    *,
    title: str,
    summary: AuditSummary,
    battles: BattleTable,
    results: Sequence[DetectorResult],
    findings: Sequence[Finding],
    cleaning: CleaningResult,
    board: pd.DataFrame,
    loaded: LoadResult,
    gate_reasons: Sequence[str],
    figures: FigureProcess | None = None,
    early: OutputsStart | None = None,
) -> ReportStart:
    """The report's data (:mod:`auditkit.report.context`) and, with ``figures``, its figures
    handed to the worker. ``summary`` may lack the diff against a previous run (the report
    stage adds it): the report reads the run, robustness and notes of it, which the diff leaves.
    ``early``: the vote tables and figures :func:`start_outputs` began from the same votes."""
    from auditkit.report.context import report_context
    from auditkit.report.figures import FigureInputs

    context = report_context(
        title=title,
        summary=summary,
        battles=battles,
        results=results,
        findings=findings,
        cleaning=cleaning,
        board=board,
        loaded=loaded,
        gate_reasons=gate_reasons,
        notes=summary.notes,
        diff=None,
        tables=None if early is None else early.tables,
    )
    votes = None if early is None else early.vote_figures
    pending = None if figures is None else figures.submit(FigureInputs.of(context), votes)
    return ReportStart(context, pending)


def report_stage(out: Path, started: ReportStart, *, diff: Mapping[str, Any] | None) -> None:
    """``report.html`` and ``report.md`` from the data :func:`start_report` built, with the diff
    against the previous run; the figures are the worker's, else drawn here (same files)."""
    from auditkit.report import render_html, render_markdown

    context = replace(started.context, diff=diff)
    markdown = render_markdown(context)  # rendered while the worker may still be drawing
    figures = None if started.figures is None else started.figures.result()
    (out / "report.html").write_text(render_html(context, figures), encoding="utf-8")
    (out / "report.md").write_text(markdown, encoding="utf-8")


@dataclass(frozen=True)
class Recorded:
    """The ledger's run id and how many invalidations were new to the ledger."""

    run_id: int | None = None
    new_invalidations: int = 0


def record_stage(
    ledger: Ledger | None,
    run: RunRecord,
    cleaning: CleaningResult,
    pack: RulePack,
    *,
    cache: Any,
    seen_files: Sequence[tuple[str, str]],
) -> Recorded:
    """The run's row, its invalidations and new detector-cache rows into the ledger (if any)."""
    if ledger is None:
        return Recorded()
    run_id, appended = ledger.record_run(
        run, cleaning.ledger_rows(pack.content_hash), cache=cache, seen_files=seen_files
    )
    return Recorded(run_id, appended)


def check_outputs(out: Path, db_path: str | Path | None) -> None:
    """Before any work: the run folder can be written and the ledger is a healthy auditkit ledger.

    An unwritable folder, an ``--out`` that names a file, or a corrupt ledger is an input error
    (exit 2, one line) now rather than after the load, detectors and report have run.
    """
    from auditkit.runfolder import mark_incomplete

    if out.exists() and not out.is_dir():
        raise InputError("--out names an existing file, not a folder", path=str(out))
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".auditkit-write-test"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        raise InputError(
            f"cannot write the run folder: {exc.strerror or exc}", path=str(out)
        ) from None
    mark_incomplete(out)
    if db_path is not None:
        with Ledger(db_path) as ledger:
            ledger.verify()
