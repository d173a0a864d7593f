"""Specification of the notebook views (``_repr_html_``): what each result shows, and that text
from the data never becomes markup.

Battles here carry hostile names — a model called ``<script>…``, a voter id with an ``onerror``
image, quotes and ampersands — and every view must show them as text: the only tags in any view
are the ones the views write themselves, and the only image is a PNG data URI.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import auditkit
from auditkit.audit import AuditResult
from auditkit.detectors.base import DetectorResult, Finding, FindingList, Severity
from auditkit.ledger import Ledger
from auditkit.report.context import audit_verdict
from auditkit.rules import RulePack

SCRIPT = "<script>alert('model')</script>"
IMAGE = '<img src=x onerror="alert(1)">'
QUOTED = 'm&m "quoted" <b>bold</b>'
MODELS = (SCRIPT, IMAGE, QUOTED, "plain-model", "rare-model")
ALLOWED_TAGS = {
    "style",
    "div",
    "p",
    "b",
    "table",
    "tr",
    "th",
    "td",
    "ul",
    "li",
    "img",
    "span",
    "pre",
}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def assert_safe(markup: str) -> None:
    """Only the views' own tags; no event handlers; images only as PNG data URIs."""
    parser = _Tags()
    parser.feed(markup)
    assert parser.tags, "a view without markup"
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, f"unexpected <{tag}>"
        for name, value in attrs:
            assert not name.startswith("on"), f"event handler {name} on <{tag}>"
            if tag == "img" and name == "src":
                assert (value or "").startswith("data:image/png;base64,")
    for raw in (SCRIPT, IMAGE, "<b>bold</b>"):
        assert raw not in markup


@pytest.fixture(scope="module")
def hostile_frame() -> pd.DataFrame:
    """750 battles among hostile-named models, by voters with hostile ids, one of them a bot."""
    rng = np.random.default_rng(5)
    n = 600
    pairs = rng.choice(4, size=(n, 2))
    pairs[:, 1] = (pairs[:, 0] + 1 + rng.integers(0, 3, n)) % 4
    frame = pd.DataFrame(
        {
            "question_id": [f"vote-<{i}>" for i in range(n)],
            "model_a": [MODELS[i] for i in pairs[:, 0]],
            "model_b": [MODELS[i] for i in pairs[:, 1]],
            "winner": rng.choice(["model_a", "model_b", "tie"], size=n, p=[0.45, 0.4, 0.15]),
            "judge": [f"{IMAGE}-{i % 40}" for i in range(n)],
            "tstamp": 1_700_000_000.0 + 60.0 * np.arange(n),
        }
    )
    # A bot that always votes for side A (its votes are invalidated), and a model with 3
    # battles (shown as not rated, with the reason).
    bot = frame.iloc[:150].assign(
        question_id=[f"bot-<{i}>" for i in range(150)], judge=f"{IMAGE}-bot", winner="model_a"
    )
    rare = frame.iloc[:3].assign(model_b="rare-model")
    return pd.concat([frame.iloc[3:], bot, rare], ignore_index=True)


@pytest.fixture(scope="module")
def hostile_audit(
    hostile_frame: pd.DataFrame, default_rules: RulePack, tmp_path_factory: pytest.TempPathFactory
) -> tuple[AuditResult, Path]:
    db = tmp_path_factory.mktemp("ledger") / "ledger.db"
    return auditkit.audit(hostile_frame, rules=default_rules, db=db), db


def test_the_audit_view_opens_with_verdict_cards_and_the_ratings_plot(
    hostile_audit: tuple[AuditResult, Path],
) -> None:
    result, _ = hostile_audit
    markup = result._repr_html_()
    assert_safe(markup)
    load = result.summary_data["load"]
    level, verdict, headline = audit_verdict(
        gate_reasons=result.gate_reasons,
        findings=len(result.findings),
        votes=result.cleaning.votes_in,
        invalidated=result.cleaning.n_invalidated,
        quarantined=load["rows_read"] - load["rows_loaded"],
        significant=int(result.leaderboard["change_significant"].sum()),
    )
    assert f'class="verdict {level}"' in markup
    assert html.escape(verdict) in markup
    for label, value in headline.items():
        assert f"<b>{value:,}</b>{label}" in markup
    assert markup.count('<img alt="rating forest plot" src="data:image/png;base64,') == 1
    for model in (SCRIPT, IMAGE, QUOTED):
        assert html.escape(model) in markup


def test_the_ratings_view_is_the_leaderboard_with_intervals(
    hostile_frame: pd.DataFrame,
) -> None:
    result = auditkit.ratings(hostile_frame)
    markup = result._repr_html_()
    assert_safe(markup)
    table = result.to_frame()
    for row in table[table["rateable"]].to_dict("records"):
        assert html.escape(row["model"]) in markup
        assert f"{row['ci_lower']:,.1f} – {row['ci_upper']:,.1f}" in markup
    assert "not rated (1)" in markup and "rare-model" in markup
    assert html.escape(result.unratable["rare-model"]) in markup
    sliced = auditkit.ratings(hostile_frame.assign(language="English"), by="language")
    assert_safe(sliced._repr_html_())


def test_findings_show_as_a_table_most_severe_first() -> None:
    findings = FindingList(
        Finding(
            detector="identity_leak",
            rule="self_identification",
            severity=Severity.LOW if i else Severity.HIGH,
            subject=SCRIPT,
            vote_id=f"v{i}",
            score=0.5,
            message=f"response says {IMAGE}",
            evidence={"text": SCRIPT},
        )
        for i in range(60)
    )
    markup = findings._repr_html_()
    assert_safe(markup)
    assert markup.count("<tr>") == 1 + 50  # header + the first 50 rows
    assert "50 of 60 rows shown" in markup
    assert markup.index(">high<") < markup.index(">low<")
    frame = findings.to_frame()
    assert len(frame) == 60 and frame["evidence"].iloc[0] == {"text": SCRIPT}
    result = DetectorResult("identity_leak", findings=tuple(findings), notes=(QUOTED,))
    assert_safe(result._repr_html_())
    assert html.escape(QUOTED) in result._repr_html_()


def test_audit_findings_graph_and_ledger_views_are_safe(
    hostile_audit: tuple[AuditResult, Path], hostile_frame: pd.DataFrame, default_rules: RulePack
) -> None:
    result, db = hostile_audit
    assert isinstance(result.findings, FindingList)
    assert_safe(result.findings._repr_html_())
    for detector_result in result.detector_results:
        assert_safe(detector_result._repr_html_())
    assert_safe(auditkit.graph(hostile_frame, rules=default_rules)._repr_html_())
    with Ledger(db) as ledger:
        rows = ledger.invalidation_records()
    assert len(rows) > 0 and {r.vote_id for r in rows} == set(result.cleaning.invalidated_ids)
    markup = rows._repr_html_()
    assert_safe(markup)
    assert f"{len(rows):,} ledger invalidations" in markup
    assert html.escape(rows[0].vote_id) in markup
