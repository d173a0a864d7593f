"""The identity scan's fast paths give exactly what the plain computations give.

- the chunk-wide name prefilter (``identity/prefilter.names_in``: joined texts, one byte-automaton
  pass, boundaries checked with numpy) equals ``has_name`` asked text by text, on multilingual
  text, code, role-play, quoted names, names touching letters, digits and other scripts, and
  characters whose lower case changes length or depends on context;
- the sentence start found by one backward search equals the last forward match; an ASCII text
  run through the byte automaton gives the character automaton's matches;
- the language scores summed from one cached matrix of word sums are bit for bit the sums of the
  words' arrays, whatever the cache holds; dropping "A" to "z" by regex equals the character loop;
- ``detect_chunk`` on a chunk with text-free and non-anonymous rows equals ``detect``.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from auditkit.detectors.identity import IdentityLeakDetector
from auditkit.identity import language
from auditkit.identity.lexicon import IdentityRules, load_identity_rules
from auditkit.identity.matcher import _SENTENCE_END, _sentence_start, has_name
from auditkit.identity.prefilter import names_in
from auditkit.rules import RulePack
from auditkit.schema import BattleTable

CORPUS = Path(__file__).parent / "data" / "identity" / "corpus.jsonl"

# Texts chosen for the edges of the exactness argument in prefilter.py.
EDGE_TEXTS = [
    "",
    "\n",
    "claude",
    "Claude",
    "I am Claude.",
    "xclaude and claudex and claude3 and 3claude and claude-3 and (claude)",
    "ChatGPT",
    "chatgpt4 chat gpt chat-gpt",
    "我是通义千问。",
    "私はClaudeです。",
    "저는 Kimi입니다",
    "Я — ГигаЧат, а не яндексgpt.",
    "приветгигачат и привет гигачат",  # a Cyrillic name glued to a Cyrillic word
    "Ёгигачат, ЯГИГАЧАТ, 1гигачат, aгигачат",
    "أنا كلود من أنثروبيك",
    "मैं क्लॉड हूँ",
    "İSTANBUL: İ am Claude from Anthropic. İ",  # lower case longer than the text
    "ΟΔΟΣ Claude ΣΟΦΟΣ",  # final sigma: its lower case depends on the next character
    "🙂 I'm Gemini 🙂 (from Google)",  # four-byte characters before a name
    "```python\nprint('I am Claude')\n```",
    'She said "I am ChatGPT" and left.',
    "USER: who are you?\nASSISTANT: I'm Llama, by Meta.",
    "Résumé: je suis Mistral, créé par Mistral AI.",
    "ÉCLAIR claude",
    "tülu and TÜLU",
    "ＣｌａｕｄｅはAnthropicのAIです",  # full-width letters
    "a\u0301claude",  # a combining mark before a name
    "Qwen" * 3,
    "nothing to see here",
]


@pytest.fixture(scope="module")
def identity(default_rules: RulePack) -> IdentityRules:
    return load_identity_rules(default_rules)


def _corpus_texts() -> list[str]:
    texts: list[str] = []
    with CORPUS.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            texts.extend(str(row[key]) for key in ("response", "prompt") if row.get(key))
    return texts


def _plain(texts: list[str], identity: IdentityRules) -> np.ndarray:
    return np.array([has_name(text, identity) for text in texts], dtype=bool)


def test_prefilter_equals_has_name_on_edge_texts(identity: IdentityRules) -> None:
    want = _plain(EDGE_TEXTS, identity)
    np.testing.assert_array_equal(names_in(EDGE_TEXTS, identity), want)
    assert want.any() and not want.all()
    # Each alone, so every text is also the first and the last of its joined group.
    for text, expected in zip(EDGE_TEXTS, want, strict=True):
        assert bool(names_in([text], identity)[0]) == expected, text


def test_prefilter_equals_has_name_on_the_corpus(identity: IdentityRules) -> None:
    texts = _corpus_texts()
    assert len(texts) > 1_000
    want = _plain(texts, identity)
    np.testing.assert_array_equal(names_in(texts, identity), want)
    assert 0.1 < want.mean() < 0.9


@pytest.mark.parametrize("seed", range(3))
def test_prefilter_equals_has_name_in_any_grouping(identity: IdentityRules, seed: int) -> None:
    """Texts shuffled and glued into new ones: names now touch other texts' letters."""
    rng = random.Random(seed)
    pieces = EDGE_TEXTS + _corpus_texts()[:: 7 + seed]
    texts = []
    for _ in range(400):
        parts = rng.sample(pieces, rng.randint(1, 3))
        texts.append(rng.choice(["", " ", "x", "1", "я", "\n"]).join(parts))
    np.testing.assert_array_equal(names_in(texts, identity), _plain(texts, identity))


def test_prefilter_of_nothing(identity: IdentityRules) -> None:
    assert names_in([], identity).shape == (0,)


