"""Content fingerprints of whole-audit outputs, the guard that a refactor changes no result.

A *case* is one input audited one way (in memory, or streamed on an engine). Its fingerprint is the
sha256 of each output a user or ``auditkit diff`` reads: ``invalidations.jsonl``, ``findings.jsonl``,
``leaderboard.csv``, ``summary.json`` and the cleaned battles. Only what legitimately differs between
two runs of the same audit is normalised away: the run's start time, the input's folder (the file
name and content hash stay) and the gzip/Parquet container (the decoded content is hashed).

``python tests/golden_outputs.py record [CASE ...]`` rewrites ``tests/data/golden/outputs.json``.
Record only when a change of results is intended, and say why in the commit message.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
REAL_DATA_DIR = REPO_ROOT.parent / "shared" / "data" / "real"
FIXTURE = REPO_ROOT / "tests" / "data" / "golden" / "outputs.json"
COMPARED = ("invalidations.jsonl", "findings.jsonl", "leaderboard.csv", "summary.json")


@dataclass(frozen=True)
class Case:
    """One audit of one input: where the input comes from and how it is run."""

    name: str
    source: str  # "demo" (simulated, seed 0) or a file name under ../shared/data/real
    engine: str | None = None
    with_text_detectors: bool = False
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def real(self) -> bool:
        return self.source != "demo"


CASES: tuple[Case, ...] = (
    Case("demo-memory", "demo", with_text_detectors=True),
    Case("demo-local", "demo", engine="local"),
    Case("demo-processes", "demo", engine="processes", options={"workers": 2}),
    Case("demo-dask", "demo", engine="dask", options={"workers": 2}),
    Case("genai-memory", "genai_arena_clean_battle_20240220.jsonl.gz"),
    Case("genai-local", "genai_arena_clean_battle_20240220.jsonl.gz", engine="local"),
    Case("hp140k-memory", "arena_hp140k_votes_meta.jsonl.gz"),
    Case("hp140k-local", "arena_hp140k_votes_meta.jsonl.gz", engine="local"),
)
CASES_BY_NAME = {case.name: case for case in CASES}


def demo_input(folder: Path) -> Path:
    """The demo arena (``auditkit demo``'s preset, seed 0) written as gzipped JSON Lines."""
    from auditkit.simulate import preset_config, simulate_arena

    path = folder / "battles.jsonl.gz"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        simulate_arena(preset_config("demo"), seed=0).write(path, folder / "truth.json")
    return path


def run_case(case: Case, work: Path) -> Path:
    """Audit ``case`` into ``work/<case name>`` with the default rule pack; return that folder."""
    from auditkit.audit import DEFAULT_DETECTORS, TEXT_DETECTORS, run_audit

    source = (
        demo_input(work / "demo-input") if case.source == "demo" else REAL_DATA_DIR / case.source
    )
    out = work / case.name
    detectors = [*DEFAULT_DETECTORS, *TEXT_DETECTORS] if case.with_text_detectors else None
    run_audit(
        [source],
        rules=REPO_ROOT / "rules",
        out_dir=out,
        db_path=out / "auditkit.db",
        seed=0,
        quiet=True,
        detectors=detectors,
        engine=case.engine,
        **case.options,
    )
    return out


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _summary_digest(path: Path) -> str:
    summary = json.loads(path.read_text(encoding="utf-8"))
    summary["run"].pop("started_at", None)
    for entry in summary["run"].get("inputs", []):
        entry["path"] = Path(entry["path"]).name
    return _sha256(json.dumps(summary, sort_keys=True).encode())


def _cleaned_digest(out: Path) -> str:
    gz = out / "cleaned_battles.jsonl.gz"
    if gz.exists():
        return _sha256(gzip.decompress(gz.read_bytes()))
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(out / "cleaned_battles.parquet").replace_schema_metadata(None)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return _sha256(sink.getvalue().to_pybytes())


def fingerprint(out: Path) -> dict[str, str]:
    """Content hash of each compared output in an audit folder."""
    digests: dict[str, Callable[[], str]] = {
        "invalidations.jsonl": lambda: _sha256((out / "invalidations.jsonl").read_bytes()),
        "findings.jsonl": lambda: _sha256((out / "findings.jsonl").read_bytes()),
        "leaderboard.csv": lambda: _sha256((out / "leaderboard.csv").read_bytes()),
        "summary.json": lambda: _summary_digest(out / "summary.json"),
        "cleaned_battles": lambda: _cleaned_digest(out),
    }
    return {name: digest() for name, digest in digests.items()}


def recorded() -> dict[str, dict[str, str]]:
    result: dict[str, dict[str, str]] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return result


def record(names: list[str], work: Path) -> None:
    """Re-run the named cases (all by default) and store their fingerprints."""
    stored = recorded() if FIXTURE.exists() else {}
    for name in names or list(CASES_BY_NAME):
        stored[name] = fingerprint(run_case(CASES_BY_NAME[name], work))
        print(f"{name}: recorded")
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    import tempfile

    if len(sys.argv) < 2 or sys.argv[1] != "record":
        sys.exit("usage: python tests/golden_outputs.py record [CASE ...]")
    with tempfile.TemporaryDirectory() as tmp:
        record(sys.argv[2:], Path(tmp))
