"""The ``prompt_dedup`` detector: prompts repeated far beyond the rest, and which copies to drop.

A few prompts ("hi", test strings, scripted probes) are submitted thousands of times and tilt the
ratings towards whatever models happen to meet them. LMArena caps the most frequent 0.1 % of prompts
at 25 copies each (FastChat marks them in ``dedup_tag``), which removed about 8.6 % of votes. This
detector groups exact and near-duplicate prompts (normalised: Unicode NFKC, case, digits,
punctuation, whitespace), reports their share of votes per model, and — as policy from
``rules/sampling.yaml`` → ``dedup`` — emits a vote-level ``excess_copy`` finding for every copy beyond
the cap. The copies kept are the earliest by ``(tstamp, vote_id)``, so the choice is deterministic.

Prompts are compared through their fingerprints (:mod:`auditkit.prompts`: 64-bit hashes of the
exact and the normalised text, and an 80-character preview), read from the table when a streamed
load put them there and computed from ``prompt`` otherwise, so both loads give the same findings.
A group's subject is ``prompt:<hex>``, the hex form of the hash the group was formed on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from auditkit.detectors.base import Detector, DetectorResult, Finding, Severity, register
from auditkit.prompts import (
    PROMPT_EXACT,
    PROMPT_NEAR,
    PROMPT_NEAR_LEN,
    PROMPT_PREVIEW,
    PROMPT_REPEAT,
    fingerprints_of,
    normalise_prompts,
)
from auditkit.rulepack import RulePack, require
from auditkit.schema import BattleTable

__all__ = ["DedupConfig", "PromptDedupDetector", "normalise_prompts", "prompt_groups"]


@dataclass(frozen=True)
class DedupConfig:
    """``dedup`` block of the ``sampling`` rule section."""

    max_copies: int = 25
    top_fraction: float = 0.001
    near_duplicates: bool = True
    min_prompt_chars: int = 1
    severity: Severity = Severity.LOW
    report_groups: int = 20

    @classmethod
    def from_rules(cls, rules: RulePack) -> DedupConfig:
        section = rules.section("sampling", default={})
        where = rules.where("sampling") + " dedup"
        d = require(section, "dedup", dict, where=rules.where("sampling"), default={}) or {}
        return cls(
            max_copies=int(require(d, "max_copies", int, where=where, default=25)),
            top_fraction=float(
                require(d, "top_fraction", (int, float), where=where, default=0.001)
            ),
            near_duplicates=bool(require(d, "near_duplicates", bool, where=where, default=True)),
            min_prompt_chars=int(require(d, "min_prompt_chars", int, where=where, default=1)),
            severity=Severity(require(d, "severity", str, where=where, default="low")),
            report_groups=int(require(d, "report_groups", int, where=where, default=20)),
        )


def _subject(key: int) -> str:
    """``prompt:<hex>`` of a group's 64-bit hash (as unsigned, 16 hex digits)."""
    return f"prompt:{key & 0xFFFF_FFFF_FFFF_FFFF:016x}"


