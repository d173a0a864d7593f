"""The identity scan on Arrow conversation columns gives exactly what the plain scan gives.

- ``arrow_names`` (identity/arrowprefilter.py) marks for reading every conversation in which some
  assistant response names a model or maker as ``has_name`` says, and counts the responses of
  every other one: checked against ``has_name`` asked response by response, on the edge texts of
  the prefilter's exactness argument, the identity corpus and generated adversarial text (CJK
  self-identifications, mixed scripts, capitals beyond ASCII, final sigma, newer Unicode, empty
  and huge responses, names across the boundary of two responses);
- its premise: wherever Arrow's ``utf8_lower`` changes no character but ASCII letters,
  ``str.lower`` changes none either (checked on every code point);
- ``detect`` on a chunk whose conversations are Arrow columns (as a streamed load keeps them)
  equals ``detect`` on the same chunk decoded, findings and summary.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditkit.detectors.identity import IdentityLeakDetector
from auditkit.engine.scan import _chunk_table, detect_chunk
from auditkit.identity.arrowprefilter import arrow_names
from auditkit.identity.lexicon import IdentityRules, load_identity_rules
from auditkit.identity.matcher import has_name
from auditkit.io.arrowjsonl import decoded_conversations
from auditkit.rules import RulePack
from auditkit.schema import BattleTable
from tests.test_identity_scan_paths import EDGE_TEXTS, _corpus_texts, mixed_frame

TURN = pa.struct([("role", pa.string()), ("content", pa.string())])
CONVERSATIONS = pa.list_(TURN)


@pytest.fixture(scope="module")
def identity(default_rules: RulePack) -> IdentityRules:
    return load_identity_rules(default_rules)


def _plain(conversations: list[Any], identity: IdentityRules) -> tuple[np.ndarray, np.ndarray]:
    """(some response names a model, number of responses) of each decoded conversation."""
    named, responses = [], []
    for conversation in conversations:
        texts = [
            t["content"]
            for t in conversation or []
            if t is not None and t.get("role") == "assistant"
        ]
        named.append(any(has_name(text, identity) for text in texts))
        responses.append(len(texts))
    return np.array(named, dtype=bool), np.array(responses, dtype=np.int64)


def _check(rows: list[Any], identity: IdentityRules, kind: pa.DataType = CONVERSATIONS) -> None:
    lists = pa.array(rows, type=kind)
    found = arrow_names(lists, identity)
    assert found is not None
    decoded = decoded_conversations(lists)
    named, responses = _plain(list(decoded), identity)
    # Every named conversation is read; a conversation not read has no name and its count.
    assert not (named & ~found.read).any()
    clean = ~found.read
    np.testing.assert_array_equal(found.responses[clean], responses[clean])
    # Only the named ones and those needing the per-turn reading (a null in a turn) are read.
    odd = np.array(
        [
            row is not None and any(t is None or None in (t["role"], t["content"]) for t in row)
            for row in rows
        ],
        dtype=bool,
    )
    np.testing.assert_array_equal(found.read, named | odd)


def _conversation(texts: list[str], *, roles: tuple[str, ...] = ("user", "assistant")) -> list:
    return [{"role": roles[i % len(roles)], "content": t} for i, t in enumerate(texts)]


def test_edge_texts_one_by_one_and_back_to_back(identity: IdentityRules) -> None:
    rows = [_conversation(["who are you?", text]) for text in EDGE_TEXTS]
    _check(rows, identity)
    # All as the responses of one conversation, and each response against its neighbours.
    _check([_conversation(EDGE_TEXTS, roles=("assistant",))], identity)
    for a, b in itertools.pairwise(EDGE_TEXTS):
        _check(
            [_conversation([a], roles=("assistant",)), _conversation([b], roles=("assistant",))],
            identity,
        )


def test_a_name_split_across_two_responses_is_no_name(identity: IdentityRules) -> None:
    rows = [
        _conversation(["I am Cla", "ude"], roles=("assistant",)),
        _conversation(["I am Qw", "en, by Alib", "aba"], roles=("assistant",)),
        [{"role": "assistant", "content": "Gigach"}],
        [{"role": "assistant", "content": "at here"}],
    ]
    found = arrow_names(pa.array(rows, type=CONVERSATIONS), identity)
    assert found is not None and not found.read.any()
    assert found.responses.tolist() == [2, 3, 1, 1]
    _check(rows, identity)


def test_nulls_missing_rows_and_odd_turns(identity: IdentityRules) -> None:
    rows: list[Any] = [
        None,
        [],
        [{"role": "assistant", "content": None}],
        [None, {"role": "assistant", "content": "I am Claude."}],
        [{"role": None, "content": "I am Claude."}],
        [{"role": "user", "content": "I am Claude."}, {"role": "assistant", "content": "hi"}],
        [{"role": "assistant", "content": "I am Claude."}],
    ]
    _check(rows, identity)
    found = arrow_names(pa.array(rows, type=CONVERSATIONS), identity)
    assert found is not None
    # A user naming a model is not a response naming one.
    assert found.read.tolist() == [False, False, True, True, True, False, True]
    assert found.responses.tolist() == [0, 0, 0, 0, 0, 1, 0]


def test_the_corpus_and_large_strings(identity: IdentityRules) -> None:
    texts = _corpus_texts()
    rng = random.Random(7)
    rows = [_conversation(["q", t, "q2", rng.choice(texts)]) for t in texts]
    _check(rows, identity)
    _check(
        rows[:300],
        identity,
        pa.large_list(pa.struct([("role", pa.large_string()), ("content", pa.large_string())])),
    )
    # A slice: the array's offsets do not start at zero.
    lists = pa.array(rows, type=CONVERSATIONS)[100:400]
    found = arrow_names(lists, identity)
    assert found is not None
    named, responses = _plain(lists.to_pylist(), identity)
    np.testing.assert_array_equal(found.read, named)
    np.testing.assert_array_equal(found.responses[~named], responses[~named])


def test_other_column_types_are_left_to_the_plain_path(identity: IdentityRules) -> None:
    assert arrow_names(pa.array(["I am Claude"]), identity) is None
    parts = pa.list_(pa.struct([("role", pa.string()), ("content", pa.list_(pa.string()))]))
    assert (
        arrow_names(pa.array([[{"role": "assistant", "content": ["x"]}]], type=parts), identity)
        is None
    )


def test_arrow_lower_case_changes_whatever_python_changes() -> None:
    """The premise of the fast path: no character that ``str.lower`` changes is left unchanged
    by Arrow's ``utf8_lower`` (else a text holding one would be wrongly read as ASCII-cased)."""
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    cased = [c for c in chars if c.lower() != c]
    arrow = pc.utf8_lower(pa.array(cased)).to_pylist()
    assert [c for c, a in zip(cased, arrow, strict=True) if a == c] == []


