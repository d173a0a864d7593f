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
import markupsafe
import pandas as pd

from auditkit.report.figures import FigureInputs, PageFigures, page_figures

__all__ = [
    "RANK_RULE",
    "EvidenceLine",
    "ReportContext",
    "leaderboard_order",
    "rank_with_range",
    "render_html",
    "split_span",
]

TEMPLATES = Path(__file__).resolve().parent / "templates"
EVIDENCE_CONTEXT_CHARS = 160
RANK_RULE = (
    "Rows are ordered by rating after cleaning (then name). A model's rank is 1 + the number of "
    "models whose 95% interval lies entirely above its own (the Chatbot Arena rule), so models "
    "whose intervals overlap share a rank; the range beside it runs from the best to the worst "
    "rank the intervals allow."
)


def leaderboard_order(board: pd.DataFrame) -> pd.DataFrame:
    """``board`` by rating after cleaning (descending), then model name; unrated models last.

    Models without a rating after cleaning follow, by rating before cleaning, then name. The one
    order of every leaderboard: HTML, Markdown, ``leaderboard.csv`` and the terminal.
    """
    keys = pd.DataFrame(
        {
            "after": -pd.to_numeric(board["rating_after"], errors="coerce"),
            "before": -pd.to_numeric(board["rating_before"], errors="coerce"),
            "model": board["model"].astype(str),
        },
        index=board.index,
    )
    order = keys.sort_values(["after", "before", "model"], na_position="last", kind="stable")
    return board.loc[order.index].reset_index(drop=True)


def rank_with_range(rank: Any, lower: Any, upper: Any) -> str:
    """``"3 (2–5)"``; ``"3"`` when the range is one rank; ``"–"`` for an unrated model."""
    if rank is None or pd.isna(rank):
        return "–"
    text = f"{int(rank)}"
    if lower is None or upper is None or pd.isna(lower) or pd.isna(upper):
        return text
    if int(lower) == int(upper):
        return text
    return f"{text} ({int(lower)}–{int(upper)})"


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
    claim: str = ""  # "claim true: …" / "claim false: …" when the detector judged the claim


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
    robustness: Mapping[str, Any] = field(default_factory=dict)  # summary's fragility/selftest
    # detector, status ("ran" / "ran with no findings" / "did not run"), detail, section
    detector_status: Sequence[Mapping[str, Any]] = ()
    actions: Sequence[Mapping[str, Any]] = ()  # text, section (see auditkit.report.actions)
    flagged_models: frozenset[str] = frozenset()  # always drawn, even when a figure shows top N
    # Sections detectors bring (anchor, title, template, data): see Detector.report_template.
    detector_sections: Sequence[Mapping[str, Any]] = ()


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


def _plot(name: str, rows: Sequence[Mapping[str, Any]]) -> str:
    """A figure of :mod:`auditkit.report.plots` by name, for a detector's section template."""
    import auditkit.report.plots as plots  # matplotlib only once a figure is drawn here

    if name not in plots.__all__:
        raise ValueError(f"no plot named {name!r} in auditkit.report.plots")
    figure = getattr(plots, name)([dict(r) for r in rows])
    return str(getattr(figure, "uri", figure))


def render_html(context: ReportContext, figures: PageFigures | None = None) -> str:
    """The report page as one HTML string (CSS inline, figures as data URIs, no scripts).

    ``figures``: the page's figures when drawn elsewhere (:mod:`auditkit.report.figures`); by
    default they are drawn here."""
    if figures is None:
        figures = page_figures(FigureInputs.of(context))
    rows = leaderboard_order(context.leaderboard).to_dict("records")
    for row in rows:
        for when in ("after", "before"):
            row[f"rank_{when}_text"] = rank_with_range(
                row.get(f"rank_{when}"),
                row.get(f"rank_{when}_lower"),
                row.get(f"rank_{when}_upper"),
            )
    environment = _environment()
    environment.filters["fmt"] = _fmt
    environment.globals["plot"] = _plot
    sections = [
        {
            "anchor": section["anchor"],
            "title": section["title"],
            "html": markupsafe.Markup(
                environment.from_string(section["template"]).render(data=section["data"])
            ),
        }
        for section in context.detector_sections
    ]
    template = environment.get_template("report.html.j2")
    return template.render(
        detector_sections=sections,
        ctx=context,
        figures=figures.uris,
        captions=figures.captions,
        leaderboard_rows=rows,
        rank_rule=RANK_RULE,
    )
