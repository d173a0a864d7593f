"""Render one audit as a single self-contained HTML page (and Markdown, in :mod:`.markdown`).

Everything the page shows is handed in as a :class:`ReportContext` of plain data, so rendering has no
I/O beyond reading the bundled template and can be tested with hand-made inputs. Jinja2 runs with
autoescape on: every untrusted string (responses, prompts, voter ids, model names) is escaped; the
only markup we insert ourselves is ``<mark>`` around an escaped evidence span.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from auditkit.report import plots

__all__ = ["EvidenceLine", "ReportContext", "render_html", "split_span"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
EVIDENCE_CONTEXT_CHARS = 160


@dataclass(frozen=True)
class EvidenceLine:
    """One piece of evidence shown to the reader: a text with the offending span marked."""

    vote_id: str
    detector: str
    rule: str
    subject: str
    before: str
    span: str
    after: str
    severity: str = ""


def split_span(
    text: str, start: int, end: int, context: int = EVIDENCE_CONTEXT_CHARS
) -> tuple[str, str, str]:
    """Cut ``text`` into (left context, span, right context), trimming long contexts with "…"."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    left = text[:start]
    right = text[end:]
    if len(left) > context:
        left = "…" + left[-context:]
    if len(right) > context:
        right = right[:context] + "…"
    return left, text[start:end], right


@dataclass(frozen=True)
class ReportContext:
    """What a report shows; built by :mod:`auditkit.audit`, plain data only."""

    title: str
    verdict: str
    verdict_level: str  # "clean", "findings" or "gate"
    run: Mapping[str, Any]
    leaderboard: pd.DataFrame
    pair_counts: pd.DataFrame
    sampling: pd.DataFrame  # model, observed_share, expected_share, flagged
    voters: pd.DataFrame  # voter, votes, a_share, top_model_share, flagged
    invalidation_events: pd.DataFrame  # tstamp, detector
    counts_by_rule: Mapping[str, int] = field(default_factory=dict)
    table_findings: Sequence[Mapping[str, Any]] = ()
    evidence: Sequence[EvidenceLine] = ()
    quarantine_counts: Mapping[str, int] = field(default_factory=dict)
    notes: Sequence[str] = ()
    diff: Mapping[str, Any] | None = None
    headline_numbers: Mapping[str, Any] = field(default_factory=dict)
    deanonymisability: Sequence[
        Mapping[str, Any]
    ] = ()  # per model, see detectors/deanonymisability


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _fmt(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def render_html(context: ReportContext) -> str:
    """The report page as one HTML string (CSS inline, figures as data URIs, no scripts)."""
    figures = {
        "forest": plots.rating_forest(context.leaderboard),
        "heatmap": plots.battle_heatmap(context.pair_counts),
        "sampling": plots.sampling_shares(context.sampling),
        "voters": plots.voter_scatter(context.voters),
        "timeline": plots.invalidations_over_time(context.invalidation_events),
        "recognisability": plots.recognisability_bars([dict(r) for r in context.deanonymisability]),
    }
    rows = context.leaderboard.sort_values(["rank_after", "model"], na_position="last").to_dict(
        "records"
    )
    environment = _environment()
    environment.filters["fmt"] = _fmt
    template = environment.get_template("report.html.j2")
    return template.render(ctx=context, figures=figures, leaderboard_rows=rows)
