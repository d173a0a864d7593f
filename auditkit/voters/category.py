"""The voter audit's expectation conditioned on each vote's category (issue 14: category champions).

Honest people ask different things, and a model can be genuinely best at one of them: a person who
asks only maths and always picks the maths champion is no more "pulling" for it than the arena's
maths askers as a whole. With one global strength per model that person looks like camouflage.

Where the log says which category a vote belongs to (``tag.*`` columns from ``category_tag``,
``is_code``; which ones is ``voters.categories.columns`` in the rule pack), every per-voter test's
expectation for a vote uses the strengths *of its category*: the voter's leave-voter-out global
strengths plus the category's offsets (:mod:`auditkit.stats.category_strengths`, empirical Bayes,
so a category with few votes falls back to the global strengths), with the voter's own votes left
out of the offsets of each category they vote in. Without category columns nothing changes.

Null hypothesis of the tests that read these expectations: this voter's outcomes are draws from
the arena's category-specific model strengths, with honest taste spread ``tau^2`` around them.

What this cannot see: accounts that all vote in a category nobody else asks about define that
category's strengths among themselves (each account is left out, the others are not). Such a
category is as visible to a population-level check as to no per-voter one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from auditkit.schema import TAG_PREFIX
from auditkit.stats.category_strengths import (
    CategoryStrengths,
    fit_category_offsets,
    leave_out_offsets,
)
from auditkit.typing import Codes, FloatArray, IntArray, VoteValues
from auditkit.voters.config import CategoryConfig

__all__ = ["CategoryExpectation", "category_columns", "vote_categories"]


def category_columns(columns: list[str], wanted: tuple[str, ...]) -> list[str]:
    """The frame's columns that ``wanted`` names, in ``wanted``'s order (see :class:`CategoryConfig`)."""
    out: list[str] = []
    for name in wanted:
        if name in columns:
            matches = [name]
        elif name.startswith(TAG_PREFIX):
            leaf = name[len(TAG_PREFIX) :]
            matches = [
                c for c in columns if c.startswith(TAG_PREFIX) and c.rsplit(".", 1)[-1] == leaf
            ]
        else:
            matches = []
        out += [c for c in matches if c not in out]
    return out


def vote_categories(
    frame: pd.DataFrame, position: IntArray, cfg: CategoryConfig
) -> tuple[Codes, list[str], NDArray[np.bool_] | None] | None:
    """Each vote's category code (rows ``position`` of ``frame``, in the narrowest integer type
    that holds them), the categories' names, and which votes have one (None: all do).

    A category is one combination of the configured columns' values. A vote with a missing value
    in any of them has no category: it gets code ``len(names)`` and is measured against the global
    strengths. (A missing tag is not a topic: rows a classifier did not reach, or rows written by
    another program, such as injected votes, would otherwise form a "category" of their own whose
    strengths those rows set for one another.) The ``max_categories - 1`` most common combinations
    are kept and the rest pooled as ``other``. None without such columns or with fewer than two
    categories among the votes that have one.
    """
    columns = category_columns(list(frame.columns), cfg.columns)
    if not cfg.enabled or not columns or position.size == 0:
        return None
    key = np.zeros(position.size, dtype=np.int64)
    missing = np.zeros(position.size, dtype=bool)
    parts: list[tuple[str, np.ndarray]] = []
    span = 1  # the keys lie in [0, span)
    for column in columns:
        codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
        here = codes[position].astype(np.int64)
        missing |= here < 0
        key = key * (len(uniques) + 1) + (here + 1)
        span *= len(uniques) + 1
        parts.append((column, np.asarray(uniques, dtype=object)))
    known = ~missing if missing.any() else None
    combos, code, counts = _unique_small(key if known is None else key[known], span)
    if combos.size < 2:
        return None
    names = [_combination_name(int(c), parts) for c in combos.tolist()]
    if combos.size > cfg.max_categories:
        kept = np.argsort(-counts, kind="stable")[: cfg.max_categories - 1]
        remap = np.full(combos.size, cfg.max_categories - 1, dtype=np.int64)
        remap[np.sort(kept)] = np.arange(kept.size)
        code = remap[code]
        names = [names[i] for i in np.sort(kept).tolist()] + ["other"]
    width = _code_dtype(len(names))
    if known is None:
        return code.astype(width), names, None
    every = np.full(position.size, len(names), dtype=width)
    every[known] = code
    return every, names, known


def _code_dtype(most: int) -> type[np.signedinteger[Any]]:
    """The narrowest signed integer holding codes ``0 … most``: the codes live through the whole
    voter audit (a byte a vote for a few categories, not eight: 70 MB less at 10M votes)."""
    for dtype in (np.int8, np.int16, np.int32):
        if most <= np.iinfo(dtype).max:
            return dtype
    return np.int64


def _unique_small(key: IntArray, span: int) -> tuple[IntArray, IntArray, IntArray]:
    """``np.unique(key, return_inverse=True, return_counts=True)`` for keys in ``[0, span)``:
    counted in ``span`` bins when that is no larger than the keys (a few tag columns make a few
    combinations), so a million votes are not sorted to find them."""
    if span > max(key.size, 1):
        combos, code, counts = np.unique(key, return_inverse=True, return_counts=True)
        return combos, code.reshape(-1), counts
    per_key = np.bincount(key, minlength=span)
    combos = np.flatnonzero(per_key).astype(key.dtype, copy=False)
    index = np.zeros(span, dtype=np.intp)
    index[combos] = np.arange(combos.size)
    return combos, index[key], per_key[combos]


def _combination_name(key: int, parts: list[tuple[str, np.ndarray]]) -> str:
    values: list[str] = []
    for column, uniques in reversed(parts):
        key, digit = divmod(key, len(uniques) + 1)
        values.append(f"{column}={uniques[digit - 1] if digit else 'NA'}")
    return ", ".join(reversed(values))


@dataclass(frozen=True)
class CategoryExpectation:
    """Per-category offsets of the arena's strengths, and each vote's category (audit order)."""

    code: Codes  # category per vote, in the voter audit's row order
    names: tuple[str, ...]
    fit: CategoryStrengths
    theta: FloatArray  # the global all-votes strengths the offsets are fitted around
    known: NDArray[np.bool_] | None = None  # votes with a category (None: all)

    @classmethod
    def build(
        cls,
        code: Codes,
        names: list[str],
        a: Codes,
        b: Codes,
        score: VoteValues,
        theta: FloatArray,
        tie: VoteValues,
        voter: Codes,
        taste_var: float,
        cfg: CategoryConfig,
        known: NDArray[np.bool_] | None = None,
    ) -> CategoryExpectation:
        """Fit the offsets on the votes that have a category (``known``; None: all).

        ``score`` and ``tie`` are read by slices (:class:`~auditkit.typing.VoteValues`): with
        every vote categorised nothing per vote is copied."""
        if known is None:
            fit = fit_category_offsets(
                code,
                a,
                b,
                score,
                theta,
                len(names),
                unit=voter,
                taste_var=taste_var,
                tie=tie,
                prior_sd_floor=cfg.prior_sd_floor,
            )
        else:
            rows = np.flatnonzero(known)
            fit = fit_category_offsets(
                code[rows],
                a[rows],
                b[rows],
                score[rows],
                theta,
                len(names),
                unit=voter[rows],
                taste_var=taste_var,
                tie=tie[rows],
                prior_sd_floor=cfg.prior_sd_floor,
            )
        return cls(code=code, names=tuple(names), fit=fit, theta=theta, known=known)

    def shift(
        self, rows: IntArray, voter: IntArray, a: IntArray, b: IntArray, score: FloatArray
    ) -> FloatArray:
        """Per vote of ``rows`` (all votes of their voters): the leave-voter-out category offset
        of model A minus model B, to add to the voter's global strength gap."""
        if self.known is not None:
            # Votes without a category keep the global strengths (no offset).
            has = np.flatnonzero(self.known[rows])
            out = np.zeros(len(a))
            if has.size:
                out[has] = self._shift(rows[has], voter[has], a[has], b[has], score[has])
            return out
        return self._shift(rows, voter, a, b, score)

    def _shift(
        self, rows: IntArray, voter: IntArray, a: IntArray, b: IntArray, score: FloatArray
    ) -> FloatArray:
        category = self.code[rows]
        cell, offsets = leave_out_offsets(
            self.fit, voter, category, a, b, score, self.theta[a] - self.theta[b]
        )
        return np.asarray(offsets[cell, a] - offsets[cell, b], dtype=np.float64)

    def stats(self) -> dict[str, float]:
        """What the audit reports about the category model."""
        return {
            "categories": float(len(self.names)),
            "category_tau": round(float(np.sqrt(self.fit.tau2)), 9),
            "category_prior_sd": round(float(np.sqrt(self.fit.prior_var)), 9),
        }
