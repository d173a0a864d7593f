"""The audit as a list of stages: load → detect → clean → rate → report → record.

Each stage is a function of typed inputs returning a frozen result (:mod:`auditkit.pipeline`'s
modules); :func:`run_pipeline` only calls them in order, inside the run's log and timing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from auditkit._version import __version__
from auditkit.clean import CleaningResult, apply_policy
from auditkit.detectors.base import default_detectors
from auditkit.gate import Gate
from auditkit.gcscope import fewer_collections
from auditkit.lazy import WarmImports
from auditkit.ledger import Ledger, RunRecord, utc_now
from auditkit.pipeline.background import BackgroundWrite
from auditkit.pipeline.cache import CacheWrites
from auditkit.pipeline.config import AuditConfig
from auditkit.pipeline.detect import Detected, detect_stage
from auditkit.pipeline.load import Loaded, load_stage
from auditkit.pipeline.outputs import (
    OutputsStart,
    ReportStart,
    check_outputs,
    cleaned_format_for,
    record_stage,
    report_stage,
    start_outputs,
    start_report,
    write_outputs,
)
from auditkit.pipeline.rate import Rated, rate_stage
from auditkit.pipeline.result import AuditResult
from auditkit.pipeline.stage import RunLog, run_log
from auditkit.pipeline.summary import AuditSummary, build_summary
from auditkit.pipeline.warm import after_load_imports
from auditkit.progress import StageProgress
from auditkit.report.figures import FigureProcess
from auditkit.rulepack import RulePack
from auditkit.rules import load_rules
from auditkit.runfolder import mark_complete

if TYPE_CHECKING:
    from auditkit.pipeline.outputs import Recorded

__all__ = ["AuditPlan", "rate_and_report", "run_pipeline"]


@dataclass(frozen=True)
class AuditPlan:
    """What a config resolves to before any input is read: the rule pack, the gate, the
    detectors in run order, the rating options and the cleaned output's file name."""

    config: AuditConfig
    started_at: str
    pack: RulePack
    gate: Gate
    names: tuple[str, ...]
    options: Any
    cleaned_name: str

    @classmethod
    def of(cls, config: AuditConfig) -> AuditPlan:
        from auditkit.ratings import RatingOptions

        started_at = utc_now()
        cleaned_name = f"cleaned_battles.{cleaned_format_for(config.paths, config.cleaned_format)}"
        pack = config.rules if isinstance(config.rules, RulePack) else load_rules(config.rules)
        gate = Gate.from_rules(pack, config.fail_on)
        names = config.detectors
        if names is None:
            streamed = config.engine is not None
            names = default_detectors(pack, text=config.text_detectors, streamed=streamed)
        options = config.rating_options or RatingOptions(random_state=config.seed)
        return cls(config, started_at, pack, gate, tuple(names), options, cleaned_name)


def run_pipeline(config: AuditConfig) -> AuditResult:
    """Run one audit as ``config`` says; every output goes into ``config.out_dir``."""
    plan = AuditPlan.of(config)
    pack, out = plan.pack, config.out_dir
    check_outputs(out, config.db_path)
    cache_writes: CacheWrites = {}
    # The report's figures are drawn by a worker forked now, warm long before the report stage.
    with FigureProcess() as figures, run_log(out) as logger, fewer_collections():
        progress = StageProgress(7 + len(plan.names), "audit", quiet=config.quiet)
        run = RunLog(logger, progress, config.on_stage)
        logger.info(
            "auditkit %s, rules %s, seed %d, inputs %s",
            *(__version__, pack.label, config.seed, list(config.paths)),
        )
        # The libraries of the stages after the load are imported while it reads (after the
        # figure worker's fork above), and all of them before the detectors run side by side.
        warm = WarmImports(after_load_imports(plan.names), background=_forks_none(config))
        try:
            with run.stage("load"):
                loaded = load_stage(config, pack, plan.names, logger, cache_writes)
        finally:
            warm.join()  # no thread left inside an import, whatever happens next
        warm.wait()
        battles = loaded.loaded.battles
        ledger = Ledger(config.db_path) if config.db_path is not None else None
        try:
            decisions = ledger.current_decisions() if ledger else {}
            detected = detect_stage(
                battles,
                pack,
                plan.names,
                seed=config.seed,
                named_by_caller=config.detectors is not None,
                streamed=loaded.streamed,
                ledger=ledger,
                use_cache=config.use_detector_cache,
                cache_writes=cache_writes,
                run=run,
            )
            with run.stage("clean"):
                cleaning = apply_policy(battles, list(detected.findings), pack, decisions)
                logger.info("%s", cleaning.summary())
            rated, summary = rate_and_report(plan, run, loaded, detected, cleaning, figures)
            recorded = _record(plan, ledger, loaded, cleaning, cache_writes)
            if ledger is not None:
                logger.info(
                    "ledger run %s: %d new invalidations",
                    *(recorded.run_id, recorded.new_invalidations),
                )
            mark_complete(out)
        finally:
            if ledger is not None:
                ledger.close()
            progress.close()
        logger.info("timings %s", run.timings)
    return AuditResult(
        out_dir=out,
        audit_summary=summary,
        leaderboard=rated.board,
        cleaning=cleaning,
        detector_results=detected.results,
        gate_reasons=summary.gate.reasons,
        timings=run.timings,
        run_id=recorded.run_id,
        new_ledger_invalidations=recorded.new_invalidations,
    )


