"""Stage *detect*: every requested detector on the battle table → typed findings.

A detector that already ran while the input streamed keeps that result; a per-vote detector with
the ledger's cache (nightly) scans only the votes it has not judged under this rule pack.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from auditkit.detectors.base import DetectorResult, Finding, get_detector
from auditkit.errors import InputError
from auditkit.pipeline.cache import CacheWrites, detect_with_cache

if TYPE_CHECKING:
    from auditkit.ledger import Ledger
    from auditkit.pipeline.stage import RunLog
    from auditkit.rulepack import RulePack
    from auditkit.schema import BattleTable

__all__ = ["Detected", "detect_stage"]


@dataclass(frozen=True)
class Detected:
    """Each detector's result (in run order), all findings in one sorted list, their notes."""

    results: tuple[DetectorResult, ...]
    findings: tuple[Finding, ...]
    notes: tuple[str, ...]


def detect_stage(
    battles: BattleTable,
    pack: RulePack,
    names: Sequence[str],
    *,
    seed: int,
    named_by_caller: bool,
    streamed: Mapping[str, DetectorResult],
    ledger: Ledger | None,
    use_cache: bool,
    cache_writes: CacheWrites,
    run: RunLog,
) -> Detected:
    """Run ``names`` in order, each as its own timed stage.

    A name no installed detector has is an input error when the caller named it
    (``named_by_caller``), else a "not installed" result and a note.
    """
    results: list[DetectorResult] = []
    notes: list[str] = []
    for name in names:
        with run.stage(name):
            try:
                detector_cls = get_detector(name)
            except KeyError:
                if named_by_caller:
                    raise InputError(f"unknown detector {name!r}") from None
                notes.append(f"detector {name} is not installed; it did not run")
                run.log.warning("detector %s not available", name)
                results.append(
                    DetectorResult(name, summary={"ran": False, "not_run_reason": "not installed"})
                )
                continue
            detector = detector_cls(random_state=seed)
            if name in streamed:
                result = streamed[name]
            elif use_cache and ledger is not None and detector_cls.per_vote:
                result = detect_with_cache(detector, name, battles, pack, ledger, cache_writes)
            else:
                result = detector.detect(battles, pack)
            results.append(result)
            notes.extend(f"{name}: {n}" for n in result.notes)
            run.log.info("%s", result.summary_text())
    findings = sorted(
        (f for r in results for f in r.findings),
        key=lambda f: (f.detector, f.rule, f.subject, f.vote_id or "", f.finding_id),
    )
    return Detected(tuple(results), tuple(findings), tuple(notes))
