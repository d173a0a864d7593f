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
