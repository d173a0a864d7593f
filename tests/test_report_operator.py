"""The report an operator acts on: order, nothing silently cut, one status word, what to do next."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from markupsafe import escape
from test_report import make_context

from auditkit.audit import build_leaderboard, run_audit
from auditkit.clean import CleaningResult
from auditkit.detectors.base import DetectorResult, DetectorStatus, Finding, Severity
from auditkit.progress import StageProgress
from auditkit.report import RANK_RULE, render_html, render_markdown
from auditkit.report.actions import ActionInputs, action_rule, next_actions
from auditkit.report.context import _claim_label, _policy_by_subject, _table_row
from auditkit.report.plots import rating_forest, sampling_shares


def _fit(rows: list[tuple[str, float, int, int, int]]) -> pd.DataFrame:
    """model, rating, rank, rank_lower, rank_upper → a ``RatingResult.to_frame()``-like frame."""
    frame = pd.DataFrame(rows, columns=["model", "rating", "rank", "rank_lower", "rank_upper"])
    frame["ci_lower"], frame["ci_upper"] = frame["rating"] - 15, frame["rating"] + 15
    frame["battles"], frame["note"] = 100, ""
    return frame


# ----------------------------------------------------------------------------- 1. order


def test_leaderboard_is_ordered_by_rating_then_name_with_rank_ranges() -> None:
    # Arena ranks tie for overlapping intervals: sorting by rank then name put chatgpt (1078)
    # above gemini (1098) on the 140k log.
    fit = _fit(
        [
            ("chatgpt-4o", 1078.0, 2, 2, 9),
            ("gemini-2.5-pro-preview", 1098.0, 2, 2, 6),
            ("grok-4", 1093.0, 2, 2, 8),
            ("a-top", 1124.0, 1, 1, 1),
            ("b-same", 1078.0, 2, 2, 9),
        ]
    )
    board = build_leaderboard(fit, fit)
    assert list(board["model"]) == [
        "a-top", "gemini-2.5-pro-preview", "grok-4", "b-same", "chatgpt-4o",
    ]  # fmt: skip
    assert board.loc[1, ["rank_after_lower", "rank_after_upper"]].tolist() == [2, 6]
    context = make_context(leaderboard=board)
    html, markdown = render_html(context), render_markdown(context)
    table = html.split('id="leaderboard"')[1].split("</table>")[0]
    positions = [table.index(f"<td>{m}</td>") for m in board["model"]]
    assert positions == sorted(positions)
    assert '<td class="num nowrap">2 (2–6)</td>' in table
    md_rows = [line for line in markdown.splitlines() if line.startswith("| ") and "–" in line]
    assert [r.split("|")[1].strip().replace("\\", "") for r in md_rows] == list(board["model"])
    assert "2 (2–6)" in markdown
    assert html.count(str(escape(RANK_RULE))) == 1 and markdown.count("Chatbot Arena rule") == 1


# ----------------------------------------------------------------------------- 2. figures


def _many_models(n: int) -> pd.DataFrame:
    rating = np.linspace(1200, 800, n)
    return pd.DataFrame(
        {
            "model": [f"m{i:03d}" for i in range(n)],
            "rating_before": rating,
            "ci_before_lower": rating - 5,
            "ci_before_upper": rating + 5,
            "rating_after": rating,
            "ci_after_lower": rating - 5,
            "ci_after_upper": rating + 5,
            "change_significant": [False] * n,
        }
    )


def test_forest_draws_every_model_up_to_80_and_beyond_keeps_every_flagged_one() -> None:
    all_53 = rating_forest(_many_models(53))
    assert len(all_53.shown) == 53 and all_53.caption == ""
    board = _many_models(120)
    board.loc[119, "change_significant"] = True
    figure = rating_forest(board, flagged={"m100"})
    assert {"m100", "m119"} <= set(figure.shown) and len(figure.shown) == 82
    assert figure.caption.startswith("82 of 120 models shown: the 80 best rated plus 2 flagged")
    every_other_flagged = rating_forest(
        _many_models(90), flagged={f"m{i:03d}" for i in range(80, 90)}
    )
    assert len(every_other_flagged.shown) == 90 and every_other_flagged.caption == ""
    unrated = _many_models(5)
    unrated.loc[4, "rating_after"] = np.nan
    assert "1 model(s) without a rating after cleaning" in rating_forest(unrated).caption


def test_sampling_chart_never_drops_the_flagged_under_sampled_models() -> None:
    n = 95
    shares = np.linspace(0.03, 0.0, n)
    frame = pd.DataFrame(
        {
            "model": [f"m{i:03d}" for i in range(n)],
            "observed_share": shares,
            "expected_share": 1 / n,
            "flagged": [i >= n - 13 for i in range(n)],  # the 13 least sampled
        }
    )
    figure = sampling_shares(frame)
    assert set(frame.loc[frame["flagged"], "model"]) <= set(figure.shown)
    assert figure.caption.startswith("93 of 95 models shown")
    html = render_html(make_context(sampling=frame))
    assert "<figcaption>93 of 95 models shown" in html


# ----------------------------------------------------------------------------- 3. status, notes, severity, claims


def test_status_is_one_of_three_words() -> None:
    ran = DetectorResult("d", findings=(Finding("d", "r", Severity.LOW, "s"),))
    assert ran.status is DetectorStatus.RAN and ran.summary_text() == "d: ran (r: 1)"
    empty = DetectorResult("d", summary={"ran": True})
    assert empty.summary_text() == "d: ran with no findings"
    not_run = DetectorResult("d", summary={"ran": False}, notes=("no text",))
    assert not_run.summary_text() == "d: did not run (no text)"


@pytest.fixture(scope="module")
def textless_audit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A battle log without conversations (like the real 140k log): the identity audit cannot run."""
    root = tmp_path_factory.mktemp("textless")
    rng = np.random.default_rng(3)
    models = ["alpha", "beta", "gamma", "delta"]
    with open(root / "log.jsonl", "w", encoding="utf-8") as handle:
        for k in range(800):
            a, b = rng.choice(4, size=2, replace=False)
            row = {"question_id": f"q{k}", "model_a": models[a], "model_b": models[b],
                   "winner": "model_a" if rng.random() < 0.5 + 0.1 * (b - a) else "model_b",
                   "anony": True, "tstamp": 1.7e9 + 60 * k}  # fmt: skip
            handle.write(json.dumps(row) + "\n")
    return root


