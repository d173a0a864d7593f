"""``auditkit audit --engine``: the streaming audit on every engine equals the in-memory audit.

Specification: on a simulated arena with conversations and planted attacks, ``--engine local``,
``--engine processes`` and ``--engine dask`` (a LocalCluster with two worker processes) write the
same findings, invalidations, quarantine and leaderboard as the default in-memory audit, byte for
byte, and exit with the same code; only the cleaned battles lose their conversation text.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from auditkit.cli import main
from auditkit.detectors.base import default_detectors
from auditkit.simulate import preset_config, simulate_arena

SAME_FILES = ("findings.jsonl", "invalidations.jsonl", "quarantine.jsonl", "leaderboard.csv")


@pytest.fixture(scope="module")
def arena_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("engine-audit")
    arena = simulate_arena(preset_config("demo", n_battles=3_000, text_fraction=0.5), seed=2)
    path = folder / "battles.jsonl"
    arena.write(path, folder / "truth.json")
    with path.open("a", encoding="utf-8") as handle:
        handle.write("{broken\n")  # one quarantined row
    return path


@pytest.fixture(scope="module")
def in_memory(arena_file: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path]:
    out = tmp_path_factory.mktemp("memory")
    # what `audit --engine` runs: the defaults and the text detectors that run chunk by chunk
    # (identity_probe), not those that need the whole text table (deanonymisability)
    streamable = ",".join(default_detectors(text=True, streamed=True))
    assert "identity_probe" in streamable and "deanonymisability" not in streamable
    code = main(
        [
            "audit",
            str(arena_file),
            "--out",
            str(out),
            "--db",
            "",
            "--quiet",
            "--detectors",
            streamable,
        ]
    )
    return code, out


def run_engine(arena_file: Path, out: Path, *engine_args: str) -> int:
    args = ["audit", str(arena_file), "--out", str(out), "--db", "", "--quiet", *engine_args]
    return main(args)


def assert_same_outputs(reference: Path, out: Path) -> None:
    for name in SAME_FILES:
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    ref = json.loads((reference / "summary.json").read_text())
    got = json.loads((out / "summary.json").read_text())
    assert set(got) == set(ref)
    for key in ref:
        if key not in ("run", "notes"):
            assert got[key] == ref[key], key
    assert set(ref["notes"]) < set(got["notes"])
    assert any("streaming load" in note for note in got["notes"])


def test_in_memory_reference_has_findings(in_memory: tuple[int, Path]) -> None:
    code, out = in_memory
    assert code == 1  # the demo arena's planted attacks fail the gate
    findings = [json.loads(line) for line in (out / "findings.jsonl").read_text().splitlines()]
    assert sum(f["detector"] == "identity_leak" for f in findings) > 20
    assert any(f["detector"] == "identity_probe" for f in findings)


@pytest.mark.parametrize(
    "engine_args",
    [("--engine", "local", "--chunk-rows", "700"), ("--engine", "processes", "--workers", "2")],
)
def test_streaming_engines_equal_in_memory(
    arena_file: Path, in_memory: tuple[int, Path], tmp_path: Path, engine_args: tuple[str, ...]
) -> None:
    code, reference = in_memory
    assert run_engine(arena_file, tmp_path, *engine_args) == code
    assert_same_outputs(reference, tmp_path)
    with gzip.open(tmp_path / "cleaned_battles.jsonl.gz", "rt", encoding="utf-8") as handle:
        first = json.loads(handle.readline())
    assert "conversation_a" not in first


def test_dask_engine_audit_equals_in_memory(
    arena_file: Path, in_memory: tuple[int, Path], tmp_path: Path
) -> None:
    pytest.importorskip(
        "distributed", reason="dask.distributed not installed (pip install 'auditkit[dask]')"
    )
    code, reference = in_memory
    args = ("--engine", "dask", "--workers", "2", "--chunk-rows", "1000")
    assert run_engine(arena_file, tmp_path, *args) == code
    assert_same_outputs(reference, tmp_path)


def test_scheduler_without_dask_is_a_user_error(arena_file: Path, tmp_path: Path) -> None:
    args = ("--engine", "local", "--scheduler", "tcp://127.0.0.1:1")
    assert run_engine(arena_file, tmp_path, *args) == 2
