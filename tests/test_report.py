"""The HTML/Markdown report: self-contained, every untrusted string escaped, evidence span marked."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from auditkit.report import EvidenceLine, ReportContext, render_html, render_markdown, split_span
from auditkit.report.markdown import md_escape
from auditkit.report.plots import plain_label

EVIL = '<script>document.title="pwned"</script>'


def make_context(**overrides: object) -> ReportContext:
    models = ["gpt-4o", "claude-3", EVIL, "cost$1$"]
    board = pd.DataFrame(
        {
            "model": models,
            "rating_before": [1100.0, 1050.0, 1000.0, 950.0],
            "ci_before_lower": [1090.0, 1040.0, 990.0, 940.0],
            "ci_before_upper": [1110.0, 1060.0, 1010.0, 960.0],
            "rank_before": pd.array([1, 2, 3, 4], dtype="Int64"),
            "rating_after": [1080.0, 1052.0, 1001.0, 951.0],
            "ci_after_lower": [1070.0, 1042.0, 991.0, 941.0],
            "ci_after_upper": [1089.5, 1062.0, 1011.0, 961.0],
            "rank_after": pd.array([1, 2, 3, 4], dtype="Int64"),
            "battles_before": pd.array([100, 90, 80, 70], dtype="Int64"),
            "battles_after": pd.array([90, 90, 80, 70], dtype="Int64"),
            "change_significant": [True, False, False, False],
        }
    )
    pairs = pd.DataFrame(np.array([[0, 5, 3, 1], [5, 0, 2, 2], [3, 2, 0, 4], [1, 2, 4, 0]]))
    pairs.index = pairs.columns = models
    context = ReportContext(
        title="Test audit",
        verdict="Gate failed — do not publish as is: 3 findings at or above high.",
        verdict_level="gate",
        run={"started_at": "2026-01-01T00:00:00Z", "rule_pack": "p@1#abc", "seed": 0},
        leaderboard=board,
        pair_counts=pairs,
        sampling=pd.DataFrame(
            {
                "model": models,
                "observed_share": [0.4, 0.2, 0.2, 0.2],
                "expected_share": [0.25] * 4,
                "flagged": [True, False, False, False],
            }
        ),
        voters=pd.DataFrame(
            {
                "voter": ["u1", "u2", EVIL],
                "votes": [50, 3, 7],
                "a_share": [1.0, 0.5, 0.4],
                "top_model_share": [0.9, 0.4, 0.3],
                "flagged": [True, False, False],
            }
        ),
        invalidation_events=pd.DataFrame(
            {"tstamp": [1.7e9, 1.7e9 + 86400, 1.7e9 + 86400], "detector": ["a", "a", "b"]}
        ),
        counts_by_rule={"identity_leak/self_name": 2},
        table_findings=[
            {
                "detector": "sampling",
                "rule": "oversampled",
                "severity": "high",
                "subject": EVIL,
                "message": "sampled 60% above policy",
            }
        ],
        evidence=[
            EvidenceLine(
                "v1", "identity_leak", "self_name", "gpt-4o", "As ", "an OpenAI model", f" {EVIL}"
            )
        ],
        quarantine_counts={"invalid_json": 2},
        notes=["voter ids unusable"],
        diff={
            "summary": "1 new invalidations",
            "rank_changes": [{"model": EVIL, "previous": 2, "current": 3}],
        },
        headline_numbers={"votes loaded": 340, "votes invalidated": 10},
    )
    return context if not overrides else ReportContext(**{**context.__dict__, **overrides})


def test_html_is_self_contained_and_escapes_untrusted_text() -> None:
    page = render_html(make_context())
    assert "<script" not in page  # no script tag at all: ours or an injected one
    assert "&lt;script&gt;document.title=&#34;pwned&#34;&lt;/script&gt;" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "no network references"
    images = re.findall(r'<img alt="[^"]*" src="([^"]+)"', page)
    assert len(images) == 5 and all(i.startswith("data:image/png;base64,") for i in images)
    for section in (
        "ratings",
        "invalidations",
        "evidence",
        "voters",
        "sampling",
        "quarantine",
        "diff",
    ):
        assert f'id="{section}"' in page


def test_evidence_span_is_marked_after_escaping() -> None:
    line = EvidenceLine("v1", "d", "r", "s", "a<b ", "I am <Claude>", " & co")
    page = render_html(make_context(evidence=[line]))
    assert "a&lt;b <mark>I am &lt;Claude&gt;</mark> &amp; co" in page


def test_split_span_trims_long_context() -> None:
    text = "x" * 500 + "LEAK" + "y" * 500
    before, span, after = split_span(text, 500, 504, context=10)
    assert (before, span, after) == ("…" + "x" * 10, "LEAK", "y" * 10 + "…")
    assert split_span("abc", 5, 9) == ("abc", "", "")


def test_markdown_has_the_same_verdict_and_escapes() -> None:
    text = render_markdown(make_context())
    assert text.startswith("# Test audit\n")
    assert "Gate failed" in text
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "| identity\\_leak/self\\_name | 2 |" in text
    assert md_escape("a|b") == "a\\|b"


def test_plot_labels_are_never_mathtext() -> None:
    assert plain_label("cost$1$") == r"cost\$1\$"
    assert plain_label("x" * 100, limit=10) == "x" * 9 + "…"


def test_empty_inputs_still_render() -> None:
    empty = make_context(
        voters=pd.DataFrame(columns=["voter", "votes", "a_share", "top_model_share", "flagged"]),
        invalidation_events=pd.DataFrame(columns=["tstamp", "detector"]),
        evidence=[],
        diff=None,
        quarantine_counts={},
        counts_by_rule={},
    )
    page = render_html(empty)
    assert "No text evidence." in page and "No previous run to compare with." in page
