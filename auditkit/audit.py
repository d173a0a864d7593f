"""The audit's front door: :func:`run_audit` → the stages of :mod:`auditkit.pipeline`.

:func:`run_audit` is the one library call behind ``auditkit audit``, ``auditkit nightly`` and ``auditkit
demo``. It returns a frozen :class:`AuditResult`; the commands only map its gate to an exit code.
The stages (load → detect → clean → rate → report → record) live in :mod:`auditkit.pipeline`, one
module each; this module keeps the keyword signature callers use and re-exports what they import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditkit.gate import Gate
from auditkit.pipeline import AuditConfig, AuditResult, AuditSummary, run_pipeline
from auditkit.pipeline.load import sha256_file
from auditkit.pipeline.outputs import (
    CLEANED_BLOCK_ROWS,
    CLEANED_FORMATS,
    CLEANED_GZIP_LEVEL,
    cleaned_format_for,
)
from auditkit.pipeline.rate import LEADERBOARD_COLUMNS, build_leaderboard

if TYPE_CHECKING:
    from auditkit.detectors.base import Severity
    from auditkit.engine import Engine
    from auditkit.io.loader import LoadResult
    from auditkit.rulepack import RulePack

__all__ = [
    "CLEANED_BLOCK_ROWS",
    "CLEANED_FORMATS",
    "CLEANED_GZIP_LEVEL",
    "LEADERBOARD_COLUMNS",
    "AuditConfig",
    "AuditResult",
    "AuditSummary",
    "Gate",
    "build_leaderboard",
    "cleaned_format_for",
    "run_audit",
    "sha256_file",
]


def __getattr__(name: str) -> tuple[str, ...]:
    """``DEFAULT_DETECTORS``, ``TEXT_DETECTORS``, ``CACHEABLE_DETECTORS``: what the detectors say
    on their classes (:class:`~auditkit.detectors.base.Detector`), read when first asked for."""
    from auditkit.detectors.base import default_detectors, detector_classes

    if name == "DEFAULT_DETECTORS":  # run when nothing names the detectors
        return default_detectors()
    if name == "TEXT_DETECTORS":  # read text and are not default: the CLI adds them in memory
        return tuple(c.name for c in detector_classes() if c.reads_text and not c.default)
    if name == "CACHEABLE_DETECTORS":  # judge single votes: cached per vote in the ledger
        return tuple(c.name for c in detector_classes() if c.per_vote)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    text_detectors: bool = False,
) -> AuditResult:
    """Run the full audit and write every output into ``out_dir``; see the module docstring.

    A thin adapter: the keywords become one :class:`~auditkit.pipeline.AuditConfig` and
    :func:`~auditkit.pipeline.run_pipeline` runs the stages. ``detectors`` (default: the pack's
    ``detectors:`` list, else every detector whose class says ``default``) are run in that order.
    ``db_path=None`` skips the ledger (no decisions applied, nothing recorded). ``use_detector_cache``
    (nightly) reuses cached findings of per-vote detectors for votes already scanned under the
    same rule-pack hash (looked up chunk by chunk when streaming). ``on_stage(name, seconds)`` is
    called after each stage (benchmarks use it).
    ``input_hashes`` (path → sha256) spares re-reading inputs a caller has just hashed (nightly).
    ``selftest`` plants the simulator's attacks in a copy of the votes and reports recall, honest
    false positives and attack cost (:mod:`auditkit.selftest`; summary key ``selftest``).
    ``encoding`` is the inputs' text encoding when it is not UTF-8 (see :func:`load_battles`).

    ``engine`` (``"local"``, ``"processes"``, ``"dask"`` or an :class:`~auditkit.engine.Engine`)
    streams the input instead: chunks of ``chunk_rows`` rows are read, their conversations go
    through every requested text detector that can run chunk by chunk, on the engine (``workers``;
    ``scheduler`` for Dask), and are dropped,
    so memory is bounded by the chunk size and the text-free table. Findings, invalidations and
    ratings equal the in-memory run's; ``cleaned_battles.*`` then has no conversations.
    ``cleaned_format`` (``"jsonl.gz"`` or ``"parquet"``) is the cleaned output's format; by
    default Parquet when every input is Parquet, else gzipped JSON Lines.

    ``text_detectors`` (the CLI) adds the text detectors that are not default when ``detectors``
    is None and the pack lists none: all of them in memory, those that run chunk by chunk when
    streamed.

    ``inputs`` may be a :class:`~auditkit.io.LoadResult` already loaded (e.g. from a DataFrame by
    :func:`auditkit.io.frame.from_frame`); its sources are recorded with a content hash of the
    loaded table (:func:`auditkit.io.frame.table_sha256`).
    """
    return run_pipeline(
        AuditConfig.of(
            inputs,
            rules=rules,
            out_dir=out_dir,
            db_path=db_path,
            seed=seed,
            detectors=detectors,
            fail_on=fail_on,
            quiet=quiet,
            rating_options=rating_options,
            previous_dir=previous_dir,
            kind=kind,
            use_detector_cache=use_detector_cache,
            seen_files=seen_files,
            title=title,
            on_stage=on_stage,
            engine=engine,
            workers=workers,
            scheduler=scheduler,
            chunk_rows=chunk_rows,
            input_hashes=input_hashes,
            selftest=selftest,
            encoding=encoding,
            cleaned_format=cleaned_format,
            text_detectors=text_detectors,
        )
    )
