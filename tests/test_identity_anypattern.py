"""AnyPattern: "does any of these regexes match?" answered exactly as ``any(p.search(...))``,
after a literal prefilter that only skips patterns which cannot match."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditkit.identity.anypattern import AnyPattern, any_pattern, required_literals
from auditkit.identity.lexicon import load_identity_rules
from auditkit.identity.text import probing_rows, probing_turn
from auditkit.schema import BattleTable

CORPUS = Path(__file__).parent / "data" / "identity" / "corpus.jsonl"


def _any(patterns: tuple[re.Pattern[str], ...], text: str) -> bool:
    return any(p.search(text) is not None for p in patterns)


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        (r"(?i)\bwho\s+(?:are|r)\s+(?:you|u)\b", {"who"}),
        (r"(?i)\bintroduce\s+yourself\b", {"introduce"}),
        (
            r"你是谁|你叫什么|谁(?:开发|创造)了你",
            {"你是谁", "你叫什么", "谁开发了你", "谁创造了你"},
        ),
        (r"(?i)qui[eé]n\s+eres", {"quien", "quién"}),
        (r"(?i)WHO", {"who"}),  # case-insensitive literals are folded as re folds them
    ],
)
def test_required_literals_of_simple_patterns(pattern: str, literals: set[str]) -> None:
    assert required_literals(re.compile(pattern)) == literals


@pytest.mark.parametrize(
    "pattern",
    [
        r".*",  # matches anything: no literal is required
        r"(?:abc)?\d+",  # the only literal is optional
        r"[a-z]+\s+[0-9]",  # ranges and categories are not literals
        r"(a)x|\1",  # a back reference: not analysed
        r"(?i:abc)def",  # a case flag changed inside the pattern: not analysed
    ],
)
def test_patterns_without_a_known_literal_are_always_searched(pattern: str) -> None:
    compiled = re.compile(pattern)
    assert required_literals(compiled) is None
    assert AnyPattern.of((compiled,)).always == (0,)


def test_case_insensitive_patterns_match_what_re_folds() -> None:
    patterns = (re.compile(r"(?i)\bintroduce\s+yourself\b"), re.compile(r"(?i)kelvin"))
    matcher = AnyPattern.of(patterns)
    # "ſ" (long s) equals "s" and "K" (Kelvin sign) equals "k" for re.IGNORECASE; "İ" lowers
    # to two characters, so the prefilter steps aside for it.
    for text in ["INTRODUCE YOURſELF", "\u212aelvin", "İ: introduce yourself", "introduce me"]:
        assert matcher.search(text) is _any(patterns, text), text


def _pack_texts() -> list[str]:
    texts = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        # The patterns read user turns: every prompt (also in capitals), and answers' openings.
        texts += [case["prompt"], case["prompt"].upper(), case["response"][:300]]
    return texts


@pytest.mark.parametrize("kind", ["probes", "roleplay", "translate"])
def test_the_packs_patterns_agree_with_re_on_the_identity_corpus(
    kind: str, default_rules: Any
) -> None:
    patterns = getattr(load_identity_rules(default_rules), kind)
    matcher = any_pattern(patterns)
    texts = _pack_texts()
    expected = [_any(patterns, t) for t in texts]
    assert [matcher.search(t) for t in texts] == expected
    assert any(expected)  # the corpus exercises the patterns


_PIECES = st.sampled_from(
    [
        "who are you",
        "WHO R U",
        "which model",
        "you",
        "ſ",
        "İ",
        "你是谁",
        "你是",
        "谁",
        "кто ты",
        "КТО ТЫ",
        "qui es-tu",
        "translate",
        "pretend",
        "act as",
        " ",
        "\n",
        "?",
        "introduce yourself",
    ]
)


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=8))
def test_any_text_gets_the_answer_re_gives(pieces: list[str], default_rules: Any) -> None:
    identity = load_identity_rules(default_rules)
    text = "".join(pieces)
    for patterns in (identity.probes, identity.roleplay, identity.translate):
        assert any_pattern(patterns).search(text) is _any(patterns, text)


def test_probing_rows_are_probing_turn_of_either_side(default_rules: Any) -> None:
    probes = load_identity_rules(default_rules).probes

    def conv(user: str) -> list[dict[str, str]]:
        return [
            {"role": "user", "content": "hello"},
            {"role": "assistant", "content": "Hi!"},
            {"role": "user", "content": user},
            {"role": "assistant", "content": "Sure."},
        ]

    rows = [
        (conv("who are you?"), conv("what is 2+2")),
        (None, None),
        (conv("what is 2+2"), conv("你是谁")),
        (conv("write a poem"), None),
    ]
    frame = BattleTable.from_records(
        {
            "vote_id": f"v{i}",
            "model_a": "m1",
            "model_b": "m2",
            "winner": "model_a",
            "conversation_a": a,
            "conversation_b": b,
        }
        for i, (a, b) in enumerate(rows)
    ).frame
    found = probing_rows(frame, probes)
    assert found.rows.tolist() == [0, 2]
    assert found.turns == (2, 2)
    assert found.texts == ("who are you?", "你是谁")
    assert found.mask(len(frame)).tolist() == [True, False, True, False]
    expected = [probing_turn(a, probes) or probing_turn(b, probes) for a, b in rows]
    assert [e is not None for e in expected] == found.mask(len(frame)).tolist()
    # Asked again of the same table and patterns: the same object, not a second search.
    assert probing_rows(frame, probes) is found


def test_the_rule_router_keeps_every_rule_that_matches_in_pack_order(default_rules: Any) -> None:
    """Routing only drops rules that cannot match a name occurrence, so the first rule that
    matches — the one analyze_response reports — is the same as trying every rule."""
    from auditkit.identity.matcher import _rule_matches, _sentence_start, find_names, scripts_of
    from auditkit.identity.routing import rule_router

    identity = load_identity_rules(default_rules)
    router = rule_router(identity.rules)
    order = {id(rule): i for i, rule in enumerate(identity.rules)}
    checked = matched = 0
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["response"]
        for hit in find_names(text, identity):
            sent_start = _sentence_start(text, hit.start, identity.window)
            before = text[sent_start : hit.start]
            after = text[hit.end : hit.end + 40]
            scripts = scripts_of(before + " " + text[hit.start : hit.end] + " " + after)
            kept = router.candidates(scripts, hit.name.kind, before)
            positions = [order[id(rule)] for rule in kept]
            assert positions == sorted(positions)
            expected = [
                rule
                for rule in identity.rules
                if rule.script in scripts
                and hit.name.kind in rule.targets
                and _rule_matches(rule, text, hit, before)
            ]
            assert all(any(rule is k for k in kept) for rule in expected)
            checked += 1
            matched += bool(expected)
    assert checked > 1000 and matched > 200  # the corpus exercises the rules


def _script_counts_by_character(text: str) -> dict[str, int]:
    from auditkit.identity import language

    counts: dict[str, int] = {}
    for ch in text:
        for lo, hi, script in language._RANGES:
            if lo <= ord(ch) <= hi:
                counts[script] = counts.get(script, 0) + 1
                break
    return counts


@settings(max_examples=200, deadline=None)
@given(
    text=st.lists(
        st.one_of(
            st.text(max_size=8), st.sampled_from(["Claude — 我是", "Привет", "ｆｕｌｌ", "é"])
        ),
        max_size=6,
    ).map("".join)
)
def test_script_counts_count_every_letter_once(text: str) -> None:
    from auditkit.identity.language import script_counts

    assert script_counts(text) == _script_counts_by_character(text)


# ----------------------------------------------------------------- one pattern behind a literal test

_GUARDED_CASES = [
    r"(?i:\b(?:not|unlike)\s+)\Z|不是|\bNicht\b",  # a scoped case flag, case-sensitive parts
    r"(?-i:Claude)\s+is|(?i:ΣΟΦΟΣ)",  # a case flag removed inside; a final sigma
    r"(?i)\bK(?:elvin)?\b|ſt",  # re's extra case equivalences (K/K, ſ/s)
    r"\w+",  # no literal: always searched
]


def test_folded_literals_read_scoped_case_flags(default_rules: Any) -> None:
    from auditkit.identity.anypattern import folded_literals

    assert folded_literals(re.compile(r"(?i:abc)DEF")) in ({"abcdef"}, {"abc"}, {"def"})
    assert folded_literals(re.compile(r"\w+")) is None
    identity = load_identity_rules(default_rules)
    assert identity.not_self_before is not None
    assert folded_literals(identity.not_self_before)  # the pattern the matcher guards


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "not ",
                    "Not ",
                    "NOT ",
                    "不是",
                    "nicht",
                    "Nicht",
                    "Claude is",
                    "claude is",
                    "σοφος",
                    "ΣΟΦΟΣ",
                    "σοφοσ",
                    "K",
                    "K",
                    "kelvin",
                    "ſt",
                    "st",
                    "İ",
                    " ",
                ]
            ),
            st.text(max_size=6),
        ),
        max_size=8,
    ),
    cut=st.integers(0, 40),
)
def test_a_guarded_pattern_answers_what_re_answers(pieces: list[str], cut: int) -> None:
    from auditkit.identity.anypattern import guarded

    text = "".join(pieces)
    for source in _GUARDED_CASES:
        pattern = re.compile(source)
        guard = guarded(pattern)
        pos, end = min(cut, len(text)), len(text) - min(cut // 2, len(text))
        want = pattern.search(text, pos, max(pos, end))
        got = guard.search(text, pos, max(pos, end))
        assert (None if want is None else want.span()) == (None if got is None else got.span())
        assert (pattern.match(text) is None) == (guard.match(text) is None)
        assert (pattern.search(text) is None) == (guard.search(text) is None)


def test_the_guarded_not_self_before_agrees_with_re_on_the_corpus(default_rules: Any) -> None:
    from auditkit.identity.anypattern import guarded

    identity = load_identity_rules(default_rules)
    pattern = identity.not_self_before
    assert pattern is not None
    guard = guarded(pattern)
    texts = []
    with CORPUS.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            texts.extend(str(row[key]) for key in ("response", "prompt") if row.get(key))
    windows = [t[i : i + 24] for t in texts for i in range(0, len(t), 17)]
    assert len(windows) > 10_000
    for window in windows:
        assert (pattern.search(window) is None) == (guard.search(window) is None), window
