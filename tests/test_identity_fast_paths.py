"""The identity scan's faster paths give exactly what the plain ones gave.

Each fast path (issue 18) is checked against a plain reference written out here (the code it
replaced) on adversarial inputs: ``jsonable``'s shortcuts for plain dicts and lists, the rule
router's placement of the literal pass's answer, the self-reference tests' new order, and the
answers ``AnyPattern.search`` remembers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import Enum, IntEnum, StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditkit.findings import jsonable
from auditkit.identity import anypattern
from auditkit.identity.anypattern import AnyPattern, any_pattern
from auditkit.identity.lexicon import IdentityRules, SelfReferenceRule, load_identity_rules
from auditkit.identity.matcher import NameHit, _previous_line, _rule_matches, find_names
from auditkit.identity.routing import RuleRouter, rule_router
from auditkit.rulepack import RulePack


def _jsonable_plain(value: Any) -> Any:
    """``jsonable`` as it was before its shortcuts (the reference)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is dict:
        return {str(k): _jsonable_plain(v) for k, v in value.items()}
    if isinstance(value, Mapping):
        return {str(k): _jsonable_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [_jsonable_plain(v) for v in items]
    if isinstance(value, np.ndarray):
        return [_jsonable_plain(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, StrEnum):
        return value.value
    return value


class _Colour(StrEnum):
    RED = "red"


class _Level(IntEnum):
    HIGH = 3


class _Plain(Enum):
    ONE = 1


class _Text(str):
    def __str__(self) -> str:
        return "str-subclass:" + super().__str__()


_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.sampled_from(
        [
            np.float64("nan"),
            np.float32(1.5),
            np.float64("inf"),
            np.int64(-7),
            np.bool_(True),
            np.str_("np-text"),
            pd.NA,
            pd.NaT,
            _Colour.RED,
            _Level.HIGH,
            _Plain.ONE,
            Path("/tmp/x"),
            _Text("sub"),
            1e308 * 10,
        ]
    ),
)
_KEYS = st.one_of(
    st.text(max_size=5), st.integers(), st.sampled_from([_Colour.RED, _Text("k"), None, 1.5])
)
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(_KEYS, inner, max_size=4),
        st.lists(st.integers(), max_size=3).map(np.array),
        st.frozensets(st.integers(), max_size=3),
    ),
    max_leaves=20,
)


def _same(a: Any, b: Any) -> bool:
    """Equal values of equal types, all the way down (``1 == 1.0 == True`` is not enough)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


@settings(max_examples=200, deadline=None)
@given(_VALUES)
def test_jsonable_equals_the_plain_function(value: Any) -> None:
    assert _same(jsonable(value), _jsonable_plain(value))


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(_KEYS, _VALUES, max_size=8))
def test_jsonable_of_a_dict_equals_the_plain_function(value: dict[Any, Any]) -> None:
    # Keys that collide once made strings (1 and "1") keep the last value, as before.
    assert _same(jsonable(value), _jsonable_plain(value))


def test_jsonable_of_a_finding_evidence_is_a_new_dict_with_the_same_values() -> None:
    evidence = {
        "span": [3, 9],
        "claimed_identity": {"family": "gpt", "maker": "openai"},
        "claim_true": None,
        "score": float("nan"),
        "other_matches": [{"turn": 2, "rule": "r", "matched_text": "GPT"}],
    }
    out = jsonable(evidence)
    assert out == {**evidence, "score": None}
    assert out is not evidence and out["span"] is not evidence["span"]


# --------------------------------------------------------------------------- the rule router


def _candidates_plain(
    router: RuleRouter, scripts: frozenset[str], kind: str, before_text: str
) -> list[SelfReferenceRule]:
    """The router's answer as it was: a pass over the rules of the scripts and kind."""
    possible = router.befores.possible(before_text)
    return [
        rule
        for i, rule in enumerate(router.rules)
        if rule.script in scripts
        and kind in rule.targets
        and (router.before_of[i] is None or router.before_of[i] in possible)
    ]


