"""A local streamed load fingerprints each chunk's prompts where the chunk is normalised.

Specification: :class:`~auditkit.streaming.BattleChunkStream` with ``fingerprint`` yields the
chunks of one without it with ``prompt`` replaced by its fingerprint columns at the same place
(exactly what :func:`~auditkit.streaming.text_free_chunk` would make of it later); with
``read_ahead`` the fingerprints are computed on the read-ahead thread, not on the thread that
scans. ``stream_battles`` on the local engine does so and its table, quarantine and identity
result equal those of a stream that fingerprints where the scan runs (as a worker process does).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pandas as pd
import pytest

import auditkit.engine.scan as scan
import auditkit.prompts as prompts
import auditkit.streaming as streaming
from auditkit.rules import RulePack
from auditkit.simulate import IdentityLeak, preset_config, simulate_arena
from auditkit.streaming import BattleChunkStream, stream_battles, text_free_chunk


@pytest.fixture(scope="module")
def log_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A simulated log with text on some rows, a broken line and a repeated id."""
    folder = tmp_path_factory.mktemp("fingerprint-ahead")
    config = preset_config(
        "clean",
        n_battles=700,
        text_fraction=0.5,
        attacks=(IdentityLeak(model="qwen2-72b-instruct", rate=0.5),),
    )
    path = folder / "battles.jsonl"
    simulate_arena(config, seed=11).write(path, folder / "truth.json")
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        record.pop("category_tag", None)  # so the conversations travel as Arrow
        lines.append(json.dumps(record))
    lines.insert(4, "{broken")
    lines.insert(200, lines[10])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("read_ahead", [False, True])
def test_fingerprinted_chunks_are_the_text_free_chunks_of_plain_ones(
    log_file: Path, read_ahead: bool
) -> None:
    def chunks(fingerprint: bool) -> list[streaming.BattleChunk]:
        stream = BattleChunkStream(
            [log_file],
            chunk_rows=150,
            arrow_text=True,
            read_ahead=read_ahead,
            fingerprint=fingerprint,
        )
        return list(stream)

    plain, fingerprinted = chunks(False), chunks(True)
    assert len(plain) == len(fingerprinted) > 3
    assert any("prompt" in c.frame.columns for c in plain)
    for one, other in zip(plain, fingerprinted, strict=True):
        assert (one.index, one.rows_read, one.quarantine) == (
            other.index,
            other.rows_read,
            other.quarantine,
        )
        assert "prompt" not in other.frame.columns
        pd.testing.assert_frame_equal(
            text_free_chunk(one.frame, keep_prompt=True),
            text_free_chunk(other.frame, keep_prompt=True),
        )


def test_the_local_stream_fingerprints_on_the_read_ahead_thread(
    log_file: Path, default_rules: RulePack, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[str] = []
    fingerprints = prompts.prompt_fingerprints

    def recorded(values: pd.Series) -> pd.DataFrame:
        threads.append(threading.current_thread().name)
        return fingerprints(values)

    monkeypatch.setattr(prompts, "prompt_fingerprints", recorded)
    monkeypatch.setattr(scan, "prompt_fingerprints", recorded)
    ahead = stream_battles([log_file], rules=default_rules, chunk_rows=150)
    assert threads and all(name.startswith("auditkit-read-ahead") for name in threads)

    # Fingerprinted where the scan runs (what a worker process does): the same load and result.
    monkeypatch.setattr(streaming, "_fingerprinted", lambda chunks: chunks)
    threads.clear()
    in_scan = stream_battles([log_file], rules=default_rules, chunk_rows=150)
    assert threads and threading.current_thread().name in threads
    pd.testing.assert_frame_equal(ahead.battles.frame, in_scan.battles.frame)
    assert ahead.load.quarantine == in_scan.load.quarantine
    assert ahead.identity is not None and in_scan.identity is not None
    assert len(ahead.identity.findings) > 3
    assert ahead.identity.to_json() == in_scan.identity.to_json()