def _sentence_start_by_every_match(text: str, pos: int, window: int) -> int:
    lo = max(0, pos - window)
    start = lo
    for m in _SENTENCE_END.finditer(text, lo, pos):
        start = m.end()
    return start


def test_sentence_start_equals_the_last_forward_match() -> None:
    rng = random.Random(5)
    alphabet = "ab .!?。！？\n\t\u3000"
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 30)))
        pos = rng.randrange(0, len(text) + 1)
        window = rng.randrange(0, 35)
        assert _sentence_start(text, pos, window) == _sentence_start_by_every_match(
            text, pos, window
        ), (text, pos, window)


def _scores_by_word_arrays(text: str) -> np.ndarray | None:
    """The language scores as the sum of a list of per-word arrays (the reference)."""
    profiles = language._profiles()
    found = []
    for word in language._words(text):
        rows = language._word_rows(word, profiles.row)
        if rows:
            found.append(profiles.log_probs[list(rows)].sum(axis=0))
    return np.sum(found, axis=0) if found else None


def test_language_scores_are_bit_identical_whatever_is_cached() -> None:
    profiles = language._profiles()
    texts = [t[: language.PREFIX_CHARS] for t in _corpus_texts()[::3]]
    texts += ["", "   ", "a  b", "ABC def", "Hello world ", "x" * 300]
    for forget_every in (None, 1, 50):
        language._forget_words()
        for i, text in enumerate(texts):
            if forget_every is not None and i % forget_every == 0:
                language._forget_words()
            got = language._scores(text, profiles)
            want = _scores_by_word_arrays(text)
            if want is None:
                assert got is None, text
            else:
                assert got is not None and got.tobytes() == want.tobytes(), text


def test_without_latin_equals_the_character_loop() -> None:
    rng = random.Random(11)
    for _ in range(5_000):
        text = "".join(
            chr(rng.choice([rng.randrange(0, 200), rng.randrange(0x3040, 0x30FF)]))
            for _ in range(rng.randrange(0, 40))
        )
        assert language._without_latin(text) == "".join(ch for ch in text if not ("A" <= ch <= "z"))


def mixed_frame(conversations: list[Any], n: int) -> pd.DataFrame:
    """``n`` battle rows, a quarter not anonymous, a third without text, the rest with one of
    ``conversations`` on one side or both."""
    frame = pd.DataFrame(
        {
            "vote_id": [f"v{i}" for i in range(n)],
            "model_a": "claude-3-5-sonnet-20240620",
            "model_b": "gpt-4o-2024-08-06",
            "winner": "model_a",
            "anony": [i % 4 != 0 for i in range(n)],
            "voter": "u",
            "tstamp": 1.7e9,
            "language": "en",
            "turns": 1,
            "source_file": "x.jsonl",
            "source_line": range(n),
        }
    )
    # A third of the rows without text, the rest with a conversation on one side or both.
    side_a = [None if i % 3 == 0 else conversations[i % len(conversations)] for i in range(n)]
    side_b = [conversations[(i * 7) % len(conversations)] if i % 2 else None for i in range(n)]
    frame["conversation_a"] = pd.Series(side_a, dtype=object)
    frame["conversation_b"] = pd.Series(side_b, dtype=object)
    return frame


def test_detect_chunk_equals_detect_on_a_mixed_chunk(default_rules: RulePack) -> None:
    conversations = [
        [{"role": "user", "content": "who are you?"}, {"role": "assistant", "content": text}]
        for text in EDGE_TEXTS
    ]
    n = 3 * len(conversations)
    battles = BattleTable(frame=mixed_frame(conversations, n))
    chunked = IdentityLeakDetector.merge(
        [IdentityLeakDetector.detect_chunk(battles, default_rules)], battles, default_rules
    )
    whole = IdentityLeakDetector().detect(battles, default_rules)
    assert chunked.to_json() == whole.to_json()
    assert whole.findings and whole.summary["anonymous_rows"] < n


def test_prefilter_joins_with_a_character_no_name_holds(identity: IdentityRules) -> None:
    assert not any("\n" in key for key in identity.automaton_keys)
    assert re.fullmatch(r"\s", "\n")


def test_prefilter_rejects_a_lone_surrogate_as_has_name_does(identity: IdentityRules) -> None:
    text = "broken \ud800 text"
    with pytest.raises(UnicodeEncodeError):
        has_name(text, identity)
    with pytest.raises(UnicodeEncodeError):
        names_in(["fine", text], identity)


def test_ascii_text_through_the_byte_automaton_gives_the_same_matches(
    identity: IdentityRules,
) -> None:
    from auditkit.identity.matcher import _name_matches

    texts = [t.lower() for t in _corpus_texts() + EDGE_TEXTS]
    ascii_texts = [t for t in texts if t.isascii()]
    assert len(ascii_texts) > 500
    for text in ascii_texts:
        assert _name_matches(text, identity) == identity.automaton.find_matches_as_indexes(
            text, overlapping=True
        ), text
