"""``auditkit ratings``: thin CLI over fit_ratings / fit_ratings_by."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from auditkit.cli import main


def _write_battles(path: Path, n: int = 600) -> None:
    rng = np.random.default_rng(0)
    strengths = {"alpha": 1.0, "beta": 0.0, "gamma": -1.0}
    names = list(strengths)
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for k in range(n):
            i, j = rng.choice(3, size=2, replace=False)
            p = 1 / (1 + np.exp(strengths[names[j]] - strengths[names[i]]))
            winner = "model_a" if rng.random() < p else "model_b"
            row = {
                "question_id": f"q{k}",
                "model_a": names[i],
                "model_b": names[j],
                "winner": winner if k % 7 else "tie (bothbad)",
                "judge": f"user{k % 50}",
                "anony": True,
                "language": "English" if k % 2 else "German",
                "tstamp": 1.7e9 + k,
            }
            fh.write(json.dumps(row) + "\n")


def test_ratings_writes_contract_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "battles.jsonl.gz"
    _write_battles(data)
    out = tmp_path / "ratings.csv"
    assert main(["ratings", str(data), "--bootstrap", "20", "--out", str(out)]) == 0
    frame = pd.read_csv(out)
    assert list(frame.columns[:8]) == [
        "model", "rating", "ci_lower", "ci_upper", "rank", "rank_lower", "rank_upper", "battles"
    ]  # fmt: skip
    assert frame["model"].tolist() == ["alpha", "beta", "gamma"]
    assert "CI bootstrap (20 rounds)" in capsys.readouterr().out


def test_ratings_by_language_adds_slice_columns(tmp_path: Path) -> None:
    data = tmp_path / "battles.jsonl.gz"
    _write_battles(data)
    out = tmp_path / "by_lang.csv"
    assert main(["ratings", str(data), "--by", "language", "--out", str(out)]) == 0
    frame = pd.read_csv(out)
    assert set(frame["slice_value"]) == {"en", "de"}
    assert (frame["slice"] == "language").all()


def test_unknown_slice_column_is_a_user_error(tmp_path: Path) -> None:
    data = tmp_path / "battles.jsonl.gz"
    _write_battles(data, n=50)
    assert main(["ratings", str(data), "--by", "tag.nope"]) == 2


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "battles.jsonl.gz"
    _write_battles(data, n=200)
    assert main(["ratings", str(data), "--ci", "none", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["n_battles"] == 200
    assert [r["model"] for r in payload["ratings"]] == ["alpha", "beta", "gamma"]
