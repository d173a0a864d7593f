"""Hand-made battle logs whose answers are known (imported by the votes-to-flip and compare tests)."""

from __future__ import annotations

from auditkit.schema import BattleTable


def vote_log(cells: dict[tuple[str, str, str], int]) -> BattleTable:
    """A log from {(model_a, model_b, winner): votes}; vote ids v0001, v0002, … in order."""
    records = []
    for (a, b, winner), n in cells.items():
        records += [{"model_a": a, "model_b": b, "winner": winner} for _ in range(n)]
    for k, r in enumerate(records, start=1):
        r["vote_id"] = f"v{k:04d}"
    return BattleTable.from_records(records)
