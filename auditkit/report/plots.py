"""The report's figures, drawn with matplotlib (Agg) and returned as base64 PNG data URIs.

PNG, not SVG: the page must be one self-contained file, and a raster image cannot carry markup, so an
untrusted model or voter name drawn on a plot can never become live HTML. Labels are passed through
:func:`plain_label` so a ``$`` in a model name is not parsed as mathtext.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure

__all__ = [
    "Figure",
    "battle_heatmap",
    "figure_to_data_uri",
    "invalidations_over_time",
    "plain_label",
    "rating_forest",
    "recognisability_bars",
    "sampling_shares",
    "select_models",
    "voter_scatter",
]

BEFORE_COLOR = "#8c8c8c"
AFTER_COLOR = "#1f5fa8"
FLAG_COLOR = "#c8102e"
# Beyond these many models a figure shows the top ones plus every flagged model, and says so.
MAX_HEATMAP_MODELS = 40
MAX_FOREST_MODELS = 80


def plain_label(text: object, limit: int = 40) -> str:
    """A label matplotlib draws verbatim: no mathtext, bounded length."""
    value = str(text)
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return value.replace("\\", "\\\\").replace("$", r"\$")


@dataclass(frozen=True)
class Figure:
    """A rendered figure and its caption ("" when it shows every model it was given)."""

    uri: str
    caption: str = ""
    shown: tuple[str, ...] = ()


def select_models(
    models: Sequence[str], flagged: Collection[str], limit: int, what: str
) -> tuple[list[int], str]:
    """Positions to draw: all when ``len(models) <= limit``; else the first ``limit`` plus flagged.

    ``models`` is in the figure's order (best, most-played…). Returns the positions, in that
    order, and a caption "N of M shown: …" when any model is left out ("" otherwise).
    """
    if len(models) <= limit:
        return list(range(len(models))), ""
    keep = [i for i, m in enumerate(models) if i < limit or m in flagged]
    if len(keep) == len(models):
        return keep, ""  # the flagged ones were all the rest: nothing is left out
    extra = len(keep) - limit
    caption = f"{len(keep)} of {len(models)} models shown: the {limit} {what}" + (
        f" plus {extra} flagged" if extra else ""
    )
    return keep, caption + "; every model is in the table."


def figure_to_data_uri(fig: MplFigure, dpi: int = 96) -> str:
    """Render and close ``fig``; return ``data:image/png;base64,…`` (metadata stripped for determinism)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _subplots(nrows: int = 1, ncols: int = 1, **kwargs: Any) -> tuple[MplFigure, Any]:
    """A figure on its own Agg canvas and its axes, as ``pyplot.subplots`` makes them.

    Not through pyplot: its figure manager (a global registry of open figures) is not needed to
    render a PNG, and each figure here is dropped once rendered.
    """
    figsize = kwargs.pop("figsize", None)
    fig = MplFigure(figsize=figsize)
    FigureCanvasAgg(fig)
    return fig, fig.subplots(nrows, ncols, **kwargs)


def _empty(message: str) -> str:
    fig, ax = _subplots(figsize=(6, 1.2))
    ax.axis("off")
    ax.text(0.5, 0.5, plain_label(message, 120), ha="center", va="center", color="#555")
    return figure_to_data_uri(fig)


