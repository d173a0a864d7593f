"""Pure pieces of the audit pipeline: the leaderboard join and its significance rule, the gate,
evidence extraction, voter and sampling tables."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from auditkit.audit import Gate, build_leaderboard
from auditkit.clean import apply_policy
from auditkit.detectors.base import DetectorResult, Finding, Severity
from auditkit.io import write_fastchat_jsonl
from auditkit.pipeline import outputs
from auditkit.pipeline.outputs import write_cleaned
from auditkit.report import context
from auditkit.report.context import _evidence_line, _pair_counts, _sampling_table, _voter_table
from auditkit.rules import RulePack
from auditkit.schema import BattleTable


def _fit(rows: list[tuple[str, float, float, float, int, int]]) -> pd.DataFrame:
    columns = ["model", "rating", "ci_lower", "ci_upper", "rank", "battles"]
    return pd.DataFrame(rows, columns=columns)


def test_change_is_significant_only_when_each_estimate_leaves_the_others_interval() -> None:
    before = _fit(
        [
            ("x", 1000.0, 990.0, 1010.0, 2, 100),
            ("y", 1000.0, 980.0, 1020.0, 3, 100),
            ("z", 1050.0, 1040.0, 1060.0, 1, 100),
            ("gone", 900.0, 880.0, 920.0, 4, 10),
        ]
    )
    after = _fit(
        [
            ("x", 1030.0, 1020.0, 1040.0, 2, 90),  # both outside: significant
            ("y", 1015.0, 1005.0, 1025.0, 3, 95),  # 1015 inside [980, 1020]: not
            ("z", 1065.0, 1002.0, 1128.0, 1, 100),  # outside before CI, but 1050 inside after CI
        ]
    )
    board = build_leaderboard(before, after).set_index("model")
    assert board["change_significant"].to_dict() == {
        "x": True,
        "y": False,
        "z": False,
        "gone": False,
    }
    assert board.loc["gone", "battles_after"] == 0
    assert pd.isna(board.loc["gone", "rank_after"])
    assert list(board.index) == ["z", "x", "y", "gone"]  # by rank after, unrated last


def _pack_gate(gate: dict[str, object]) -> Gate:
    pack = RulePack("r", "n", "1", "h", sections={"pack": {"gate": gate}})
    return Gate.from_rules(pack)


def test_gate_fails_on_severity_or_invalidated_share() -> None:
    gate = _pack_gate({"min_severity": "high", "max_invalidated_share": 0.05})
    low = [Finding("d", "r", "medium", "s")]
    high = [Finding("d", "r", "critical", "s")]
    assert gate.evaluate(low, invalidated=5, votes=100) == []
    assert gate.evaluate(high, 0, 100) == ["1 findings at or above high"]
    assert gate.evaluate(low, 6, 100) == ["6.00% of votes invalidated (limit 5.00%)"]
    override = Gate.from_rules(
        RulePack("r", "n", "1", "h", sections={"pack": {}}), fail_on="medium"
    )
    assert override.min_severity is Severity.MEDIUM and override.max_invalidated_share is None


def test_evidence_marks_the_matched_words_in_the_excerpt() -> None:
    finding = Finding(
        "identity_leak",
        "self_name",
        "high",
        "a:qwen",
        vote_id="v1",
        evidence={
            "snippet": "…sure.   I am Qwen, created by Alibaba Cloud. <b>",
            "span": [500, 507],  # indexes the full response, not the excerpt
            "matched_text": "Qwen",
        },
    )
    line = _evidence_line(finding)
    assert line is not None
    assert (line.before, line.span, line.after) == (
        "…sure.   I am ",
        "Qwen",
        ", created by Alibaba Cloud. <b>",
    )
    assert _evidence_line(Finding("d", "r", "high", "s", vote_id="v", evidence={"n": 1})) is None


def _table() -> BattleTable:
    rows = [("bot", "a", "b", "model_a")] * 6 + [
        ("u1", "a", "b", "model_b"),
        ("u1", "b", "c", "model_a"),
        ("u1", "c", "a", "tie"),
    ]
    return BattleTable.from_records(
        {"vote_id": f"v{i}", "voter": v, "model_a": a, "model_b": b, "winner": w}
        for i, (v, a, b, w) in enumerate(rows)
    )


def test_voter_table_measures_position_and_favourite_shares() -> None:
    table = _voter_table(_table(), flagged={"bot"}).set_index("voter")
    assert table.loc["bot"].to_dict() == {
        "votes": 6,
        "a_share": 1.0,
        "top_model_share": 1.0,
        "flagged": True,
    }
    assert table.loc["u1", "a_share"] == 0.5 and table.loc["u1", "top_model_share"] == 1.0
    assert table.loc["u1", "votes"] == 3 and not table.loc["u1", "flagged"]


def test_sampling_table_uses_expected_shares_and_flags_pair_subjects() -> None:
    result = DetectorResult(
        "sampling",
        findings=(Finding("sampling", "pair_rate", "medium", "a vs c"),),
        summary={"expected_shares": {"a": 0.5, "b": 0.25, "c": 0.25}},
    )
    table = _sampling_table(_table().frame, result).set_index("model")
    assert table["observed_share"].round(4).to_dict() == {"a": 0.4444, "b": 0.4444, "c": 0.1111}
    assert table["expected_share"].to_dict() == {"a": 0.5, "b": 0.25, "c": 0.25}
    assert table["flagged"].to_dict() == {"a": True, "b": False, "c": True}


def _random_table(seed: int, n: int = 400) -> BattleTable:
    rng = np.random.default_rng(seed)
    models = ["m0", "m1", "Zeta", "ä-model"]
    rows = []
    for _ in range(n):
        a, b = rng.choice(len(models), size=2, replace=False)
        voter = None if rng.random() < 0.1 else f"u{int(rng.integers(60))}"
        winner = str(rng.choice(["model_a", "model_b", "tie", "tie_bothbad"]))
        rows.append((voter, models[a], models[b], winner))
    return BattleTable.from_records(
        {"vote_id": f"v{i}", "voter": v, "model_a": a, "model_b": b, "winner": w}
        for i, (v, a, b, w) in enumerate(rows)
    )


def _voter_table_by_groupby(battles: BattleTable, flagged: set[str], k: int) -> pd.DataFrame:
    """The voter table by plain pandas grouping on voter names (fine for small tables)."""
    frame = battles.frame.dropna(subset=["voter"])
    decisive = frame[frame["winner"].astype(str).isin(["model_a", "model_b"])]
    is_a = (decisive["winner"].astype(str) == "model_a").astype(float)
    winners = np.where(is_a.to_numpy() == 1.0, decisive["model_a"], decisive["model_b"])
    wins = pd.DataFrame({"voter": decisive["voter"].to_numpy(), "model": winners})
    per_model = wins.groupby(["voter", "model"]).size()
    table = pd.DataFrame({"votes": frame.groupby("voter").size()})
    table["a_share"] = is_a.groupby(decisive["voter"]).mean()
    table["top_model_share"] = per_model.groupby(level=0).max() / per_model.groupby(level=0).sum()
    table = table.reset_index(names="voter")
    table["voter"] = table["voter"].astype(str)
    table["flagged"] = table["voter"].isin(flagged)
    table = table.sort_values(["flagged", "votes", "voter"], ascending=[False, False, True])
    return table.head(k).reset_index(drop=True)


@pytest.mark.parametrize("block_rows", [7, 100, 1_000_000])
@pytest.mark.parametrize("shown", [1, 5, 13, 20_000])  # 1, 5, 13: ties on votes at the cut
def test_voter_table_equals_grouping_by_name_whatever_the_block_size(
    monkeypatch: pytest.MonkeyPatch, block_rows: int, shown: int
) -> None:
    monkeypatch.setattr(context, "REPORT_BLOCK_ROWS", block_rows)
    monkeypatch.setattr(context, "MAX_SCATTER_VOTERS", shown)
    battles = _random_table(seed=block_rows + shown)
    flagged = {"u3", "u17", "nobody"}
    table = _voter_table(battles, flagged)
    expected = _voter_table_by_groupby(battles, flagged, shown)
    pd.testing.assert_frame_equal(table, expected[table.columns], check_dtype=False)
    assert table["flagged"].head(2).all() and not table["flagged"].iloc[2:].any()


@pytest.mark.parametrize("block_rows", [7, 1_000_000])
def test_pair_counts_and_shares_do_not_depend_on_the_block_size(
    monkeypatch: pytest.MonkeyPatch, block_rows: int
) -> None:
    monkeypatch.setattr(context, "REPORT_BLOCK_ROWS", block_rows)
    frame = _random_table(seed=3).frame
    counts = _pair_counts(frame)
    pairs = pd.crosstab(frame["model_a"], frame["model_b"])
    pairs = pairs.add(pairs.T, fill_value=0).astype("int64")
    assert counts.to_dict() == pairs.to_dict()
    shares = _sampling_table(frame, None).set_index("model")["observed_share"]
    both = pd.concat([frame["model_a"], frame["model_b"]]).value_counts(normalize=True)
    assert shares.to_dict() == pytest.approx(both.to_dict())


@pytest.mark.parametrize("block_rows", [1, 13, 200_000])
def test_cleaned_battles_file_equals_writing_the_cleaned_table(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, block_rows: int
) -> None:
    monkeypatch.setattr(outputs, "CLEANED_BLOCK_ROWS", block_rows)
    battles = _random_table(seed=5, n=60)
    findings = [
        Finding("identity_leak", "r", Severity.HIGH, "s", vote_id=f"v{i}") for i in (0, 7, 8, 59)
    ]
    pack = RulePack(
        "r",
        "n",
        "1",
        "h",
        sections={"pack": {"policy": {"invalidate": [{"detector": "identity_leak"}]}}},
    )
    cleaning = apply_policy(battles, findings, pack)
    assert write_cleaned(cleaning, tmp_path / "cleaned.jsonl.gz") == 56
    write_fastchat_jsonl(cleaning.cleaned, tmp_path / "expected.jsonl.gz")
    with (
        gzip.open(tmp_path / "cleaned.jsonl.gz") as got,
        gzip.open(tmp_path / "expected.jsonl.gz") as want,
    ):
        assert got.read() == want.read()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cleaned.jsonl.gz", "expected.jsonl.gz"]


@pytest.mark.parametrize("categorical", [True, False])
def test_a_winner_column_compares_the_same_by_codes_or_by_value(categorical: bool) -> None:
    values = ["model_a", None, "tie", "model_b", "model_a"]
    column = pd.Series(values, dtype="category" if categorical else object)
    assert context._equals(column, "model_a").tolist() == [True, False, False, False, True]
    assert context._equals(column, "tie_bothbad").tolist() == [False] * 5
