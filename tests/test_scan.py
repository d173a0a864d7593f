"""``auditkit scan FILE``: any table of model responses → per-model identity-leak table + findings."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from auditkit.cli import main
from auditkit.scan import scan_file

ROWS = [
    {
        "id": "r1",
        "model": "qwen2-72b-instruct",
        "prompt": "Hi",
        "response": "I am Qwen, a large language model created by Alibaba Cloud.",
    },
    {"id": "r2", "model": "qwen2-72b-instruct", "prompt": "Sum?", "response": "The sum is 4."},
    {
        "id": "r3",
        "model": "gpt-4o-2024-05-13",
        "prompt": "你是谁",
        "response": "我是Claude，由Anthropic开发的AI助手。",
    },
    {
        "id": "r4",
        "model": "gpt-4o-2024-05-13",
        "prompt": "Tell me about Google",
        "response": "Google is a search company founded in 1998.",
    },
    {"id": "r5", "model": "gpt-4o-2024-05-13", "prompt": "x", "response": ""},
]


def _write_jsonl(path: Path, rows: list[dict], extra: str = "") -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        handle.write(extra)
    return path


def test_jsonl_scan_finds_true_and_false_self_identifications(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "answers.jsonl.gz", ROWS, extra="{not json\n")
    result = scan_file(path)
    table = result.to_frame().set_index("model")
    assert table.loc["qwen2-72b-instruct", "responses"] == 2
    assert table.loc["qwen2-72b-instruct", "claims_true"] == 1
    assert table.loc["gpt-4o-2024-05-13", "claims_false"] == 1  # GPT-4o claiming to be Claude
    assert table.loc["gpt-4o-2024-05-13", "responses"] == 2  # the empty response is skipped
    assert result.rows_skipped == {"invalid JSON": 1, "no text in response": 1}
    assert sorted(f.vote_id for f in result.findings) == ["r1", "r3"]  # "Google is…" is no claim
    assert result.exit_code == 1


def test_csv_without_model_column_and_parquet_with_named_columns(tmp_path: Path) -> None:
    csv = tmp_path / "probe.csv"
    pd.DataFrame({"answer": ["As an AI developed by OpenAI, I can't.", "Paris."]}).to_csv(
        csv, index=False
    )
    result = scan_file(csv)
    assert result.model_column is None and result.text_column == "answer"
    assert list(result.to_frame()["model"]) == ["(no model column)"]
    assert len(result.findings) == 1 and result.findings[0].evidence["claim_true"] is None
    parquet = tmp_path / "dump.parquet"
    pd.DataFrame(
        {"who": ["claude-3-haiku-20240307"], "out": ["I'm Claude, made by Anthropic."]}
    ).to_parquet(parquet)
    named = scan_file(parquet, text_column="out", model_column="who")
    assert named.findings[0].evidence["claim_true"] is True


def test_messages_lists_are_scanned_turn_by_turn(tmp_path: Path) -> None:
    rows = [
        {
            "model": "o3-mini-2025-01-31",
            "messages": [
                {"role": "user", "content": "who made you?"},
                {"role": "assistant", "content": {"answer": "I was created by OpenAI."}},
            ],
        }
    ]
    result = scan_file(_write_jsonl(tmp_path / "m.jsonl.gz", rows))
    assert result.text_column == "messages" and len(result.findings) == 1


def test_cli_prints_table_writes_findings_and_escapes_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [{"model": "evil\x1b[31m", "response": "I am Qwen, created by Alibaba."}]
    path = _write_jsonl(tmp_path / "a.jsonl.gz", rows)
    out = tmp_path / "out"
    assert main(["scan", str(path), "--out", str(out)]) == 1
    printed = capsys.readouterr().out
    assert "\x1b" not in printed and "evil?[31m" in printed
    lines = (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["detector"] == "identity_leak"
    assert json.loads((out / "scan_summary.json").read_text())["findings"] == 1


def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scan", str(tmp_path / "missing.jsonl")]) == 2
    assert "missing.jsonl" in capsys.readouterr().err
    path = _write_jsonl(tmp_path / "a.jsonl.gz", [{"model": "m", "body": "hello"}])
    assert main(["scan", str(path), "--out", str(tmp_path / "o")]) == 2
    assert "no text column" in capsys.readouterr().err
    assert main(["scan", str(path), "--text-column", "nope", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "nope" in err and len(err.strip().splitlines()) == 1


@pytest.mark.real_data
def test_real_arena_answers_scan(real_data_dir: Path, tmp_path: Path) -> None:
    """arena-bench-v1: 5,400 real answers of 18 models; real self-identifications are rare."""
    result = scan_file(real_data_dir / "arena_bench_v1_model_answers.jsonl.gz")
    table = result.to_frame()
    assert result.rows_read == 5400 and len(table) == 18
    assert int(table["responses"].sum()) + sum(result.rows_skipped.values()) == 5400
    assert 1 <= len(result.findings) <= 100
    assert (table["leak_rate"] < 0.05).all()
