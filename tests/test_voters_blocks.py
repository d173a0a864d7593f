"""The voter audit runs over blocks of voters to bound memory; the block size never changes a result."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from auditkit.rules import load_rules
from auditkit.simulate import preset_config, simulate_arena
from auditkit.voters import audit_voters

RULES = Path(__file__).resolve().parents[1] / "rules"


@pytest.mark.parametrize("block_votes", [1, 997, 10_000])
def test_any_block_size_gives_the_same_evidence_flags_and_groups(block_votes: int) -> None:
    arena = simulate_arena(preset_config("attacks", n_battles=30_000, text_fraction=0.0), seed=4)
    rules = load_rules(RULES)
    whole = audit_voters(arena.battles, rules, random_state=3, block_votes=10**9)
    blocked = audit_voters(arena.battles, rules, random_state=3, block_votes=block_votes)

    assert len(whole.vote_flags) > 0, "the attacked arena must flag something"
    pd.testing.assert_frame_equal(blocked.vote_flags, whole.vote_flags)
    assert blocked.groups == whole.groups
    assert blocked.stats == whole.stats
    assert list(blocked.evidence.columns) == list(whole.evidence.columns)
    for column in whole.evidence.columns:
        left, right = blocked.evidence[column], whole.evidence[column]
        if left.dtype.kind == "f":
            # Sums over different blocks may differ in the last bits, never more.
            np.testing.assert_allclose(left, right, rtol=1e-9, atol=1e-12, err_msg=column)
        else:
            assert left.astype(str).tolist() == right.astype(str).tolist(), column


def test_votes_flagged_name_rows_of_the_input_frame_not_positions() -> None:
    arena = simulate_arena(preset_config("demo", n_battles=8_000, text_fraction=0.0), seed=2)
    frame = arena.battles.frame
    shuffled = arena.battles.with_frame(frame.sample(frac=1.0, random_state=1))
    rules = load_rules(RULES)
    direct = audit_voters(arena.battles, rules).vote_flags
    reordered = audit_voters(shuffled, rules).vote_flags
    assert len(direct) > 0
    key = ["vote_id", "rule"]
    assert sorted(map(tuple, direct[key].to_numpy())) == sorted(
        map(tuple, reordered[key].to_numpy())
    )


def test_blocks_tested_on_two_threads_give_exactly_the_one_thread_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import auditkit.voters.audit as voter_audit

    arena = simulate_arena(preset_config("attacks", n_battles=20_000, text_fraction=0.0), seed=6)
    rules = load_rules(RULES)
    monkeypatch.setattr(voter_audit, "BLOCK_THREADS", 1)
    one = audit_voters(arena.battles, rules, random_state=2, block_votes=997)
    monkeypatch.setattr(voter_audit, "BLOCK_THREADS", 2)
    two = audit_voters(arena.battles, rules, random_state=2, block_votes=997)

    assert len(one.vote_flags) > 0, "the attacked arena must flag something"
    pd.testing.assert_frame_equal(two.vote_flags, one.vote_flags, check_exact=True)
    pd.testing.assert_frame_equal(two.evidence, one.evidence, check_exact=True)
    assert two.groups == one.groups
    assert two.stats == one.stats


def test_above_the_vote_limit_blocks_are_tested_one_after_the_other(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import threading

    import auditkit.voters.audit as voter_audit

    arena = simulate_arena(preset_config("demo", n_battles=6_000, text_fraction=0.0), seed=3)
    rules = load_rules(RULES)
    seen: set[str] = set()
    plain_block = voter_audit._one_block

    def recording_block(*args: object) -> None:
        seen.add(threading.current_thread().name)
        plain_block(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(voter_audit, "_one_block", recording_block)
    monkeypatch.setattr(voter_audit, "BLOCK_THREADS_MAX_VOTES", 100)
    audit_voters(arena.battles, rules, block_votes=500)
    assert seen == {threading.current_thread().name}
    seen.clear()
    monkeypatch.setattr(voter_audit, "BLOCK_THREADS_MAX_VOTES", 10**9)
    audit_voters(arena.battles, rules, block_votes=500)
    assert seen and all(name.startswith("auditkit-voter-blocks") for name in seen)
