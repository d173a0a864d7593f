"""Head-to-head: is model A really above model B on this log, and how firmly?

:func:`compare` gathers, for two rated models, the direct record (wins, ties, both-bad, losses of A
against B), the rating difference ``A - B`` with its sandwich interval and ``P(A rated above B)``,
both rank intervals, the same difference under style control (when style data exists), per language
and per category tag, and the votes-to-flip of their order (:mod:`auditkit.fragility`), and ends in
one sentence a reader can quote.

Statistics. The difference is ``alpha * (theta_A - theta_B)`` of the Bradley-Terry fit; its variance
is ``c^T Sigma c`` with ``Sigma`` the Huber-White sandwich covariance of the strengths (votes
independent given the pair; Chiang et al. 2024 §5) and ``c = e_A - e_B``. ``P(A above B)`` is the
normal approximation ``Phi(diff / se)`` — the probability, under the sampling distribution of the
fit, that A's strength exceeds B's; the interval is ``diff ± z se`` at the chosen confidence. The
verdict calls the two *tied* exactly when that interval contains zero.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from auditkit.fragility import PairFragility, VoteCells, pair_fragility, vote_cells
from auditkit.ratings.engine import RatingOptions, _style_counts
from auditkit.schema import BattleTable, Winner
from auditkit.stats.sandwich import bt_sandwich_cov
from auditkit.stats.style import contextual_bt_sandwich, fit_contextual_bt, style_feature_matrix

__all__ = ["CompareResult", "Difference", "compare"]

MAX_LANGUAGE_SLICES = 8
MIN_SLICE_VOTES = 30  # direct and indirect votes of the two models within a slice


@dataclass(frozen=True)
class Difference:
    """``A - B`` in rating points with its interval and ``P(A rated above B)``."""

    scope: str
    diff: float
    ci_lower: float
    ci_upper: float
    p_above: float
    votes: int
    note: str = ""

    @property
    def separated(self) -> bool:
        return self.ci_lower > 0 or self.ci_upper < 0

    def to_json(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "diff": round(self.diff, 3),
            "ci_lower": round(self.ci_lower, 3),
            "ci_upper": round(self.ci_upper, 3),
            "p_above": round(self.p_above, 4),
            "votes": self.votes,
            "separated": self.separated,
            "note": self.note,
        }


def _difference(cells: VoteCells, model_a: str, model_b: str, z: float, scope: str) -> Difference:
    i, j = cells.index(model_a), cells.index(model_b)
    cov = bt_sandwich_cov(cells.theta, cells.a, cells.b, cells.y, cells.count)
    var = cov[i, i] + cov[j, j] - 2 * cov[i, j]
    se = math.sqrt(max(float(var), 0.0)) * cells.alpha
    diff = float(cells.alpha * (cells.theta[i] - cells.theta[j]))
    p_above = float(norm.cdf(diff / se)) if se > 0 else float(diff > 0)
    return Difference(scope, diff, diff - z * se, diff + z * se, p_above, cells.n_votes)


@dataclass(frozen=True)
class CompareResult:
    """Everything :func:`compare` found about ``model_a`` versus ``model_b``."""

    model_a: str
    model_b: str
    record: dict[str, int]
    overall: Difference
    ranks: dict[str, dict[str, int | None]]
    style: Difference | None
    style_note: str
    slices: tuple[Difference, ...]
    fragility: PairFragility
    confidence: float
    verdict: str

    def to_json(self) -> dict[str, Any]:
        frag = self.fragility.to_json()
        frag.pop("details", None)
        return {
            "model_a": self.model_a,
            "model_b": self.model_b,
            "record": dict(self.record),
            "difference": self.overall.to_json(),
            "confidence": self.confidence,
            "ranks": self.ranks,
            "style_control": None if self.style is None else self.style.to_json(),
            "style_note": self.style_note,
            "slices": [s.to_json() for s in self.slices],
            "fragility": frag,
            "verdict": self.verdict,
        }

    def to_json_str(self) -> str:
        return json.dumps(self.to_json(), indent=2, sort_keys=True)

    def _repr_html_(self) -> str:
        from auditkit.report.notebook import compare_html

        return compare_html(self)

    def to_frame(self) -> pd.DataFrame:
        """One row per scope (overall, style control, each slice) with the difference."""
        rows = [self.overall] + ([self.style] if self.style else []) + list(self.slices)
        return pd.DataFrame([d.to_json() for d in rows])

    def summary(self) -> str:
        r = self.record
        pct = round(100 * self.confidence)
        lines = [
            f"{self.model_a} vs {self.model_b}",
            f"  direct record ({self.model_a}'s view): {r['wins']} wins, {r['ties']} ties, "
            f"{r['both_bad']} both bad, {r['losses']} losses",
        ]
        for d in [self.overall] + ([self.style] if self.style else []) + list(self.slices):
            lines.append(
                f"  {d.scope:<28} A-B {d.diff:+7.1f}  {pct}% [{d.ci_lower:+7.1f}, "
                f"{d.ci_upper:+7.1f}]  P(A above B) {d.p_above:.3f}  votes {d.votes:,}"
                + (f"  ({d.note})" if d.note else "")
            )
        if self.style is None:
            lines.append(f"  style control: {self.style_note}")
        for model in (self.model_a, self.model_b):
            rk = self.ranks[model]
            lines.append(
                f"  rank of {model}: {rk['rank']} (interval {rk['rank_lower']}–{rk['rank_upper']})"
            )
        f = self.fragility
        lines.append(
            f"  votes to reverse their order: drop {_n(f.drop.count)}, flip {_n(f.flip.count)}, "
            f"add {_n(f.add.count)} (verified by refit; upper bounds)"
        )
        lines.append(f"  verdict: {self.verdict}")
        return "\n".join(lines)


def _n(value: int | None) -> str:
    return "none reverses it" if value is None else f"{value:,}"


def _record(battles: BattleTable, cells: VoteCells, model_a: str, model_b: str) -> dict[str, int]:
    """A's wins/ties/both-bad/losses against B over the rated (anonymous) votes."""
    i, j = cells.index(model_a), cells.index(model_b)
    rows = np.concatenate(
        [r for k, r in enumerate(cells.rows) if {cells.a[k], cells.b[k]} == {i, j}]
        or [np.zeros(0, dtype=np.int64)]
    )
    frame = battles.frame
    a_side = frame["model_a"].to_numpy(dtype=object)[rows] == model_a
    winner = frame["winner"].astype(str).to_numpy()[rows]
    a_won = np.where(a_side, winner == Winner.MODEL_A.value, winner == Winner.MODEL_B.value)
    b_won = np.where(a_side, winner == Winner.MODEL_B.value, winner == Winner.MODEL_A.value)
    return {
        "wins": int(a_won.sum()),
        "ties": int((winner == Winner.TIE.value).sum()),
        "both_bad": int((winner == Winner.TIE_BOTHBAD.value).sum()),
        "losses": int(b_won.sum()),
    }