def _forks_none(config: AuditConfig) -> bool:
    """Does the load fork no process (in memory, or the local engine)? See
    :mod:`auditkit.pipeline.warm`."""
    if config.engine is None or config.engine == "local":
        return True
    from auditkit.engine import LocalEngine

    return type(config.engine) is LocalEngine


def rate_and_report(
    plan: AuditPlan,
    run: RunLog,
    loaded: Loaded,
    detected: Detected,
    cleaning: CleaningResult,
    figures: FigureProcess | None = None,
    *,
    early: bool = True,
) -> tuple[Rated, AuditSummary]:
    """The stages after the cleaning: *outputs*, *ratings* and *robustness*, *write*, *report*.

    ``early`` (the audit's way): the cleaned battles are written (a second thread) and the
    figures that need no ratings drawn (the worker) from the *outputs* stage on, while the
    ratings are computed on this thread. Without it they start in the write stage, as before
    :func:`~auditkit.pipeline.outputs.start_outputs` (``bench/bench_outputs.py`` compares the
    two); the files are the same either way."""
    config, battles, out = plan.config, loaded.loaded.battles, plan.config.out_dir
    background = BackgroundWrite()
    with background.guard():
        started = None
        if early:
            with run.stage("outputs"):
                started = start_outputs(
                    *(out, plan.cleaned_name),
                    battles=battles,
                    results=detected.results,
                    cleaning=cleaning,
                    background=background,
                    figures=figures,
                )
        rated = rate_stage(
            *(battles, cleaning.keep, plan.pack, out),
            options=plan.options,
            seed=config.seed,
            selftest=config.selftest,
            detectors=plan.names,
            run=run,
        )
        summary = _report(
            *(plan, run, loaded, detected, cleaning, rated),
            figures=figures,
            background=background,
            early=started,
        )
    return rated, summary


def _report(
    plan: AuditPlan,
    run: RunLog,
    loaded: Loaded,
    detected: Detected,
    cleaning: CleaningResult,
    rated: Rated,
    *,
    background: BackgroundWrite,
    figures: FigureProcess | None = None,
    early: OutputsStart | None = None,
) -> AuditSummary:
    """The gate, the run folder's files (stage *write*) and the report (stage *report*).

    ``background`` writes the cleaned battles (started already when the *outputs* stage ran), and
    ``early`` holds the report's vote tables and figures that stage began
    (:func:`~auditkit.pipeline.outputs.start_outputs`)."""
    config, battles = plan.config, loaded.loaded.battles
    gate_reasons = plan.gate.evaluate(
        list(detected.findings),
        cleaning.n_invalidated,
        len(battles),
        quarantined=loaded.loaded.rows_quarantined,
        rows_read=loaded.loaded.rows_read,
    )
    # The cleaned battles are written on a second thread through both stages (the report does
    # not read them); the report stage ends by waiting for it (:mod:`auditkit.pipeline.background`).
    # The report's data is built, and its figures handed to the worker, as soon as the cleaned
    # battles are being written (``started``), so the figures are drawn while the files are.
    begin = partial(
        start_report,
        title=config.title or "Leaderboard integrity audit",
        battles=battles,
        results=detected.results,
        findings=detected.findings,
        cleaning=cleaning,
        board=rated.board,
        loaded=loaded.loaded,
        gate_reasons=gate_reasons,
        figures=figures,
        early=early,
    )
    started: list[ReportStart] = []
    with background.guard(), run.stage("write"):
        written = build_summary(
            started_at=plan.started_at,
            pack=plan.pack,
            seed=config.seed,
            inputs=loaded.inputs,
            names=plan.names,
            results=detected.results,
            findings=detected.findings,
            cleaning=cleaning,
            board=rated.board,
            loaded=loaded.loaded,
            gate=plan.gate,
            gate_reasons=gate_reasons,
            notes=(*loaded.notes, *detected.notes, *rated.notes),
            robustness=rated.robustness,
        )
        summary, diff = write_outputs(
            config.out_dir,
            cleaning=cleaning,
            cleaned_name=plan.cleaned_name,
            board=rated.board,
            findings=detected.findings,
            summary=written,
            previous_dir=config.previous_dir,
            background=background,
            started=lambda: started.append(begin(summary=written)),
        )
    with background.guard(), run.stage("report"):
        report_stage(config.out_dir, started[0] if started else begin(summary=summary), diff=diff)
        background.wait()
    return summary


def _record(
    plan: AuditPlan,
    ledger: Ledger | None,
    loaded: Loaded,
    cleaning: CleaningResult,
    cache_writes: CacheWrites,
) -> Recorded:
    """The run's row, its invalidations and the new detector-cache rows into the ledger."""
    config = plan.config
    record = RunRecord(
        kind=config.kind,
        started_at=plan.started_at,
        rule_pack_hash=plan.pack.content_hash,
        rule_pack_label=plan.pack.label,
        inputs=[dict(i) for i in loaded.inputs],
        seed=config.seed,
        auditkit_version=__version__,
        votes_loaded=len(loaded.loaded.battles),
        votes_invalidated=cleaning.n_invalidated,
        out_dir=str(config.out_dir),
    )
    return record_stage(
        ledger, record, cleaning, plan.pack, cache=cache_writes, seen_files=config.seen_files
    )
