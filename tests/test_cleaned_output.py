"""The audit's cleaned battles: Parquet by default for Parquet inputs, JSON Lines otherwise, and
either format (``--cleaned-format``) holds the same kept votes."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.json as pj
import pyarrow.parquet as pq
import pytest

from auditkit.audit import cleaned_format_for, run_audit
from auditkit.errors import InputError
from auditkit.io import load_battles


@pytest.fixture(scope="module")
def arena(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from auditkit.simulate import ArenaConfig, simulate_arena

    folder = tmp_path_factory.mktemp("arena")
    jsonl = folder / "arena.jsonl"
    simulate_arena(ArenaConfig(n_battles=1_500, text_fraction=0.1), seed=4).write(
        jsonl, folder / "truth.json"
    )
    parquet = folder / "arena.parquet"
    pq.write_table(pj.read_json(jsonl), parquet)
    return jsonl, parquet


def test_the_default_follows_the_inputs(arena: tuple[Path, Path]) -> None:
    jsonl, parquet = arena
    assert cleaned_format_for([parquet], None) == "parquet"
    assert cleaned_format_for([parquet, jsonl], None) == "jsonl.gz"
    assert cleaned_format_for([jsonl], None) == "jsonl.gz"
    assert cleaned_format_for([jsonl], "parquet") == "parquet"
    with pytest.raises(InputError, match="cleaned format"):
        cleaned_format_for([jsonl], "csv")


def test_parquet_and_json_lines_cleaned_outputs_hold_the_same_votes(
    arena: tuple[Path, Path], tmp_path: Path
) -> None:
    _, parquet = arena
    run_audit(parquet, out_dir=tmp_path / "pq", db_path=None, quiet=True)
    run_audit(parquet, out_dir=tmp_path / "js", db_path=None, quiet=True, cleaned_format="jsonl.gz")
    assert not (tmp_path / "pq" / "cleaned_battles.jsonl.gz").exists()
    as_parquet = load_battles(tmp_path / "pq" / "cleaned_battles.parquet").battles.frame
    as_json = load_battles(tmp_path / "js" / "cleaned_battles.jsonl.gz").battles.frame
    assert 0 < len(as_parquet) <= 1_500
    where = ["source_file", "source_line"]
    pd.testing.assert_frame_equal(as_parquet.drop(columns=where), as_json.drop(columns=where))
