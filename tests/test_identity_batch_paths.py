"""The identity scan's per-chunk paths answer exactly what the per-text definitions answer.

- ``response_languages`` (one code-point pass for the scripts, each distinct prefix scored once,
  word rows gathered per text) equals ``response_language`` asked text by text, on edge text
  (empty, no letters, lone surrogates, mixed scripts, URLs and addresses, Vietnamese marks, very
  long text, many words) and on the whole identity corpus, whatever the word cache holds and
  even when it must be emptied in the middle of a batch;
- the script counts of many texts equal ``script_counts`` of each;
- langdetect's normalisation through ``str.translate`` equals ``NGram.normalize`` per character;
- the learned scorer's sum (a remembered weight per token) equals the generator's, bit for bit;
- the name prefilter equals ``has_name`` on non-ASCII groups whose texts hold line breaks (the
  byte offsets are found from the separators).
"""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from langdetect.utils.ngram import NGram
from test_identity_scan_paths import _corpus_texts

from auditkit.identity import language
from auditkit.identity.lexicon import IdentityRules, load_identity_rules
from auditkit.identity.matcher import has_name
from auditkit.identity.prefilter import names_in
from auditkit.identity.scorer import _bucket, candidate_tokens
from auditkit.rules import RulePack

EDGE_TEXTS = [
    "",
    " ",
    "   \n\t ",
    "1234 5678 !!! ???",
    "\ud800",  # a lone surrogate
    "I am Claude \udfff, made by Anthropic.",
    "我是通义千问，由阿里云开发的大语言模型。",
    "私はClaudeです。Anthropicによって作られました。",
    "カタカナだけ",
    "漢字だけの文",
    "저는 Kimi입니다. Moonshot AI가 만들었어요.",
    "Я — ГигаЧат, модель от Сбера.",
    "أنا كلود، مساعد من أنثروبيك.",
    "मैं क्लॉड हूँ, एंथ्रोपिक द्वारा बनाया गया।",
    "Tôi là trợ lý của OpenAI, được phát triển để trả lời câu hỏi.",
    "Ich bin ChatGPT, ein Sprachmodell von OpenAI. Wie kann ich helfen?",
    "Je suis Mistral, créé par Mistral AI à Paris.",
    "Visit https://example.com/a?b=c or write to me@example.org — I am Gemini.",
    "ΟΔΟΣ Claude ΣΟΦΟΣ και άλλα ελληνικά",
    "İSTANBUL'da İ am Claude",
    "🙂 I'm Gemini 🙂 (from Google) ✨",
    "ＣｌａｕｄｅはAnthropicのAIです",
    "a\u0301 e\u0300 o\u0302 combining marks",
    "ABC DEF GHI acronyms only UPPER lower",
    "mixed 中文 and English and 日本語のかな and 한국어",
    "x" * 5_000,
    "word " * 3_000,
    ("The quick brown fox jumps over the lazy dog. " * 40) + "终于说中文了。" * 30,
]


@pytest.fixture(scope="module")
def identity(default_rules: RulePack) -> IdentityRules:
    return load_identity_rules(default_rules)


def _encodable(texts: list[str]) -> list[str]:
    """The texts without a lone surrogate (the name automaton reads UTF-8 and refuses them)."""
    return [text for text in texts if "\ud800" not in text and "\udfff" not in text]


def test_languages_of_many_equal_each_language_on_edge_texts() -> None:
    want = [language.response_language(text) for text in EDGE_TEXTS]
    assert language.response_languages(EDGE_TEXTS) == want
    assert None in want and "ja" in want and "zh-cn" in want and "en" in want
    assert language.response_languages([]) == []
    # Repeated texts (canned answers) are scored once and answered at every place.
    assert language.response_languages(EDGE_TEXTS * 2) == want * 2


def test_languages_of_many_equal_each_language_on_the_corpus() -> None:
    texts = _corpus_texts()
    assert len(texts) > 1_000
    language._forget_words()
    language._language_of.cache_clear()
    want = [language.response_language(text) for text in texts]
    for forget in (True, False):  # a cold word cache, then one that holds every word
        if forget:
            language._forget_words()
        assert language.response_languages(texts) == want
    assert len(set(want)) > 8


def test_languages_of_many_when_the_word_cache_fills_mid_batch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = _corpus_texts()[::5] + EDGE_TEXTS[:-2]
    want = [language.response_language(text) for text in texts]
    # A cache of a few hundred words: emptied many times within one batch.
    monkeypatch.setattr(language, "_MAX_WORDS", 400)
    language._forget_words()
    assert language.response_languages(texts) == want


def test_script_counts_of_many_equal_each_text() -> None:
    rng = random.Random(3)
    texts = [*EDGE_TEXTS, *_corpus_texts()[::11]]
    for _ in range(300):
        points = [
            rng.choice(
                [
                    rng.randrange(0, 0x250),
                    rng.randrange(0x370, 0x3100),
                    rng.randrange(0xAC00, 0xE000),
                ]
            )
            for _ in range(rng.randrange(0, 30))
        ]
        texts.append("".join(map(chr, points)) + rng.choice(["", "\U00020000", "\ud801"]))
    got = language._script_counts_of(texts)
    assert got == [language.script_counts(text) for text in texts]
    assert language._script_counts_of([]) == []


def test_normalisation_by_translate_equals_ngram_normalize() -> None:
    rng = random.Random(7)
    texts = [*EDGE_TEXTS[:-3], *_corpus_texts()[::13]]
    texts.append("".join(chr(rng.randrange(0, 0x3100)) for _ in range(5_000)))
    for text in texts:
        assert language._normalised(text) == "".join(NGram.normalize(ch) for ch in text)


def test_scorer_sum_equals_the_generator_sum(
    identity: IdentityRules, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditkit.identity import scorer as scorer_module
    from auditkit.identity.matcher import candidate_contexts

    scorer = identity.scorer
    assert scorer is not None
    weights = scorer._weight_list
    contexts = [
        ctx
        for text in _encodable([*EDGE_TEXTS[:-3], *_corpus_texts()[::2]])
        for ctx in candidate_contexts(text, identity, probed=len(text) % 2 == 0)
    ]
    assert len(contexts) > 200
    want = [
        1.0
        / (
            1.0
            + math.exp(
                -(scorer.intercept + sum(weights[_bucket(t)] for t in candidate_tokens(ctx)))
            )
        )
        for ctx in contexts
    ]
    assert [scorer.score(ctx) for ctx in contexts] == want
    # A memory of 64 tokens, forgotten many times within one context: the same sums.
    monkeypatch.setattr(scorer_module, "_MAX_TOKENS", 64)
    assert [scorer.score(ctx) for ctx in contexts] == want


def test_prefilter_on_non_ascii_groups_with_line_breaks(identity: IdentityRules) -> None:
    rng = random.Random(9)
    pieces = _encodable([*EDGE_TEXTS, *_corpus_texts()[::9]])
    for _ in range(20):
        texts = []
        for _ in range(rng.randrange(1, 40)):
            parts = rng.sample(pieces, rng.randint(1, 3))
            # Line breaks at the start, the end, alone, doubled, around non-ASCII letters.
            texts.append(
                rng.choice(["\n", "\n\n", "é\n", "\nя"]).join(parts) + rng.choice(["", "\n"])
            )
        texts.append("\n".join(["", "你好", ""]))
        want = np.array([has_name(text, identity) for text in texts], dtype=bool)
        np.testing.assert_array_equal(names_in(texts, identity), want)
