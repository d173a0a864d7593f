"""Audit reports: one self-contained HTML page, a Markdown twin, and their figures."""

from auditkit.report.markdown import render_markdown
from auditkit.report.render import EvidenceLine, ReportContext, render_html, split_span

__all__ = ["EvidenceLine", "ReportContext", "render_html", "render_markdown", "split_span"]
