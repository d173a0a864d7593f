"""Specification of ``auditkit.gcscope.fewer_collections``: fewer young collections inside the
block, the caller's thresholds back afterwards, whatever happens inside."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditkit.gcscope import YOUNG_THRESHOLD, fewer_collections


@pytest.fixture(autouse=True)
def default_thresholds() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_the_young_threshold_is_raised_inside_and_restored_after() -> None:
    with fewer_collections(50_000):
        assert gc.get_threshold() == (50_000, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_thresholds_are_restored_when_the_block_raises() -> None:
    with pytest.raises(RuntimeError), fewer_collections(50_000):
        raise RuntimeError("boom")
    assert gc.get_threshold() == (700, 10, 10)


def test_nested_blocks_restore_once_at_the_outermost_exit() -> None:
    with fewer_collections(50_000):
        with fewer_collections(80_000):
            assert gc.get_threshold() == (50_000, 10, 10)
        assert gc.get_threshold() == (50_000, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_concurrent_blocks_share_one_raise() -> None:
    inside, release = threading.Event(), threading.Event()

    def other() -> None:
        with fewer_collections(50_000):
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other)
    thread.start()
    inside.wait(5)
    with fewer_collections(50_000):
        pass
    assert gc.get_threshold() == (50_000, 10, 10)  # the other block is still running
    release.set()
    thread.join(5)
    assert gc.get_threshold() == (700, 10, 10)


def test_a_caller_who_switched_collection_off_or_set_a_higher_threshold_is_left_alone() -> None:
    gc.set_threshold(0)
    with fewer_collections(50_000):
        assert gc.get_threshold()[0] == 0
    gc.set_threshold(200_000, 10, 10)
    with fewer_collections(50_000):
        assert gc.get_threshold() == (200_000, 10, 10)
    assert gc.get_threshold() == (200_000, 10, 10)


def test_an_audit_collects_less_often_while_it_runs_and_restores_the_thresholds(
    tmp_path: Path,
) -> None:
    from auditkit.audit import run_audit
    from auditkit.simulate import preset_config, simulate_arena

    path = tmp_path / "battles.jsonl"
    simulate_arena(preset_config("clean", n_battles=600, text_fraction=0.1), seed=3).write(
        path, tmp_path / "truth.json"
    )
    seen: list[tuple[int, ...]] = []
    run_audit(
        [path],
        out_dir=tmp_path / "out",
        db_path=None,
        quiet=True,
        on_stage=lambda name, seconds: seen.append(gc.get_threshold()),
    )
    assert seen and all(t[0] == YOUNG_THRESHOLD for t in seen)
    assert gc.get_threshold() == (700, 10, 10)
