"""Prompt fingerprints: fixed-size stand-ins for the prompt text that change no finding.

Specification: equal prompts get equal fingerprints and different spellings different ones, except
that near-duplicate spellings share ``prompt_near`` and case/outer-space variants share
``prompt_repeat``; the hashes are SipHash-2-4 (as an independent pure-Python implementation here
computes them), so they are the same in every process; a missing prompt has no fingerprint and an
empty one only ``prompt_repeat``, which is what each consumer treated as "no prompt" before.
``prompt_dedup`` and the voter audit give the same result on a table with ``prompt`` as on the same
table with only the fingerprints; a streamed load keeps only the fingerprints, and a streamed audit
writes the same findings and invalidations as the in-memory audit, planted repeated prompts
(copies beyond the cap, one voter re-submitting a long code paste) included.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from auditkit.audit import DEFAULT_DETECTORS, run_audit
from auditkit.detectors.base import get_detector
from auditkit.detectors.dedup import DedupConfig, normalise_prompts, prompt_groups
from auditkit.io import load_battles
from auditkit.prompts import (
    FINGERPRINT_COLUMNS,
    PREVIEW_CHARS,
    PROMPT_EXACT,
    PROMPT_NEAR,
    PROMPT_NEAR_LEN,
    PROMPT_PREVIEW,
    PROMPT_REPEAT,
    fingerprint_prompt_column,
    prompt_fingerprints,
)
from auditkit.prompts import normalise_prompts as moved_normalise_prompts
from auditkit.rules import RulePack
from auditkit.schema import BattleTable
from auditkit.simulate import preset_config, simulate_arena
from auditkit.streaming import stream_battles

NAMES = [name for name, _ in FINGERPRINT_COLUMNS]
HASHES = [PROMPT_EXACT, PROMPT_NEAR, PROMPT_REPEAT]
CODE = "Please review this code:\n" + "for i in range(10):\n    print(i * 2)\n" * 200  # ~7 KB
# One prompt in four spellings: one near-duplicate group, four exact prompts, two repeat keys.
SPELLINGS = [CODE, CODE.lower(), "  " + CODE + "\n", CODE.replace("\n", "\r\n")]


def fingerprints(*prompts: Any) -> pd.DataFrame:
    return prompt_fingerprints(pd.Series(list(prompts), dtype="object"))


# --- the fingerprints ---------------------------------------------------------------------------


def test_equal_prompts_share_every_fingerprint_and_other_prompts_share_none() -> None:
    table = fingerprints("What is 2+2?", "What is 2+2?", "Tell me a joke")
    assert table.iloc[0].tolist() == table.iloc[1].tolist()
    for name in HASHES:
        assert table[name].iloc[0] != table[name].iloc[2]


def test_spellings_differ_exactly_but_near_duplicates_share_the_near_key() -> None:
    table = prompt_fingerprints(pd.Series(SPELLINGS))
    assert table[PROMPT_EXACT].nunique() == 4
    assert table[PROMPT_NEAR].nunique() == 1
    assert table[PROMPT_NEAR_LEN].iloc[0] == len(normalise_prompts(pd.Series([CODE]))[0])
    # the voter test compares stripped, lower-cased prompts: only the CRLF spelling differs
    assert table[PROMPT_REPEAT].tolist()[:3] == [table[PROMPT_REPEAT].iloc[0]] * 3
    assert table[PROMPT_REPEAT].iloc[3] != table[PROMPT_REPEAT].iloc[0]


def test_columns_are_fixed_size_and_the_preview_is_bounded() -> None:
    table = prompt_fingerprints(pd.Series(SPELLINGS, index=[7, 3, 5, 1]))
    assert list(table.columns) == NAMES and list(table.index) == [7, 3, 5, 1]
    assert [str(dtype) for dtype in table.dtypes] == [
        str(dtype) for _, dtype in FINGERPRINT_COLUMNS
    ]
    assert table[PROMPT_PREVIEW].iloc[0] == CODE[:PREVIEW_CHARS]
    assert table[PROMPT_PREVIEW].str.len().max() == PREVIEW_CHARS == 80


def test_missing_prompts_have_no_fingerprint_and_empty_ones_only_the_repeat_key() -> None:
    table = fingerprints(None, pd.NA, "", "   ", "123")
    assert table.iloc[:2].isna().all().all()
    # de-duplication has always skipped empty prompts; the voter test counted them as prompts
    assert table.loc[2, [PROMPT_EXACT, PROMPT_NEAR, PROMPT_NEAR_LEN, PROMPT_PREVIEW]].isna().all()
    repeat = table[PROMPT_REPEAT].tolist()
    assert repeat[2] == repeat[3]  # both strip to the empty string
    assert table.loc[3].notna().all() and table.loc[3, PROMPT_NEAR_LEN] == 0
    assert table.loc[4, PROMPT_NEAR_LEN] == 0  # digits only: dedup falls back to the exact hash


def test_a_prompt_has_the_same_fingerprints_among_missing_prompts_as_alone() -> None:
    """Only present prompts are hashed (a mostly text-free chunk); the result is unchanged."""
    prompts = pd.Series(
        [None, "Hello there", pd.NA, "", "¿Qué tal? 42", None], index=[7, 3, 5, 0, 9, 1]
    )
    mixed = prompt_fingerprints(prompts)
    assert list(mixed.index) == [7, 3, 5, 0, 9, 1]
    assert mixed.loc[[7, 5, 1]].isna().all().all()
    for label in (3, 0, 9):
        alone = prompt_fingerprints(prompts.loc[[label]])
        pd.testing.assert_frame_equal(mixed.loc[[label]], alone)
    assert prompt_fingerprints(pd.Series([None, None], dtype=object)).isna().all().all()


def test_normalise_prompts_still_imports_from_dedup() -> None:
    assert normalise_prompts is moved_normalise_prompts


def _rotl(x: int, bits: int) -> int:
    return ((x << bits) | (x >> (64 - bits))) & MASK


MASK = (1 << 64) - 1


def reference_siphash(key: bytes, data: bytes) -> int:
    """SipHash-2-4 (Aumasson & Bernstein 2012), then the splitmix64 finaliser pandas applies."""
    k0, k1 = int.from_bytes(key[:8], "little"), int.from_bytes(key[8:], "little")
    v = [k0 ^ 0x736F6D6570736575, k1 ^ 0x646F72616E646F6D, k0 ^ 0x6C7967656E657261]
    v.append(k1 ^ 0x7465646279746573)

    def rounds(n: int) -> None:
        for _ in range(n):
            v[0] = (v[0] + v[1]) & MASK
            v[1] = _rotl(v[1], 13) ^ v[0]
            v[0] = _rotl(v[0], 32)
            v[2] = (v[2] + v[3]) & MASK
            v[3] = _rotl(v[3], 16) ^ v[2]
            v[0] = (v[0] + v[3]) & MASK
            v[3] = _rotl(v[3], 21) ^ v[0]
            v[2] = (v[2] + v[1]) & MASK
            v[1] = _rotl(v[1], 17) ^ v[2]
            v[2] = _rotl(v[2], 32)

    whole = len(data) - len(data) % 8
    words = [int.from_bytes(data[i : i + 8], "little") for i in range(0, whole, 8)]
    words.append(int.from_bytes(data[whole:], "little") | ((len(data) & 0xFF) << 56))
    for word in words:
        v[3] ^= word
        rounds(2)
        v[0] ^= word
    v[2] ^= 0xFF
    rounds(4)
    x = v[0] ^ v[1] ^ v[2] ^ v[3]
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


@pytest.mark.parametrize("prompt", ["Hello world", "héllo 日本語", "x" * 17, CODE])
def test_exact_hash_is_keyed_siphash_of_the_utf8_text(prompt: str) -> None:
    got = int(fingerprints(prompt)[PROMPT_EXACT].iloc[0]) & MASK
    assert got == reference_siphash(b"auditkit-exact-1", prompt.encode("utf-8"))


def test_fingerprints_are_the_same_in_fresh_processes() -> None:
    code = (
        "import json, pandas as pd; from auditkit.prompts import prompt_fingerprints as f; "
        "t = f(pd.Series(['Hello world', 'hello, WORLD!', '', None])); "
        "print(json.dumps(t.astype(object).where(t.notna(), None).to_numpy().tolist()))"
    )
    outputs = []
    for seed in ("1", "2"):  # Python's own str hash differs between these two processes
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
        )
        outputs.append(json.loads(done.stdout))
    here = fingerprints("Hello world", "hello, WORLD!", "", None)
    assert (
        outputs[0]
        == outputs[1]
        == here.astype(object).where(here.notna(), None).to_numpy().tolist()
    )


# --- the consumers: the same result from the text or from the fingerprints alone ---------------


def planted_table() -> BattleTable:
    """300 unique prompts, SPELLINGS 40 times (ten by one voter), short, digit-only and empty prompts."""
    rows: list[dict[str, Any]] = []

    def add(prompt: Any, t: float, voter: str, a: str = "m1", b: str = "m2") -> None:
        rows.append(
            {
                "vote_id": f"v{len(rows):04d}",
                "model_a": a,
                "model_b": b,
                "winner": ["model_a", "model_b", "tie"][len(rows) % 3],
                "voter": voter,
                "tstamp": t,
                "prompt": prompt,
            }
        )

    for i in range(300):
        add(f"unique question {chr(97 + i % 26)} {'x' * (i // 26)}", 1000.0 + i, f"u{i % 30}")
    for i in range(40):
        add(SPELLINGS[i % 4], 5000.0 - i, "spammer" if i < 10 else f"u{i}", a="spammed", b="m1")
    for i, prompt in enumerate(["hi", "Hi!", "2024", "", "  ", None, None]):
        add(prompt, 9000.0 + i, "u1")
    return BattleTable.from_records(rows)


def fingerprints_only(battles: BattleTable) -> BattleTable:
    return battles.with_frame(fingerprint_prompt_column(battles.frame))


def test_dedup_from_fingerprints_equals_dedup_from_text(default_rules: RulePack) -> None:
    battles = planted_table()
    stripped = fingerprints_only(battles)
    assert "prompt" not in stripped.frame.columns
    detector = get_detector("prompt_dedup")()
    from_text = detector.detect(battles, default_rules)
    assert from_text.to_json() == detector.detect(stripped, default_rules).to_json()
    (group,) = [f for f in from_text.findings if f.rule == "repeated_prompt"]
    earliest = SPELLINGS[39 % 4]  # tstamps descend: the last copy written is the group's head
    assert group.evidence == {
        "group_size": 40,
        "preview": earliest[:PREVIEW_CHARS],
        "distinct_spellings": 4,
    }
    assert group.subject is not None and len(group.subject) == len("prompt:") + 16
    assert sum(f.rule == "excess_copy" for f in from_text.findings) == 15


@pytest.mark.parametrize(
    ("cfg", "largest"),
    [
        (DedupConfig(), [1, 1, 1, 2, 40]),  # "hi" and "Hi!" merge; "2024" and "  " stay exact
        (DedupConfig(near_duplicates=False), [1, 10, 10, 10, 10]),  # each spelling on its own
        (DedupConfig(min_prompt_chars=3), [1, 1, 1, 1, 40]),  # "hi" is too short to merge
    ],
)
def test_groups_from_fingerprints_equal_groups_from_text(
    cfg: DedupConfig, largest: list[int]
) -> None:
    battles = planted_table()
    from_text = prompt_groups(battles.frame, cfg)
    from_prints = prompt_groups(fingerprints_only(battles).frame, cfg)
    pd.testing.assert_frame_equal(from_text, from_prints)
    assert len(from_text) == 300 + 40 + 4  # "", None and None have no prompt to de-duplicate
    sizes = from_text.drop_duplicates("key")["group_size"].sort_values().tolist()
    assert sizes[-5:] == largest


def test_voter_audit_from_fingerprints_equals_voter_audit_from_text(
    default_rules: RulePack,
) -> None:
    battles = planted_table()
    detector = get_detector("voter_anomaly")()
    from_text = detector.detect(battles, default_rules)
    from_prints = detector.detect(fingerprints_only(battles), default_rules)
    assert from_text.to_json() == from_prints.to_json()
    (evidence,) = [
        f.evidence
        for f in from_text.findings
        if f.subject == "spammer" and f.rule == "voter_evidence"
    ]
    assert evidence["repeated_prompts"] == 8  # 10 copies, two stripped and lower-cased spellings


# --- streaming: only the fingerprints are kept, and the audit does not change ------------------


@pytest.fixture(scope="module")
def planted_arena(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 simulated battles with text; 40 of them get SPELLINGS, 12 of those from one voter."""
    folder = tmp_path_factory.mktemp("fingerprints")
    arena = simulate_arena(preset_config("clean", n_battles=2_000, text_fraction=0.5), seed=11)
    path = folder / "battles.jsonl"
    arena.write(path, folder / "truth.json")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    with_text = [r for r in records if r.get("conversation_a")]
    for i, record in enumerate(with_text[:400:10]):
        for side in ("conversation_a", "conversation_b"):
            record[side][0]["content"] = SPELLINGS[i % 4]
        if i < 12:
            record["judge"] = "arena_user_spammer"
    lines = (json.dumps(r, ensure_ascii=False) for r in records)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_streamed_table_keeps_fingerprints_not_prompts(planted_arena: Path) -> None:
    streamed = stream_battles(planted_arena, chunk_rows=300).battles.frame
    loaded = load_battles(planted_arena).battles.frame
    assert "prompt" not in streamed.columns and set(NAMES) <= set(streamed.columns)
    expected = prompt_fingerprints(loaded["prompt"])
    pd.testing.assert_frame_equal(streamed[NAMES], expected)
    assert (expected[PROMPT_NEAR] == expected[PROMPT_NEAR].value_counts().index[0]).sum() == 40


