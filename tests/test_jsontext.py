"""The fast indented JSON writer gives json.dumps' text, byte for byte."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from auditkit.jsontext import indented_json

LEAVES: list[Any] = [None, True, False, 0, -5, 2**63, 1.5, 1e-7, 3.0, float("nan"), float("inf")]
LEAVES += ["", "x", 'é\u2028"\\\n\t', "日本語"]


def _value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth > 3 or roll < 0.4:
        return rng.choice(LEAVES)
    if roll < 0.7:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    keys = ["a", "b", "zz", "é", "vote_id", ""]
    return {rng.choice(keys) + str(i): _value(rng, depth + 1) for i in range(rng.randint(0, 4))}


@pytest.mark.parametrize("indent", [1, 2, 4])
def test_nested_values_are_laid_out_as_json_dumps_does(indent: int) -> None:
    rng = random.Random(indent)
    for _ in range(500):
        value = _value(rng)
        assert indented_json(value, indent) == json.dumps(value, indent=indent, sort_keys=True)


def test_a_votes_file_is_json_dumps_text() -> None:
    votes = {
        "higher": "model-x",
        "lower": "model-y",
        "drop": {"count": 3, "vote_ids": ["v1", "v2", "v3"]},
        "flip": {"count": None, "votes": [{"vote_id": "v9", "new_winner": "tie"}]},
        "add": {"count": 2, "votes": [{"model_a": "a", "model_b": "b", "winner": "a", "count": 2}]},
    }
    assert indented_json(votes) == json.dumps(votes, indent=1, sort_keys=True)


def test_values_it_does_not_lay_out_go_to_json_itself() -> None:
    # Tuples are lists; keys that are not strings are json's business (converted, then sorted).
    assert indented_json({"t": ("a", 1)}) == json.dumps({"t": ("a", 1)}, indent=1, sort_keys=True)
    assert indented_json({1: "x", 2: "y"}) == json.dumps({1: "x", 2: "y"}, indent=1, sort_keys=True)
