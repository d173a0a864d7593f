"""Model map (contract 4): arena model names → family and maker, ordered patterns, first match wins."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest

from auditkit.errors import RuleError
from auditkit.models_map import ModelInfo, ModelMap, load_model_map
from auditkit.rules import RulePack


@pytest.fixture(scope="module")
def model_map(default_rules: RulePack) -> ModelMap:
    return load_model_map(default_rules)


@pytest.mark.parametrize(
    ("name", "family", "maker"),
    [
        ("gpt-4o-mini-2024-07-18", "gpt", "openai"),
        ("chatgpt-4o-latest-20250326", "gpt", "openai"),
        ("o3-mini-2025-01-31", "o-series", "openai"),
        ("claude-3-5-sonnet-20240620", "claude", "anthropic"),
        ("qwen3-235b-a22b", "qwen", "alibaba"),
        ("qwq-32b", "qwen", "alibaba"),
        ("gemma-3-27b-it", "gemma", "google"),  # before the gemini rule's maker catch-all
        ("gemini-2.5-pro", "gemini", "google"),
        ("palm-2-chat-bison-001", "palm", "google"),
        ("Llama-2-70b-chat", "llama", "meta"),  # names are lower-cased before matching
        ("vicuna-13b-v1.5", "vicuna", "lmsys"),
        ("mistralai/Mixtral-8x7B-Instruct-v0.1", "mistral", "mistral"),
        ("codestral-2405", "mistral", "mistral"),
        ("kimi-k2-0711-preview", "kimi", "moonshot"),
        ("hunyuan-turbos-20250416", "hunyuan", "tencent"),
        ("amazon.nova-pro-v1:0", "nova", "amazon"),
        ("command-a-03-2025", "command", "cohere"),
        ("grok-4-0709", "grok", "xai"),
        ("imagenhub_SDXLTurbo_generation", "stable-diffusion", "stability"),
    ],
)
def test_known_names_map_to_family_and_maker(
    model_map: ModelMap, name: str, family: str, maker: str
) -> None:
    assert model_map.lookup(name) == ModelInfo(family, maker)


def test_unknown_name_is_none_none(model_map: ModelMap) -> None:
    info = model_map.lookup("totally-new-model-7b")
    assert info == ModelInfo(None, None)
    assert not info.known


def test_first_match_wins() -> None:
    section = {
        "patterns": [
            {"pattern": "^foo-special", "family": "special", "maker": "acme"},
            {"pattern": "^foo", "family": "foo", "maker": "acme"},
        ]
    }
    mm = ModelMap.from_mapping(section)
    assert mm.lookup("foo-special-1").family == "special"
    assert mm.lookup("foo-2").family == "foo"


def test_bad_rules_raise_rule_error() -> None:
    with pytest.raises(RuleError):
        ModelMap.from_mapping({"patterns": [{"pattern": "(", "family": "x", "maker": "y"}]})
    with pytest.raises(RuleError):
        ModelMap.from_mapping({"patterns": [{"pattern": "^x", "family": "x"}]})


def test_to_frame_lists_every_model(model_map: ModelMap) -> None:
    frame = model_map.to_frame(["gpt-4-0613", "unknown-x"])
    assert list(frame.columns) == ["model", "family", "maker"]
    assert frame.iloc[0].tolist() == ["gpt-4-0613", "gpt", "openai"]
    assert frame.iloc[1]["maker"] is None


def _real_model_names(real: Path) -> set[str]:
    names: set[str] = set()
    with gzip.open(real / "arena_hp140k_votes_meta.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            names.update((row["model_a"], row["model_b"]))
    for fname in (
        "arena_bench_v1_model_answers.jsonl.gz",
        "arena_hard_v0_1_model_answers.jsonl.gz",
        "arena_hard_v2_0_model_answers.jsonl.gz",
    ):
        with gzip.open(real / fname, "rt", encoding="utf-8") as fh:
            names.update(json.loads(line)["model"] for line in fh)
    with gzip.open(real / "genai_arena_clean_battle_20240220.jsonl.gz", "rt") as fh:
        for line in fh:
            row = json.loads(line)
            names.update((row["model_a"], row["model_b"]))
    with open(real / "copilot_arena_examples_v1.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            names.update(n for n in (row["model_a"], row["model_b"]) if n)
    return names


def test_every_model_in_the_real_data_is_mapped(model_map: ModelMap, real_data_dir: Path) -> None:
    names = _real_model_names(real_data_dir)
    assert len(names) >= 90  # 53 (140k) + 18 (bench v1) + Arena-Hard + Copilot + GenAI-Arena
    unmapped = sorted(n for n in names if not model_map.lookup(n).known)
    assert unmapped == []
