"""The simulator's text bank is data (auditkit/simulate/data/text_bank.yaml), read once and checked."""

from __future__ import annotations

import random
from importlib import resources

import pytest
import yaml

from auditkit.simulate import responses as bank


def test_the_bank_ships_inside_the_package() -> None:
    path = resources.files("auditkit.simulate").joinpath("data/text_bank.yaml")
    assert path.is_file()
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(raw) == {
        "identities",
        "leak_templates",
        "hard_negatives",
        "prompt_templates",
        "slots",
        "follow_ups",
        "openers",
        "closers",
        "body",
        "section_headers",
        "code_snippets",
        "signature_habits",
    }
    # Pools keep the file's order: the simulator draws from them by position with a seeded generator.
    assert bank.OPENERS["en"] == tuple(raw["openers"]["en"])
    assert list(bank.PROMPT_TEMPLATES) == list(raw["prompt_templates"])


def test_every_prompt_topic_has_slots_and_every_language_a_fallback() -> None:
    for lang, topics in bank.PROMPT_TEMPLATES.items():
        assert set(topics) <= set(bank.SLOTS[lang]), lang
        for topic, templates in topics.items():
            assert all("{x}" in t for t in templates), (lang, topic)
    assert "en" in bank.LEAK_TEMPLATES and "en" in bank.BODY and "en" in bank.FOLLOW_UPS
    for templates in bank.LEAK_TEMPLATES.values():
        assert all("{name" in t or "{maker" in t for t in templates)


def test_every_language_composes_a_prompt_and_a_leak() -> None:
    rnd = random.Random(0)
    for lang in bank.PROMPT_TEMPLATES:
        text, topic, slot = bank.compose_prompt(rnd, lang)
        assert slot in text and topic in bank.PROMPT_TEMPLATES[lang]
        leak = bank.leak_sentence(rnd, lang, bank.identity_for("qwen2-72b-instruct"))
        assert "{" not in leak


def test_identities_and_signatures_are_read_as_typed_rows() -> None:
    prefixes = [prefix for prefix, _ in bank.IDENTITIES]
    assert prefixes[:2] == ["gpt-4o", "gpt"]  # first match wins, so the longer prefix comes first
    assert bank.identity_for("qwen2-72b-instruct").name_zh == "通义千问"
    assert bank.signature_for("gpt-4o-mini-2024-07-18") == "🚀 Happy building!"
    assert {s for pool in bank.FOLLOW_UPS.values() for s in pool} >= bank.PROBE_FOLLOW_UPS


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"en": []}, "openers.en must be a non-empty list of strings"),
        ({"en": ["fine", 3]}, "openers.en must be a non-empty list of strings"),
        (["not", "a", "mapping"], "openers must be a non-empty mapping"),
    ],
)
def test_a_malformed_pool_is_an_error_naming_the_file_and_section(
    value: object, message: str
) -> None:
    with pytest.raises(ValueError, match="text_bank.yaml: " + message):
        bank._pools(value, "openers")


def test_a_malformed_identity_row_is_an_error() -> None:
    with pytest.raises(ValueError, match="identities must be a list of"):
        bank._rows([{"prefix": "x"}], "identities", ("prefix", "name"))
