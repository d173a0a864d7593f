"""Diffing two run folders is set arithmetic on finding ids and vote ids, plus rank moves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditkit.cli import main
from auditkit.diff import diff_runs
from auditkit.errors import InputError
from auditkit.runfolder import mark_complete


def _run_folder(
    root: Path, name: str, findings: list[dict], invalidated: list[str], ranks: dict[str, int]
) -> Path:
    folder = root / name
    folder.mkdir()
    with open(folder / "findings.jsonl", "w", encoding="utf-8") as handle:
        for f in findings:
            handle.write(json.dumps(f) + "\n")
    with open(folder / "invalidations.jsonl", "w", encoding="utf-8") as handle:
        for vote in invalidated:
            handle.write(
                json.dumps({"vote_id": vote, "status": "invalidated", "reasons": []}) + "\n"
            )
        handle.write(json.dumps({"vote_id": "vR", "status": "revoked", "reasons": []}) + "\n")
    lines = ["model,rank_after"] + [f"{m},{r}" for m, r in ranks.items()]
    (folder / "leaderboard.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    mark_complete(folder)
    return folder


def _finding(fid: str, detector: str = "identity_leak", subject: str = "m") -> dict:
    return {
        "finding_id": fid,
        "detector": detector,
        "rule": "r",
        "severity": "high",
        "subject": subject,
    }


def test_diff_is_set_arithmetic(tmp_path: Path) -> None:
    old = _run_folder(
        tmp_path, "2026-01-01", [_finding("f1"), _finding("f2")], ["v1", "v2"], {"a": 1, "b": 2}
    )
    new = _run_folder(
        tmp_path,
        "2026-01-02",
        [_finding("f2"), _finding("f3"), _finding("s1", "sampling", "a")],
        ["v2", "v3"],
        {"a": 2, "b": 1, "c": 3},
    )
    diff = diff_runs(old, new)
    assert diff.new_invalidations == ("v3",)
    assert diff.cleared_invalidations == ("v1",)
    assert [f["finding_id"] for f in diff.new_findings] == ["f3", "s1"]
    assert [f["finding_id"] for f in diff.resolved_findings] == ["f1"]
    assert [f["subject"] for f in diff.new_sampling_flags] == ["a"]
    assert [(c["model"], c["previous"], c["current"]) for c in diff.rank_changes] == [
        ("a", 1, 2),
        ("b", 2, 1),
        ("c", None, 3),
    ]
    assert diff.summary().startswith("1 new invalidations, 1 cleared; 2 new findings, 1 resolved")
    assert list(diff.to_frame()["kind"]).count("rank_change") == 3
    assert not diff_runs(new, new).changed


def test_missing_folder_or_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        diff_runs(tmp_path / "nope", tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"incomplete run folder"):
        diff_runs(tmp_path / "empty", tmp_path / "empty")
    mark_complete(tmp_path / "empty")  # a marker over no files: the files are still required
    with pytest.raises(InputError, match=r"findings\.jsonl"):
        diff_runs(tmp_path / "empty", tmp_path / "empty")


def test_cli_diff_prints_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = _run_folder(tmp_path, "a", [], [], {"a": 1})
    new = _run_folder(tmp_path, "b", [_finding("f9")], ["v9"], {"a": 1})
    assert main(["diff", str(old), str(new), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["new_invalidations"] == ["v9"]
    assert main(["diff", str(old), str(tmp_path / "missing")]) == 2


def _board_folder(
    root: Path, name: str, rows: list[tuple[str, float, float, float, int, int, int]]
) -> Path:
    """A run folder whose leaderboard has ratings, 95% intervals and rank ranges."""
    folder = _run_folder(root, name, [], [], {})
    header = "model,rating_after,ci_after_lower,ci_after_upper,rank_after,rank_after_lower,rank_after_upper"
    lines = [header] + [",".join(str(v) for v in row) for row in rows]
    (folder / "leaderboard.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    mark_complete(folder)  # the leaderboard was rewritten: the marker must cover this one
    return folder


def test_rank_change_is_reported_only_when_significant_and_narrowing_apart(tmp_path: Path) -> None:
    old = _board_folder(
        tmp_path,
        "night1",
        [
            ("a", 1100.0, 1080.0, 1120.0, 1, 1, 3),
            ("b", 1090.0, 1070.0, 1110.0, 1, 1, 3),  # same standing, rank number moves, narrower
            ("c", 1085.0, 1065.0, 1105.0, 1, 1, 3),
            ("d", 1000.0, 990.0, 1010.0, 4, 4, 4),  # rating leaves its previous interval
            ("e", 900.0, 890.0, 910.0, 5, 5, 5),  # ranges stop overlapping
        ],
    )
    new = _board_folder(
        tmp_path,
        "night2",
        [
            ("a", 1100.0, 1090.0, 1110.0, 1, 1, 2),
            ("b", 1089.0, 1079.0, 1099.0, 2, 1, 3),
            ("c", 1086.0, 1075.0, 1097.0, 2, 1, 3),
            ("d", 1030.0, 1020.0, 1040.0, 4, 4, 4),
            ("e", 1050.0, 1040.0, 1060.0, 4, 4, 4),
        ],
    )
    diff = diff_runs(old, new)
    assert [c["model"] for c in diff.rank_changes] == ["d", "e"]
    assert all(c["significant"] for c in diff.rank_changes)
    assert diff.rank_changes[1]["previous_range"] == [5, 5]
    assert [c["model"] for c in diff.rank_moves_within_intervals] == ["b", "c"]
    assert [c["model"] for c in diff.intervals_narrowed] == ["a"]
    assert (
        "2 significant rank changes (2 rank numbers moved within their intervals" in diff.summary()
    )
    assert "1 rank intervals narrowed" in diff.summary()


def test_the_same_night_twice_has_no_rank_change(tmp_path: Path) -> None:
    rows = [
        ("a", 1100.0, 1080.0, 1120.0, 1, 1, 2),
        ("b", 1090.0, 1070.0, 1110.0, 1, 1, 2),
        ("unrated", "", "", "", "", "", ""),  # too few battles in both runs
    ]
    diff = diff_runs(_board_folder(tmp_path, "x", rows), _board_folder(tmp_path, "y", rows))
    assert not diff.rank_changes and not diff.intervals_narrowed and not diff.changed