def _style_difference(
    battles: BattleTable, cells: VoteCells, model_a: str, model_b: str, z: float
) -> tuple[Difference | None, str]:
    """The difference with FastChat's style features controlled, on the votes that have them."""
    frame = battles.frame
    rows = np.sort(np.concatenate(cells.rows)) if cells.rows else np.zeros(0, dtype=np.int64)
    if battles.has_text:
        has = (frame["conversation_a"].notna() & frame["conversation_b"].notna()).to_numpy()
        rows = rows[has[rows]]
    counts = _style_counts(frame.iloc[rows]) if len(rows) else None
    if counts is None:
        return None, "not possible: the log has neither style counts nor response text"
    n = len(cells.models)
    index = {m: k for k, m in enumerate(cells.models)}
    ra = frame["model_a"].iloc[rows].astype(str).map(index).to_numpy(dtype=np.int64)
    rb = frame["model_b"].iloc[rows].astype(str).map(index).to_numpy(dtype=np.int64)
    winner = frame["winner"].astype(str).to_numpy()[rows]
    ry = np.where(winner == "model_a", 1.0, np.where(winner == "model_b", 0.0, 0.5))
    i, j = index[model_a], index[model_b]
    touching = int(((ra == i) | (rb == i)).sum()), int(((ra == j) | (rb == j)).sum())
    if min(touching) < MIN_SLICE_VOTES:
        return None, f"too few votes with style data ({min(touching)} for one of the two)"
    x = style_feature_matrix(*counts)
    theta, beta = fit_contextual_bt(ra, rb, ry, x, n, reg=0.0)
    cov = contextual_bt_sandwich(theta, beta, ra, rb, ry, x, reg=0.0)
    var = cov[i, i] + cov[j, j] - 2 * cov[i, j]
    se = math.sqrt(max(float(var), 0.0)) * cells.alpha
    diff = float(cells.alpha * (theta[i] - theta[j]))
    p_above = float(norm.cdf(diff / se)) if se > 0 else float(diff > 0)
    note = "" if len(rows) == cells.n_votes else f"on the {len(rows):,} votes with text"
    return Difference(
        "style-controlled", diff, diff - z * se, diff + z * se, p_above, len(rows), note
    ), ""


