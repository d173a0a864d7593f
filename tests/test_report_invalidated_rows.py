"""The report finds the invalidated votes' rows from the cleaning (the rows the policy dropped)
when the policy ran on the same table: the rows a membership test of every vote id finds."""

from __future__ import annotations

import random

import numpy as np

from auditkit.clean import apply_policy
from auditkit.detectors.base import Finding
from auditkit.ledger import Decision
from auditkit.report.context import _invalidated_rows
from auditkit.rules import RulePack
from auditkit.schema import BattleTable

PACK = RulePack(
    root="/tmp/pack",
    name="test",
    version="1",
    content_hash="cd" * 32,
    sections={
        "pack": {
            "name": "test",
            "version": "1",
            "policy": {"invalidate": [{"detector": "identity_leak", "rules": "*"}]},
        }
    },
)


def test_invalidated_rows_are_the_rows_whose_ids_were_invalidated() -> None:
    rng = random.Random(18)
    ids = [f"v{i:04d}" for i in rng.sample(range(10_000), 500)]  # not in row order
    battles = BattleTable.from_records(
        {"vote_id": v, "model_a": "a", "model_b": "b", "winner": "model_a", "voter": f"u{i % 40}"}
        for i, v in enumerate(ids)
    )
    named = [*rng.sample(ids, 120), "absent-1", "absent-2"]  # two votes that were not loaded
    findings = [Finding("identity_leak", "self_name", "high", v, vote_id=v) for v in named]
    decisions = {
        v: Decision(v, "revoke", "quoted", "alice", "2026-01-01", k)
        for k, v in enumerate(named[:15])
    }
    decisions |= {
        v: Decision(v, "invalidate", "seen", "bob", "2026-01-02", 100 + k)
        for k, v in enumerate(rng.sample(ids, 10))
    }
    cleaning = apply_policy(battles, findings, PACK, decisions)
    invalidated = set(cleaning.invalidated_ids)
    expected = np.flatnonzero(battles.frame["vote_id"].isin(list(invalidated)).to_numpy(dtype=bool))
    assert 100 < expected.size < 130
    np.testing.assert_array_equal(_invalidated_rows(battles, cleaning, invalidated), expected)
    # The cleaning of another table object: its ids are looked up in this one.
    other = battles.with_frame(battles.frame.copy())
    np.testing.assert_array_equal(_invalidated_rows(other, cleaning, invalidated), expected)
