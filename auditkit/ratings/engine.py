"""Leaderboard ratings from a battle table: Bradley-Terry with honest intervals and rateability.

Conventions default to LMArena's (FastChat ``compute_mle_elo``, arena-rank 2025): anonymous battles only,
ties and both-bad ties as half a win each way, rating ``= 1000 + 400 / ln(10) * theta``, and FastChat's
anchor ``mixtral-8x7b-instruct-v0.1 = 1114`` when that model is rated. Votes are aggregated into cells of
identical (model A, model B, outcome, weight) before fitting, so cost scales with cells, not rows.

Before fitting, models that cannot be rated honestly are set aside with a reason (``rateable=False``,
a ``note``, ``rating`` NaN): fewer battles than ``min_battles``; outside the largest connected
component of the battle graph (strengths in different components share no scale, so we refuse the
cross-component comparison instead of printing numbers that look comparable); and, without an L2
prior, models whose maximum-likelihood strength is infinite (a group that only wins or only loses
against the rest — the directed "scored against" graph is not strongly connected; Zermelo 1929,
Ford 1957). The rest are fitted together.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from auditkit.codes import TableCodes, row_positions, sorted_models
from auditkit.findings import jsonable
from auditkit.lazy import lazy_module
from auditkit.schema import TAG_PREFIX, BattleTable, Winner
from auditkit.stats.bootstrap import bootstrap_bt_cells, bootstrap_rank_bounds
from auditkit.stats.bradley_terry import fit_bt_pairs, fit_davidson_pairs
from auditkit.stats.sandwich import bt_sandwich_cov, interval_ranks
from auditkit.stats.style import (
    STYLE_FEATURES,
    assistant_texts,
    contextual_bt_sandwich,
    count_style,
    fit_contextual_bt,
    style_feature_matrix,
)

if TYPE_CHECKING:
    from scipy import sparse, special
    from scipy.sparse import csgraph
else:
    sparse = lazy_module("scipy.sparse")  # imported on first use (auditkit.lazy)
    csgraph = lazy_module("scipy.sparse.csgraph")  # imported on first use (auditkit.lazy)
    special = lazy_module("scipy.special")  # imported on first use (auditkit.lazy)

# What fitting imports on first use (here and in auditkit.stats): a caller can import them while
# it loads the battles (auditkit.lazy.WarmImports).
LAZY_IMPORTS = ("scipy.special", "scipy.sparse.csgraph")

__all__ = [
    "FASTCHAT_ANCHOR",
    "LAZY_IMPORTS",
    "RATING_COLUMNS",
    "RatingOptions",
    "RatingResult",
    "SlicedRatings",
    "StyleCoefficients",
    "fit_ratings",
    "fit_ratings_by",
    "inverse_sampling_weights",
    "l2_from_sklearn_c",
    "pair_count_weights",
]

FASTCHAT_ANCHOR: tuple[str, float] = ("mixtral-8x7b-instruct-v0.1", 1114.0)
RATING_COLUMNS: tuple[str, ...] = (
    "model",
    "rating",
    "ci_lower",
    "ci_upper",
    "rank",
    "rank_lower",
    "rank_upper",
    "battles",
    "rateable",
    "note",
)

CiMethod = Literal["sandwich", "bootstrap", "none"]
TieMode = Literal["half", "exclude", "davidson"]
Reweight = Literal["none", "pair_count", "inverse_sampling"]
Disconnected = Literal["main", "per_component"]


def l2_from_sklearn_c(c: float = 1.0, *, base: float = 10.0, duplicated: bool = True) -> float:
    """``RatingOptions.l2`` equivalent to sklearn ``LogisticRegression(C=c)`` on FastChat's design.

    FastChat's older ``compute_elo_mle_with_tie`` fits coefficients ``w`` on features ``±ln(base)``
    minimising ``0.5 |w|^2 + C * sum(logloss)`` over every battle *duplicated* (a tie becomes one A-win
    row and one B-win row). With ``theta = ln(base) w`` and one likelihood term per battle that is
    ``l2 = 1 / (C ln(base)^2)`` for the doubled data, i.e. half of that per original battle.
    """
    per_row = 1.0 / (c * math.log(base) ** 2)
    return per_row / 2.0 if duplicated else per_row


@dataclass(frozen=True)
class RatingOptions:
    """How to turn votes into ratings (defaults: LMArena conventions).

    ``ci``: sandwich (arena-rank / paper §5), bootstrap (multinomial over vote cells, percentiles
    2.5/97.5 as FastChat) or none. ``anchor``: (model, rating) pinned after fitting when that model is
    rated (FastChat's mixtral = 1114 by default; None keeps the mean at ``init_rating``). ``ties``:
    half (a tie is half a win each way), exclude, or davidson (Davidson 1970 tie model). ``l2``: ridge
    on natural-log strengths per battle (see ``l2_from_sklearn_c``). ``reweight``: pair_count
    (arena-rank's ``1/max(n_pair, min_pair_count)``) or inverse_sampling (paper eq. 7).
    ``hessian_reg``: 0 = exact sandwich; 1e-5 = arena-rank 0.1.1's ridged Hessian. ``disconnected``:
    main (rate the largest component only) or per_component.
    """

    ci: CiMethod = "sandwich"
    n_bootstrap: int = 100
    random_state: int = 0
    scale: float = 400.0
    base: float = 10.0
    init_rating: float = 1000.0
    anchor: tuple[str, float] | None = FASTCHAT_ANCHOR
    ties: TieMode = "half"
    l2: float = 0.0
    anonymous_only: bool = True
    style_control: bool = False
    style_reg: float = 0.0
    # A model with a handful of battles gets a finite MLE but an interval that is not credible
    # (2 battles on the 140k log gave ±13 points): below this it is reported, not rated.
    min_battles: int = 10
    reweight: Reweight = "none"
    min_pair_count: int = 50
    weight_column: str | None = None
    confidence: float = 0.95
    hessian_reg: float = 0.0
    disconnected: Disconnected = "main"

    def __post_init__(self) -> None:
        if self.ci not in ("sandwich", "bootstrap", "none"):
            raise ValueError(f"ci must be sandwich, bootstrap or none, not {self.ci!r}")
        if self.ties not in ("half", "exclude", "davidson"):
            raise ValueError(f"ties must be half, exclude or davidson, not {self.ties!r}")
        if self.reweight not in ("none", "pair_count", "inverse_sampling"):
            raise ValueError(
                f"reweight must be none, pair_count or inverse_sampling, not {self.reweight!r}"
            )
        if self.ci == "bootstrap" and self.n_bootstrap < 2:
            raise ValueError("n_bootstrap must be at least 2")
        if self.ties == "davidson" and (self.ci == "sandwich" or self.style_control):
            raise ValueError("the Davidson tie model supports ci='bootstrap' or 'none' only")
        if self.disconnected not in ("main", "per_component"):
            raise ValueError(
                f"disconnected must be main or per_component, not {self.disconnected!r}"
            )
        if not 0 < self.confidence < 1:
            raise ValueError("confidence must lie in (0, 1)")

    @property
    def alpha(self) -> float:
        """Rating points per unit of natural-log strength."""
        return self.scale / math.log(self.base)


@dataclass(frozen=True)
class StyleCoefficients:
    """Style-control coefficients (natural-log odds per standard deviation of each feature)."""

    features: tuple[str, ...]
    coef: tuple[float, ...]
    ci_lower: tuple[float, ...]
    ci_upper: tuple[float, ...]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "feature": list(self.features),
                "coef": list(self.coef),
                "ci_lower": list(self.ci_lower),
                "ci_upper": list(self.ci_upper),
            }
        )


@dataclass(frozen=True)
class RatingResult:
    """Ratings per model with intervals, ranks and the reasons some models are not rated."""

    table: pd.DataFrame
    options: RatingOptions
    unratable: dict[str, str]
    components: tuple[tuple[str, ...], ...]
    n_battles: int
    dropped: dict[str, int] = field(default_factory=dict)
    anchor_applied: bool = False
    tie_parameter: float | None = None
    style: StyleCoefficients | None = None

    def to_frame(self) -> pd.DataFrame:
        """One row per model, rated models first by rating (columns ``RATING_COLUMNS``)."""
        return self.table.copy()

    def rating_of(self, model: str) -> float:
        """The model's rating (NaN when it is not rateable); KeyError for an unknown model."""
        row = self.table.loc[self.table["model"] == model]
        if row.empty:
            raise KeyError(model)
        return float(row["rating"].iloc[0])

    @property
    def models(self) -> list[str]:
        return [str(m) for m in self.table["model"]]

    def anchor_text(self, models: Sequence[str] | None = None) -> str:
        """Which anchor fixed the scale: ``"mixtral-8x7b-instruct-v0.1 = 1114"`` or ``"mean = 1000"``.

        ``models`` (one component's) asks about that component: the anchor model must be in it.
        Without the anchor the strengths are centred, so the rated models' mean is the initial rating.
        """
        anchor = self.options.anchor
        inside = models is None or (anchor is not None and anchor[0] in models)
        if self.anchor_applied and anchor is not None and inside:
            return f"{anchor[0]} = {anchor[1]:g}"
        return f"mean = {self.options.init_rating:g}"

    def _table_lines(self, rated: pd.DataFrame, limit: int | None) -> list[str]:
        lines = []
        shown = rated if limit is None else rated.head(limit)
        for row in shown.to_dict("records"):
            rank = "-" if pd.isna(row["rank"]) else str(int(row["rank"]))
            if not pd.isna(row["rank_lower"]) and row["rank_lower"] != row["rank_upper"]:
                rank += f" ({int(row['rank_lower'])}–{int(row['rank_upper'])})"
            lines.append(
                f"  {rank:>10}  {row['model']:<40} {row['rating']:8.1f}"
                f"  [{row['ci_lower']:7.1f}, {row['ci_upper']:7.1f}]  n={row['battles']}"
            )
        if limit is not None and len(rated) > limit:
            lines.append(f"  … {len(rated) - limit} more")
        return lines

    def summary(self, limit: int | None = 10) -> str:
        """The leaderboard as text: by rating (then name), rank with its range, the anchor used.

        With ``disconnected="per_component"`` and several components, one labelled table each.
        """
        rated = self.table[self.table["rateable"]].sort_values(
            ["rating", "model"], ascending=[False, True], kind="stable"
        )
        lines = [
            f"Bradley-Terry ratings: {len(rated)} rated of {len(self.table)} models, "
            f"{self.n_battles} battles, CI {self.options.ci}"
            + (f" ({self.options.n_bootstrap} rounds)" if self.options.ci == "bootstrap" else "")
            + (", style-controlled" if self.style is not None else ""),
        ]
        if self.options.disconnected == "per_component" and len(self.components) > 1:
            total = len(self.components)
            for k, members in enumerate(self.components, start=1):
                part = rated[rated["model"].isin(members)]
                lines.append(
                    f"component {k} of {total} ({len(members)} models; not comparable with the "
                    f"other components), anchor: {self.anchor_text(members)}"
                )
                lines += self._table_lines(part, limit)
        else:
            lines.append(f"  anchor: {self.anchor_text()}")
            lines += self._table_lines(rated, limit)
        for model, why in self.unratable.items():
            lines.append(f"  not rated: {model}: {why}")
        if len(self.components) > 1:
            lines.append(f"  battle graph has {len(self.components)} connected components")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "options": jsonable(self.options.__dict__),
            "n_battles": self.n_battles,
            "dropped": jsonable(self.dropped),
            "anchor_applied": self.anchor_applied,
            "tie_parameter": jsonable(self.tie_parameter),
            "components": jsonable(self.components),
            "unratable": dict(self.unratable),
            "ratings": jsonable(self.table.to_dict(orient="records")),
            "style": None if self.style is None else jsonable(self.style.__dict__),
        }

    def to_json_str(self) -> str:
        return json.dumps(self.to_json(), indent=2, sort_keys=True)

    def _repr_html_(self) -> str:
        from auditkit.report.notebook import ratings_html

        return ratings_html(self)


@dataclass(frozen=True)
class SlicedRatings:
    """Ratings per slice value (e.g. per language or per ``tag.*`` value)."""

    by: str
    results: dict[str, RatingResult]

    def to_frame(self) -> pd.DataFrame:
        frames = []
        for value, result in self.results.items():
            frame = result.to_frame()
            frame.insert(0, "slice_value", value)
            frame.insert(0, "slice", self.by)
            frames.append(frame)
        if not frames:
            return pd.DataFrame(columns=["slice", "slice_value", *RATING_COLUMNS])
        return pd.concat(frames, ignore_index=True)

    def summary(self) -> str:
        parts = [f"ratings by {self.by}: {len(self.results)} slices"]
        for value, result in self.results.items():
            parts.append(f"[{self.by} = {value}]\n{result.summary()}")
        return "\n".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {"by": self.by, "slices": {k: v.to_json() for k, v in self.results.items()}}

    def _repr_html_(self) -> str:
        from auditkit.report.notebook import sliced_ratings_html

        return sliced_ratings_html(self)


# --------------------------------------------------------------------------------------------------
# preparation


def _outcome_codes(winner: pd.Series) -> np.ndarray:
    """A's score per vote: 1 win, 0 loss, 0.5 for either kind of tie."""
    if isinstance(winner.dtype, pd.CategoricalDtype):
        table = np.array(
            [
                1.0 if c == Winner.MODEL_A.value else 0.0 if c == Winner.MODEL_B.value else 0.5
                for c in winner.cat.categories
            ]
        )
        codes = winner.cat.codes.to_numpy()
        out = table[codes] if len(table) else np.full(len(codes), 0.5)
        return np.asarray(np.where(codes < 0, 0.5, out))
    values = winner.astype(str).to_numpy()
    out = np.full(len(values), 0.5)
    out[values == Winner.MODEL_A.value] = 1.0
    out[values == Winner.MODEL_B.value] = 0.0
    return out


def pair_count_weights(frame: pd.DataFrame, min_pair_count: int = 50) -> np.ndarray:
    """arena-rank's per-vote weight ``1 / max(n_pair, min_pair_count)`` (unordered pair counts)."""
    lo = np.minimum(
        frame["model_a"].to_numpy(dtype=object), frame["model_b"].to_numpy(dtype=object)
    )
    hi = np.maximum(
        frame["model_a"].to_numpy(dtype=object), frame["model_b"].to_numpy(dtype=object)
    )
    keys = pd.Series(lo.astype(str)) + "\x1f" + pd.Series(hi.astype(str))
    counts = keys.map(keys.value_counts()).to_numpy(dtype=np.float64)
    return 1.0 / np.maximum(counts, float(min_pair_count))


def inverse_sampling_weights(frame: pd.DataFrame) -> np.ndarray:
    """Per-vote ``1 / P_t(pair)``, the Chatbot Arena paper's eq. 7 (arXiv 2403.04132 §5).

    ``P_t`` is estimated as the pair's share of the votes cast on the same UTC day when every vote
    has a timestamp, else its share of all votes (unordered pairs). Weights are scaled to mean 1.
    """
    lo = np.minimum(
        frame["model_a"].to_numpy(dtype=object), frame["model_b"].to_numpy(dtype=object)
    )
    hi = np.maximum(
        frame["model_a"].to_numpy(dtype=object), frame["model_b"].to_numpy(dtype=object)
    )
    keys = pd.Series(lo.astype(str)) + "\x1f" + pd.Series(hi.astype(str))
    tstamp = frame["tstamp"].to_numpy(dtype=np.float64, na_value=np.nan)
    if len(tstamp) and not np.isnan(tstamp).any():
        day = pd.Series(np.floor(tstamp / 86_400.0).astype(np.int64))
        share = keys.groupby(day).transform("size") / keys.groupby([day, keys]).transform("size")
        w = share.to_numpy(dtype=np.float64)
    else:
        w = len(keys) / keys.map(keys.value_counts()).to_numpy(dtype=np.float64)
    return np.asarray(w / w.mean()) if len(w) else w


def _weights_from_table(frame: pd.DataFrame, pair_weights: pd.DataFrame) -> np.ndarray:
    """Per-vote weights from a (model_a, model_b, weight) table; unordered, missing pairs → 1."""
    missing = {"model_a", "model_b", "weight"} - set(pair_weights.columns)
    if missing:
        raise ValueError(f"pair_weights lacks columns: {', '.join(sorted(missing))}")
    lookup: dict[tuple[str, str], float] = {}
    for a, b, w in pair_weights[["model_a", "model_b", "weight"]].itertuples(index=False):
        lookup[(str(a), str(b))] = float(w)
        lookup.setdefault((str(b), str(a)), float(w))
    a_col = frame["model_a"].astype(str).to_numpy()
    b_col = frame["model_b"].astype(str).to_numpy()
    return np.array([lookup.get((a, b), 1.0) for a, b in zip(a_col, b_col, strict=True)])


def _style_counts(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray] | None:
    cols_a = [f"style_a_{f}" for f in STYLE_FEATURES]
    cols_b = [f"style_b_{f}" for f in STYLE_FEATURES]
    if all(c in frame.columns for c in (*cols_a, *cols_b)):
        sa = frame[cols_a].to_numpy(dtype=np.float64, na_value=np.nan)
        sb = frame[cols_b].to_numpy(dtype=np.float64, na_value=np.nan)
        if not (np.isnan(sa).any() or np.isnan(sb).any()):
            return sa, sb
    if "conversation_a" in frame.columns and "conversation_b" in frame.columns:
        sa = np.array([count_style(assistant_texts(c)) for c in frame["conversation_a"]])
        sb = np.array([count_style(assistant_texts(c)) for c in frame["conversation_b"]])
        return sa.reshape(-1, 4), sb.reshape(-1, 4)
    return None


def _edge_graph(src: np.ndarray, dst: np.ndarray, n: int) -> sparse.coo_matrix:
    """Sparse 0/1 adjacency of distinct edges; deduplicated first so 1M votes cost O(N)."""
    key = src * n + dst
    uniq = (
        np.flatnonzero(np.bincount(key, minlength=n * n)) if n * n <= 4_000_000 else np.unique(key)
    )
    return sparse.coo_matrix((np.ones(len(uniq)), (uniq // n, uniq % n)), shape=(n, n))


def _scc_core(
    a: np.ndarray, b: np.ndarray, y: np.ndarray, c: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """SCC labels of the directed graph ``i -> j`` iff i scored against j, and per-SCC battles."""
    score_a = c * y
    score_b = c * (1.0 - y)
    src = np.concatenate([a[score_a > 0], b[score_b > 0]])
    dst = np.concatenate([b[score_a > 0], a[score_b > 0]])
    graph = _edge_graph(src, dst, n)
    _, labels = csgraph.connected_components(graph, directed=True, connection="strong")
    battles = np.bincount(a, c, n) + np.bincount(b, c, n)
    return np.asarray(labels), np.bincount(labels, battles)


# --------------------------------------------------------------------------------------------------
# fitting


def _model_codes(
    model_a: pd.Series, model_b: pd.Series
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes of both sides in one sorted model list (-1 for a missing name).

    Each side is dictionary-encoded on its own and the two small name lists merged: joining the
    two columns first would copy 2 × n strings (about 0.5 GiB at 10M votes).
    """
    if isinstance(model_a.dtype, pd.CategoricalDtype) and isinstance(
        model_b.dtype, pd.CategoricalDtype
    ):  # the loader's model columns: looked up by category, no string per row
        models = np.asarray(sorted_models(model_a, model_b), dtype=object)
        return row_positions(model_a, models), row_positions(model_b, models), models
    codes_a, names_a = pd.factorize(model_a.astype("string"), sort=True)
    codes_b, names_b = pd.factorize(model_b.astype("string"), sort=True)
    list_a = [str(m) for m in names_a]
    list_b = [str(m) for m in names_b]
    uniques = np.asarray(sorted(set(list_a) | set(list_b)), dtype=object)
    out = []
    for codes, names in ((codes_a, list_a), (codes_b, list_b)):
        where = np.searchsorted(uniques, np.asarray(names, dtype=object)).astype(np.int64)
        out.append(np.where(codes >= 0, where[codes] if len(names) else -1, -1))
    return out[0], out[1], uniques


def fit_ratings(
    battles: BattleTable,
    options: RatingOptions = RatingOptions(),
    *,
    pair_weights: pd.DataFrame | None = None,
    rows: np.ndarray | None = None,
) -> RatingResult:
    """Bradley-Terry ratings of every model in ``battles`` with intervals and rateability notes.

    ``rows`` (one bool per row) rates only the flagged rows: the same result as rating
    ``battles.frame[rows]``, without copying the table (the audit rates its cleaned votes so).

    With ``options.disconnected == "main"`` (default) only the largest connected component of the
    battle graph is rated and every other model is reported as not rateable. ``"per_component"``
    fits each component on its own instead: each is centred on ``init_rating`` and ranked within
    itself, and every row's ``note`` names its component, because numbers from different
    components share no scale (older FastChat/GenAI-Arena leaderboards printed them side by side).
    """
    if rows is not None and len(rows) != len(battles):
        raise ValueError(f"rows has {len(rows)} flags for {len(battles)} battles")
    if options.disconnected == "per_component":
        if rows is not None:
            battles = battles.with_frame(battles.frame.loc[rows].reset_index(drop=True))
        return _fit_per_component(battles, options, pair_weights)
    full = battles.frame
    pos, all_models, ia, ib, y, dropped = _select_votes(full, options, rows, battles.codes)
    n_all = len(all_models)
    weights = _vote_weights(full, pos, options, pair_weights)
    # From here on a "row" is a cell of identical votes (A, B, outcome, weight) with its count:
    # the fit works on cells anyway, and 10M votes make a few hundred cells, not 10M-long arrays.
    # Style control needs each vote's own features, so it keeps one row per vote.
    count = np.ones(len(pos), dtype=np.int64)
    if not options.style_control:
        ia, ib, y, weights, count = _cells(ia, ib, y, weights, n_all)
    battles_per_model = np.bincount(ia, count, minlength=n_all) + np.bincount(
        ib, count, minlength=n_all
    )
    active, unratable, components = _rateable_models(
        ia, ib, y, count, battles_per_model, all_models, options
    )

    rated_models = [m for m, keep in zip(all_models, active, strict=True) if keep]
    in_fit = active[ia] & active[ib]  # cells (or votes) between rated models
    n = len(rated_models)
    remap = np.full(n_all, -1, dtype=np.int64)
    remap[np.flatnonzero(active)] = np.arange(n)
    ra, rb, ry, rw = remap[ia[in_fit]], remap[ib[in_fit]], y[in_fit], weights[in_fit]
    if n and options.style_control:
        fit = _fit_style_controlled(full.iloc[pos[in_fit]], ra, rb, ry, rw, n, options)
    elif n:
        fit = _fit_cells(ra, rb, ry, rw, count[in_fit], n, options)
    else:
        fit = _Fit.empty(n)
    index = {m: i for i, m in enumerate(all_models)}
    table, anchor_applied = _rating_table(
        rated_models,
        fit,
        unratable,
        [int(battles_per_model[index[m]]) for m in rated_models],
        [int(battles_per_model[index[m]]) for m in unratable],
        options,
    )
    return RatingResult(
        table=table,
        options=options,
        unratable=dict(sorted(unratable.items())),
        components=tuple(components),
        n_battles=int(count[in_fit].sum()),
        dropped=dropped,
        anchor_applied=anchor_applied,
        tie_parameter=fit.tie_parameter,
        style=fit.style,
    )


def _select_votes(
    full: pd.DataFrame,
    options: RatingOptions,
    rows: np.ndarray | None,
    codes: TableCodes | None = None,
) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
    """The votes to rate: the flagged ``rows`` less non-anonymous votes (by default), self-battles
    and (when asked) ties. ``codes``: the table's shared model codes (``BattleTable.codes``, the
    same codes :func:`_model_codes` computes), when ``full`` is that table's frame.

    Returns ``(pos, models, a, b, y, dropped)``: their row positions, the models they name, each
    vote's codes into ``models`` and A's score (1 win, 0.5 tie, 0 loss), and the votes left out
    by reason.
    """
    # Work on integer codes and row positions; the (wide) frame is only sliced when a weight or
    # style column is needed, which keeps a 1M-row fit in numpy.
    n_rows = len(full)
    if codes is not None:
        ia_all, ib_all = codes.model_a.astype(np.int64), codes.model_b.astype(np.int64)
        uniques = np.asarray(codes.models, dtype=object)
    else:
        ia_all, ib_all, uniques = _model_codes(full["model_a"], full["model_b"])
    y_all = _outcome_codes(full["winner"])
    keep = np.ones(n_rows, dtype=bool) if rows is None else np.array(rows, dtype=bool)
    dropped: dict[str, int] = {}
    if options.anonymous_only:
        anony = full["anony"].to_numpy(dtype=bool)
        dropped["not_anonymous"] = int((keep & ~anony).sum())
        keep &= anony
    self_battle = keep & (ia_all == ib_all)
    dropped["self_battle"] = int(self_battle.sum())
    keep &= ~self_battle
    if options.ties == "exclude":
        is_tie = keep & (y_all == 0.5)
        dropped["tie"] = int(is_tie.sum())
        keep &= ~is_tie
    dropped = {k: v for k, v in dropped.items() if v}
    pos = np.flatnonzero(keep)
    present = np.zeros(len(uniques), dtype=bool)
    present[ia_all[pos]] = True
    present[ib_all[pos]] = True
    old_to_new = np.cumsum(present) - 1
    all_models = [str(m) for m, here in zip(uniques, present, strict=True) if here]
    # Arrays over every row are not kept past here (≈25 bytes a vote).
    return pos, all_models, old_to_new[ia_all[pos]], old_to_new[ib_all[pos]], y_all[pos], dropped


def _vote_weights(
    full: pd.DataFrame,
    pos: np.ndarray,
    options: RatingOptions,
    pair_weights: pd.DataFrame | None,
) -> np.ndarray:
    """Each selected vote's weight: the product of every reweighting asked for (1 when none)."""
    weights = np.ones(len(pos))
    if options.reweight != "none" or pair_weights is not None or options.weight_column:
        frame = full.iloc[pos]
        if options.reweight == "pair_count":
            weights = weights * pair_count_weights(frame, options.min_pair_count)
        elif options.reweight == "inverse_sampling":
            weights = weights * inverse_sampling_weights(frame)
        if pair_weights is not None:
            weights = weights * _weights_from_table(frame, pair_weights)
        if options.weight_column is not None:
            weights = weights * frame[options.weight_column].to_numpy(dtype=np.float64)
    return weights


def _rateable_models(
    ia: np.ndarray,
    ib: np.ndarray,
    y: np.ndarray,
    count: np.ndarray,
    battles_per_model: np.ndarray,
    all_models: list[str],
    options: RatingOptions,
) -> tuple[np.ndarray, dict[str, str], list[tuple[str, ...]]]:
    """Which models can be rated honestly: ``(active, unratable reasons, components)``.

    Set aside, in this order: fewer battles than ``min_battles``; outside the largest connected
    component; without an L2 prior, an infinite maximum-likelihood strength.
    """
    n_all = len(all_models)
    unratable: dict[str, str] = {}
    active = np.ones(n_all, dtype=bool)
    if options.min_battles > 0:
        for i in np.flatnonzero(battles_per_model < options.min_battles):
            unratable[all_models[i]] = (
                f"only {int(battles_per_model[i])} battles (< min_battles {options.min_battles})"
            )
            active[i] = False
    components = _set_aside_disconnected(ia, ib, count, all_models, active, unratable)
    # Infinite MLE: the directed scored-against graph must be strongly connected (no L2 prior).
    if options.l2 <= 0 and active.any():
        _set_aside_infinite(ia, ib, y, count, all_models, active, unratable)
    return active, unratable, components


def _set_aside_disconnected(
    ia: np.ndarray,
    ib: np.ndarray,
    count: np.ndarray,
    all_models: list[str],
    active: np.ndarray,
    unratable: dict[str, str],
) -> list[tuple[str, ...]]:
    """The weak components of the battle graph among active models, largest first; every active
    model outside the largest is set aside (``active``/``unratable`` updated in place)."""
    n_all = len(all_models)
    rows = active[ia] & active[ib]
    graph = _edge_graph(ia[rows], ib[rows], n_all)
    _, comp = csgraph.connected_components(graph, directed=False)
    comp_battles = np.bincount(
        comp[ia[rows]], count[rows], minlength=comp.max() + 1 if n_all else 0
    )
    components: list[tuple[str, ...]] = []
    if n_all:
        order = np.argsort(-comp_battles, kind="stable")
        for label in order:
            members = tuple(all_models[i] for i in np.flatnonzero((comp == label) & active))
            if members:
                components.append(members)
        main = int(order[0])
        for i in np.flatnonzero(active & (comp != main)):
            others = next(c for c in components if all_models[i] in c)
            unratable[all_models[i]] = (
                f"disconnected from the main leaderboard (its component has {len(others)} "
                "model(s)); ratings across components are not comparable"
            )
            active[i] = False
    return components


def _set_aside_infinite(
    ia: np.ndarray,
    ib: np.ndarray,
    y: np.ndarray,
    count: np.ndarray,
    all_models: list[str],
    active: np.ndarray,
    unratable: dict[str, str],
) -> None:
    """Set aside every active model outside the strongly connected core of the directed
    scored-against graph: its maximum-likelihood strength is infinite (updated in place)."""
    rows = active[ia] & active[ib]
    labels, scc_battles = _scc_core(
        ia[rows], ib[rows], y[rows], count[rows].astype(np.float64), len(all_models)
    )
    present = np.bincount(labels[active], minlength=len(scc_battles)) > 0
    core = int(np.argmax(np.where(present, scc_battles, -1.0)))
    for i in np.flatnonzero(active & (labels != core)):
        sel = rows & ((ia == i) | (ib == i))
        score = np.where(ia[sel] == i, y[sel], 1.0 - y[sel])
        if np.all(score == 1.0):
            why = "won every battle: maximum-likelihood rating is +infinity"
        elif np.all(score == 0.0):
            why = "lost every battle: maximum-likelihood rating is -infinity"
        else:
            why = (
                "belongs to a group that never loses (or never wins) against the other "
                "models: maximum-likelihood rating is infinite"
            )
        unratable[all_models[i]] = why
        active[i] = False


@dataclass(frozen=True)
class _Fit:
    """Strengths (natural-log scale) of the rated models, their interval and rank bounds."""

    theta: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    rank_best: np.ndarray
    rank_worst: np.ndarray
    tie_parameter: float | None = None
    style: StyleCoefficients | None = None

    @classmethod
    def empty(cls, n: int) -> _Fit:
        nan = np.full(n, np.nan)
        return cls(np.zeros(n), nan, nan.copy(), nan.copy(), nan.copy())


def _z(options: RatingOptions) -> float:
    # norm.ppf without importing scipy.stats
    return float(special.ndtri(0.5 + options.confidence / 2.0))


def _fit_style_controlled(
    frame: pd.DataFrame,
    ra: np.ndarray,
    rb: np.ndarray,
    ry: np.ndarray,
    rw: np.ndarray,
    n: int,
    options: RatingOptions,
) -> _Fit:
    """Contextual BT with the style features of each vote in ``frame`` (one row per vote)."""
    z = _z(options)
    # Intervals and rank bounds stay NaN unless options.ci asks for them (arrays are replaced,
    # never written into, so one NaN array serves all four).
    lower = upper = rank_best = rank_worst = np.full(n, np.nan)
    counts = _style_counts(frame)
    if counts is None:
        raise ValueError(
            "style control needs style_{a,b}_{tokens,headers,lists,bold} columns or "
            "conversation_a/conversation_b text"
        )
    x = style_feature_matrix(*counts)
    theta, beta = fit_contextual_bt(
        ra, rb, ry, x, n, weights=rw / rw.mean() if len(rw) else rw, reg=options.style_reg
    )
    norm_w = rw / rw.mean() if len(rw) else rw
    if options.ci == "sandwich":
        cov = contextual_bt_sandwich(
            theta,
            beta,
            ra,
            rb,
            ry,
            x,
            weights=norm_w,
            reg=options.style_reg,
            hessian_reg=options.hessian_reg,
        )
        se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
        lower, upper = theta - z * se[:n], theta + z * se[:n]
        b_lo, b_hi = beta - z * se[n:], beta + z * se[n:]
        rank_best, rank_worst = (r.astype(float) for r in interval_ranks(lower, upper))
    elif options.ci == "bootstrap":
        rng = np.random.default_rng(options.random_state)
        th_s = np.empty((options.n_bootstrap, n))
        be_s = np.empty((options.n_bootstrap, len(beta)))
        for r in range(options.n_bootstrap):
            pick = rng.integers(0, len(ry), len(ry))
            th_s[r], be_s[r] = fit_contextual_bt(
                ra[pick],
                rb[pick],
                ry[pick],
                x[pick],
                n,
                weights=norm_w[pick],
                reg=options.style_reg,
            )
        q = (50 - 50 * options.confidence, 50 + 50 * options.confidence)
        lower, upper = np.percentile(th_s, q, axis=0)
        b_lo, b_hi = np.percentile(be_s, q, axis=0)
        rank_best, rank_worst = (r.astype(float) for r in bootstrap_rank_bounds(th_s))
    else:
        b_lo = b_hi = np.full(len(beta), np.nan)
    style = StyleCoefficients(
        features=STYLE_FEATURES,
        coef=tuple(float(v) for v in beta),
        ci_lower=tuple(float(v) for v in b_lo),
        ci_upper=tuple(float(v) for v in b_hi),
    )
    return _Fit(theta, lower, upper, rank_best, rank_worst, style=style)


def _fit_cells(
    ca: np.ndarray,
    cb: np.ndarray,
    cy: np.ndarray,
    cw: np.ndarray,
    cc: np.ndarray,
    n: int,
    options: RatingOptions,
) -> _Fit:
    """BT (or Davidson, with ties as a third outcome) on cells of identical votes (``cc`` each)."""
    z = _z(options)
    lower = upper = rank_best = rank_worst = np.full(n, np.nan)  # unless options.ci asks
    tie_parameter: float | None = None
    if options.ties == "davidson":
        theta, tie_parameter = _fit_davidson_cells(ca, cb, cy, cc * cw, n, options.l2)
    else:
        theta = fit_bt_pairs(ca, cb, cc * cw * cy, cc * cw, n, l2=options.l2)
    if options.ci == "sandwich":
        cov = bt_sandwich_cov(theta, ca, cb, cy, cc, cw, hessian_reg=options.hessian_reg)
        se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
        lower, upper = theta - z * se, theta + z * se
        rank_best, rank_worst = (r.astype(float) for r in interval_ranks(lower, upper))
    elif options.ci == "bootstrap":
        if options.ties == "davidson":
            samples = _bootstrap_davidson(ca, cb, cy, cc, cw, n, options)
        else:
            samples = bootstrap_bt_cells(
                ca,
                cb,
                cy,
                cc,
                n,
                weights=cw,
                n_rounds=options.n_bootstrap,
                random_state=options.random_state,
                l2=options.l2,
                init=theta,
            )
        q = (50 - 50 * options.confidence, 50 + 50 * options.confidence)
        lower, upper = np.percentile(samples, q, axis=0)
        rank_best, rank_worst = (r.astype(float) for r in bootstrap_rank_bounds(samples))
    return _Fit(theta, lower, upper, rank_best, rank_worst, tie_parameter=tie_parameter)


def _rating_table(
    rated_models: list[str],
    fit: _Fit,
    unratable: dict[str, str],
    rated_battles: list[int],
    unrated_battles: list[int],
    options: RatingOptions,
) -> tuple[pd.DataFrame, bool]:
    """The leaderboard (``RATING_COLUMNS``): rated models by rating, then the unrated by name;
    and whether the anchor was applied."""
    n = len(rated_models)
    # Ratings on the leaderboard scale, then the anchor shift.
    alpha = options.alpha
    rating = options.init_rating + alpha * fit.theta
    lower_r = options.init_rating + alpha * fit.lower
    upper_r = options.init_rating + alpha * fit.upper
    anchor_applied = False
    if options.anchor is not None and options.anchor[0] in rated_models:
        shift = options.anchor[1] - rating[rated_models.index(options.anchor[0])]
        rating, lower_r, upper_r = rating + shift, lower_r + shift, upper_r + shift
        anchor_applied = True

    rank_best, rank_worst = fit.rank_best, fit.rank_worst
    if options.ci == "none" or not n:
        order = np.argsort(-rating, kind="stable")
        ordinal = np.empty(n)
        ordinal[order] = np.arange(1, n + 1)
        rank = ordinal
        rank_best, rank_worst = ordinal.copy(), ordinal.copy()
    else:
        rank = interval_ranks(lower_r, upper_r)[0].astype(float)

    rated = pd.DataFrame(
        {
            "model": rated_models,
            "rating": rating,
            "ci_lower": lower_r,
            "ci_upper": upper_r,
            "rank": rank,
            "rank_lower": rank_best,
            "rank_upper": rank_worst,
            "battles": rated_battles,
            "rateable": True,
            "note": "",
        }
    ).sort_values(["rating", "model"], ascending=[False, True], kind="stable")
    unrated = pd.DataFrame(
        {
            "model": list(unratable),
            "rating": np.nan,
            "ci_lower": np.nan,
            "ci_upper": np.nan,
            "rank": np.nan,
            "rank_lower": np.nan,
            "rank_upper": np.nan,
            "battles": unrated_battles,
            "rateable": False,
            "note": list(unratable.values()),
        }
    ).sort_values("model", kind="stable")
    table = pd.concat([rated, unrated], ignore_index=True) if len(unrated) else rated
    table = table.reset_index(drop=True)
    for col in ("rank", "rank_lower", "rank_upper"):
        table[col] = table[col].astype("Int64")
    table["battles"] = table["battles"].astype("int64")
    table["rateable"] = table["rateable"].astype(bool)
    return table[list(RATING_COLUMNS)], anchor_applied


def _cells(
    a: np.ndarray, b: np.ndarray, y: np.ndarray, w: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Aggregate votes into cells of identical (A, B, outcome, weight) with their counts."""
    if len(w) == 0 or np.all(w == w[0]):
        key = (a * n + b) * 3 + np.rint(2 * y).astype(np.int64)
        if 3 * n * n <= 12_000_000:
            dense = np.bincount(key, minlength=3 * n * n)
            uniq = np.flatnonzero(dense)
            counts = dense[uniq]
        else:
            uniq, counts = np.unique(key, return_counts=True)
        outcome = (uniq % 3) / 2.0
        pair = uniq // 3
        weight = np.full(len(uniq), w[0] if len(w) else 1.0)
        return pair // n, pair % n, outcome, weight, counts.astype(np.int64)
    cells = (
        pd.DataFrame({"a": a, "b": b, "y": y, "w": w})
        .groupby(["a", "b", "y", "w"], sort=True)
        .size()
        .reset_index(name="count")
    )
    return (
        cells["a"].to_numpy(dtype=np.int64),
        cells["b"].to_numpy(dtype=np.int64),
        cells["y"].to_numpy(dtype=np.float64),
        cells["w"].to_numpy(dtype=np.float64),
        cells["count"].to_numpy(dtype=np.int64),
    )


def _fit_per_component(
    battles: BattleTable, options: RatingOptions, pair_weights: pd.DataFrame | None
) -> RatingResult:
    main_opts = replace(options, disconnected="main")
    first = fit_ratings(battles, main_opts, pair_weights=pair_weights)
    if len(first.components) <= 1:
        return first
    frame = battles.frame
    tables: list[pd.DataFrame] = []
    unratable: dict[str, str] = {}
    n_battles = 0
    anchor_applied = False
    k_total = len(first.components)
    for k, members in enumerate(first.components, start=1):
        inside = set(members)
        mask = (frame["model_a"].isin(inside) & frame["model_b"].isin(inside)).to_numpy(dtype=bool)
        part = fit_ratings(battles.with_frame(frame[mask]), main_opts, pair_weights=pair_weights)
        table = part.to_frame()
        label = (
            f"component {k} of {k_total} ({len(members)} models); not comparable across components"
        )
        table["note"] = [f"{note}; {label}" if note else label for note in table["note"]]
        tables.append(table)
        unratable.update(part.unratable)
        n_battles += part.n_battles
        anchor_applied = anchor_applied or part.anchor_applied
    # Models set aside before the component split (min_battles) keep their reason.
    for model, why in first.unratable.items():
        if not any(model in c for c in first.components):
            unratable[model] = why
            tables.append(first.table[first.table["model"] == model])
    table = pd.concat(tables, ignore_index=True)
    return RatingResult(
        table=table[list(RATING_COLUMNS)].reset_index(drop=True),
        options=options,
        unratable=dict(sorted(unratable.items())),
        components=first.components,
        n_battles=n_battles,
        dropped=first.dropped,
        anchor_applied=anchor_applied,
    )


def _fit_davidson_cells(
    a: np.ndarray, b: np.ndarray, y: np.ndarray, mass: np.ndarray, n: int, l2: float
) -> tuple[np.ndarray, float]:
    wins = np.where(y == 1.0, mass, 0.0)
    ties = np.where(y == 0.5, mass, 0.0)
    losses = np.where(y == 0.0, mass, 0.0)
    return fit_davidson_pairs(a, b, wins, ties, losses, n, l2=l2)


def _bootstrap_davidson(
    a: np.ndarray,
    b: np.ndarray,
    y: np.ndarray,
    counts: np.ndarray,
    w: np.ndarray,
    n: int,
    options: RatingOptions,
) -> np.ndarray:
    rng = np.random.default_rng(options.random_state)
    total = int(counts.sum())
    draws = rng.multinomial(total, counts / total, size=options.n_bootstrap)
    return np.stack([_fit_davidson_cells(a, b, y, d * w, n, options.l2)[0] for d in draws])


def fit_ratings_by(
    battles: BattleTable,
    by: str,
    options: RatingOptions = RatingOptions(),
    *,
    pair_weights: pd.DataFrame | None = None,
    min_slice_battles: int = 1,
) -> SlicedRatings:
    """Ratings per value of ``by`` (``language`` or a ``tag.*`` column), same machinery per slice.

    Missing values form no slice. Boolean tags give slices ``True``/``False``. Models below
    ``options.min_battles`` within a slice are reported as such in that slice.
    """
    frame = battles.frame
    if by not in frame.columns:
        tags = ", ".join(c for c in frame.columns if c.startswith(TAG_PREFIX)) or "none"
        raise ValueError(f"no column {by!r} to slice by (language or tag columns: {tags})")
    values = frame[by]
    results: dict[str, RatingResult] = {}
    for value in sorted(values.dropna().unique().tolist(), key=str):
        subset = frame[(values == value).fillna(False).to_numpy(dtype=bool)]
        if len(subset) < min_slice_battles:
            continue
        results[str(value)] = fit_ratings(
            battles.with_frame(subset), options, pair_weights=pair_weights
        )
    return SlicedRatings(by=by, results=results)
