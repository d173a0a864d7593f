"""The verdict an audit opens with (report and notebook view alike)."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["audit_verdict"]


def audit_verdict(
    *,
    gate_reasons: Sequence[str],
    findings: int,
    votes: int,
    invalidated: int,
    quarantined: int,
    significant: int,
) -> tuple[str, str, dict[str, int]]:
    """(level, verdict, headline numbers) of an audit: what the report and the notebook view open
    with. ``level`` is ``gate`` (the gate failed), ``findings`` or ``clean``."""
    share = invalidated / votes if votes else 0.0
    if gate_reasons:
        level = "gate"
        verdict = "Gate failed — do not publish as is: " + "; ".join(gate_reasons) + "."
    elif findings:
        level = "findings"
        verdict = (
            f"Findings below the gate: {findings:,} findings, {share:.2%} of votes invalidated."
        )
    else:
        level = "clean"
        verdict = "Clean: no detector found anything."
    if significant:
        verdict += f" {significant} model rating(s) changed significantly after cleaning."
    headline = {
        "votes loaded": votes,
        "rows quarantined": quarantined,
        "votes invalidated": invalidated,
        "findings": findings,
        "significant rating changes": significant,
    }
    return level, verdict, headline
