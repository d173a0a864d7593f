"""``--engine dask`` with the workers reading their own partitions of the input.

Specification: for plain JSON Lines (byte ranges aligned to line starts) and Parquet (runs of row
groups), ``stream_battles`` on a ``DaskEngine`` whose two workers (a ``LocalCluster`` with
``processes=True``) read, normalise and scan their partitions returns exactly what the local engine
returns: the text-free table (``source_line``, generated ``<stem>:<line>`` ids), every quarantine
record (``line``, ``reasons``, ``detail``, ``raw``), formats, voter status and the identity result —
with bad rows on partition boundaries, with vote ids repeated across partitions and files (those
partitions are redone on the client, and the load's note counts them), and when a file stops early.
``run_audit`` writes byte-identical outputs. Planning never splits a line and covers every byte
once; reading the planned parts yields exactly the whole file's blocks.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditkit.audit import run_audit
from auditkit.engine import DaskEngine
from auditkit.engine.partitions import count_lines, plan_byte_ranges, plan_row_groups
from auditkit.errors import NotABattleLogError
from auditkit.io.jsonl import read_jsonl
from auditkit.io.parquet import read_parquet
from auditkit.rules import RulePack
from auditkit.simulate import IdentityLeak, preset_config, simulate_arena
from auditkit.streaming import StreamedLoad, stream_battles

SAME_FILES = ("findings.jsonl", "invalidations.jsonl", "quarantine.jsonl", "leaderboard.csv")
NOTE = re.compile(r"read by the workers in ([\d,]+) partitions?; ([\d,]+) redone on the client")


# --- fixtures and helpers -------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(dask_client: Any) -> Any:
    return dask_client


def arena_lines(n: int, seed: int, text_fraction: float, folder: Path) -> list[str]:
    """A simulated arena (planted identity leaks) as JSON Lines, one string per battle."""
    config = preset_config(
        "clean",
        n_battles=n,
        text_fraction=text_fraction,
        attacks=(IdentityLeak(model="qwen2-72b-instruct", rate=0.5),),
    )
    path = folder / f"arena-{seed}.jsonl"
    simulate_arena(config, seed=seed).write(path, folder / f"truth-{seed}.json")
    return path.read_text(encoding="utf-8").splitlines()


def plant(lines: list[str], planted: dict[int, str]) -> list[str]:
    """``lines`` with each planted text at its (1-based) line number in the result."""
    out = list(lines)
    for line_no in sorted(planted):
        out.insert(line_no - 1, planted[line_no])
    return out


def edited(line: str, **changes: Any) -> str:
    row = json.loads(line)
    for key, value in changes.items():
        if value is None:
            row.pop(key, None)
        else:
            row[key] = value
    return json.dumps(row)


def self_battle(line: str, **changes: Any) -> str:
    row = json.loads(line)
    return edited(line, model_b=row["model_a"], **changes)


def partitions_and_redone(streamed: StreamedLoad) -> tuple[int, int]:
    match = NOTE.search(" ".join(streamed.notes))
    assert match, f"not read by the workers: {streamed.notes}"
    return int(match[1].replace(",", "")), int(match[2].replace(",", ""))


def assert_same_load(got: StreamedLoad, want: StreamedLoad) -> None:
    pd.testing.assert_frame_equal(got.battles.frame, want.battles.frame)
    assert got.load.quarantine == want.load.quarantine
    assert got.load.quarantine_counts == want.load.quarantine_counts
    assert (got.load.rows_read, got.load.rows_loaded) == (
        want.load.rows_read,
        want.load.rows_loaded,
    )
    assert got.load.formats == want.load.formats
    assert got.battles.source_formats == want.battles.source_formats
    assert got.battles.voter_status == want.battles.voter_status
    assert got.battles.voter_note == want.battles.voter_note
    assert got.battles.extra == want.battles.extra
    assert (got.chunks, got.text_rows) == (want.chunks, want.text_rows)
    assert (got.identity is None) == (want.identity is None)
    if got.identity is not None and want.identity is not None:
        assert got.identity.findings == want.identity.findings
        assert got.identity.to_json() == want.identity.to_json()


def streamed_both(
    paths: Path | list[Path],
    client: Any,
    rules: RulePack,
    *,
    chunk_rows: int,
    partition_bytes: int,
) -> tuple[StreamedLoad, StreamedLoad]:
    """(workers reading partitions, the local engine) on the same input."""
    local = stream_battles(paths, rules=rules, chunk_rows=chunk_rows)
    engine = DaskEngine(client=client, max_pending=4, partition_bytes=partition_bytes)
    return stream_battles(paths, rules=rules, engine=engine, chunk_rows=chunk_rows), local


# --- (a) a simulated arena with text in several partitions -----------------------------------


@pytest.fixture(scope="module")
def arena_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("arena")
    path = folder / "battles.jsonl"
    lines = arena_lines(1_500, seed=3, text_fraction=0.6, folder=folder)
    path.write_text("\n".join([*lines, "{broken"]) + "\n", encoding="utf-8")
    return path


def test_simulated_arena_in_partitions_equals_local(
    arena_file: Path, client: Any, default_rules: RulePack
) -> None:
    size = arena_file.stat().st_size
    got, want = streamed_both(
        arena_file, client, default_rules, chunk_rows=200, partition_bytes=size // 6
    )
    assert_same_load(got, want)
    assert got.engine == "dask"
    partitions, redone = partitions_and_redone(got)
    assert partitions >= 6 and redone == 0  # no repeated ids: nothing redone
    assert want.identity is not None and len(want.identity.findings) > 20
    assert want.load.quarantine_counts == {"invalid_json": 1}
    assert "conversation_a" not in got.battles.frame.columns


# --- (b) bad rows on partition boundaries ----------------------------------------------------


@pytest.fixture(scope="module")
def bad_rows_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad")
    lines = arena_lines(400, seed=7, text_fraction=0.3, folder=folder)
    planted = {
        5: "{not json",
        40: "[1, 2]",
        41: "",  # a blank line is not a row
        77: self_battle(lines[76]),
        78: edited(lines[77], question_id=None),  # no id: gets "bad-rows:78"
        150: edited(lines[148], winner="model_c"),
        151: edited(lines[149], model_a=None, model_b=None),
        152: "   ",
    }
    path = folder / "bad-rows.jsonl"
    # No newline after the last line: it is still a row.
    path.write_text("\n".join(plant(lines, planted)), encoding="utf-8")
    return path


@pytest.mark.parametrize(("chunk_rows", "partition_bytes"), [(3, 2_000), (37, 7_000)])
def test_bad_rows_across_partitions_equal_local(
    bad_rows_file: Path, client: Any, default_rules: RulePack, chunk_rows: int, partition_bytes: int
) -> None:
    got, want = streamed_both(
        bad_rows_file, client, default_rules, chunk_rows=chunk_rows, partition_bytes=partition_bytes
    )
    assert_same_load(got, want)
    partitions, redone = partitions_and_redone(got)
    assert partitions >= 20 and redone == 0
    assert [(r.line, r.reason.value) for r in want.load.quarantine] == [
        (5, "invalid_json"),
        (40, "not_an_object"),
        (77, "self_battle"),
        (150, "unknown_winner"),
        (151, "missing_model"),
    ]
    frame = got.battles.frame
    assert frame.loc[frame["source_line"] == 78, "vote_id"].tolist() == ["bad-rows:78"]
    assert frame["source_line"].iloc[-1] == 408  # 400 battles + 8 planted lines, no final newline


# --- (c) vote ids repeated across partitions and files: the fallback -------------------------


@pytest.fixture(scope="module")
def duplicate_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("dups")
    lines = arena_lines(500, seed=9, text_fraction=0.3, folder=folder)
    first_id = json.loads(lines[0])["question_id"]
    second_id = json.loads(lines[1])["question_id"]
    planted = {
        3: self_battle(lines[2], question_id="twice"),  # quarantined: "twice" is not loaded here
        300: edited(lines[297], question_id="twice"),  # so this copy loads
        450: lines[0],  # a repeat of line 1
        460: self_battle(lines[455], question_id=second_id),  # quarantined twice over
        500: edited(lines[495], question_id="twice"),  # a repeat of line 300
    }
    main = folder / "main.jsonl"
    main.write_text("\n".join(plant(lines, planted)) + "\n", encoding="utf-8")
    other = [edited(line, question_id=f"o-{i}") for i, line in enumerate(lines[:60])]
    other[40] = edited(other[40], question_id="twice")  # across files too
    other[50] = edited(other[50], question_id=first_id)
    second = folder / "second.jsonl"
    second.write_text("\n".join(other) + "\n", encoding="utf-8")
    return main, second


def test_repeated_ids_across_partitions_are_redone_exactly(
    duplicate_files: tuple[Path, Path], client: Any, default_rules: RulePack
) -> None:
    main, second = duplicate_files
    got, want = streamed_both(
        [main, second], client, default_rules, chunk_rows=25, partition_bytes=15_000
    )
    assert_same_load(got, want)
    partitions, redone = partitions_and_redone(got)
    assert partitions >= 10 and 3 <= redone < partitions
    summary = [(Path(r.file).name, r.line, r.reasons, r.detail) for r in want.load.quarantine]
    first_id = json.loads(main.read_text().splitlines()[0])["question_id"]
    assert summary[0][:3] == ("main.jsonl", 3, ("self_battle",))
    assert summary[1] == (
        "main.jsonl",
        450,
        ("duplicate_vote_id",),
        f"vote id {first_id!r} already loaded (line 1)",
    )
    assert summary[2][:3] == ("main.jsonl", 460, ("self_battle", "duplicate_vote_id"))
    assert summary[3][1:] == (
        500,
        ("duplicate_vote_id",),
        "vote id 'twice' already loaded (line 300)",
    )
    assert [(s[0], s[1], s[3]) for s in summary[4:]] == [
        ("second.jsonl", 41, "vote id 'twice' already loaded (line 300)"),
        ("second.jsonl", 51, f"vote id {first_id!r} already loaded (line 1)"),
    ]


# --- (d) Parquet by row groups ---------------------------------------------------------------


@pytest.fixture(scope="module")
def parquet_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("parquet")
    lines = arena_lines(700, seed=13, text_fraction=0.3, folder=folder)
    lines[99] = self_battle(lines[99])
    lines[200] = edited(lines[200], question_id=None)
    lines[600] = lines[10]  # a repeated id
    records = [json.loads(line) for line in lines]
    records[200]["question_id"] = None
    path = folder / "battles.parquet"
    pq.write_table(pa.Table.from_pylist(records), path, row_group_size=64)
    return path


def test_parquet_row_groups_equal_local(
    parquet_file: Path, client: Any, default_rules: RulePack
) -> None:
    assert pq.ParquetFile(parquet_file).metadata.num_row_groups == 11
    got, want = streamed_both(
        parquet_file, client, default_rules, chunk_rows=50, partition_bytes=30_000
    )
    assert_same_load(got, want)
    partitions, redone = partitions_and_redone(got)
    assert partitions >= 4 and redone == 1
    assert [(r.line, r.reason.value) for r in want.load.quarantine] == [
        (100, "self_battle"),
        (601, "duplicate_vote_id"),
    ]
    assert "battles:201" in set(got.battles.frame["vote_id"])


@settings(max_examples=40, deadline=None)
@given(
    groups=st.lists(st.integers(0, 9), min_size=1, max_size=8),
    block=st.integers(1, 12),
    cut=st.integers(1, 400),
)
def test_parquet_parts_yield_the_whole_file_batches(
    groups: list[int], block: int, cut: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("pq") / "rows.parquet"
    n = sum(groups)
    table = pa.table({"model_a": [f"a{i}" for i in range(n)], "winner": ["tie"] * n})
    with pq.ParquetWriter(path, table.schema) as writer:
        start = 0
        for size in groups:
            writer.write_table(table.slice(start, size), row_group_size=max(size, 1))
            start += size
    whole = [
        (c.lines.tolist(), c.columns["model_a"])
        for c in read_parquet(path, is_gzip=False, with_text=True, block_rows=block)
    ]
    parts = [
        (c.lines.tolist(), c.columns["model_a"])
        for run in plan_row_groups(path, cut)
        for c in read_parquet(path, is_gzip=False, with_text=True, block_rows=block, row_groups=run)
    ]
    assert parts == whole


# --- (e) the audit writes the same files -----------------------------------------------------


def test_run_audit_on_workers_writes_identical_outputs(
    arena_file: Path, client: Any, default_rules: RulePack, tmp_path: Path
) -> None:
    local = run_audit(
        arena_file, rules=default_rules, out_dir=tmp_path / "local", db_path=None, engine="local"
    )
    engine = DaskEngine(client=client, partition_bytes=arena_file.stat().st_size // 5)
    dask = run_audit(
        arena_file,
        rules=default_rules,
        out_dir=tmp_path / "dask",
        db_path=None,
        engine=engine,
        chunk_rows=150,
    )
    for name in SAME_FILES:
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()
    assert dask.exit_code == local.exit_code


# --- files that stop early, relative paths, inputs that cannot be split ----------------------


def test_a_later_block_without_battle_fields_is_quarantined_as_in_the_loader(
    tmp_path: Path, client: Any, default_rules: RulePack
) -> None:
    lines = arena_lines(60, seed=17, text_fraction=0.0, folder=tmp_path)
    lines[10:15] = ['{"note": "not a battle"}'] * 5  # the third block of five rows
    path = tmp_path / "stops.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    got, want = streamed_both(path, client, default_rules, chunk_rows=5, partition_bytes=900)
    assert_same_load(got, want)
    assert want.load.rows_loaded == 55  # the rows after the bad block are read too
    assert dict(want.load.quarantine_counts) == {"missing_model": 5}
    assert partitions_and_redone(got)[0] >= 5


def test_a_first_block_without_battle_fields_is_refused(
    tmp_path: Path, client: Any, default_rules: RulePack
) -> None:
    lines = arena_lines(30, seed=19, text_fraction=0.0, folder=tmp_path)
    lines[0:10] = ["{broken"] * 5 + ['{"note": "not a battle"}'] * 5
    path = tmp_path / "answers.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(NotABattleLogError) as local:
        stream_battles(path, rules=default_rules, chunk_rows=5)
    engine = DaskEngine(client=client, partition_bytes=100)
    with pytest.raises(NotABattleLogError) as dask:
        stream_battles(path, rules=default_rules, engine=engine, chunk_rows=5)
    assert str(dask.value) == str(local.value)


def test_relative_paths_label_rows_as_given(
    bad_rows_file: Path, client: Any, default_rules: RulePack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The workers were started elsewhere: they open the absolute path, rows keep the given one.
    monkeypatch.chdir(bad_rows_file.parent)
    got, want = streamed_both(
        Path(bad_rows_file.name), client, default_rules, chunk_rows=40, partition_bytes=20_000
    )
    assert_same_load(got, want)
    assert set(got.battles.frame["source_file"]) == {"bad-rows.jsonl"}
    assert {r.file for r in got.load.quarantine} == {"bad-rows.jsonl"}


@pytest.mark.parametrize("without", ["rules", "text"])
def test_without_a_scan_the_workers_still_read(
    arena_file: Path, client: Any, default_rules: RulePack, without: str
) -> None:
    # No rule pack, or no text: the workers only load; nothing is scanned.
    engine = DaskEngine(client=client, partition_bytes=arena_file.stat().st_size // 4)
    rules = None if without == "rules" else default_rules
    options: dict[str, Any] = {"chunk_rows": 300, "with_text": without != "text"}
    got = stream_battles(arena_file, rules=rules, engine=engine, **options)
    want = stream_battles(arena_file, rules=rules, **options)
    assert_same_load(got, want)
    assert got.identity is None and got.engine == "none"
    assert partitions_and_redone(got)[0] >= 4


def test_gzip_is_read_by_the_client_as_before(
    arena_file: Path, client: Any, default_rules: RulePack, tmp_path: Path
) -> None:
    packed = tmp_path / "battles.jsonl.gz"
    packed.write_bytes(gzip.compress(arena_file.read_bytes()))
    got, want = streamed_both(packed, client, default_rules, chunk_rows=300, partition_bytes=1_000)
    assert_same_load(got, want)
    assert got.notes == ()  # not partitioned
    assert got.engine == "dask"


# --- (f) planning: whole lines, every byte once, the whole file's blocks ----------------------

line_bodies = st.lists(
    st.one_of(
        st.just(""),
        st.just("{broken"),
        st.integers(0, 5).map(lambda i: json.dumps({"model_a": f"a{i}", "winner": "tie"})),
        st.text("xyz{}", max_size=30).map(lambda s: json.dumps({"model_a": s})),
    ),
    max_size=60,
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(bodies=line_bodies, final_newline=st.booleans(), size=st.integers(1, 300))
def test_byte_ranges_split_no_line_and_cover_every_byte_once(
    bodies: list[str], final_newline: bool, size: int, tmp_path: Path
) -> None:
    data = "\n".join(bodies).encode() + (b"\n" if final_newline and bodies else b"")
    path = tmp_path / "lines.jsonl"
    path.write_bytes(data)
    ranges = plan_byte_ranges(path, size)
    assert [b for _, b in ranges[:-1]] == [a for a, _ in ranges[1:]]  # contiguous
    assert (ranges[0][0], ranges[-1][1]) == (0, len(data)) if data else ranges == []
    for start, end in ranges:
        assert end > start
        assert start == 0 or data[start - 1 : start] == b"\n"  # starts at a line start
        if end < len(data):  # at least size bytes, then to the end of that line
            assert end - start >= size and b"\n" not in data[start + size - 1 : end - 1]
    counts = [count_lines((str(path), start, end)) for start, end in ranges]
    assert sum(counts) == data.count(b"\n") + (not data.endswith(b"\n") and bool(data))


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(bodies=line_bodies, size=st.integers(1, 300), block=st.integers(1, 7))
def test_byte_ranges_yield_the_whole_file_blocks(
    bodies: list[str], size: int, block: int, tmp_path: Path
) -> None:
    path = tmp_path / "lines.jsonl"
    path.write_bytes("\n".join(bodies).encode())

    def blocks(**part: Any) -> list[tuple[list[int], list[int], int]]:
        chunks = read_jsonl(path, is_gzip=False, with_text=True, block_rows=block, **part)
        return [(c.lines.tolist(), [r.line for r in c.rejected], c.rows_read) for c in chunks]

    whole = blocks()
    parts, first_line = [], 1
    for start, end in plan_byte_ranges(path, size):
        parts += blocks(start=start, end=end, first_line=first_line)
        first_line += count_lines((str(path), start, end))
    assert parts == whole
