"""``auditkit demo``: simulate the demo arena, audit it, point at the report, exit 0 despite findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditkit.cli import main

pytest.importorskip("auditkit.simulate", reason="simulator not available")


@pytest.mark.slow
def test_demo_writes_a_full_report_and_exits_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert f"open in a browser: file://{(out / 'report.html').resolve()}" in printed
    for name in ("report.html", "summary.json", "invalidations.jsonl", "leaderboard.csv"):
        assert (out / name).is_file(), name
    assert (out / "input" / "truth.json").is_file()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["invalidations"]["votes_invalidated"] > 0
    assert summary["gate"]["failed"]  # the demo has findings, yet exits 0