def test_status_words_match_in_stdout_summary_and_report(
    textless_audit: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = textless_audit / "out"
    result = run_audit(textless_audit / "log.jsonl", out_dir=out, db_path=None, quiet=True)
    printed = result.summary()
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    html = (out / "report.html").read_text(encoding="utf-8")
    markdown = (out / "report.md").read_text(encoding="utf-8")
    for name, entry in summary["detectors"].items():
        status = entry["status"]
        assert status in {s.value for s in DetectorStatus}
        assert re.search(rf"{name}: {re.escape(status)}\b", printed), name
        assert re.search(rf">{name}</a></td><td class=\"nowrap\">{re.escape(status)}</td>", html)
        assert f"| {name.replace('_', chr(92) + '_')} | {status} |" in markdown
    assert summary["detectors"]["identity_leak"]["status"] == "did not run"
    assert "identity_leak: no findings" not in printed
    # the audit computed ratings: no note may say it was given none
    assert not any("no ratings given" in n for n in summary["notes"])
    assert "no ratings given" not in html
    assert capsys.readouterr().err == ""  # --quiet: no progress output at all


def test_a_voter_whose_votes_were_invalidated_is_not_listed_as_low() -> None:
    voter_row = Finding("voter_anomaly", "voter_evidence", Severity.LOW, "u7", message="4 votes")
    vote = Finding(
        "voter_anomaly", "coordinated_group", Severity.HIGH, "u7", vote_id="v1",
        evidence={"group_id": "g1"},
    )  # fmt: skip
    group_row = Finding("voter_anomaly", "coordinated_group", Severity.HIGH, "g1")
    cleaning = _cleaning_with(vote)
    outcome = _policy_by_subject([voter_row, vote, group_row], cleaning)
    row = _table_row(voter_row, outcome.get(("voter_anomaly", "u7")))
    assert row["severity"] == "high" and row["finding_severity"] == "low"
    assert row["policy"] == "1 vote invalidated (voter_anomaly/coordinated_group, high)"
    assert _table_row(group_row, outcome.get(("voter_anomaly", "g1")))["policy"].startswith(
        "1 vote"
    )
    other = Finding("sampling", "undersampled", Severity.LOW, "u7")
    assert _table_row(other, outcome.get(("sampling", "u7")))["policy"] == (
        "reported; no votes invalidated"
    )


def _cleaning_with(finding: Finding) -> CleaningResult:
    from auditkit.clean import apply_policy
    from auditkit.rules import load_rules
    from auditkit.schema import BattleTable

    table = BattleTable.from_records(
        {"vote_id": v, "voter": u, "model_a": "a", "model_b": "b", "winner": "model_a"}
        for v, u in (("v1", "u7"), ("v2", "u8"))
    )
    return apply_policy(table, [finding], load_rules(None))


def test_evidence_cards_say_whether_the_claim_is_true() -> None:
    true_claim = {"claim_true": True, "model": "qwen2-72b-instruct"}
    assert (
        _claim_label(true_claim)
        == "claim true: the response names its own model (qwen2-72b-instruct)"
    )
    false_claim = {
        "claim_true": False,
        "model": "gpt-4o",
        "claimed_identity": {"family": "claude", "maker": "anthropic"},
    }
    assert _claim_label(false_claim) == (
        "claim false: the response claims to be claude / anthropic, but it comes from gpt-4o"
    )
    assert _claim_label({"claim_true": None}) == ""
    from auditkit.report import EvidenceLine

    line = EvidenceLine(
        "v1", "identity_leak", "r", "s", "", "I am Claude", "", claim=_claim_label(false_claim)
    )
    html = render_html(make_context(evidence=[line]))
    assert '<div class="claim false">claim false: the response claims to be claude' in html


# ----------------------------------------------------------------------------- 4. what to do next


def _sampling_result() -> DetectorResult:
    findings = (
        Finding("sampling", "disconnected", Severity.HIGH, "e1,e2"),
        Finding("sampling", "undersampled", Severity.LOW, "m1", evidence={"model": "m1"}),
        Finding("sampling", "undersampled", Severity.LOW, "m2", evidence={"model": "m2"}),
    )
    return DetectorResult(
        "sampling", findings, summary={"components": [["g1", "g2", "g3"], ["e1", "e2"]]}
    )


def test_actions_follow_from_findings_and_point_at_sections() -> None:
    leaks = tuple(
        Finding("identity_leak", "self_id", Severity.HIGH, f"model_a:{m}", vote_id=f"v{i}",
                evidence={"model": m})
        for i, m in enumerate(["qwen"] * 5 + ["gpt"])
    )  # fmt: skip
    results = {
        "sampling": _sampling_result(),
        "identity_leak": DetectorResult("identity_leak", leaks),
        "voter_anomaly": DetectorResult(
            "voter_anomaly", summary={"flagged_voters": ["u1", "u2", "u3"]}
        ),
        "prompt_dedup": DetectorResult(
            "prompt_dedup", summary={"ran": False}, notes=("no prompts",)
        ),
    }
    actions = next_actions(ActionInputs(results, {"voter_anomaly": 12}))
    texts = [a.text for a in actions]
    assert texts[0].startswith("2 separate components (3, 2 models): publish them as separate")
    assert actions[0].command.startswith("auditkit ratings --per-component")
    assert actions[0].section == "sampling"
    assert any(
        t.startswith("identity leaks concentrated in qwen (5 of 6): fix its system prompt")
        for t in texts
    )
    assert "review 3 voters flagged for review (12 of their votes already invalidated)." in texts
    assert "2 model(s) under-sampled (m1, m2): raise their sampling weight." in texts
    assert texts[-1].startswith("1 detector(s) did not run (prompt_dedup)")
    html = render_html(make_context(actions=[a.to_dict() for a in actions]))
    block = html.split('id="next"')[1].split("</ol>")[0]
    assert block.count("<li>") == len(actions) and '<a href="#sampling">' in block
    assert html.index('id="next"') > html.index('id="verdict"')


def test_a_new_detector_contributes_actions_without_editing_the_report() -> None:
    @action_rule("population_test_detector")
    def _rule(result: DetectorResult, inputs: ActionInputs) -> list:
        from auditkit.report.actions import Action

        return [Action(f"re-weight {len(result.findings)} strata", "table-findings", 35)]

    found = (Finding("population_test_detector", "skew", Severity.MEDIUM, "x"),)
    remedy = (
        Finding("other_new", "r", Severity.LOW, "y", evidence={"remedy": "rotate the probe set"}),
    )
    silent = (Finding("third_new", "r", Severity.MEDIUM, "z"),)
    actions = next_actions(
        ActionInputs(
            {
                "population_test_detector": DetectorResult("population_test_detector", found),
                "other_new": DetectorResult("other_new", remedy),
                "third_new": DetectorResult("third_new", silent),
            }
        )
    )
    texts = [a.text for a in actions]
    assert "re-weight 1 strata" in texts and "rotate the probe set" in texts
    assert "review the 1 third_new findings (worst: medium)." in texts


@pytest.mark.real_data
def test_genai_arena_gets_a_remedy_not_a_bare_do_not_publish(
    real_data_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "genai"
    result = run_audit(
        real_data_dir / "genai_arena_clean_battle_20240220.jsonl.gz",
        out_dir=out,
        db_path=None,
        quiet=True,
    )
    assert result.gate_failed
    html = (out / "report.html").read_text(encoding="utf-8")
    block = html.split('id="next"')[1].split("</ol>")[0]
    assert "2 separate components (6, 7 models): publish them as separate leaderboards" in block
    assert "<code>auditkit ratings --per-component FILE</code>" in block
    board = pd.read_csv(out / "leaderboard.csv")
    rated = board.dropna(subset=["rating_after"])
    assert list(rated["rating_after"]) == sorted(rated["rating_after"], reverse=True)


# ----------------------------------------------------------------------------- 6. progress


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_suits_its_destination() -> None:
    log = io.StringIO()
    progress = StageProgress(3, "audit", stream=log)
    assert progress.mode == "lines"
    for name in ("load", "clean", "report"):
        progress.start(name)
        progress.finish(name, 1.25)
    progress.close()
    assert "\r" not in log.getvalue()
    assert log.getvalue().splitlines() == [
        "audit: load done in 1.2 s (1/3)",
        "audit: clean done in 1.2 s (2/3)",
        "audit: report done in 1.2 s (3/3)",
    ]
    throttled = io.StringIO()
    slow = StageProgress(3, "audit", stream=throttled, min_interval=3600)
    for name in ("a", "b", "c"):
        slow.finish(name, 0.1)
    assert len(throttled.getvalue().splitlines()) == 2  # the first and always the last
    terminal = _Tty()
    bar = StageProgress(2, "audit", stream=terminal)
    assert bar.mode == "bar"
    bar.finish("load", 0.1)
    bar.close()
    assert "\r" in terminal.getvalue()
    quiet = io.StringIO()
    silent = StageProgress(2, "audit", stream=quiet, quiet=True)
    silent.finish("load", 0.1)
    silent.close()
    assert silent.mode == "quiet" and quiet.getvalue() == ""