def rating_forest(leaderboard: pd.DataFrame, flagged: Collection[str] = ()) -> Figure:
    """Ratings before (grey) and after cleaning (blue) with their CIs, best model on top.

    Every rated model is drawn up to :data:`MAX_FOREST_MODELS` (the figure grows); beyond, the
    best ones plus every ``flagged`` model or significant change, with a caption. Models without
    a rating after cleaning cannot be drawn; the caption counts them.
    """
    rated = leaderboard.dropna(subset=["rating_after"]).sort_values(
        ["rating_after", "model"], ascending=[False, True], kind="stable"
    )
    unrated = len(leaderboard) - len(rated)
    significant = rated.get("change_significant", pd.Series(False, index=rated.index))
    marked = set(flagged) | set(rated.loc[significant.fillna(False).astype(bool), "model"])
    keep, caption = select_models(
        rated["model"].astype(str).tolist(), marked, MAX_FOREST_MODELS, "best rated"
    )
    frame = rated.iloc[keep]
    if unrated:
        caption = (caption + " " if caption else "") + (
            f"{unrated} model(s) without a rating after cleaning are not drawn (see the table)."
        )
    if frame.empty:
        return Figure(_empty("no rateable models"), caption)
    n = len(frame)
    fig, ax = _subplots(figsize=(7.5, 0.32 * n + 1.2))
    y = np.arange(n)[::-1].astype(float)
    for column, offset, color, label in (
        ("before", 0.17, BEFORE_COLOR, "before cleaning"),
        ("after", -0.17, AFTER_COLOR, "after cleaning"),
    ):
        rating = frame[f"rating_{column}"].to_numpy(dtype=float)
        lower = frame[f"ci_{column}_lower"].to_numpy(dtype=float)
        upper = frame[f"ci_{column}_upper"].to_numpy(dtype=float)
        err = np.vstack([np.nan_to_num(rating - lower), np.nan_to_num(upper - rating)])
        ax.errorbar(
            rating, y + offset, xerr=err, fmt="o", ms=4, color=color, label=label, capsize=2
        )
    significant = frame.get("change_significant", pd.Series(False, index=frame.index))
    labels = [
        plain_label(m) + ("  *" if bool(s) else "")
        for m, s in zip(frame["model"], significant.fillna(False), strict=True)
    ]
    ax.set_yticks(y, labels, fontsize=8)
    ax.set_xlabel("rating (Elo scale); * = significant change")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    shown = tuple(frame["model"].astype(str))
    return Figure(figure_to_data_uri(fig), caption, shown)


def battle_heatmap(pair_counts: pd.DataFrame, flagged: Collection[str] = ()) -> Figure:
    """Battles per model pair (symmetric matrix): every model up to :data:`MAX_HEATMAP_MODELS`,
    beyond that the most-played plus every ``flagged`` one, with a caption."""
    if pair_counts.empty:
        return Figure(_empty("no battles"))
    totals = pair_counts.sum(axis=1)
    order = sorted(totals.index, key=lambda m: (-float(totals[m]), str(m)))
    positions, caption = select_models(
        [str(m) for m in order], set(flagged), MAX_HEATMAP_MODELS, "most played"
    )
    keep = [order[i] for i in positions]
    matrix = pair_counts.loc[keep, keep].to_numpy(dtype=float)
    n = len(keep)
    size = max(4.0, 0.28 * n + 2.0)
    fig, ax = _subplots(figsize=(size + 1.0, size))
    shown = np.where(matrix > 0, matrix, np.nan)
    image = ax.imshow(shown, cmap="viridis", interpolation="nearest")
    ticks = [plain_label(m, 24) for m in keep]
    ax.set_xticks(range(n), ticks, rotation=90, fontsize=7)
    ax.set_yticks(range(n), ticks, fontsize=7)
    fig.colorbar(image, ax=ax, label="battles", shrink=0.8)
    return Figure(figure_to_data_uri(fig), caption, tuple(str(m) for m in keep))


def sampling_shares(sampling: pd.DataFrame) -> Figure:
    """Observed share of battle appearances per model against the expected share; flagged in red.

    Every model up to :data:`MAX_FOREST_MODELS`; beyond, the most sampled plus every flagged one
    (the under-sampled models are the ones a cut would hide), with a caption.
    """
    if sampling.empty:
        return Figure(_empty("no sampling data"))
    ordered = sampling.sort_values(
        ["observed_share", "model"], ascending=[False, True], kind="stable"
    )
    flagged = set(ordered.loc[ordered["flagged"].astype(bool), "model"].astype(str))
    keep, caption = select_models(
        ordered["model"].astype(str).tolist(), flagged, MAX_FOREST_MODELS, "most sampled"
    )
    frame = ordered.iloc[keep]
    n = len(frame)
    fig, ax = _subplots(figsize=(7.5, 0.3 * n + 1.2))
    y = np.arange(n)[::-1].astype(float)
    colors = [FLAG_COLOR if f else AFTER_COLOR for f in frame["flagged"]]
    ax.barh(y, frame["observed_share"].to_numpy(dtype=float), color=colors, alpha=0.85)
    expected = frame["expected_share"].to_numpy(dtype=float)
    ax.scatter(expected, y, marker="|", s=200, color="black", label="expected", zorder=3)
    ax.set_yticks(y, [plain_label(m) for m in frame["model"]], fontsize=8)
    ax.set_xlabel("share of battle appearances (red = flagged)")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return Figure(figure_to_data_uri(fig), caption, tuple(frame["model"].astype(str)))


