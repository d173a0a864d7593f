"""Markdown for the report's votes-to-flip and self-test sections (the HTML is robustness.html.j2)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["robustness_markdown"]


def _count(value: Any, na: bool = False) -> str:
    if value is None:
        return "n/a" if na else "never"
    return f"{int(value):,}"


def robustness_markdown(robustness: Mapping[str, Any], escape: Any) -> list[str]:
    """Lines for the Markdown report; ``escape`` escapes untrusted strings (model names)."""
    out: list[str] = []
    frag = robustness.get("fragility")
    if frag:
        out += [
            "",
            "## Votes to flip the top",
            "",
            f"Counts on {frag['n_votes']:,} rated votes after cleaning, each verified by an exact "
            "refit (upper bounds from a greedy search); the votes are in `fragility_votes/`.",
            "",
            "| pair | gap | drop to flip | flip to flip | add to flip |",
            "|---|---:|---:|---:|---:|",
        ]
        rows = ([frag["top_spot"]] if frag.get("top_spot") else []) + list(frag["pairs"])
        for p in rows:
            name = (
                f"#1 spot: {escape(p['higher'])} vs {escape(p['lower'])}"
                if p["label"] == "top_spot"
                else f"#{p['rank_higher']} {escape(p['higher'])} > "
                f"#{p['rank_lower']} {escape(p['lower'])}"
            )
            out.append(
                f"| {name} | {p['rating_gap']:.1f} | {_count(p['drop_to_flip'])} "
                f"| {_count(p['flip_to_flip'])} | {_count(p['add_to_flip'])} |"
            )
    st = robustness.get("selftest")
    if st:
        out += [
            "",
            "## The night's self-test",
            "",
            f"{st['budget_per_attack']:,} votes of each attack kind planted in a copy of tonight's "
            f"votes (seed {st['seed']}).",
            "",
            "| attack kind | planted | caught | recall | testable here |",
            "|---|---:|---:|---:|---|",
        ]
        for r in st["recall"]:
            rec = "–" if r["recall"] is None else f"{100 * r['recall']:.1f}%"
            out.append(
                f"| {escape(r['kind'])} | {r['planted']:,} | {r['caught']:,} | {rec} "
                f"| {'yes' if r['testable'] else 'no'} |"
            )
        fp = st["honest_fp"]
        rate = "–" if fp["rate"] is None else f"{100 * fp['rate']:.2f}%"
        out += [
            "",
            f"Honest look-alikes invalidated: {fp['flagged']:,} of {fp['planted']:,} ({rate}).",
            "",
            "| rank | model | undetected votes: up one | up five |",
            "|---:|---|---:|---:|",
        ]
        for c in st["attack_cost"]:
            out.append(
                f"| {c['rank']} | {escape(c['model'])} | {_count(c['up_one'], c['rank'] <= 1)} "
                f"| {_count(c['up_five'], c['rank'] <= 5)} |"
            )
        out += [f"- cannot test: {escape(why)}" for why in st["cannot_test"]]
    return out
