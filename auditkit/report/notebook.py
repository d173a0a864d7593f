"""Rich notebook views: the HTML that Jupyter shows for auditkit's results (``_repr_html_``).

Each view is a compact fragment, not the full report: the audit opens with its verdict, headline
numbers and the ratings plot; ratings show the leaderboard with intervals; findings and ledger rows
show as tables. Every value that came from data (model names, voter ids, vote ids, evidence,
messages) passes through :func:`html.escape` — a model named ``<script>`` prints as text — and
figures are PNG data URIs (:mod:`auditkit.report.plots`), which cannot carry markup.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

import auditkit.report.plots as plots
from auditkit.report.verdict import audit_verdict

# The views take the result objects duck-typed: the result classes call these views from their
# `_repr_html_`, so importing them here (even for typing) would make every result module and this
# one import each other. The names say which class each view expects.
AuditResult: TypeAlias = Any
CompareResult: TypeAlias = Any
Finding: TypeAlias = Any
FragilityResult: TypeAlias = Any
GraphAudit: TypeAlias = Any
RatingResult: TypeAlias = Any
SlicedRatings: TypeAlias = Any

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_ROWS",
    "audit_html",
    "compare_html",
    "findings_html",
    "fragility_html",
    "frame_html",
    "graph_html",
    "ratings_html",
    "sliced_ratings_html",
]

MAX_ROWS = 50  # rows a table shows; to_frame() has them all
MAX_CELL_CHARS = 200
_STYLE = """<style>
.auditkit { font: 13px/1.4 system-ui, sans-serif; color: #1d1d1f; }
.auditkit table { border-collapse: collapse; margin: 6px 0; }
.auditkit th, .auditkit td { border: 1px solid #e3e3e3; padding: 3px 7px; text-align: left;
  vertical-align: top; }
.auditkit th { background: #f1f3f4; }
.auditkit td.num { text-align: right; font-variant-numeric: tabular-nums; }
.auditkit .verdict { padding: 8px 12px; border-radius: 6px; margin: 8px 0; font-size: 1.1em; }
.auditkit .verdict.clean { background: #e6f4ea; border-left: 5px solid #1e8e3e; }
.auditkit .verdict.findings { background: #fef7e0; border-left: 5px solid #f9ab00; }
.auditkit .verdict.gate { background: #fce8e6; border-left: 5px solid #c8102e; }
.auditkit .cards { display: flex; gap: 8px; flex-wrap: wrap; }
.auditkit .cards div { border: 1px solid #e3e3e3; border-radius: 6px; padding: 6px 10px; }
.auditkit .cards b { display: block; font-size: 1.25em; }
.auditkit .muted { color: #666; }
.auditkit .note { color: #8a4b00; }
</style>"""


def _text(value: Any, limit: int = MAX_CELL_CHARS) -> str:
    """Any value as escaped text, bounded: nested values as compact JSON."""
    if isinstance(value, Mapping | list | tuple):
        value = json.dumps(value, default=str, ensure_ascii=False, separators=(",", ":"))
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return html.escape(text, quote=True)


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


def _number(value: Any, digits: int = 1) -> str:
    if _is_missing(value):
        return "–"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else ""
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        number = float(value)
        return f"{number:.3g}" if 0 < abs(number) < 0.01 else f"{number:,.{digits}f}"
    return _text(value)


def _cell(value: Any, digits: int = 1) -> str:
    numeric = isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )
    if numeric or _is_missing(value):
        return f'<td class="num">{_number(value, digits)}</td>'
    if isinstance(value, bool | np.bool_):
        return f"<td>{_number(value)}</td>"
    return f"<td>{_text(value)}</td>"


def _table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """Rows of ready ``<td>`` cells under an escaped header."""
    head = "".join(f"<th>{_text(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(cells) + "</tr>" for cells in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _more(shown: int, total: int, hint: str = "to_frame()") -> str:
    if total <= shown:
        return ""
    return f'<p class="muted">{shown:,} of {total:,} rows shown; {_text(hint)} has all.</p>'


def _wrap(*parts: str) -> str:
    return _STYLE + '<div class="auditkit">' + "".join(parts) + "</div>"


def _heading(text: str) -> str:
    return f"<p><b>{_text(text, 500)}</b></p>"


def _notes(notes: Iterable[str]) -> str:
    items = "".join(f'<li class="note">{_text(n, 500)}</li>' for n in notes)
    return f"<ul>{items}</ul>" if items else ""


def _image(data_uri: str, alt: str) -> str:
    if not data_uri.startswith("data:image/png;base64,"):  # only our own figures are embedded
        raise ValueError("only PNG data URIs are embedded")
    return f'<img alt="{_text(alt)}" src="{html.escape(data_uri, quote=True)}">'


def frame_html(frame: pd.DataFrame, *, title: str | None = None, max_rows: int = MAX_ROWS) -> str:
    """Any DataFrame as an escaped table of its first ``max_rows`` rows."""
    rows = [
        [_cell(v) for v in record]
        for record in frame.head(max_rows).itertuples(index=False, name=None)
    ]
    return _wrap(
        _heading(title) if title else "",
        _table(rows, [str(c) for c in frame.columns]),
        _more(min(len(frame), max_rows), len(frame)),
    )


def _interval(lower: Any, upper: Any, digits: int = 1) -> str:
    if _is_missing(lower) or _is_missing(upper):
        return '<td class="num">–</td>'
    return f'<td class="num">{_number(lower, digits)} – {_number(upper, digits)}</td>'


def _rank(row: Mapping[Any, Any]) -> str:
    rank = row.get("rank")
    lower, upper = row.get("rank_lower"), row.get("rank_upper")
    text = _number(rank, 0)
    if not _is_missing(lower) and not _is_missing(upper) and lower != upper:
        text += f" <span class='muted'>({_number(lower, 0)}–{_number(upper, 0)})</span>"
    return f'<td class="num">{text}</td>'


def _ratings_table(result: RatingResult, max_rows: int) -> str:
    table = result.to_frame()
    rated = table[table["rateable"].astype(bool)]
    level = f"{result.options.confidence:.0%}"
    rows = [
        [
            _rank(row),
            f"<td>{_text(row['model'])}</td>",
            _cell(row["rating"]),
            _interval(row["ci_lower"], row["ci_upper"]),
            _cell(int(row["battles"])),
        ]
        for row in rated.head(max_rows).to_dict("records")
    ]
    header = ["rank (interval)", "model", "rating", f"{level} CI", "battles"]
    unrated = table[~table["rateable"].astype(bool)]
    unrated_rows = [
        [
            f"<td>{_text(row['model'])}</td>",
            _cell(int(row["battles"])),
            f"<td>{_text(row['note'])}</td>",
        ]
        for row in unrated.to_dict("records")
    ]
    return "".join(
        [
            _table(rows, header),
            _more(len(rows), len(rated)),
            _heading(f"not rated ({len(unrated)})") if unrated_rows else "",
            _table(unrated_rows, ["model", "battles", "why"]) if unrated_rows else "",
        ]
    )


def _ratings_caption(result: RatingResult) -> str:
    table = result.to_frame()
    rated = int(table["rateable"].astype(bool).sum())
    ci = result.options.ci + (
        f" ({result.options.n_bootstrap} rounds)" if result.options.ci == "bootstrap" else ""
    )
    style = ", style-controlled" if result.style is not None else ""
    return (
        f"Bradley-Terry ratings: {rated} rated of {len(table)} models, {result.n_battles:,} "
        f"battles, intervals: {ci}{style}"
    )


def ratings_html(result: RatingResult, *, max_rows: int = MAX_ROWS) -> str:
    """The leaderboard with rating intervals and rank intervals; unrated models with the reason."""
    parts = [_heading(_ratings_caption(result)), _ratings_table(result, max_rows)]
    if len(result.components) > 1:
        parts.append(
            _notes([f"the battle graph has {len(result.components)} connected components"])
        )
    return _wrap(*parts)


def sliced_ratings_html(result: SlicedRatings, *, max_rows: int = 15) -> str:
    """One leaderboard per slice value."""
    parts = [_heading(f"ratings by {result.by}: {len(result.results)} slices")]
    for value, ratings in result.results.items():
        parts.append(_heading(f"{result.by} = {value} — {_ratings_caption(ratings)}"))
        parts.append(_ratings_table(ratings, max_rows))
    return _wrap(*parts)


def findings_html(
    findings: Sequence[Finding],
    *,
    title: str | None = None,
    notes: Sequence[str] = (),
    max_rows: int = MAX_ROWS,
) -> str:
    """Findings, most severe first, as a table (evidence is in ``to_frame()``)."""
    ordered = sorted(
        findings, key=lambda f: (-f.severity.rank, f.detector, f.rule, f.subject, f.vote_id or "")
    )
    rows = [
        [
            f"<td>{_text(f.severity.value)}</td>",
            f"<td>{_text(f.detector)}</td>",
            f"<td>{_text(f.rule)}</td>",
            f"<td>{_text(f.subject)}</td>",
            f"<td>{_text(f.vote_id or '')}</td>",
            _cell(f.score, 3),
            _cell(f.p_value, 3),
            f"<td>{_text(f.message)}</td>",
        ]
        for f in ordered[:max_rows]
    ]
    header = ["severity", "detector", "rule", "subject", "vote", "score", "p-value", "message"]
    return _wrap(
        _heading(title or f"{len(findings):,} findings"),
        _notes(notes),
        _table(rows, header) if rows else '<p class="muted">no findings</p>',
        _more(len(rows), len(findings)),
    )


def audit_html(result: AuditResult, *, max_rows: int = 20) -> str:
    """The audit at a glance: verdict, headline numbers, ratings plot, top of the leaderboard,
    invalidations by rule and findings by detector."""

    board = result.leaderboard
    load = result.audit_summary.load
    level, verdict, headline = audit_verdict(
        gate_reasons=result.gate_reasons,
        findings=len(result.findings),
        votes=result.cleaning.votes_in,
        invalidated=result.cleaning.n_invalidated,
        quarantined=load.rows_read - load.rows_loaded,
        significant=int(board["change_significant"].sum()) if len(board) else 0,
    )
    cards = "".join(f"<div><b>{_number(v)}</b>{_text(k)}</div>" for k, v in headline.items())
    rule_pack = result.audit_summary.run.rule_pack.get("label", "")
    where = f" · files in {result.out_dir}" if result.out_dir is not None else ""
    top = board.head(max_rows)
    rows = [
        [
            _cell(row["rank_after"]),
            f"<td>{_text(row['model'])}</td>",
            _cell(row["rating_after"]),
            _interval(row["ci_after_lower"], row["ci_after_upper"]),
            _cell(row["rating_before"]),
            _cell(row["rank_before"]),
            _cell(row["battles_after"]),
            _cell(bool(row["change_significant"])),
        ]
        for row in top.to_dict("records")
    ]
    header = [
        "rank after",
        "model",
        "rating after",
        "95% CI after",
        "rating before",
        "rank before",
        "battles after",
        "significant",
    ]
    by_rule = result.cleaning.counts_by_rule()
    invalidations = (
        _table(
            [[f"<td>{_text(k)}</td>", _cell(v)] for k, v in by_rule.items()],
            ["detector / rule", "invalidated votes"],
        )
        if by_rule
        else '<p class="muted">No votes were invalidated.</p>'
    )
    detectors = "".join(f"<li>{_text(r.summary_text(), 500)}</li>" for r in result.detector_results)
    forest = plots.rating_forest(board)
    return _wrap(
        f'<div class="verdict {_text(level)}">{_text(verdict, 2000)}</div>',
        f'<div class="cards">{cards}</div>',
        f'<p class="muted">rules {_text(rule_pack)}{_text(where, 500)}</p>',
        _notes(list(result.audit_summary.notes)),
        _heading("Ratings before (grey) and after (blue) cleaning, 95% intervals"),
        _image(forest.uri, "rating forest plot"),
        f'<p class="muted">{_text(forest.caption, 500)}</p>' if forest.caption else "",
        _table(rows, header),
        _more(len(rows), len(board)),
        _heading("Invalidations"),
        invalidations,
        _heading("Findings by detector (all of them: .findings)"),
        f"<ul>{detectors}</ul>",
    )


def graph_html(audit: GraphAudit, *, max_rows: int = MAX_ROWS) -> str:
    """The sampling audit's summary and its per-model table."""
    summary = _text(audit.summary(), 20_000)
    frame = audit.to_frame()
    rows = [
        [_cell(v, 4) for v in r] for r in frame.head(max_rows).itertuples(index=False, name=None)
    ]
    return _wrap(
        f"<pre>{summary}</pre>",
        _table(rows, [str(c) for c in frame.columns]) if rows else "",
        _more(len(rows), len(frame)),
    )


def fragility_html(result: FragilityResult) -> str:
    """The votes-to-flip table: each pair, its gap and the verified counts (upper bounds)."""
    frame = result.to_frame().drop(columns=["vote_ids_file"])
    return _wrap(
        _heading(f"Votes to flip the top {result.top} ({result.n_votes:,} votes)"),
        frame_html(frame),
        '<p class="muted">Each count is verified by an exact refit; it is an upper bound on the '
        "fewest votes that reverse the order.</p>",
        _notes(result.notes),
    )


def compare_html(result: CompareResult) -> str:
    """The head-to-head: verdict first, then the difference per scope."""
    return _wrap(
        f'<div class="verdict findings">{_text(result.verdict, 2000)}</div>',
        _heading(f"{_text(result.model_a)} vs {_text(result.model_b)}"),
        frame_html(result.to_frame()),
    )