def prompt_groups(
    frame: pd.DataFrame, cfg: DedupConfig, fingerprints: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per vote with a prompt: ``vote_id, tstamp, model_a, model_b, key, exact, preview,
    rank, group_size`` (rank 0 = earliest copy), sorted by group and then time.

    ``key`` is the hash of the normalised prompt (of the exact prompt when near-duplicates are off,
    or when the normalised text is shorter than ``min_prompt_chars``, e.g. a prompt of only
    digits); ``exact`` is the exact prompt's hash. Rows without a prompt are left out.
    ``fingerprints`` defaults to :func:`~auditkit.prompts.fingerprints_of` ``frame``.
    """
    if fingerprints is None:
        fingerprints = fingerprints_of(frame)
    if fingerprints is None:
        raise ValueError("the battle frame has neither prompt nor prompt fingerprint columns")
    rows = np.flatnonzero(fingerprints[PROMPT_EXACT].notna().to_numpy(dtype=bool))
    prints = fingerprints.iloc[rows]
    exact = prints[PROMPT_EXACT].to_numpy(dtype=np.int64)
    if cfg.near_duplicates:
        short = prints[PROMPT_NEAR_LEN].to_numpy(dtype=np.int64) < cfg.min_prompt_chars
        key = np.where(short, exact, prints[PROMPT_NEAR].to_numpy(dtype=np.int64))
    else:
        key = exact
    tstamp = frame["tstamp"].to_numpy(dtype=np.float64, na_value=np.nan)[rows]
    order = _group_order(key, np.where(np.isnan(tstamp), np.inf, tstamp), frame["vote_id"], rows)
    # The four columns of the chosen rows only (one take each, not of the whole frame).
    at = rows[order]
    sub = pd.DataFrame(
        {name: frame[name].iloc[at] for name in ("vote_id", "tstamp", "model_a", "model_b")}
    )
    key = key[order]
    sub["key"] = key
    sub["exact"] = exact[order]
    # The previews as ``str`` (missing: NaN), as a column of Python strings would be inferred.
    sub["preview"] = (
        prints[PROMPT_PREVIEW].array.take(order).astype(pd.StringDtype(na_value=np.nan))
    )
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if key.size else np.zeros(0, int)
    sizes = np.diff(np.r_[starts, key.size])
    sub["rank"] = np.arange(key.size, dtype=np.int64) - np.repeat(starts, sizes)
    sub["group_size"] = pd.array(np.repeat(sizes, sizes), dtype="Int64")
    return sub


def _group_order(
    key: np.ndarray, tstamp: np.ndarray, vote_ids: pd.Series, rows: np.ndarray
) -> np.ndarray:
    """The order of a stable sort by (key, tstamp, vote id), with missing ids last: ``lexsort``
    of the numbers, then only the runs of equal (key, tstamp) ordered by their vote ids.

    Why: a frame sort on the three columns ranks every vote id as a string (most of the dedup
    detector's time); ids decide only between copies with the same time.
    """
    order = np.lexsort((tstamp, key))
    k, t = key[order], tstamp[order]
    same = (k[1:] == k[:-1]) & (t[1:] == t[:-1])
    if not same.any():
        return order
    starts = np.flatnonzero(np.r_[True, ~same])
    ends = np.r_[starts[1:], order.size]
    for lo, hi in zip(starts.tolist(), ends.tolist(), strict=True):
        if hi - lo > 1:
            block = order[lo:hi]
            ids = vote_ids.iloc[rows[block]].tolist()
            ranked = sorted(range(hi - lo), key=lambda i: (_missing(ids[i]), str(ids[i])))
            order[lo:hi] = block[ranked]
    return order


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


@register
class PromptDedupDetector(Detector):
    """Exact and near-duplicate prompts; the copies beyond the cap become ``excess_copy`` findings."""

    name = "prompt_dedup"
    description = "Exact and near-duplicate prompts; copies beyond the cap are findings."
    default = True
    order = 40

    @classmethod
    def check_rules(cls, rules: RulePack) -> None:
        DedupConfig.from_rules(rules)

    @classmethod
    def rule_ids(cls, rules: RulePack) -> frozenset[str]:
        return frozenset({"excess_copy", "repeated_prompt"})

    def detect(self, battles: BattleTable, rules: RulePack) -> DetectorResult:
        frame = battles.frame
        fingerprints = fingerprints_of(frame)
        # Any prompt at all, empty ones included (``prompt_repeat`` is missing only without one).
        if fingerprints is None or not fingerprints[PROMPT_REPEAT].notna().any():
            return DetectorResult(
                detector=self.name,
                summary={"prompts": 0, "ran": False},
                notes=("no prompt text in the input: prompt de-duplication did not run",),
            )
        cfg = DedupConfig.from_rules(rules)
        groups = prompt_groups(frame, cfg, fingerprints)
        sizes = groups.drop_duplicates("key")["group_size"].to_numpy()
        quantile = float(np.quantile(sizes, 1.0 - cfg.top_fraction)) if sizes.size else 0.0
        eligible = (groups["group_size"] > cfg.max_copies) & (groups["group_size"] >= quantile)
        excess = groups[eligible & (groups["rank"] >= cfg.max_copies)]
        heads = groups[eligible & (groups["rank"] == 0)].sort_values(
            ["group_size", "key"], ascending=[False, True]
        )
        spellings = groups.groupby("key", sort=False)["exact"].nunique()
        findings: list[Finding] = []
        for key, vote_id, size, rank in zip(
            excess["key"].tolist(),
            excess["vote_id"].astype(str).tolist(),
            excess["group_size"].tolist(),
            excess["rank"].tolist(),
            strict=True,
        ):
            subject = _subject(key)
            findings.append(
                Finding(
                    detector=self.name,
                    rule="excess_copy",
                    severity=cfg.severity,
                    subject=subject,
                    vote_id=vote_id,
                    score=float(size),
                    message=(
                        f"copy {rank + 1} of {size} of one prompt; "
                        f"the first {cfg.max_copies} are kept"
                    ),
                    evidence={"group_size": size, "copy": rank + 1},
                )
            )
        for key, size, preview in zip(
            heads["key"].tolist(),
            heads["group_size"].tolist(),
            heads["preview"].tolist(),
            strict=True,
        ):
            findings.append(
                Finding(
                    detector=self.name,
                    rule="repeated_prompt",
                    severity=Severity.INFO,
                    subject=_subject(key),
                    score=float(size),
                    message=(
                        f"one prompt appears {size:,} times; "
                        f"{size - cfg.max_copies:,} copies beyond the cap"
                    ),
                    evidence={
                        "group_size": size,
                        "preview": str(preview),
                        "distinct_spellings": int(spellings[key]),
                    },
                )
            )
        summary = self._summary(frame, groups, excess, heads, quantile, cfg)
        return DetectorResult(detector=self.name, findings=tuple(findings), summary=summary)

    @staticmethod
    def _summary(
        frame: pd.DataFrame,
        groups: pd.DataFrame,
        excess: pd.DataFrame,
        heads: pd.DataFrame,
        quantile: float,
        cfg: DedupConfig,
    ) -> dict[str, Any]:
        n = len(groups)
        repeated = groups[groups["group_size"] > 1]
        exact_sizes = groups.groupby("exact").size()

        def per_model(sub: pd.DataFrame) -> pd.Series:
            return _model_counts(sub["model_a"], sub["model_b"])

        all_counts = per_model(groups)
        rep_counts = per_model(repeated).reindex(all_counts.index, fill_value=0)
        exc_counts = per_model(excess).reindex(all_counts.index, fill_value=0)
        by_model = {
            str(m): {
                "votes": int(all_counts[m]),
                "repeated_share": float(rep_counts[m] / all_counts[m]),
                "excess_share": float(exc_counts[m] / all_counts[m]),
            }
            for m in sorted(all_counts.index)
        }
        top = (
            groups[groups["rank"] == 0]
            .sort_values(["group_size", "key"], ascending=[False, True])
            .head(cfg.report_groups)
        )
        out: dict[str, Any] = {
            "prompts": n,
            "distinct_exact": int(exact_sizes.size),
            "distinct_groups": int(groups["key"].nunique()),
            "exact_duplicate_votes": int((exact_sizes[exact_sizes > 1]).sum()),
            "repeated_votes": len(repeated),
            "repeated_share": len(repeated) / n if n else 0.0,
            "cap": cfg.max_copies,
            "quantile_threshold": quantile,
            "capped_groups": len(heads),
            "excess_votes": len(excess),
            "excess_share": len(excess) / n if n else 0.0,
            "by_model": by_model,
            "top_groups": [
                {"subject": _subject(k), "size": size, "preview": str(preview)}
                for k, size, preview in zip(
                    top["key"].tolist(),
                    top["group_size"].tolist(),
                    top["preview"].tolist(),
                    strict=True,
                )
            ],
        }
        if "dedup_tag" in frame.columns:
            tags = frame["dedup_tag"].dropna().astype(str).value_counts().head(5)
            out["dedup_tag_values"] = {str(k): int(v) for k, v in tags.items()}
        return out


def _model_counts(model_a: pd.Series, model_b: pd.Series) -> pd.Series:
    """Votes per model name over both sides, as ``pd.concat([model_a, model_b]).astype(str)
    .value_counts()`` counts them (names with no vote left out), counted on the categorical
    codes when both sides share their categories and name every vote's models.

    Why: the string copy of every vote's two model names was most of the detector's summary.
    """
    dtype = model_a.dtype
    if isinstance(dtype, pd.CategoricalDtype) and dtype == model_b.dtype:
        code_a = model_a.cat.codes.to_numpy()
        code_b = model_b.cat.codes.to_numpy()
        if not ((code_a < 0).any() or (code_b < 0).any()):
            n = len(dtype.categories)
            counts = np.bincount(code_a, minlength=n) + np.bincount(code_b, minlength=n)
            names = np.asarray(dtype.categories.astype(str), dtype=object)
            seen = counts > 0
            return pd.Series(counts[seen], index=names[seen])
    return pd.concat([model_a, model_b]).astype(str).value_counts()
