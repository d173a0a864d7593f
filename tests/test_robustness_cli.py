"""The fragility and selftest commands, and the audit's "Is this ranking real?" sections."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditkit.audit import run_audit
from auditkit.cli import main
from auditkit.simulate import preset_config, simulate_arena


@pytest.fixture(scope="module")
def arena_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("arena")
    arena = simulate_arena(preset_config("demo", n_battles=3000, text_fraction=0.1), seed=5)
    path = folder / "b.jsonl.gz"
    arena.write(path, folder / "t.json")
    return path


def test_fragility_command_prints_the_table_and_writes_vote_files(
    arena_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "frag"
    assert main(["fragility", str(arena_file), "--top", "4", "--out", str(out), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["pairs"]) == 3
    for pair in data["pairs"]:
        assert Path(pair["vote_ids_file"]).is_file() and pair["verified"]
    assert (out / "fragility.json").is_file()


def test_fragility_command_rejects_an_unknown_pair(
    arena_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["fragility", str(arena_file), "--pair", "yi-large,nobody"])
    assert code == 2
    err = capsys.readouterr().err
    assert "nobody" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as exc:
        main(["fragility", str(arena_file), "--pair", "no-comma"])
    assert exc.value.code == 2


def test_selftest_command_with_an_explicit_attack(
    arena_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "st.json"
    args = ["selftest", str(arena_file), "--attack", "target_stuffing:yi-large,120", "--top", "3"]
    assert main([*args, "--out", str(out)]) == 0
    assert "recall target_stuffing" in capsys.readouterr().out
    data = json.loads(out.read_text())
    planted = {r["kind"]: r["planted"] for r in data["recall"]}
    # Only the attack asked for (planted text may also carry the simulator's natural leaks).
    assert set(planted) <= {"target_stuffing", "identity_leak"}
    assert planted["target_stuffing"] == 120
    assert main(["selftest", str(arena_file), "--attack", "no_such_kind:1"]) == 2


def test_audit_with_selftest_puts_both_sections_in_report_and_summary(
    arena_file: Path, tmp_path: Path
) -> None:
    result = run_audit(arena_file, out_dir=tmp_path, db_path=None, quiet=True, selftest=True)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["selftest"]["recall"] and summary["selftest"]["attack_cost"]
    assert summary["fragility"]["pairs"][0]["vote_ids_file"].startswith("fragility_votes/")
    assert (tmp_path / summary["fragility"]["pairs"][0]["vote_ids_file"]).is_file()
    html = (tmp_path / "report.html").read_text()
    assert 'id="fragility"' in html and 'id="selftest"' in html
    markdown = (tmp_path / "report.md").read_text()
    assert "## Votes to flip the top" in markdown and "## The night's self-test" in markdown
    assert result.summary_data["selftest"] == summary["selftest"]


def test_audit_without_selftest_has_no_selftest_key(arena_file: Path, tmp_path: Path) -> None:
    run_audit(arena_file, out_dir=tmp_path, db_path=None, quiet=True)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert "selftest" not in summary and "fragility" in summary


def test_report_sections_escape_model_names() -> None:
    from test_report import make_context

    from auditkit.report.markdown import render_markdown
    from auditkit.report.render import render_html

    evil = "<script>alert(1)</script>"
    pair = {
        "label": "adjacent",
        "higher": evil,
        "lower": "b",
        "rank_higher": 1,
        "rank_lower": 2,
        "rating_gap": 3.0,
        "drop_to_flip": 4,
        "flip_to_flip": 2,
        "add_to_flip": None,
    }
    robustness = {"fragility": {"n_votes": 100, "pairs": [pair], "top_spot": None}}
    context = make_context(robustness=robustness)
    html = render_html(context)
    assert evil not in html and "&lt;script&gt;" in html
    assert "never" in html  # no number of added votes reverses it
    markdown = render_markdown(context)
    assert evil not in markdown and "## Votes to flip the top" in markdown
