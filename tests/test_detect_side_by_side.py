"""The detect stage runs auditkit's detectors side by side on threads; no result depends on it.

Results, notes and timings come in plan order whatever order the threads end in; a detector from
outside auditkit runs on the calling thread; a detector's error reaches the caller.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Any, ClassVar

import pytest

from auditkit.detectors import base
from auditkit.detectors.base import Detector, DetectorResult
from auditkit.detectors.sampling import SamplingDetector
from auditkit.pipeline.detect import Detected, detect_stage
from auditkit.pipeline.stage import RunLog
from auditkit.progress import StageProgress
from auditkit.rulepack import RulePack
from auditkit.rules import load_rules
from auditkit.schema import BattleTable
from auditkit.simulate import preset_config, simulate_arena

RULES = Path(__file__).resolve().parents[1] / "rules"
NAMES = ("voter_anomaly", "sampling", "prompt_dedup", "population_shift")


@pytest.fixture(scope="module")
def arena() -> BattleTable:
    return simulate_arena(
        preset_config("attacks", n_battles=12_000, text_fraction=0.0), seed=5
    ).battles


@pytest.fixture(scope="module")
def rules() -> RulePack:
    return load_rules(RULES)


def _detect(
    battles: BattleTable, rules: RulePack, names: tuple[str, ...], threads: int | None
) -> tuple[Detected, list[str], dict[str, float]]:
    reported: list[str] = []
    run = RunLog(
        logging.getLogger("test-detect-side-by-side"),
        StageProgress(len(names), "test", quiet=True),
        lambda name, seconds: reported.append(name),
    )
    detected = detect_stage(
        battles,
        rules,
        names,
        seed=11,
        named_by_caller=True,
        streamed={},
        ledger=None,
        use_cache=False,
        cache_writes={},
        run=run,
        threads=threads,
    )
    return detected, reported, run.timings


def _as_json(result: DetectorResult) -> str:
    return json.dumps(
        {
            "findings": [f.to_dict() for f in result.findings],
            "summary": result.summary,
            "notes": list(result.notes),
        },
        sort_keys=True,
        default=str,
    )


def _sampling_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the threads the sampling detector runs on, from now on."""
    names: list[str] = []
    plain_detect = SamplingDetector.detect

    def recording_detect(self: SamplingDetector, battles: BattleTable, rules: RulePack) -> Any:
        names.append(threading.current_thread().name)
        return plain_detect(self, battles, rules)

    monkeypatch.setattr(SamplingDetector, "detect", recording_detect)
    return names


def test_side_by_side_gives_what_one_after_the_other_gives_in_plan_order(
    arena: BattleTable, rules: RulePack
) -> None:
    alone, alone_reported, _ = _detect(arena, rules, NAMES, threads=1)
    together, reported, timings = _detect(arena, rules, NAMES, threads=2)

    assert [r.detector for r in together.results] == list(NAMES)
    assert [_as_json(r) for r in together.results] == [_as_json(r) for r in alone.results]
    assert together.findings == alone.findings
    assert together.notes == alone.notes
    assert any(f.vote_id is not None for f in together.findings), "attacks must flag votes"
    # Every detector reported once, as its own stage, in plan order.
    assert reported == alone_reported == list(NAMES)
    assert list(timings) == list(NAMES)
    assert all(seconds >= 0.0 for seconds in timings.values())


class _Recorder(Detector):
    """A detector from outside auditkit's package: notes the thread it ran on."""

    name = "test_thread_recorder"
    description = "records its thread"
    default = False
    threads: ClassVar[list[str]] = []

    def detect(self, battles: BattleTable, rules: RulePack) -> DetectorResult:
        self.threads.append(threading.current_thread().name)
        return DetectorResult(self.name, summary={"rows": len(battles)})


def test_a_detector_from_outside_auditkit_runs_on_the_calling_thread(
    arena: BattleTable, rules: RulePack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(base, "_REGISTRY", dict(base._REGISTRY))
    base.register(_Recorder)
    sampling_threads = _sampling_threads(monkeypatch)
    monkeypatch.setattr(_Recorder, "threads", [])

    detected, reported, _ = _detect(
        arena, rules, ("sampling", "test_thread_recorder", "prompt_dedup"), threads=2
    )

    assert _Recorder.threads == [threading.current_thread().name]
    assert len(sampling_threads) == 1 and sampling_threads[0].startswith("auditkit-detect")
    assert [r.detector for r in detected.results] == [
        "sampling",
        "test_thread_recorder",
        "prompt_dedup",
    ]
    assert detected.results[1].summary == {"rows": len(arena)}
    assert reported == ["sampling", "test_thread_recorder", "prompt_dedup"]


def test_an_error_on_a_worker_thread_reaches_the_caller(
    arena: BattleTable, rules: RulePack, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: SamplingDetector, battles: BattleTable, rules: RulePack) -> Any:
        raise RuntimeError("sampling broke")

    monkeypatch.setattr(SamplingDetector, "detect", broken)
    with pytest.raises(RuntimeError, match="sampling broke"):
        _detect(arena, rules, ("prompt_dedup", "sampling"), threads=2)


def test_an_unknown_detector_named_by_the_caller_is_refused_before_any_runs(
    arena: BattleTable, rules: RulePack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditkit.errors import InputError

    ran = _sampling_threads(monkeypatch)
    with pytest.raises(InputError, match="no_such_detector"):
        _detect(arena, rules, ("sampling", "no_such_detector"), threads=2)
    assert ran == []  # not even the detector named before it


def test_above_the_size_limit_the_detectors_run_one_after_the_other(
    arena: BattleTable, rules: RulePack, monkeypatch: pytest.MonkeyPatch
) -> None:
    import auditkit.pipeline.detect as detect

    threads = _sampling_threads(monkeypatch)
    monkeypatch.setattr(detect, "SIDE_BY_SIDE_MAX_ROWS", len(arena) - 1)
    _, reported, _ = _detect(arena, rules, ("prompt_dedup", "sampling"), threads=None)
    assert threads == [threading.current_thread().name]
    assert reported == ["prompt_dedup", "sampling"]