_NAMES = [
    "Claude",
    "claude",
    "ChatGPT",
    "GPT-4",
    "Qwen",
    "通义千问",
    "文心一言",
    "ГигаЧат",
    "гигачат",
    "Kimi",
    "Gemini",
    "Llama",
]
_PIECES = st.one_of(
    st.sampled_from(_NAMES),
    st.sampled_from(
        [
            "I am ",
            "私は",
            "です",
            "저는 ",
            "입니다",
            "我是",
            "Я ",
            "ΟΔΟΣ ",
            "İ",
            "K",
            "ς",
            "\u1c89",
            "\ua7cb",
            "\U00010d50",
            "x",
            "3",
            "-",
            " ",
            "\n",
            "É",
            "ё",
            "🙂",
        ]
    ),
    st.text(max_size=8),
)
_TEXT = st.lists(_PIECES, max_size=12).map("".join)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.lists(_TEXT, max_size=4), max_size=6))
def test_generated_conversations(default_rules: RulePack, conversations: list[list[str]]) -> None:
    identity = load_identity_rules(default_rules)
    rows = [
        _conversation(texts, roles=("assistant", "user", "assistant")) for texts in conversations
    ]
    _check(rows, identity)


def test_huge_responses(identity: IdentityRules) -> None:
    filler = "Lorem ipsum dolor sit amet, ünïcödé ΣΟΦΟΣ 中文 text. " * 20_000
    rows = [
        _conversation(["hi", filler]),
        _conversation(["hi", filler + "I am Claude."]),
        _conversation(["hi", filler.upper() + " 我是通义千问"]),
        _conversation(["hi", filler.lower()]),
    ]
    _check(rows, identity)


def _arrow_and_plain_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """One table twice: conversations as Arrow columns (a streamed load) and decoded to lists."""
    texts = EDGE_TEXTS + _corpus_texts()[:400]
    conversations = [
        _conversation(["who are you?", t, "and?", texts[-1 - i]]) for i, t in enumerate(texts)
    ]
    conversations.append(
        [{"role": "assistant", "content": None}, {"role": "assistant", "content": "I am Claude"}]
    )
    plain = mixed_frame(conversations, 3 * len(conversations))
    arrow = plain.copy()
    for column in ("conversation_a", "conversation_b"):
        array = pa.array(plain[column].tolist(), type=CONVERSATIONS)
        arrow[column] = pd.Series(pd.arrays.ArrowExtensionArray(array))
        plain[column] = pd.Series(list(decoded_conversations(array)), dtype=object)
    assert isinstance(arrow["conversation_a"].dtype, pd.ArrowDtype)
    return arrow, plain


def test_detect_on_arrow_columns_equals_detect_on_decoded_ones(default_rules: RulePack) -> None:
    arrow, plain = _arrow_and_plain_frames()
    want = IdentityLeakDetector().detect(BattleTable(frame=plain), default_rules)
    got = IdentityLeakDetector.detect_chunk(BattleTable(frame=arrow), default_rules)
    assert got.to_json() == want.to_json()
    assert want.findings and want.summary["responses_scanned"] > 400


def test_the_streamed_scan_hands_the_identity_detector_its_arrow_columns_undecoded(
    default_rules: RulePack,
) -> None:
    arrow, plain = _arrow_and_plain_frames()
    kept = _chunk_table(arrow, IdentityLeakDetector.reads, decode=False).frame
    assert isinstance(kept["conversation_a"].dtype, pd.ArrowDtype)
    decoded = _chunk_table(arrow, IdentityLeakDetector.reads).frame
    assert decoded["conversation_a"].dtype == object
    names = (IdentityLeakDetector.name,)
    got = detect_chunk(arrow, names, default_rules)
    want = detect_chunk(plain, names, default_rules)
    assert [r.to_json() for r in got] == [r.to_json() for r in want]
