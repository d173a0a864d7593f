"""The audit pipeline: load → detect → clean → rate before/after → write outputs → record in the ledger.

:func:`run_audit` is the one library call behind ``auditkit audit``, ``auditkit nightly`` and ``auditkit
demo``. It returns a frozen :class:`AuditResult`; the commands only map its gate to an exit code.

Determinism: the same inputs, rule pack and seed give byte-identical ``invalidations.jsonl`` and
``summary.json`` except for ``summary.json`` → ``run.started_at`` (every list sorted, JSON keys
sorted, floats rounded by :func:`auditkit.clean.canonical_json`; timings live only in ``audit.log``).

"Change significant" (``leaderboard.csv``): the after-cleaning rating lies outside the before CI *and*
the before rating lies outside the after CI. The cleaned votes are a subset of the original votes, so
the two estimates are strongly positively correlated and a z-test treating them as independent
(``|Δ| > 1.96·√(se₁²+se₂²)``) would almost never fire; requiring each estimate to leave the other's
95% interval is the stricter-than-one-sided, readable rule operators see on the forest plot.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from auditkit._version import __version__
from auditkit.clean import CleaningResult, apply_policy, canonical_json, findings_from_dicts
from auditkit.detectors.base import DetectorResult, Finding, FindingList, Severity, get_detector
from auditkit.errors import ExitCode, InputError
from auditkit.gate import Gate
from auditkit.ledger import Ledger, RunRecord, utc_now
from auditkit.progress import StageProgress
from auditkit.report import leaderboard_order, render_html, render_markdown
from auditkit.report.context import report_context
from auditkit.rulepack import RulePack
from auditkit.rules import load_rules
from auditkit.runfolder import mark_complete, mark_incomplete
from auditkit.schema import BattleTable

if TYPE_CHECKING:
    from auditkit.engine import Engine
    from auditkit.io.loader import LoadResult

__all__ = [
    "CACHEABLE_DETECTORS",
    "DEFAULT_DETECTORS",
    "LEADERBOARD_COLUMNS",
    "TEXT_DETECTORS",
    "AuditResult",
    "Gate",
    "build_leaderboard",
    "run_audit",
    "sha256_file",
]

DEFAULT_DETECTORS = (
    "identity_leak",
    "voter_anomaly",
    "sampling",
    "prompt_dedup",
    "population_shift",
)
# Detectors that read whole conversations after loading. `auditkit audit` and `auditkit demo` add them
# to DEFAULT_DETECTORS for in-memory runs; a streamed audit (engine) drops the text after the
# identity scan, and the library default stays DEFAULT_DETECTORS (streamed == in-memory outputs).
TEXT_DETECTORS = ("identity_probe", "deanonymisability")
# Vote-level detectors whose findings for a vote depend on that vote alone: safe to cache per vote.
CACHEABLE_DETECTORS = ("identity_leak",)
LEADERBOARD_COLUMNS = (
    "model",
    "rating_before",
    "ci_before_lower",
    "ci_before_upper",
    "rank_before",
    "rating_after",
    "ci_after_lower",
    "ci_after_upper",
    "rank_after",
    "battles_before",
    "battles_after",
    "change_significant",
    "note",
    "rank_before_lower",
    "rank_before_upper",
    "rank_after_lower",
    "rank_after_upper",
)
# Rows of the table copied at a time when writing the cleaned battles (the writer's own chunk):
# the copy of the kept rows is all the extra memory the write stage needs.
CLEANED_BLOCK_ROWS = 50_000

log = logging.getLogger("auditkit.audit")


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes, streamed."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class AuditResult:
    """One finished audit: where its files are, what it found, and whether the gate failed.

    ``out_dir`` is None when the audit kept no files (:func:`auditkit.audit` without ``out``).
    """

    out_dir: Path | None
    summary_data: Mapping[str, Any]
    leaderboard: pd.DataFrame
    cleaning: CleaningResult
    detector_results: tuple[DetectorResult, ...]
    gate_reasons: tuple[str, ...]
    timings: Mapping[str, float] = field(default_factory=dict)
    run_id: int | None = None
    new_ledger_invalidations: int = 0

    @property
    def gate_failed(self) -> bool:
        return bool(self.gate_reasons)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.FINDINGS if self.gate_failed else ExitCode.CLEAN

    @property
    def findings(self) -> FindingList:
        return FindingList(f for r in self.detector_results for f in r.findings)

    def summary(self) -> str:
        board = self.leaderboard
        moved = int((board["rank_before"] != board["rank_after"]).sum()) if len(board) else 0
        gate = "FAILED: " + "; ".join(self.gate_reasons) if self.gate_failed else "passed"
        return "\n".join(
            [
                f"audit of {self.cleaning.votes_in:,} votes"
                + (f" → {self.out_dir}" if self.out_dir is not None else ""),
                "  " + self.cleaning.summary(),
                "  detectors:" + ("" if self.detector_results else " none"),
                *("    " + r.summary_text() for r in self.detector_results),
                f"  models: {len(board)}, rank changes: {moved}",
                f"  gate: {gate}",
            ]
            + ([f"  report: {self.out_dir / 'report.html'}"] if self.out_dir is not None else [])
        )

    def to_frame(self) -> pd.DataFrame:
        return self.leaderboard.copy()

    def _repr_html_(self) -> str:
        from auditkit.report.notebook import audit_html

        return audit_html(self)

    def to_json(self) -> dict[str, Any]:
        return {
            **dict(self.summary_data),
            "out_dir": None if self.out_dir is None else str(self.out_dir),
            "run_id": self.run_id,
            "timings_seconds": dict(self.timings),
        }


# ----------------------------------------------------------------------------- helpers


@contextmanager
def _run_log(out_dir: Path) -> Iterator[logging.Logger]:
    """A logger writing this run's ``audit.log`` (not propagated: the console stays quiet)."""
    logger = logging.getLogger(f"auditkit.audit.run.{id(out_dir)}")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    handler = logging.FileHandler(out_dir / "audit.log", mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    try:
        yield logger
    finally:
        logger.removeHandler(handler)
        handler.close()


def _record_to_dict(record: Any) -> dict[str, Any]:
    if is_dataclass(record) and not isinstance(record, type):
        return asdict(record)
    if isinstance(record, Mapping):
        return dict(record)
    return dict(vars(record))


def _text_or_empty(column: pd.Series) -> pd.Series:
    """Strings with missing values as "" (a column of only NaN arrives as float)."""
    return column.astype(object).where(column.notna(), "").astype(str)


def build_leaderboard(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Join before/after rating frames (``RatingResult.to_frame()``) into ``leaderboard.csv`` rows.

    Rows are in :func:`~auditkit.report.leaderboard_order`: by rating after cleaning, then name.
    """
    from auditkit.ratings import RATING_COLUMNS

    keep = [column for column in RATING_COLUMNS if column != "rateable"]
    left = before.reindex(columns=keep).rename(
        columns={
            "rating": "rating_before",
            "ci_lower": "ci_before_lower",
            "ci_upper": "ci_before_upper",
            "rank": "rank_before",
            "rank_lower": "rank_before_lower",
            "rank_upper": "rank_before_upper",
            "battles": "battles_before",
            "note": "note_before",
        }
    )
    right = after.reindex(columns=keep).rename(
        columns={
            "rating": "rating_after",
            "ci_lower": "ci_after_lower",
            "ci_upper": "ci_after_upper",
            "rank": "rank_after",
            "rank_lower": "rank_after_lower",
            "rank_upper": "rank_after_upper",
            "battles": "battles_after",
            "note": "note_after",
        }
    )
    board = left.merge(right, on="model", how="outer")
    for column in (
        "rank_before",
        "rank_after",
        "rank_before_lower",
        "rank_before_upper",
        "rank_after_lower",
        "rank_after_upper",
        "battles_before",
        "battles_after",
    ):
        board[column] = board[column].astype("Int64")
    board["battles_before"] = board["battles_before"].fillna(0)
    board["battles_after"] = board["battles_after"].fillna(0)
    before_r, after_r = board["rating_before"], board["rating_after"]
    outside_before = (after_r < board["ci_before_lower"]) | (after_r > board["ci_before_upper"])
    outside_after = (before_r < board["ci_after_lower"]) | (before_r > board["ci_after_upper"])
    board["change_significant"] = (outside_before & outside_after).fillna(False).astype(bool)
    # Why a model has no rating (too few battles, disconnected, only wins): after cleaning first.
    notes_after = _text_or_empty(board["note_after"])
    notes_before = _text_or_empty(board["note_before"])
    board["note"] = notes_after.where(notes_after != "", notes_before)
    return leaderboard_order(board)[list(LEADERBOARD_COLUMNS)]


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


def _write_cleaned(cleaning: CleaningResult, path: Path) -> int:
    """Write the kept votes as FastChat JSON Lines (gzip) or Parquet (by ``path``'s suffix),
    copying ``CLEANED_BLOCK_ROWS`` at a time.

    Why blocks: ``cleaning.cleaned`` copies the whole table (≈130 bytes a vote, 1.3 GiB at 10M).
    Each block's kept rows are appended to one :class:`~auditkit.io.writer.FastChatWriter`, which
    compresses on a second thread; the file holds exactly what
    ``write_fastchat_jsonl(cleaning.cleaned, path)`` writes.
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
            stop = start + CLEANED_BLOCK_ROWS
            out.write(battles.with_frame(battles.frame.iloc[start:stop].loc[keep[start:stop]]))
    return out.rows


def _count(items: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items:
        out[item] = out.get(item, 0) + 1
    return dict(sorted(out.items()))


# ----------------------------------------------------------------------------- the pipeline


def run_audit(
    inputs: str | Path | Sequence[str | Path] | LoadResult,
    *,
    rules: RulePack | str | Path | None = None,
    out_dir: str | Path = "reports/audit",
    db_path: str | Path | None = "auditkit.db",
    seed: int = 0,
    detectors: Sequence[str] | None = None,
    fail_on: str | Severity | None = None,
    quiet: bool = False,
    rating_options: Any = None,
    previous_dir: str | Path | None = None,
    kind: str = "audit",
    use_detector_cache: bool = False,
    seen_files: Sequence[tuple[str, str]] = (),
    title: str | None = None,
    on_stage: Callable[[str, float], None] | None = None,
    engine: Engine | str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_rows: int | None = None,
    input_hashes: Mapping[str, str] | None = None,
    selftest: bool = False,
    encoding: str | None = None,
    cleaned_format: str | None = None,
) -> AuditResult:
    """Run the full audit and write every output into ``out_dir``; see the module docstring.

    ``db_path=None`` skips the ledger (no decisions applied, nothing recorded). ``use_detector_cache``
    (nightly) reuses cached :data:`CACHEABLE_DETECTORS` findings for votes already scanned under the
    same rule-pack hash (looked up chunk by chunk when streaming). ``on_stage(name, seconds)`` is
    called after each stage (benchmarks use it).
    ``input_hashes`` (path → sha256) spares re-reading inputs a caller has just hashed (nightly).
    ``selftest`` plants the simulator's attacks in a copy of the votes and reports recall, honest
    false positives and attack cost (:mod:`auditkit.selftest`; summary key ``selftest``).
    ``encoding`` is the inputs' text encoding when it is not UTF-8 (see :func:`load_battles`).

    ``engine`` (``"local"``, ``"processes"``, ``"dask"`` or an :class:`~auditkit.engine.Engine`)
    streams the input instead: chunks of ``chunk_rows`` rows are read, their conversations go
    through the identity scan on the engine (``workers``; ``scheduler`` for Dask) and are dropped,
    so memory is bounded by the chunk size and the text-free table. Findings, invalidations and
    ratings equal the in-memory run's; ``cleaned_battles.*`` then has no conversations.
    ``cleaned_format`` (``"jsonl.gz"`` or ``"parquet"``) is the cleaned output's format; by
    default Parquet when every input is Parquet, else gzipped JSON Lines.

    ``inputs`` may be a :class:`~auditkit.io.LoadResult` already loaded (e.g. from a DataFrame by
    :func:`auditkit.io.frame.from_frame`); its sources are recorded with a content hash of the
    loaded table (:func:`auditkit.io.frame.table_sha256`).
    """
    started_at = utc_now()
    from auditkit.io.loader import LoadResult

    preloaded, paths = None, []
    if isinstance(inputs, LoadResult):
        preloaded = inputs
        if engine is not None:
            raise InputError("engine= streams files; an already loaded table cannot be streamed")
    else:
        paths = [Path(p) for p in ([inputs] if isinstance(inputs, str | Path) else inputs)]
    if not paths and preloaded is None:
        raise InputError("no input files given")
    for path in paths:
        if not path.is_file():
            raise InputError("input file does not exist", path=str(path))
    cleaned_name = f"cleaned_battles.{cleaned_format_for(paths, cleaned_format)}"
    # Imported here so `auditkit ledger`/`diff` start fast without pandas-heavy modules.
    from auditkit.io import load_battles
    from auditkit.ratings import RatingOptions, fit_ratings

    pack = rules if isinstance(rules, RulePack) else load_rules(rules)
    gate = Gate.from_rules(pack, fail_on)
    names = tuple(detectors) if detectors is not None else DEFAULT_DETECTORS
    out = Path(out_dir)
    _check_outputs(out, db_path)
    options = rating_options or RatingOptions(random_state=seed)
    timings: dict[str, float] = {}
    notes: list[str] = []
    streamed_results: dict[str, DetectorResult] = {}  # detectors run during a streaming load
    # New detector-cache rows (vote_id, detector) → findings, written with the run's ledger row.
    cache_writes: dict[tuple[str, str], list[dict[str, Any]]] = {}

    with _run_log(out) as runlog:
        stages = StageProgress(6 + len(names), "audit", quiet=quiet)

        @contextmanager
        def stage(name: str) -> Iterator[None]:
            stages.start(name)
            began = time.perf_counter()
            runlog.info("stage %s: start", name)
            yield
            release_memory()  # what the stage freed goes back to the OS, not into the next peak
            elapsed = time.perf_counter() - began
            timings[name] = round(elapsed, 3)
            runlog.info("stage %s: done in %.2f s", name, elapsed)
            stages.finish(name, elapsed)
            if on_stage is not None:
                on_stage(name, elapsed)

        from auditkit.streaming import release_memory

        runlog.info(
            "auditkit %s, rules %s, seed %d, inputs %s", __version__, pack.label, seed, paths
        )
        with stage("load"):
            input_meta = [
                {
                    "path": str(p),
                    "sha256": (input_hashes or {}).get(str(p)) or sha256_file(p),
                    "bytes": p.stat().st_size,
                }
                for p in paths
            ]
            quarantine_path = out / "quarantine.jsonl"
            quarantine_path.unlink(missing_ok=True)
            if preloaded is not None:
                from auditkit.io.frame import table_sha256

                digest = table_sha256(preloaded)
                input_meta = [{"path": f, "sha256": digest, "bytes": None} for f in preloaded.files]
                loaded = preloaded
            elif engine is None:
                loaded = load_battles(
                    paths, quarantine_path=quarantine_path, with_text=True, encoding=encoding
                )
            else:
                loaded = _stream_load(
                    paths,
                    pack,
                    names,
                    engine,
                    workers,
                    scheduler,
                    chunk_rows,
                    quarantine_path,
                    streamed_results,
                    notes,
                    runlog,
                    cache_db=db_path if use_detector_cache else None,
                    cache_writes=cache_writes,
                    encoding=encoding,
                )
            if not quarantine_path.exists():
                with open(quarantine_path, "w", encoding="utf-8") as handle:
                    for record in loaded.quarantine:
                        handle.write(canonical_json(_record_to_dict(record)) + "\n")
            battles = loaded.battles
            runlog.info("loaded %d of %d rows", loaded.rows_loaded, loaded.rows_read)
            loaded.require_votes()

        ledger = Ledger(db_path) if db_path is not None else None
        try:
            decisions = ledger.current_decisions() if ledger else {}
            results: list[DetectorResult] = []
            for name in names:
                with stage(name):
                    try:
                        detector_cls = get_detector(name)
                    except KeyError:
                        if detectors is not None:
                            raise InputError(f"unknown detector {name!r}") from None
                        notes.append(f"detector {name} is not installed; it did not run")
                        runlog.warning("detector %s not available", name)
                        results.append(
                            DetectorResult(
                                name, summary={"ran": False, "not_run_reason": "not installed"}
                            )
                        )
                        continue
                    detector = detector_cls(random_state=seed)
                    if name in streamed_results:
                        result = streamed_results.pop(name)
                    elif use_detector_cache and ledger and name in CACHEABLE_DETECTORS:
                        result = _detect_with_cache(
                            detector, name, battles, pack, ledger, cache_writes
                        )
                    else:
                        result = detector.detect(battles, pack)
                    results.append(result)
                    notes.extend(f"{name}: {n}" for n in result.notes)
                    runlog.info("%s", result.summary_text())
            findings = sorted(
                (f for r in results for f in r.findings),
                key=lambda f: (f.detector, f.rule, f.subject, f.vote_id or "", f.finding_id),
            )

            with stage("clean"):
                cleaning = apply_policy(battles, findings, pack, decisions)
                runlog.info("%s", cleaning.summary())

            with stage("ratings"):
                before = fit_ratings(battles, options)
                after = fit_ratings(battles, options, rows=cleaning.keep)
                # Every model, rated or not: an unrated one keeps NaN ratings and the engine's note.
                board = build_leaderboard(before.to_frame(), after.to_frame())
                notes.extend(_unratable_notes(before.unratable, after.unratable))

            with stage("robustness"):
                from auditkit.robustness import audit_robustness

                robustness = audit_robustness(
                    battles,
                    cleaning.keep,
                    pack,
                    out,
                    options=options,
                    seed=seed,
                    selftest=selftest,
                    detectors=names,
                    notes=notes,
                )

            gate_reasons = gate.evaluate(
                findings,
                cleaning.n_invalidated,
                len(battles),
                quarantined=loaded.rows_quarantined,
                rows_read=loaded.rows_read,
            )

            with stage("write"):
                from auditkit.csvsafe import write_csv

                cleaning.write_jsonl(out / "invalidations.jsonl")
                _write_cleaned(cleaning, out / cleaned_name)
                write_csv(board, out / "leaderboard.csv", index=False, float_format="%.4f")
                with open(out / "findings.jsonl", "w", encoding="utf-8", newline="\n") as handle:
                    for finding in findings:
                        handle.write(canonical_json(finding.to_dict()) + "\n")
                summary = _summary(
                    started_at=started_at,
                    pack=pack,
                    seed=seed,
                    inputs=input_meta,
                    names=names,
                    results=results,
                    findings=findings,
                    cleaning=cleaning,
                    board=board,
                    loaded=loaded,
                    gate=gate,
                    gate_reasons=gate_reasons,
                    notes=notes,
                )
                summary.update(robustness)
                diff_json = None
                if previous_dir is not None:
                    from auditkit.diff import diff_runs

                    diff_json = diff_runs(previous_dir, out, current_complete=False).to_json()
                    summary["diff"] = {k: v for k, v in diff_json.items() if k != "current"}
                (out / "summary.json").write_text(canonical_json(summary) + "\n", encoding="utf-8")

            with stage("report"):
                context = report_context(
                    title=title or "Leaderboard integrity audit",
                    summary=summary,
                    battles=battles,
                    results=results,
                    findings=findings,
                    cleaning=cleaning,
                    board=board,
                    loaded=loaded,
                    gate_reasons=gate_reasons,
                    notes=notes,
                    diff=diff_json,
                )
                (out / "report.html").write_text(render_html(context), encoding="utf-8")
                (out / "report.md").write_text(render_markdown(context), encoding="utf-8")

            run_id, appended = None, 0
            if ledger is not None:
                run_id, appended = ledger.record_run(
                    RunRecord(
                        kind=kind,
                        started_at=started_at,
                        rule_pack_hash=pack.content_hash,
                        rule_pack_label=pack.label,
                        inputs=input_meta,
                        seed=seed,
                        auditkit_version=__version__,
                        votes_loaded=len(battles),
                        votes_invalidated=cleaning.n_invalidated,
                        out_dir=str(out),
                    ),
                    cleaning.ledger_rows(pack.content_hash),
                    cache=cache_writes,
                    seen_files=seen_files,
                )
                runlog.info("ledger run %s: %d new invalidations", run_id, appended)
            mark_complete(out)
        finally:
            if ledger is not None:
                ledger.close()
            stages.close()
        runlog.info("timings %s", timings)

    return AuditResult(
        out_dir=out,
        summary_data=summary,
        leaderboard=board,
        cleaning=cleaning,
        detector_results=tuple(results),
        gate_reasons=tuple(gate_reasons),
        timings=timings,
        run_id=run_id,
        new_ledger_invalidations=appended,
    )


def _stream_load(
    paths: Sequence[Path],
    pack: RulePack,
    names: Sequence[str],
    engine: Engine | str,
    workers: int | None,
    scheduler: str | None,
    chunk_rows: int | None,
    quarantine_path: Path,
    streamed_results: dict[str, DetectorResult],
    notes: list[str],
    runlog: logging.Logger,
    *,
    cache_db: str | Path | None,
    cache_writes: dict[tuple[str, str], list[dict[str, Any]]],
    encoding: str | None = None,
) -> Any:
    """Streaming load: the identity scan runs chunk by chunk on ``engine``; text is not kept.

    With ``cache_db`` (nightly) each chunk's votes are looked up in that ledger's detector cache
    and only the others are scanned; their new cache rows go into ``cache_writes``.
    """
    from auditkit.engine import make_engine
    from auditkit.streaming import DEFAULT_CHUNK_ROWS, stream_battles

    name = "identity_leak"
    scan = name in names
    with ExitStack() as resources:
        cache = None
        if cache_db is not None and scan and name in CACHEABLE_DETECTORS:
            lookup = resources.enter_context(Ledger(cache_db))
            cache = _VoteCache(lookup, pack, name, cache_writes)
        if isinstance(engine, str):
            runner = make_engine(engine, workers=workers, scheduler=scheduler)
            resources.callback(runner.close)
        else:
            runner = engine
        streamed = stream_battles(
            paths,
            rules=pack if scan else None,
            engine=runner,
            chunk_rows=chunk_rows or DEFAULT_CHUNK_ROWS,
            quarantine_path=quarantine_path,
            skip=cache,
            encoding=encoding,
        )
        runlog.info("streamed on %s: %s", runner.describe(), streamed.summary())
    if streamed.identity is not None:
        identity = streamed.identity
        streamed_results[name] = identity if cache is None else cache.finish(identity)
    notes.append(
        "streaming load: conversations were scanned chunk by chunk and not kept; "
        "the cleaned battles have no conversation text"
    )
    return streamed.load


def _check_outputs(out: Path, db_path: str | Path | None) -> None:
    """Before any work: the run folder can be written and the ledger is a healthy auditkit ledger.

    An unwritable folder, an ``--out`` that names a file, or a corrupt ledger is an input error
    (exit 2, one line) now rather than after the load, detectors and report have run.
    """
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


def _unratable_notes(before: Mapping[str, str], after: Mapping[str, str]) -> list[str]:
    """One note per unrated model, saying whether it was unrated before, after or both."""
    out = []
    for model in sorted(set(before) | set(after)):
        if model in before and model in after and before[model] == after[model]:
            out.append(f"{model} not rated: {before[model]}")
        else:
            for label, table in (("before", before), ("after", after)):
                if model in table:
                    out.append(f"{model} not rated {label} cleaning: {table[model]}")
    return out


class _VoteCache:
    """A per-vote detector's ledger cache during one run: which votes to skip, what they found.

    Why one object for both paths: the in-memory audit asks it about the whole table, the streaming
    audit about each chunk (``stream_battles(skip=...)``); both then get the same result and queue
    the same cache rows. Calling it marks the rows of a frame already scanned under this rule pack
    and keeps their cached findings; :meth:`finish` adds them to the scan of the other rows.
    """

    def __init__(
        self,
        ledger: Ledger,
        pack: RulePack,
        detector: str,
        cache_writes: dict[tuple[str, str], list[dict[str, Any]]],
    ) -> None:
        self.ledger = ledger
        self.rule_pack_hash = pack.content_hash
        self.detector = detector
        self.cache_writes = cache_writes
        self.cached_findings: list[Finding] = []
        self.votes_from_cache = 0
        self.votes_scanned = 0

    def __call__(self, frame: pd.DataFrame) -> np.ndarray:
        vote_ids = frame["vote_id"].astype(str)
        cached = self.ledger.cached_findings(vote_ids, self.rule_pack_hash, self.detector)
        skip = vote_ids.isin(list(cached)).to_numpy(dtype=bool)
        for rows in cached.values():
            self.cached_findings.extend(findings_from_dicts(rows))
        self.votes_from_cache += len(cached)
        self.votes_scanned += int((~skip).sum())
        # Every scanned vote is cached, an empty list when nothing was found (rows without text
        # included: the detector judged them and found nothing).
        for vote_id in vote_ids[~skip]:
            self.cache_writes[(vote_id, self.detector)] = []
        return skip

    def finish(self, scanned: DetectorResult) -> DetectorResult:
        """The whole result: ``scanned`` (the result on the unskipped votes) plus cached findings.

        The summary and notes are those of the scan (none when every vote came from the cache),
        plus ``votes_from_cache`` and ``votes_scanned``.
        """
        if scanned.summary.get("ran") is False:
            # The detector could not run (no text anywhere): nothing was judged, cache nothing.
            for key in [k for k in self.cache_writes if k[1] == self.detector]:
                del self.cache_writes[key]
        for finding in scanned.findings:
            if finding.vote_id is not None:
                key = (finding.vote_id, self.detector)
                self.cache_writes.setdefault(key, []).append(finding.to_dict())
        summary = dict(scanned.summary) if self.votes_scanned else {}
        summary["votes_from_cache"] = self.votes_from_cache
        summary["votes_scanned"] = self.votes_scanned
        return DetectorResult(
            self.detector,
            findings=(*self.cached_findings, *scanned.findings),
            summary=summary,
            notes=scanned.notes if self.votes_scanned else (),
        )


def _detect_with_cache(
    detector: Any,
    name: str,
    battles: BattleTable,
    pack: RulePack,
    ledger: Ledger,
    cache_writes: dict[tuple[str, str], list[dict[str, Any]]],
) -> DetectorResult:
    """Run a per-vote detector only on votes not yet scanned under this rule pack."""
    cache = _VoteCache(ledger, pack, name, cache_writes)
    fresh_mask = ~cache(battles.frame)
    fresh = battles.with_frame(battles.frame.loc[fresh_mask].reset_index(drop=True))
    scanned = detector.detect(fresh, pack) if fresh_mask.any() else DetectorResult(name)
    return cache.finish(scanned)


def _summary(
    *,
    started_at: str,
    pack: RulePack,
    seed: int,
    inputs: list[dict[str, Any]],
    names: Sequence[str],
    results: Sequence[DetectorResult],
    findings: Sequence[Finding],
    cleaning: CleaningResult,
    board: pd.DataFrame,
    loaded: Any,
    gate: Gate,
    gate_reasons: Sequence[str],
    notes: Sequence[str],
) -> dict[str, Any]:
    # A model unrated both before and after has no rank to change.
    both_unrated = board["rank_before"].isna() & board["rank_after"].isna()
    rank_moved = (board["rank_before"] != board["rank_after"]).fillna(True) & ~both_unrated
    moved = board[rank_moved | board["change_significant"]]
    rank_changes = [
        {
            "model": row["model"],
            "rank_before": row["rank_before"],
            "rank_after": row["rank_after"],
            "rating_before": row["rating_before"],
            "rating_after": row["rating_after"],
            "change_significant": bool(row["change_significant"]),
        }
        for row in moved.to_dict("records")
    ]
    table_level = [f for f in findings if f.vote_id is None]
    return {
        "run": {
            "started_at": started_at,
            "auditkit_version": __version__,
            "seed": seed,
            "rule_pack": {
                "name": pack.name,
                "version": pack.version,
                "hash": pack.content_hash,
                "label": pack.label,
            },
            "inputs": inputs,
            "detectors_requested": list(names),
            "detectors_run": [r.detector for r in results],
        },
        "load": {
            "rows_read": int(loaded.rows_read),
            "rows_loaded": int(loaded.rows_loaded),
            "quarantined": dict(sorted(dict(loaded.quarantine_counts).items())),
            "voter_status": str(loaded.battles.voter_status.value),
        },
        "findings": {
            "total": len(findings),
            "by_detector": _count([f.detector for f in findings]),
            "by_rule": _count([f"{f.detector}/{f.rule}" for f in findings]),
            "by_severity": _count([f.severity.value for f in findings]),
        },
        "detectors": {
            r.detector: {
                "summary": dict(r.summary),
                "notes": list(r.notes),
                "status": r.status.value,
                "status_reason": r.status_reason,
            }
            for r in results
        },
        "invalidations": cleaning.to_json(),
        "sampling_flags": [
            {k: f.to_dict()[k] for k in ("finding_id", "rule", "severity", "subject", "message")}
            for f in table_level
            if f.detector == "sampling"
        ],
        "table_findings": len(table_level),
        "ratings": {
            "models": len(board),
            "battles_before": int(board["battles_before"].sum()) // 2,
            "battles_after": int(board["battles_after"].sum()) // 2,
        },
        "rank_changes": rank_changes,
        "gate": {
            "min_severity": gate.min_severity.value,
            "max_invalidated_share": gate.max_invalidated_share,
            "max_quarantined_share": gate.max_quarantined_share,
            "failed": bool(gate_reasons),
            "reasons": list(gate_reasons),
        },
        "notes": list(notes),
        "deanonymisability": next(
            (dict(r.summary) for r in results if r.detector == "deanonymisability"), None
        ),
    }
