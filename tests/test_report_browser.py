"""The HTML report as a browser shows it: headless Chromium renders it; injected script stays text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from test_report import EVIL, make_context

from auditkit.report import render_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="headless chromium not installed (apt-get install -y chromium)",
    ),
]

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def _chromium(tmp_path: Path, *args: str) -> str:
    assert CHROMIUM is not None
    completed = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed.stdout


def test_report_renders_in_chromium_and_injected_script_is_inert(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_html(make_context()), encoding="utf-8")
    dom = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert "<title>Test audit</title>" in dom, "the injected script would have changed the title"
    assert "pwned" not in dom.split("</title>")[0]
    assert '&lt;script&gt;document.title="pwned"&lt;/script&gt;' in dom
    assert EVIL not in dom  # never present as live markup
    assert "Gate failed" in dom
    assert "<mark>an OpenAI model</mark>" in dom
    shot = tmp_path / "report.png"
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1100,2400", page.as_uri())
    assert shot.is_file() and shot.stat().st_size > 10_000
