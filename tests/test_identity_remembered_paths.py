"""The identity scan's remembered answers and reordered tests give exactly what the plain code gave.

Issue 18 (wave 12) made the self-reference pass cheaper per name occurrence without changing a
single answer: the rule router remembers, per sentence opening, which rules' ``before`` matches
(``RuleRouter.matching``, then ``_rule_matches_after``); short windows remember their answers
(``RememberedPattern``, ``GuardedPattern.finds``, ``_quoted`` by line prefix); the learned step
asks ``worth_scoring``'s own tests before building a context; ``needs_normalising`` tests the
whole text as one character class and two substrings; the languages of many texts are summed side
by side. Each is checked here against the code it replaced, written out below as the reference,
on adversarial text (CJK self-identifications, mixed scripts, quotation marks, negation, code
fences, emphasis, "Speaker:" lines, empty and long responses), and ``analyze_response`` as a whole
is compared with itself running on the references.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditkit.identity import anypattern, language, matcher, normalise
from auditkit.identity.anypattern import GuardedPattern, RememberedPattern, guarded
from auditkit.identity.lexicon import IdentityRules, SelfReferenceRule, load_identity_rules
from auditkit.identity.matcher import (
    NameHit,
    _rule_matches,
    _rule_matches_after,
    analyze_response,
    candidate_contexts,
    find_names,
)
from auditkit.identity.routing import RuleRouter, rule_router
from auditkit.identity.scorer import CandidateContext, worth_scoring
from auditkit.rulepack import RulePack

_SETTINGS = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def identity(default_rules: RulePack) -> IdentityRules:
    return load_identity_rules(default_rules)


_PIECES = st.sampled_from(
    [
        "I am ",
        "I'm ",
        "As an AI developed by ",
        "I am not ",
        "unlike ",
        "我是",
        "我不是",
        "，由",
        "开发的",
        "私は",
        "です。",
        "ではありません",
        "저는 ",
        "입니다",
        "가 아닙니다",
        "Я — ",
        "je suis ",
        "soy ",
        "ChatGPT",
        "Claude",
        "Gemini",
        "Qwen",
        "通义千问",
        "OpenAI",
        "Anthropic",
        "Google",
        "Meta",
        "Phi",
        "'s engineers",
        ", a large language model",
        "-style",
        " here,",
        "\n",
        "\n\n",
        ". ",
        "? ",
        "。",
        '"',
        "'",
        "“",
        "”",
        "「",
        "」",
        "`",
        "```\n",
        "**",
        "__",
        "~~",
        "\u200b",
        "　",
        "–",
        "Alice: ",
        "Bob: ",
        "Best regards,\n",
        "İ",
        "ſ",
        "who are you",
    ]
)
_RESPONSES = st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=18).map("".join)
_USERS = st.one_of(
    st.just(""),
    st.sampled_from(
        [
            "who are you?",
            "你是谁",
            "Translate 'I am ChatGPT' into French",
            "Pretend to be Claude",
            "What is Claude Code?",
            "Write a story where Gemini talks",
        ]
    ),
    _RESPONSES,
)


# --------------------------------------------------------------------------- the references


def _quoted_plain(text: str, pos: int, end: int | None = None) -> bool:
    """``_quoted`` as it was, nothing remembered."""
    if end is not None and matcher._name_bracket(text, pos, end):
        return False
    line_start = text.rfind("\n", 0, pos) + 1
    prefix = text[line_start:pos]
    if matcher._SPEAKER_LINE.match(prefix) and matcher._is_script(text):
        return True
    if prefix.count('"') % 2 == 1 or prefix.count("`") % 2 == 1:
        return True
    if matcher._single_quoted(prefix):
        return True
    for open_q, close_q in matcher._OPEN_CLOSE.items():
        if prefix.count(open_q) > prefix.count(close_q) - (open_q == close_q):
            return True
    return False


def _has_self_marker_plain(text: str, rules: IdentityRules) -> bool:
    words = rules.self_marker_words
    if words and not words.isdisjoint(re.findall(r"\w+", text.lower())):
        return True
    return rules.self_markers is not None and rules.self_markers.search(text) is not None


def _negated_or_compared_plain(text: str, hit: NameHit, before: str, rules: IdentityRules) -> bool:
    if rules.not_self_before is not None and rules.not_self_before.search(before[-24:]):
        return True
    if (
        rules.person_after is not None
        and text[hit.start : hit.end].lower() in rules.person_names
        and rules.person_after.match(text, hit.end) is not None
    ):
        return True
    return rules.not_self_after is not None and (
        rules.not_self_after.match(text[hit.end : hit.end + 24]) is not None
    )


def _needs_normalising_plain(text: str, spans: list[tuple[int, int]]) -> bool:
    if normalise._SPECIAL.search(text) is None:
        return False
    return any(normalise._SPECIAL.search(text, lo, hi) is not None for lo, hi in spans)


def _matching_plain(
    router: RuleRouter, scripts: set[str] | frozenset[str], kind: str, before_text: str
) -> tuple[SelfReferenceRule, ...]:
    """Every rule of the scripts and kind whose ``before`` matches, by a pass over all rules."""
    return tuple(
        rule
        for rule in router.rules
        if rule.script in scripts
        and kind in rule.targets
        and (rule.before is None or rule.before.search(before_text) is not None)
    )


def _gated_plain(
    text: str,
    hits: list[NameHit],
    codes: list[tuple[int, int]],
    rules: IdentityRules,
    probed: bool,
    user_text: str,
) -> Iterator[tuple[NameHit, CandidateContext]]:
    """``_gated`` as it was: the context built first, ``worth_scoring`` asked last."""
    user_lower = user_text.lower()
    for hit in hits:
        near = matcher._self_near(text, hit, rules)
        if not probed and hit.start > rules.answer_to_probe_offset and not near:
            continue
        if not near and not probed and user_text and matcher.has_name(user_text, rules):
            continue
        if any(a <= hit.start < b for a, b in codes):
            continue
        translate = matcher.is_translation_request(user_text, rules)
        roleplay = matcher.is_roleplay(user_text, rules)
        if (translate or roleplay) and hit.name.text in user_lower:
            continue
        if hit.name.ambiguous and not probed and not matcher._ai_sense(text, hit, hits, rules):
            continue
        if matcher.not_self(text, hit, rules, near) or matcher._appositive_of_another(
            text, hit, hits, rules
        ):
            continue
        sent_start = matcher._sentence_start(text, hit.start, rules.window)
        if not matcher.has_self_marker(
            text[sent_start : hit.start], rules
        ) and matcher._named_in_question_before(text, sent_start, hits):
            continue
        ctx = matcher._context(
            text,
            hit,
            rules,
            probed=probed,
            translate=translate,
            roleplay=roleplay,
            hits=hits,
            self_near=near,
        )
        if worth_scoring(ctx):
            yield hit, ctx


@pytest.fixture
def plain(monkeypatch: pytest.MonkeyPatch, identity: IdentityRules) -> Any:
    """Puts the reference code in place of every fast path, for the length of a test."""

    def before_of(text: str, hit: NameHit) -> str:
        """The sentence before ``hit`` as ``analyze_response`` cuts it."""
        return text[matcher._sentence_start(text, hit.start, identity.window) : hit.start]

    def patch() -> None:
        monkeypatch.setattr(matcher, "_quoted", _quoted_plain)
        monkeypatch.setattr(matcher, "has_self_marker", _has_self_marker_plain)
        monkeypatch.setattr(matcher, "_negated_or_compared", _negated_or_compared_plain)
        monkeypatch.setattr(matcher, "needs_normalising", _needs_normalising_plain)
        monkeypatch.setattr(matcher, "_gated", _gated_plain)
        monkeypatch.setattr(
            matcher, "_inside", lambda spans, pos: any(a <= pos < b for a, b in spans)
        )
        monkeypatch.setattr(
            matcher,
            "_rule_matches_after",
            lambda rule, text, hit: _rule_matches(rule, text, hit, before_of(text, hit)),
        )
        monkeypatch.setattr(RuleRouter, "matching", _matching_plain)

    return patch


# --------------------------------------------------------------------------- whole responses


@_SETTINGS
@given(
    texts=st.lists(_RESPONSES, min_size=1, max_size=4),
    user_text=_USERS,
    probed=st.booleans(),
)
def test_analyze_response_equals_the_plain_code(
    identity: IdentityRules,
    plain: Any,
    texts: list[str],
    user_text: str,
    probed: bool,
) -> None:
    # Every text twice (computed, then answered from what was remembered), and a long one.
    texts = [*texts, *texts, " ".join(texts) * 20]
    fast = [analyze_response(t, identity, probed=probed, user_text=user_text) for t in texts]
    contexts = [candidate_contexts(t, identity, probed=probed, user_text=user_text) for t in texts]
    plain()
    slow = [analyze_response(t, identity, probed=probed, user_text=user_text) for t in texts]
    assert fast == slow
    assert contexts == [
        candidate_contexts(t, identity, probed=probed, user_text=user_text) for t in texts
    ]


def test_analyze_response_equals_the_plain_code_on_named_examples(
    identity: IdentityRules, plain: Any
) -> None:
    texts = [
        "I am ChatGPT, a large language model trained by OpenAI.",
        "我是通义千问，由阿里云开发的AI助手。",
        "私は「Claude」です。Anthropicによって開発されました。",
        'He said "I am Claude" yesterday. I am not Claude.',
        "```\nprint('I am ChatGPT')\n```\nI am Qwen.",
        "Alice: I am Gemini\nBob: I am Claude\n",
        "**I am** ~~Gemini~~ — Google's model.",
        "저는 ChatGPT가 아닙니다. 저는 Claude입니다.",
        "Gemini is a star sign. I'm Phi, made by Microsoft.",
        "",
        "ChatGPT-style answers by OpenAI's engineers",
    ]
    fast = [analyze_response(t, identity, probed=True, user_text="who are you?") for t in texts]
    plain()
    assert fast == [
        analyze_response(t, identity, probed=True, user_text="who are you?") for t in texts
    ]
    assert any(fast)


# --------------------------------------------------------------------------- the parts


@_SETTINGS
@given(
    parts=st.lists(_PIECES, max_size=8),
    scripts=st.frozensets(
        st.sampled_from(["latin", "cjk", "hangul", "cyrillic", "arabic", "hebrew", "devanagari"])
    ),
    kind=st.sampled_from(["family", "maker"]),
)
def test_router_matching_equals_a_pass_over_every_rule(
    identity: IdentityRules, parts: list[str], scripts: frozenset[str], kind: str
) -> None:
    router = rule_router(identity.rules)
    before_text = "".join(parts)
    want = _matching_plain(router, scripts, kind, before_text)
    assert router.matching(scripts, kind, before_text) == want
    assert router.matching(set(scripts), kind, before_text) == want  # remembered


@_SETTINGS
@given(text=_RESPONSES)
def test_rule_tests_after_a_matching_before_equal_all_the_tests(
    identity: IdentityRules, text: str
) -> None:
    for hit in find_names(text, identity):
        before_text = _before_from(text, hit, identity)
        for rule in identity.rules:
            if rule.before is None or rule.before.search(before_text) is not None:
                assert _rule_matches_after(rule, text, hit) is _rule_matches(
                    rule, text, hit, before_text
                )


def _before_from(text: str, hit: NameHit, identity: IdentityRules) -> str:
    return text[matcher._sentence_start(text, hit.start, identity.window) : hit.start]


@_SETTINGS
@given(texts=st.lists(st.one_of(_RESPONSES, st.text(max_size=12)), max_size=6))
def test_remembered_and_guarded_patterns_answer_as_the_pattern(
    identity: IdentityRules, texts: list[str]
) -> None:
    patterns = [
        p
        for p in (
            identity.not_self_after,
            identity.self_markers,
            identity.not_self_before,
            identity.ai_context,
        )
        if p is not None
    ]
    long_text = "".join(texts) * 10
    for pattern in patterns:
        remembered = anypattern.remembered(pattern)
        guard = guarded(pattern)
        for text in [*texts, *texts, long_text]:
            assert remembered.matches(text) is (pattern.match(text) is not None)
            assert remembered.finds(text) is (pattern.search(text) is not None)
            assert guard.finds(text) is (pattern.search(text) is not None)


def test_remembered_answers_forget_when_full_and_never_keep_long_texts() -> None:
    pattern = re.compile(r"\bI am\b")
    remembered = RememberedPattern(pattern)
    guard = GuardedPattern.of(pattern)
    long_text = "x" * (anypattern._REMEMBER_WINDOW + 1) + " I am"
    assert remembered.finds(long_text) and guard.finds(long_text)
    assert long_text not in remembered._found and long_text not in guard._found
    for k in range(anypattern._REMEMBER_WINDOWS + 5):
        remembered.matches(f"I am {k}")
    assert 0 < len(remembered._matched) <= anypattern._REMEMBER_WINDOWS
    assert remembered.matches("I am here") and not remembered.matches("you are")


@_SETTINGS
@given(text=_RESPONSES, cut=st.integers(min_value=0, max_value=40))
def test_quoted_equals_the_plain_function(text: str, cut: int) -> None:
    for pos in range(len(text) + 1):
        end = min(len(text), pos + cut % 7)
        assert matcher._quoted(text, pos, end) is _quoted_plain(text, pos, end)
        assert matcher._quoted(text, pos) is _quoted_plain(text, pos)


@_SETTINGS
@given(text=_RESPONSES, spans=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60))))
def test_needs_normalising_equals_the_plain_function(
    text: str, spans: list[tuple[int, int]]
) -> None:
    assert normalise.needs_normalising(text, spans) is _needs_normalising_plain(text, spans)
    assert normalise.needs_normalising(text, [(0, len(text))]) is _needs_normalising_plain(
        text, [(0, len(text))]
    )


@_SETTINGS
@given(texts=st.lists(st.one_of(_RESPONSES, st.text(max_size=40)), max_size=12))
def test_languages_of_many_equal_each_language(texts: list[str]) -> None:
    language._forget_words()
    many = language.response_languages(texts)
    language._forget_words()
    assert many == [language.response_language(t) for t in texts]


@_SETTINGS
@given(a=st.one_of(_RESPONSES, st.text(max_size=20)), b=st.one_of(_RESPONSES, st.text(max_size=20)))
def test_scripts_of_two_texts_joined_by_a_space_is_the_union_of_theirs(a: str, b: str) -> None:
    joined = matcher.scripts_of(a + " " + b)
    assert joined == matcher.scripts_of(a) | matcher.scripts_of(b)
    assert joined == matcher._scripts_before(a) | matcher.scripts_of(b)
    assert joined == matcher._scripts_before(a) | matcher.scripts_of(b)  # remembered


def _find_names_plain(text: str, rules: IdentityRules) -> list[NameHit]:
    """``find_names`` as it was (each occurrence's boundaries asked of ``_boundary_ok``)."""
    lowered = matcher.lower_same_length(text)
    hits = []
    for index, start, end in matcher._name_matches(lowered, rules):
        name = rules.names[rules.automaton_keys[index]]
        if matcher._boundary_ok(lowered, start, end, name):
            hits.append((start, start - end, len(hits), end, name))
    hits.sort()
    out: list[NameHit] = []
    last_end = -1
    for start, _, _, hit_end, name in hits:
        if start < last_end:
            continue
        end = hit_end
        if name.latin and end < len(text) and text[end] in "-.+0123456789":
            tail = matcher._VERSION_TAIL.match(text, end)
            if tail is not None:
                adjective = matcher._ADJECTIVE_SUFFIX.search(text, end, tail.end())
                end = adjective.start() if adjective is not None else tail.end()
                while end > hit_end and text[end - 1] in ".-+":
                    end -= 1
        out.append(NameHit(start, end, name))
        last_end = end
    return out


_NAME_EDGES = st.sampled_from(
    ["", "a", "1", "_", "-", "я", "Я", "ж", "ё", " ", "\n", "é", "İ", "中", "ChatGPT", "Qwen2.5"]
)


@_SETTINGS
@given(parts=st.lists(st.one_of(_PIECES, _NAME_EDGES, st.text(max_size=4)), max_size=16))
def test_find_names_equals_the_plain_function(identity: IdentityRules, parts: list[str]) -> None:
    text = "".join(parts)
    assert find_names(text, identity) == _find_names_plain(text, identity)
    for name in ("ChatGPT", "Алиса", "Claude", "通义千问"):
        for left, right in (("", ""), ("x", ""), ("", "x"), ("ж", ""), ("1", "2"), ("_", "-")):
            edged = f"{left}{name}{right} {text}"
            assert find_names(edged, identity) == _find_names_plain(edged, identity)