_WORDS = st.sampled_from(
    [
        "I am",
        "I'm",
        "as an AI",
        "我是",
        "私は",
        "저는",
        "Я",
        "je suis",
        "soy",
        "made by",
        "developed by",
        "not",
        "unlike",
        "\n",
        ". ",
        "“",
        "'",
        " ",
        "İ",
        "ſ",
        "hello,",
        "assistant",
    ]
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    parts=st.lists(st.one_of(_WORDS, st.text(max_size=6)), max_size=12),
    scripts=st.frozensets(
        st.sampled_from(["latin", "cjk", "hangul", "cyrillic", "arabic", "hebrew", "devanagari"])
    ),
    kind=st.sampled_from(["family", "maker"]),
)
def test_router_candidates_equal_a_pass_over_every_rule(
    identity: IdentityRules, parts: list[str], scripts: frozenset[str], kind: str
) -> None:
    router = rule_router(identity.rules)
    before_text = "".join(parts)
    assert list(router.candidates(scripts, kind, before_text)) == _candidates_plain(
        router, scripts, kind, before_text
    )


# --------------------------------------------------------------------------- the rules' tests


def _rule_matches_plain(rule: SelfReferenceRule, text: str, hit: NameHit, before_text: str) -> bool:
    """``_rule_matches`` with its tests in the order they were written (before first)."""
    if rule.before is None and rule.after is None:
        return False
    if rule.before is not None and rule.before.search(before_text) is None:
        return False
    if rule.after_not is not None and rule.after_not.match(text, hit.end) is not None:
        return False
    if rule.after is not None and rule.after.match(text, hit.end) is None:
        return False
    return (
        rule.prev_line is None or rule.prev_line.search(_previous_line(text, hit.start)) is not None
    )


_RESPONSES = st.lists(
    st.one_of(
        _WORDS,
        st.sampled_from(
            [
                "ChatGPT",
                "Claude",
                "Qwen",
                "OpenAI",
                "Anthropic",
                "通义千问",
                "です",
                " here,",
                " at your service",
                "Best regards,\n",
                " tarafından geliştirildim",
                "-style",
            ]
        ),
        st.text(max_size=5),
    ),
    max_size=14,
).map("".join)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=_RESPONSES)
def test_rule_tests_in_any_order_give_the_same_answer(identity: IdentityRules, text: str) -> None:
    for hit in find_names(text, identity):
        before_text = text[max(0, hit.start - identity.window) : hit.start]
        for rule in identity.rules:
            expected = _rule_matches_plain(rule, text, hit, before_text)
            assert _rule_matches(rule, text, hit, before_text) is expected


@pytest.fixture(scope="module")
def identity(default_rules: RulePack) -> IdentityRules:
    return load_identity_rules(default_rules)


# --------------------------------------------------------------------------- remembered answers


_PROMPTS = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "who are you?",
                "Who made you",
                "你是谁",
                "あなたは誰",
                "pretend to be",
                "translate",
                "İ",
                "ſ",
            ]
        ),
        st.text(max_size=8),
    ),
    max_size=6,
).map(" ".join)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(_PROMPTS, max_size=8))
def test_any_pattern_remembers_the_same_answers(identity: IdentityRules, texts: list[str]) -> None:
    for patterns in (identity.probes, identity.roleplay, identity.translate):
        matcher = any_pattern(patterns)
        for text in [*texts, *texts]:  # each text asked twice: computed, then remembered
            assert matcher.search(text) is any(p.search(text) is not None for p in patterns)


def test_any_pattern_forgets_when_full_and_never_keeps_long_texts(identity: IdentityRules) -> None:
    matcher = AnyPattern.of(identity.probes)
    long_text = "who are you? " * 400
    assert matcher.search(long_text) is True
    assert long_text not in matcher._answers
    for k in range(anypattern._REMEMBER_TEXTS + 10):
        matcher.search(f"prompt number {k}")
    assert 0 < len(matcher._answers) <= anypattern._REMEMBER_TEXTS
    assert matcher.search("who are you?") is True
