"""Audit reports: one self-contained HTML page, a Markdown twin, and their figures."""

from auditkit.report.markdown import render_markdown
from auditkit.report.render import (
    RANK_RULE,
    EvidenceLine,
    ReportContext,
    leaderboard_order,
    rank_with_range,
    render_html,
    split_span,
)

__all__ = [
    "RANK_RULE",
    "EvidenceLine",
    "ReportContext",
    "leaderboard_order",
    "rank_with_range",
    "render_html",
    "render_markdown",
    "split_span",
]
