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


def _write_rows(path: Path, rows: list[tuple[str, str, str]]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for k, (a, b, winner) in enumerate(rows):
            row = {"model_a": a, "model_b": b, "winner": winner, "anony": True, "tstamp": 1.7e9 + k}
            fh.write(json.dumps(row) + "\n")


def test_ratings_says_which_anchor_it_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "battles.jsonl.gz"
    _write_battles(data)
    assert main(["ratings", str(data)]) == 0
    assert "anchor: mean = 1000" in capsys.readouterr().out
    mixtral = "mixtral-8x7b-instruct-v0.1"
    pairs = [(mixtral, "other", "model_a" if k % 3 else "model_b") for k in range(60)]
    pairs += [("other", "third", "model_a" if k % 2 else "model_b") for k in range(60)]
    pairs += [(mixtral, "third", "model_b" if k % 4 else "model_a") for k in range(60)]
    anchored = tmp_path / "anchored.jsonl.gz"
    _write_rows(anchored, pairs)
    assert main(["ratings", str(anchored)]) == 0
    out = capsys.readouterr().out
    assert f"anchor: {mixtral} = 1114" in out
    assert main(["ratings", str(anchored), "--no-anchor"]) == 0
    assert "anchor: mean = 1000" in capsys.readouterr().out


def test_per_component_prints_one_labelled_table_per_component(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "two.jsonl.gz"
    left = [("g1", "g2", "model_a" if k % 3 else "model_b") for k in range(40)]
    left += [("g2", "g3", "model_a" if k % 3 else "model_b") for k in range(40)]
    left += [("g1", "g3", "model_a" if k % 4 else "model_b") for k in range(40)]
    right = [("e1", "e2", "model_b" if k % 3 else "model_a") for k in range(40)]
    right += [("e2", "e3", "model_a" if k % 2 else "model_b") for k in range(40)]
    right += [("e1", "e3", "model_b" if k % 4 else "model_a") for k in range(40)]
    _write_rows(data, left + right)
    assert main(["ratings", str(data), "--per-component"]) == 0
    out = capsys.readouterr().out.splitlines()
    heads = [i for i, line in enumerate(out) if line.startswith("component ")]
    assert len(heads) == 2
    assert out[heads[0]].startswith("component 1 of 2 (3 models;")
    assert "anchor: mean = 1000" in out[heads[0]]
    first = " ".join(out[heads[0] + 1 : heads[1]])
    second = " ".join(out[heads[1] + 1 : heads[1] + 4])
    groups = {
        frozenset(m for m in ("g1", "g2", "g3", "e1", "e2", "e3") if m in t)
        for t in (first, second)
    }
    assert groups == {frozenset({"g1", "g2", "g3"}), frozenset({"e1", "e2", "e3"})}
    # each table is ordered by rating
    ratings = [float(line.split("[")[0].split()[-1]) for line in out[heads[0] + 1 : heads[1]]]
    assert ratings == sorted(ratings, reverse=True)
