"""Engines: the identity scan cut into chunks and run anywhere gives the detector's exact result.

Specification: on a simulated arena with conversations (planted identity leaks, non-anonymous
rows), ``merge_identity_results`` of per-chunk scans equals ``IdentityLeakDetector.detect`` on the
whole table — findings, their order, summary and notes — for any chunking and on every engine:
this process, a local process pool, and a Dask ``LocalCluster(n_workers=2, processes=True,
threads_per_worker=1)``.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from auditkit.detectors.base import DetectorResult
from auditkit.detectors.identity import IdentityLeakDetector
from auditkit.engine import (
    SCAN_COLUMNS,
    Engine,
    LocalEngine,
    ProcessEngine,
    make_engine,
    merge_identity_results,
    scan_all,
    scan_frame,
    scan_identity_chunk,
)
from auditkit.errors import InputError
from auditkit.rules import RulePack
from auditkit.schema import BattleTable
from auditkit.simulate import IdentityLeak, preset_config, simulate_arena


@pytest.fixture(scope="module")
def arena_battles() -> BattleTable:
    # 3,000 battles, all with text; two planted leakers on top of the natural leak rate.
    config = preset_config(
        "clean",
        n_battles=3_000,
        text_fraction=1.0,
        attacks=(
            IdentityLeak(model="qwen2-72b-instruct", rate=0.5),
            IdentityLeak(model="yi-large", rate=0.3),
        ),
    )
    return simulate_arena(config, seed=11).battles


@pytest.fixture(scope="module")
def reference(arena_battles: BattleTable, default_rules: RulePack) -> DetectorResult:
    return IdentityLeakDetector().detect(arena_battles, default_rules)


def chunks_of(frame: pd.DataFrame, size: int) -> Iterator[pd.DataFrame]:
    for start in range(0, len(frame), size):
        yield frame.iloc[start : start + size]


def test_reference_is_not_trivial(reference: DetectorResult, arena_battles: BattleTable) -> None:
    # The equality tests below mean something only if there are findings and skipped rows.
    assert len(reference.findings) >= 100
    assert reference.summary["anonymous_rows"] < reference.summary["rows"] == len(arena_battles)
    assert reference.notes and "non-anonymous" in reference.notes[0]


@pytest.mark.parametrize("size", [1, 97, 1_000, 10_000])
def test_merged_chunks_equal_the_whole_table(
    arena_battles: BattleTable, default_rules: RulePack, reference: DetectorResult, size: int
) -> None:
    parts = (scan_identity_chunk(c, default_rules) for c in chunks_of(arena_battles.frame, size))
    merged = merge_identity_results(parts)
    assert merged.findings == reference.findings
    assert merged.to_json() == reference.to_json()


def test_scan_needs_only_the_scan_columns(
    arena_battles: BattleTable, default_rules: RulePack, reference: DetectorResult
) -> None:
    slim = scan_frame(arena_battles.frame)
    assert tuple(slim.columns) == SCAN_COLUMNS
    assert scan_identity_chunk(slim, default_rules).to_json() == reference.to_json()


def test_local_engine_equals_detector(
    arena_battles: BattleTable, default_rules: RulePack, reference: DetectorResult
) -> None:
    engine = LocalEngine()
    assert isinstance(engine, Engine)
    result = scan_all(engine, chunks_of(arena_battles.frame, 500), default_rules)
    assert result.to_json() == reference.to_json()


def test_process_engine_equals_local(
    arena_battles: BattleTable, default_rules: RulePack, reference: DetectorResult
) -> None:
    with ProcessEngine(workers=2, max_pending=2) as engine:
        parts = list(engine.map_scan(chunks_of(arena_battles.frame, 700), default_rules))
    assert len(parts) == 5  # one partial result per chunk, in chunk order
    assert [p.summary["rows"] for p in parts] == [700, 700, 700, 700, 200]
    assert merge_identity_results(parts).to_json() == reference.to_json()


def test_dask_engine_equals_local(
    arena_battles: BattleTable,
    default_rules: RulePack,
    reference: DetectorResult,
    dask_client: Any,
) -> None:
    from auditkit.engine import DaskEngine

    engine = DaskEngine(client=dask_client, max_pending=3)
    parts = list(engine.map_scan(chunks_of(arena_battles.frame, 400), default_rules))
    assert "2 workers" in engine.describe()
    engine.close()  # a borrowed client stays open
    assert dask_client.status == "running"
    assert [p.summary["rows"] for p in parts] == [400] * 7 + [200]
    merged = merge_identity_results(parts)
    assert merged.findings == reference.findings
    assert merged.to_json() == reference.to_json()


def test_partial_results_pickle(arena_battles: BattleTable, default_rules: RulePack) -> None:
    part = scan_identity_chunk(arena_battles.frame.iloc[:300], default_rules)
    assert pickle.loads(pickle.dumps(part)).to_json() == part.to_json()
    assert pickle.loads(pickle.dumps(default_rules)).content_hash == default_rules.content_hash


def test_merge_without_text_says_the_scan_did_not_run(default_rules: RulePack) -> None:
    frame = BattleTable.from_records(
        [{"model_a": "a", "model_b": "b", "winner": "model_a"}] * 3
    ).frame
    table = BattleTable(frame=frame)
    parts = [IdentityLeakDetector().detect(table, default_rules) for _ in range(2)]
    merged = merge_identity_results(parts)
    assert merged.summary == {"rows": 6, "ran": False}
    assert merged.findings == ()
    assert merged.notes == parts[0].notes and "could not run" in merged.notes[0]


def test_chunk_without_text_columns_is_scanned_as_rows_without_text(
    arena_battles: BattleTable, default_rules: RulePack
) -> None:
    frame = arena_battles.frame.iloc[:50]
    empty = frame.assign(conversation_a=None, conversation_b=None)
    without = scan_identity_chunk(
        frame.drop(columns=["conversation_a", "conversation_b"]), default_rules
    )
    assert without.to_json() == scan_identity_chunk(empty, default_rules).to_json()
    assert without.summary["ran"] is True and without.summary["responses_scanned"] == 0


def test_chunk_with_no_text_row_gives_the_same_summary_keys_and_merges_exactly(
    arena_battles: BattleTable, default_rules: RulePack
) -> None:
    """A chunk none of whose rows has text skips the reading entirely; what it reports (its
    counts, the same keys as a chunk with text) merges into what the whole table gives."""
    frame = arena_battles.frame.iloc[:80].reset_index(drop=True)
    textless = frame.iloc[:40].assign(conversation_a=None, conversation_b=None)
    rest = frame.iloc[40:]
    empty = scan_identity_chunk(textless, default_rules)
    with_text = scan_identity_chunk(rest, default_rules)
    assert set(empty.summary) == set(with_text.summary)
    assert empty.findings == ()
    assert empty.summary["rows"] == 40 and empty.summary["responses_scanned"] == 0
    assert empty.summary["anonymous_rows"] == int(textless["anony"].sum())
    whole = pd.concat([textless, rest], ignore_index=True)
    merged = merge_identity_results([empty, with_text])
    assert merged.to_json() == scan_identity_chunk(whole, default_rules).to_json()


def test_merge_refuses_another_detector() -> None:
    with pytest.raises(ValueError, match="voter_anomaly"):
        merge_identity_results([DetectorResult("voter_anomaly")])


def test_make_engine_names() -> None:
    assert make_engine("local").name == "local"
    engine = make_engine("processes", workers=3)
    assert isinstance(engine, ProcessEngine) and engine.workers == 3
    with pytest.raises(InputError, match="unknown engine 'spark'"):
        make_engine("spark")
    with pytest.raises(InputError, match="--scheduler needs --engine dask"):
        make_engine("local", scheduler="tcp://127.0.0.1:8786")
