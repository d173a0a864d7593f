"""The response-language step of the identity evidence (``auditkit.identity.language``).

Specification: a response's language in langdetect's vocabulary, decided by its script where
only one of langdetect's languages is written in it, otherwise by langdetect's profiles summed
over the n-grams of a capped prefix; deterministic (no seed, no cache effect); at least as right as
``langdetect.detect`` on the real multilingual rows of the identity corpus. (Its speed is measured
by ``bench/bench_scale.py``, not here.)
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from langdetect import DetectorFactory, LangDetectException, detect
from langdetect.detector_factory import PROFILES_DIRECTORY

from auditkit.identity import language
from auditkit.identity.language import PREFIX_CHARS, response_language, script_counts

CORPUS = Path(__file__).parent / "data" / "identity" / "corpus.jsonl"


def _rows() -> list[dict[str, str]]:
    with open(CORPUS, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _langdetect(text: str) -> str | None:
    DetectorFactory.seed = 0
    try:
        return str(detect(text))
    except LangDetectException:
        return None


def _base(code: str | None) -> str | None:
    """``zh-cn`` / ``zh-tw`` → ``zh`` (the corpus labels languages, not variants)."""
    return None if code is None else code.split("-")[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我是通义千问，由阿里云开发。", "zh-cn"),
        ("請問你是誰？我是一個由臺灣團隊開發的語言模型。", "zh-tw"),
        ("私はClaudeです。", "ja"),
        ("저는 Claude입니다.", "ko"),  # langdetect.detect says "et": the Latin name outvotes it
        ("Я — языковая модель, созданная компанией Anthropic.", "ru"),
        ("أنا نموذج لغوي كبير دربته شركة جوجل.", "ar"),
        ("मैं एक बड़ा भाषा मॉडल हूँ, जिसे गूगल ने प्रशिक्षित किया है।", "hi"),
        ("ผมคือผู้ช่วย AI", "th"),
        ("Εγώ είμαι ένα μοντέλο", "el"),
        ("Soy ChatGPT, un modelo de lenguaje creado por OpenAI.", "es"),
        ("Ich wurde von Anthropic entwickelt und heiße Claude.", "de"),
        ("I am Claude, an AI assistant made by Anthropic.", "en"),
        # Code with Korean comments: the comments' script decides, not the identifiers.
        ("def f(x):\n    # 이 함수는 값을 두 배로 만듭니다\n    return 2 * x", "ko"),
        # English prose quoting a few Chinese characters stays English.
        ("The phrase 你好 means hello; it is the first thing most learners are taught.", "en"),
    ],
)
def test_language_of_short_responses(text: str, expected: str) -> None:
    assert response_language(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "12345 !!! ---", "https://example.com/a?b=c"])
def test_text_without_letters_has_no_language(text: str) -> None:
    assert response_language(text) is None


def test_script_counts_count_letters_per_script_only() -> None:
    assert script_counts("Hi 你好, 世界! こんにちは 123 안녕") == {
        "latin": 2,
        "han": 4,
        "kana": 5,
        "hangul": 2,
    }
    assert script_counts("") == {}


def test_answers_are_langdetect_codes() -> None:
    codes = {p.name for p in Path(PROFILES_DIRECTORY).iterdir()}
    found = {response_language(row["response"]) for row in _rows()} - {None}
    assert found <= codes
    assert {"en", "zh-cn", "ja", "ko", "ar", "hi", "ru"} <= found


def test_deterministic_whatever_the_cache_and_the_call_order() -> None:
    texts = [row["response"] for row in _rows()[::7]]
    first = [response_language(t) for t in texts]
    language._language_of.cache_clear()
    language._forget_words()
    again = [response_language(t) for t in reversed(texts)][::-1]
    assert again == first


def test_only_a_prefix_is_scored() -> None:
    english = "This answer is written in plain English and says nothing else. " * 10
    assert len(english) > PREFIX_CHARS
    # What comes after the scored prefix cannot change the answer of Latin text.
    assert response_language(english + "Dies ist ein deutscher Satz. " * 40) == "en"


def test_ngrams_are_langdetects_own() -> None:
    """The word-by-word extraction gives exactly langdetect's ``_extract_ngrams`` multiset."""
    from langdetect.detector_factory import DetectorFactory as Factory

    profiles = language._profiles()
    factory = Factory()
    factory.word_lang_prob_map = {key: [0.0] for key in profiles.row}
    factory.langlist = ["xx"]
    words = {i: w for w, i in profiles.row.items()}
    for row in _rows()[::5]:
        text = language._cleaned(row["response"])[:PREFIX_CHARS]
        reference = factory.create()
        reference.text = text
        rows = [
            r for word in language._words(text) for r in language._word_rows(word, profiles.row)
        ]
        ours = Counter(words[i] for i in rows)
        assert ours == Counter(reference._extract_ngrams()), row["id"]


def test_at_least_as_right_as_langdetect_on_real_multilingual_rows() -> None:
    """Real non-English responses (public code and rollouts in zh/ja/ko/ar/hi/ru/vi…), labelled
    by language in the corpus: this step names the labelled language at least as often as
    ``langdetect.detect`` on the whole text (measured: 193 of 197 against 174)."""
    rows = [r for r in _rows() if r["source"].startswith("public") and r["lang"] != "en"]
    assert len(rows) >= 150
    ours = sum(_base(response_language(r["response"])) == r["lang"] for r in rows)
    theirs = sum(_base(_langdetect(r["response"])) == r["lang"] for r in rows)
    assert ours >= theirs
    assert ours / len(rows) >= 0.95


def test_agrees_with_langdetect_on_real_english_answers() -> None:
    """Real arena answers (all English): the same answer as ``langdetect.detect`` on nearly all."""
    rows = [r for r in _rows() if r["source"].startswith("arena")][::3]
    same = sum(response_language(r["response"]) == _langdetect(r["response"]) for r in rows)
    assert same / len(rows) >= 0.97