def findings_of(out: Path) -> list[dict[str, Any]]:
    lines = (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_streamed_audit_writes_the_in_memory_findings(planted_arena: Path, tmp_path: Path) -> None:
    memory, streamed = tmp_path / "memory", tmp_path / "streamed"
    run_audit(planted_arena, out_dir=memory, db_path=None, quiet=True, detectors=DEFAULT_DETECTORS)
    run_audit(
        planted_arena, out_dir=streamed, db_path=None, quiet=True, engine="local", chunk_rows=300
    )
    for name in ("findings.jsonl", "invalidations.jsonl"):
        assert (streamed / name).read_bytes() == (memory / name).read_bytes(), name
    summaries = [
        json.loads((out / "summary.json").read_text())["detectors"] for out in (memory, streamed)
    ]
    for detector in ("prompt_dedup", "voter_anomaly"):
        assert summaries[0][detector] == summaries[1][detector], detector
    findings = findings_of(memory)
    dedup = [f for f in findings if f["detector"] == "prompt_dedup"]
    assert sorted({f["rule"] for f in dedup}) == ["excess_copy", "repeated_prompt"]
    assert sum(f["rule"] == "excess_copy" for f in dedup) == 15
    (spammer,) = [f for f in findings if f["subject"] == "arena_user_spammer"]
    # 12 votes, two stripped and lower-cased spellings (CRLF differs): 10 repeats
    assert spammer["evidence"]["repeated_prompts"] == 10
    assert spammer["evidence"]["p_repeated_prompt"] < 1e-6
