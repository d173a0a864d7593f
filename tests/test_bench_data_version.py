"""The scale benchmark never measures a cache written by other code: shard names carry a digest of
the simulator, the JSON Lines writer and the shard maker (``bench/bench_scale.data_version``)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

import bench_scale  # noqa: E402


@pytest.fixture
def repo_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    shutil.copytree(REPO / "auditkit" / "simulate", tmp_path / "auditkit" / "simulate")
    (tmp_path / "auditkit" / "io").mkdir()
    shutil.copy(REPO / "auditkit" / "io" / "writer.py", tmp_path / "auditkit" / "io")
    monkeypatch.setattr(bench_scale, "REPO", tmp_path)
    bench_scale.data_version.cache_clear()
    yield tmp_path
    bench_scale.data_version.cache_clear()


def names(workdir: Path) -> str:
    bench_scale.data_version.cache_clear()
    return bench_scale.shard_path(workdir, 1_000_000, 0.1, 0).name


@pytest.mark.parametrize("changed", ["auditkit/simulate/people.py", "auditkit/io/writer.py"])
def test_a_change_to_the_code_that_writes_shards_renames_them(
    repo_copy: Path, tmp_path: Path, changed: str
) -> None:
    before = names(tmp_path)
    assert before.startswith("arena2-1M-text0.1-000-") and before.endswith(".jsonl")
    assert names(tmp_path) == before  # the same code, the same cache
    with (repo_copy / changed).open("a") as handle:
        handle.write("\n# a new field\n")
    assert names(tmp_path) != before
