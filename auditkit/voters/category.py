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

import numpy as np
import pandas as pd

from auditkit.schema import TAG_PREFIX
from auditkit.stats.category_strengths import (
    CategoryStrengths,
    fit_category_offsets,
    leave_out_offsets,
)
from auditkit.typing import FloatArray, IntArray
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
) -> tuple[IntArray, list[str]] | None:
    """Each vote's category code (rows ``position`` of ``frame``) and the categories' names.

    A category is one combination of the configured columns' values (a missing value is a value
    of its own). The ``max_categories - 1`` most common combinations are kept and the rest pooled
    as ``other``. None without such columns or with fewer than two categories.
    """
    columns = category_columns(list(frame.columns), cfg.columns)
    if not cfg.enabled or not columns or position.size == 0:
        return None
    key = np.zeros(position.size, dtype=np.int64)
    parts: list[tuple[str, np.ndarray]] = []
    for column in columns:
        codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
        key = key * (len(uniques) + 1) + (codes[position].astype(np.int64) + 1)
        parts.append((column, np.asarray(uniques, dtype=object)))
    combos, code, counts = np.unique(key, return_inverse=True, return_counts=True)
    if combos.size < 2:
        return None
    names = [_combination_name(int(c), parts) for c in combos.tolist()]
    if combos.size > cfg.max_categories:
        kept = np.argsort(-counts, kind="stable")[: cfg.max_categories - 1]
        remap = np.full(combos.size, cfg.max_categories - 1, dtype=np.int64)
        remap[np.sort(kept)] = np.arange(kept.size)
        code = remap[code]
        names = [names[i] for i in np.sort(kept).tolist()] + ["other"]
    return code.astype(np.int64), names


def _combination_name(key: int, parts: list[tuple[str, np.ndarray]]) -> str:
    values: list[str] = []
    for column, uniques in reversed(parts):
        key, digit = divmod(key, len(uniques) + 1)
        values.append(f"{column}={uniques[digit - 1] if digit else 'NA'}")
    return ", ".join(reversed(values))


@dataclass(frozen=True)
class CategoryExpectation:
    """Per-category offsets of the arena's strengths, and each vote's category (audit order)."""

    code: IntArray  # category per vote, in the voter audit's row order
    names: tuple[str, ...]
    fit: CategoryStrengths
    theta: FloatArray  # the global all-votes strengths the offsets are fitted around

    @classmethod
    def build(
        cls,
        code: IntArray,
        names: list[str],
        a: IntArray,
        b: IntArray,
        score: FloatArray,
        theta: FloatArray,
        tie: FloatArray,
        voter: IntArray,
        taste_var: float,
        cfg: CategoryConfig,
    ) -> CategoryExpectation:
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
        return cls(code=code, names=tuple(names), fit=fit, theta=theta)

    def shift(
        self, rows: IntArray, voter: IntArray, a: IntArray, b: IntArray, score: FloatArray
    ) -> FloatArray:
        """Per vote of ``rows`` (all votes of their voters): the leave-voter-out category offset
        of model A minus model B, to add to the voter's global strength gap."""
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