def voter_scatter(voters: pd.DataFrame) -> str:
    """Per voter: votes cast vs. share of decisive votes for side A and for their favourite model."""
    if voters.empty:
        return _empty("voter ids unusable or absent: no voter evidence")
    fig, axes = _subplots(1, 2, figsize=(9, 3.6), sharex=True)
    flagged = voters["flagged"].to_numpy(dtype=bool)
    x = voters["votes"].to_numpy(dtype=float)
    for ax, column, title in (
        (axes[0], "a_share", "share of decisive votes for side A"),
        (axes[1], "top_model_share", "share of wins given to one model"),
    ):
        values = voters[column].to_numpy(dtype=float)
        ax.scatter(
            x[~flagged], values[~flagged], s=6, alpha=0.35, color=BEFORE_COLOR, label="voter"
        )
        ax.scatter(x[flagged], values[flagged], s=14, color=FLAG_COLOR, label="flagged voter")
        ax.set_xscale("log")
        ax.set_ylim(-0.03, 1.03)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("votes cast")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8, loc="lower left")
    return figure_to_data_uri(fig)


def invalidations_over_time(events: pd.DataFrame, detectors: Sequence[str] = ()) -> str:
    """Invalidated votes per day, stacked by detector (``events``: columns tstamp, detector)."""
    frame = events.dropna(subset=["tstamp"])
    if frame.empty:
        return _empty("no invalidations with timestamps")
    days = pd.to_datetime(frame["tstamp"], unit="s", utc=True).dt.floor("D")
    table = pd.crosstab(days, frame["detector"]).sort_index()
    order = [d for d in detectors if d in table.columns] + sorted(
        c for c in table.columns if c not in detectors
    )
    table = table[order]
    fig, ax = _subplots(figsize=(8, 3.2))
    bottom = np.zeros(len(table))
    for column in table.columns:
        values = table[column].to_numpy(dtype=float)
        ax.bar(table.index, values, bottom=bottom, label=plain_label(column), width=0.8)
        bottom += values
    ax.set_ylabel("invalidated votes per day (UTC)")
    ax.legend(fontsize=8)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))
    fig.autofmt_xdate()
    ax.grid(axis="y", alpha=0.3)
    return figure_to_data_uri(fig)


def recognisability_bars(models: Sequence[dict[str, object]]) -> str:
    """Identification accuracy per model with its 95 % interval, chance marked; recognisable in red."""
    if not models:
        return _empty("recognisability not measured (no responses with text)")
    rows = sorted(models, key=lambda r: -float(str(r["accuracy"])))[:MAX_FOREST_MODELS]
    n = len(rows)
    fig, ax = _subplots(figsize=(7.5, 0.3 * n + 1.2))
    y = np.arange(n)[::-1].astype(float)
    acc = np.array([float(str(r["accuracy"])) for r in rows])
    low = np.array([float(str(r["ci_low"])) for r in rows])
    high = np.array([float(str(r["ci_high"])) for r in rows])
    colors = [FLAG_COLOR if r.get("recognisable") else AFTER_COLOR for r in rows]
    ax.barh(y, acc, color=colors, alpha=0.85)
    ax.errorbar(acc, y, xerr=[acc - low, high - acc], fmt="none", ecolor="black", capsize=2)
    chance = [float(str(r["chance"])) for r in rows]
    ax.scatter(chance, y, marker="|", s=200, color="black", label="chance", zorder=3)
    ax.set_yticks(y, [plain_label(r["model"]) for r in rows], fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel("held-out responses identified (red = recognisable)")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return figure_to_data_uri(fig)
