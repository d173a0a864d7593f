"""Benchmark: what conversation text costs outside the identity scan, stage by stage, beside floors.

Run: ``.venv/bin/python bench/bench_text_paths.py [--file F] [--chunks K] [--rounds R]``
(default file: ``bench_scale``'s 1M-battle file with conversations on 10 %, which
``bench/bench_scale.py --sizes 1M --text-fraction 0.1`` creates; its first ``K`` blocks of 20,000
lines are read).

CPU seconds (``time.process_time``: every thread of this process, so a shared machine's load
matters less than for wall time), the median of ``R`` interleaved rounds, for the same blocks:

- parse: ``pyarrow.json.read_json`` of the blocks' bytes (the floor) against auditkit's
  ``parse_block`` (the same parse plus the checks that keep the fast path exact);
- normalise: parsed blocks to canonical chunks with text (validation, decoding, prompt, turns);
- text-free: each chunk's text dropped and its prompt turned into fingerprints
  (``text_free_chunk``), and the fingerprints alone against their plain pandas definition
  (``reference_fingerprints``);
- write: the chunks' cleaned JSON Lines (column-wise) against the row-by-row definition.

Ratios below 1 mean the fast path is faster than what it is compared with.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.json as pj

from auditkit.io import writer
from auditkit.io.accumulate import text_free_chunk
from auditkit.io.arrowjsonl import parse_block
from auditkit.io.ids import VoteIdIndex
from auditkit.io.loader import iter_chunks
from auditkit.prompts import prompt_fingerprints, reference_fingerprints
from auditkit.schema import STYLE_COLUMNS, TAG_PREFIX

DEFAULT_FILE = Path("/tmp/auditkit-bench-scale/arena2-1M-text0.1-000.jsonl")
BLOCK_LINES = 20_000


def cpu_seconds(fn: Callable[[], Any]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def read_blocks(path: Path, chunks: int) -> list[bytes]:
    with open(path, "rb") as handle:
        blocks = []
        for _ in range(chunks):
            lines = list(itertools.islice(handle, BLOCK_LINES))
            if not lines:
                break
            blocks.append(b"".join(lines))
    return blocks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--chunks", type=int, default=10, help="blocks of 20,000 lines")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    if not args.file.exists():
        print(f"no such file: {args.file} (run bench/bench_scale.py first)", file=sys.stderr)
        return 2
    blocks = read_blocks(args.file, args.chunks)
    rows = sum(block.count(b"\n") for block in blocks)
    frames = [
        chunk.frame
        for chunk in itertools.islice(
            iter_chunks(args.file, with_text=True, seen_ids=VoteIdIndex(), block_rows=BLOCK_LINES),
            len(blocks),
        )
        if chunk.frame is not None
    ]
    prompts = [frame["prompt"] for frame in frames]
    text_free = [text_free_chunk(frame, keep_prompt=True) for frame in frames]
    has_style = all(name in text_free[0].columns for name in STYLE_COLUMNS)
    tags = [c for c in text_free[0].columns if c.startswith(TAG_PREFIX)]

    def normalise() -> None:
        chunks = iter_chunks(
            args.file, with_text=True, seen_ids=VoteIdIndex(), block_rows=BLOCK_LINES
        )
        for _ in itertools.islice(chunks, len(blocks)):
            pass

    stages: dict[str, Callable[[], Any]] = {
        "parse floor (pyarrow read_json)": lambda: [
            pj.read_json(pa.BufferReader(block)) for block in blocks
        ],
        "parse (auditkit parse_block)": lambda: [
            parse_block(block, block.count(b"\n"), None) for block in blocks
        ],
        "parse + normalise (iter_chunks)": normalise,
        "text_free_chunk": lambda: [text_free_chunk(f, keep_prompt=True) for f in frames],
        "fingerprints (Arrow)": lambda: [prompt_fingerprints(p) for p in prompts],
        "fingerprints (pandas reference)": lambda: [reference_fingerprints(p) for p in prompts],
        "write lines (column-wise)": lambda: [
            writer._lines_by_column(f, has_style, tags) for f in text_free
        ],
        "write lines (row by row)": lambda: [
            writer._lines_row_by_row(f, has_style, tags) for f in text_free
        ],
    }
    seconds: dict[str, list[float]] = {name: [] for name in stages}
    for _ in range(args.rounds):
        for name, fn in stages.items():
            seconds[name].append(cpu_seconds(fn))
    median = {name: statistics.median(values) for name, values in seconds.items()}
    print(
        f"bench_text_paths: {args.file.name}, {len(blocks)} blocks, {rows:,} battles, "
        f"{sum(map(len, blocks)) / 1e6:.0f} MB; CPU seconds, median of {args.rounds} rounds; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    for name, value in median.items():
        print(f"  {name:34s} {value:7.3f} s")
    pairs = [
        ("parse (auditkit parse_block)", "parse floor (pyarrow read_json)"),
        ("parse + normalise (iter_chunks)", "parse floor (pyarrow read_json)"),
        ("fingerprints (Arrow)", "fingerprints (pandas reference)"),
        ("write lines (column-wise)", "write lines (row by row)"),
    ]
    for fast, plain in pairs:
        print(f"  {fast} / {plain}: {median[fast] / max(median[plain], 1e-9):.2f}×")
    same = all(prompt_fingerprints(p).equals(reference_fingerprints(p)) for p in prompts) and all(
        bytes(writer._lines_by_column(f, has_style, tags))
        == writer._lines_row_by_row(f, has_style, tags)
        for f in text_free[:2]
    )
    print(f"  fast paths give the plain paths' values: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