def _slices(
    battles: BattleTable, model_a: str, model_b: str, options: RatingOptions, z: float
) -> list[Difference]:
    frame = battles.frame
    out: list[Difference] = []
    wanted: list[tuple[str, np.ndarray]] = []
    if "language" in frame.columns and frame["language"].notna().any():
        involved = (frame["model_a"].isin([model_a, model_b])) | (
            frame["model_b"].isin([model_a, model_b])
        )
        counts = frame.loc[involved, "language"].value_counts()
        for lang in counts.index[:MAX_LANGUAGE_SLICES]:
            wanted.append((f"language={lang}", (frame["language"] == lang).to_numpy(dtype=bool)))
    for col in battles.tag_columns:
        values = frame[col].dropna()
        if len(values) and set(values.unique().tolist()) <= {True, False}:
            mask = frame[col].fillna(False).to_numpy(dtype=bool)
            wanted.append((f"{col.removeprefix('tag.')}", mask))
    for scope, mask in wanted:
        part = battles.with_frame(frame[mask].reset_index(drop=True))
        try:
            cells = vote_cells(part, options)
            cells.index(model_a)
            cells.index(model_b)
        except (KeyError, ValueError):
            continue  # one of the two is not rated within the slice
        d = _difference(cells, model_a, model_b, z, scope)
        if d.votes >= MIN_SLICE_VOTES:
            out.append(d)
    return out


def _verdict(
    a: str, b: str, d: Difference, frag: PairFragility, confidence: float, n_votes: int
) -> str:
    pct = round(100 * confidence)
    gap = abs(d.diff)
    ci = f"[{d.ci_lower:+.1f}, {d.ci_upper:+.1f}]"
    if frag.drop.count is None:
        tail = "no removal of votes reverses their order"
    else:
        tail = f"removing {frag.drop.count:,} of {n_votes:,} votes reverses it"
    if d.separated:
        top, bottom = (a, b) if d.diff > 0 else (b, a)
        return (
            f"{top} is rated above {bottom}: the {gap:.1f}-point gap's {pct}% interval "
            f"{ci} excludes zero; {tail}"
        )
    return (
        f"statistically tied: the {gap:.1f}-point gap lies inside the {pct}% interval {ci}; {tail}"
    )


def compare(
    battles: BattleTable,
    model_a: str,
    model_b: str,
    *,
    options: RatingOptions | None = None,
) -> CompareResult:
    """Head-to-head comparison of two rated models (see the module docstring for the statistics)."""
    options = options or RatingOptions()
    if model_a == model_b:
        raise ValueError("compare needs two different models")
    cells = vote_cells(battles, options)
    table = cells.ratings.table
    for model in (model_a, model_b):
        if model not in cells.models:
            row = table[table["model"] == model]
            if row.empty:
                raise ValueError(f"model {model!r} does not appear in the log")
            raise ValueError(f"model {model!r} is not rated: {row['note'].iloc[0]}")
    z = float(norm.ppf(0.5 + options.confidence / 2.0))
    overall = _difference(cells, model_a, model_b, z, "overall")
    ranks: dict[str, dict[str, int | None]] = {}
    for m in (model_a, model_b):
        found = table.loc[table["model"] == m].iloc[0]
        ranks[m] = {
            k: None if pd.isna(found[k]) else int(found[k])
            for k in ("rank", "rank_lower", "rank_upper")
        }
    style, style_note = _style_difference(battles, cells, model_a, model_b, z)
    slice_options = RatingOptions(
        ci="none", anchor=options.anchor, anonymous_only=options.anonymous_only, l2=options.l2
    )
    slices = tuple(_slices(battles, model_a, model_b, slice_options, z))
    order = sorted(cells.models, key=lambda m: (-cells.theta[cells.index(m)], m))
    frag = pair_fragility(
        cells, model_a, model_b, ranks={m: k for k, m in enumerate(order, start=1)}
    )
    return CompareResult(
        model_a=model_a,
        model_b=model_b,
        record=_record(battles, cells, model_a, model_b),
        overall=overall,
        ranks=ranks,
        style=style,
        style_note=style_note,
        slices=slices,
        fragility=frag,
        confidence=options.confidence,
        verdict=_verdict(model_a, model_b, overall, frag, options.confidence, cells.n_votes),
    )
