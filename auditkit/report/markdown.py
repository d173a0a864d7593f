"""The Markdown twin of the HTML report: the same verdict and tables, for terminals and PR comments.

Untrusted strings are escaped for Markdown (and HTML, since most renderers allow inline HTML).
"""

from __future__ import annotations

import html
import re
from typing import Any

import jinja2

from auditkit.report.render import RANK_RULE, ReportContext, leaderboard_order, rank_with_range
from auditkit.report.robustness_md import robustness_markdown

__all__ = ["md_escape", "render_markdown"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def md_escape(value: Any) -> str:
    """Escape ``value`` so it renders as literal text in a Markdown table cell."""
    text = html.escape(str(value), quote=False).replace("\n", " ")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _num(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def render_markdown(context: ReportContext) -> str:
    """The report as GitHub-flavoured Markdown."""
    out = [f"# {md_escape(context.title)}", "", f"**{md_escape(context.verdict)}**", ""]
    for label, value in context.headline_numbers.items():
        out.append(f"- {md_escape(label)}: {_num(value)}")
    if context.actions:
        out += ["", "## What to do next", ""]
        out += [
            f"{i}. {md_escape(a['text'])}"
            + (f" `{a['command']}`" if a.get("command") else "")
            + f" (see section {md_escape(a['section'])})"
            for i, a in enumerate(context.actions, start=1)
        ]
    out += [""] + [f"> {md_escape(note)}" for note in context.notes]
    if context.detector_status:
        out += ["", "## Detectors", "", "| detector | status | found / why not |", "|---|---|---|"]
        out += [
            f"| {md_escape(r['detector'])} | {md_escape(r['status'])} | {md_escape(r['detail'])} |"
            for r in context.detector_status
        ]
    out += ["", "## Leaderboard", "", md_escape(RANK_RULE), ""]
    out.append(
        "| model | rating after | CI after | rank after (range) | rating before | CI before "
        "| rank before (range) | battles before | battles after | significant |"
    )
    out.append("|---|---:|---|---:|---:|---|---:|---:|---:|---|")
    for row in leaderboard_order(context.leaderboard).to_dict("records"):
        ranks = {
            when: rank_with_range(
                row.get(f"rank_{when}"),
                row.get(f"rank_{when}_lower"),
                row.get(f"rank_{when}_upper"),
            )
            for when in ("after", "before")
        }
        out.append(
            f"| {md_escape(row['model'])} | {_num(row['rating_after'])} "
            f"| {_num(row['ci_after_lower'])}–{_num(row['ci_after_upper'])} "
            f"| {ranks['after']} | {_num(row['rating_before'])} "
            f"| {_num(row['ci_before_lower'])}–{_num(row['ci_before_upper'])} "
            f"| {ranks['before']} "
            f"| {_num(row['battles_before'])} | {_num(row['battles_after'])} "
            f"| {'yes' if row['change_significant'] else ''} |"
        )
    out += _detector_sections(context)
    out += ["", "## Invalidations by rule", ""]
    if context.counts_by_rule:
        out += ["| detector/rule | votes |", "|---|---:|"]
        out += [f"| {md_escape(k)} | {v} |" for k, v in context.counts_by_rule.items()]
    else:
        out.append("No votes were invalidated.")
    out += ["", "## Table-level findings", ""]
    if context.table_findings:
        out += [
            "| detector | rule | severity | subject | message | policy |",
            "|---|---|---|---|---|---|",
        ]
        for f in context.table_findings:
            out.append(
                f"| {md_escape(f['detector'])} | {md_escape(f['rule'])} | {md_escape(f['severity'])} "
                f"| {md_escape(f['subject'])} | {md_escape(f['message'])} "
                f"| {md_escape(f.get('policy', ''))} |"
            )
    else:
        out.append("None.")
    out += ["", "## Top evidence", ""]
    for line in context.evidence:
        out.append(
            f"- vote {md_escape(line.vote_id)} ({md_escape(line.detector)}/{md_escape(line.rule)}): "
            f"{md_escape(line.before)}**{md_escape(line.span)}**{md_escape(line.after)}"
            + (f" — *{md_escape(line.claim)}*" if line.claim else "")
        )
    if not context.evidence:
        out.append("No text evidence.")
    out += ["", "## Quarantine", ""]
    if context.quarantine_counts:
        out += [f"- {md_escape(k)}: {v}" for k, v in context.quarantine_counts.items()]
    else:
        out.append("Every input row was loaded.")
    out += ["", "## Change since the previous run", ""]
    out.append(md_escape(context.diff.get("summary", "")) if context.diff else "No previous run.")
    out += robustness_markdown(context.robustness, md_escape)
    out += ["", "## Run", ""]
    out += [f"- {md_escape(k)}: {md_escape(v)}" for k, v in context.run.items()]
    return "\n".join(out) + "\n"


def _detector_sections(context: ReportContext) -> list[str]:
    """The sections detectors bring themselves (``report_markdown``), in run order.

    Rendered without autoescaping (Markdown has no such mode): a fragment passes every untrusted
    string through the ``md`` filter, numbers through ``fmt``. A detector without a Markdown
    fragment gets its title and a pointer to its HTML section, so no section silently disappears.
    """
    environment = jinja2.Environment(autoescape=False, undefined=jinja2.StrictUndefined)
    environment.filters["md"] = md_escape
    environment.filters["fmt"] = _num
    out: list[str] = []
    for section in context.detector_sections:
        out += ["", f"## {md_escape(section['title'])}", ""]
        fragment = section.get("markdown") or ""
        if fragment:
            out.append(environment.from_string(fragment).render(data=section["data"]).strip())
        else:
            out.append(f"See the section {md_escape(section['anchor'])} in report.html.")
    return out
