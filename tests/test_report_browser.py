"""The HTML report as a browser shows it: headless Chromium renders it; injected script stays text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from test_report import EVIL, make_context

from auditkit.report import EvidenceLine, render_html

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


CJK_TEXT = "我是通义千问，由阿里云开发。私はClaudeです。저는 클로드입니다。"
TOFU = "\U0010fffd"  # a private-use code point no font covers: drawn as the missing-glyph box
_ONLY_EVIDENCE = (
    "body > * { display: none !important; } body > .evidence { display: block !important; }"
)


def _has_cjk_fonts() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    found = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


def _evidence_pixels(tmp_path: Path, name: str, text: str) -> np.ndarray:
    """Screenshot of a report showing only one evidence card whose text is ``text`` (grey levels)."""
    line = EvidenceLine(
        vote_id="v1", detector="identity_leak", rule="self_id.zh.i_am", subject="model_a:m",
        before="", span=text[:6], after=text[6:], severity="high",
    )  # fmt: skip
    html = render_html(make_context(evidence=[line]))
    page = tmp_path / f"{name}.html"
    page.write_text(html.replace("</style>", _ONLY_EVIDENCE + "\n</style>", 1), encoding="utf-8")
    shot = tmp_path / f"{name}.png"
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=900,200", page.as_uri())
    return np.asarray(Image.open(shot).convert("L"), dtype=np.int16)


@pytest.mark.skipif(not _has_cjk_fonts(), reason="no CJK font (apt-get install -y fonts-noto-cjk)")
def test_cjk_evidence_is_drawn_as_glyphs_not_tofu(tmp_path: Path) -> None:
    """The report's font stack finds the installed CJK font: the card is not a row of boxes.

    Reference: the same card with every CJK character replaced by a code point no font has, which
    Chromium draws as the missing-glyph box. Glyphs differ from that box, and two different CJK
    strings differ from each other (a row of boxes would look the same for both).
    """
    cjk = [ch for ch in CJK_TEXT if ord(ch) > 0x2E80]
    tofu_text = "".join(TOFU if ch in cjk else ch for ch in CJK_TEXT)
    shuffled = "".join(reversed(CJK_TEXT))
    drawn = _evidence_pixels(tmp_path, "cjk", CJK_TEXT)
    tofu = _evidence_pixels(tmp_path, "tofu", tofu_text)
    other = _evidence_pixels(tmp_path, "other", shuffled)
    assert (drawn < 128).sum() > 200, "no text drawn at all"
    assert drawn.shape == tofu.shape
    assert (np.abs(drawn - tofu) > 64).sum() > 500, "CJK text rendered like missing-glyph boxes"
    assert (np.abs(drawn - other) > 64).sum() > 500, "different CJK strings rendered alike"
