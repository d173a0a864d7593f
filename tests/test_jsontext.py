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


def test_lists_of_records_are_laid_out_as_json_dumps_does() -> None:
    """Records with the same string keys and plain leaves take one template a list; any other
    list of dicts (other keys, a nested leaf, a leaf json converts) is laid out item by item."""
    import numpy as np

    rng = random.Random(18)
    keys = ["vote_id", "new_winner", "a%s", "é", ""]
    for _ in range(300):
        chosen = rng.sample(keys, rng.randint(1, 4))
        records: list[Any] = [{k: rng.choice(LEAVES) for k in chosen} for _ in range(5)]
        if rng.random() < 0.3:
            records[rng.randrange(5)] = {**records[0], "extra": 1}  # other keys
        if rng.random() < 0.2:
            records[rng.randrange(5)][chosen[0]] = [1, {"x": None}]  # a nested leaf
        value = {"votes": records, "tuple": tuple(records)}
        for indent in (1, 2):
            assert indented_json(value, indent) == json.dumps(value, indent=indent, sort_keys=True)
    mixed = [{"vote_id": "v1", "count": np.float64(1.5)}]  # numpy leaves: json's own text
    assert indented_json(mixed) == json.dumps(mixed, indent=1, sort_keys=True)
