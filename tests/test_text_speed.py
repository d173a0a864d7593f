"""The text paths made faster give exactly what the plain computations give.

- the identity detector reads only conversations in which a response names a model; its result
  (findings in order, summary, notes) equals asking ``check_side`` of every side of every row;
- the language profiles read from langdetect's files equal langdetect's own factory's matrix.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from auditkit.detectors.base import DetectorResult, Finding, Severity
from auditkit.detectors.identity import IdentityLeakDetector
from auditkit.identity.lexicon import load_identity_rules
from auditkit.models_map import load_model_map
from auditkit.rules import RulePack
from auditkit.schema import BattleTable


def _plain_detect(battles: BattleTable, rules: RulePack) -> DetectorResult:
    """The detector as a loop over every side of every row (the reference)."""
    detector = IdentityLeakDetector()
    identity, model_map = load_identity_rules(rules), load_model_map(rules)
    frame = battles.frame
    stats: Counter[str] = Counter()
    findings: list[Finding] = []
    for row in frame.itertuples(index=False):
        stats["rows"] += 1
        if not row.anony:
            stats["non_anonymous_skipped"] += 1
            continue
        for side, model, conversation in (
            ("model_a", row.model_a, row.conversation_a),
            ("model_b", row.model_b, row.conversation_b),
        ):
            found = detector.check_side(
                vote_id=str(row.vote_id),
                side=side,
                model=str(model),
                conversation=conversation,
                identity=identity,
                model_map=model_map,
                stats=stats,
            )
            if found is not None:
                findings.append(found)
    return DetectorResult(
        detector.name,
        tuple(findings),
        {
            "rows": stats["rows"],
            "anonymous_rows": stats["rows"] - stats["non_anonymous_skipped"],
            "responses_scanned": stats["responses"],
            "responses_with_name": stats["candidates"],
            "responses_self_identifying": stats["self_id_responses"],
            "votes_leaked": len({f.vote_id for f in findings if f.severity >= Severity.MEDIUM}),
        },
    )


def _turns(*texts: Any) -> list[dict[str, Any]]:
    roles = ("user", "assistant")
    return [{"role": roles[i % 2], "content": text} for i, text in enumerate(texts)]


# Every shape a conversation comes in, with and without names, on either side.
CONVERSATIONS: list[Any] = [
    None,
    [],
    _turns("hi", "Hello there."),
    _turns("who are you?", "I am Claude, made by Anthropic."),
    _turns("你是谁？", "我是通义千问。"),
    _turns("hi", "Hi", "and you?", "As ChatGPT, I can help."),
    _turns("tell me about Gemini", "Gemini is a model by Google."),
    _turns("hi", [{"type": "text", "text": "I'm Llama, by Meta."}]),  # content as parts
    tuple(_turns("hi", "Je suis Mistral.")),
    np.array(_turns("hi", "I am Qwen."), dtype=object),  # as read back from Parquet
    ["not a message", {"role": "assistant", "content": "I am GPT-4."}, 42],
    [{"role": "system", "content": "You are Claude."}, {"role": "assistant", "content": "Ok."}],
    _turns("İSTANBUL", "İ am Claude from Anthropic. İ"),  # lower-casing changes the length
    float("nan"),
]


def _table(n: int, seed: int) -> BattleTable:
    rng = np.random.default_rng(seed)
    models = ["claude-3-5-sonnet-20240620", "gpt-4o-2024-08-06", "qwen2-72b-instruct", "x-unknown"]
    rows = []
    for i in range(n):
        a, b = rng.choice(len(models), size=2, replace=False)
        rows.append(
            {
                "vote_id": f"v{i}",
                "model_a": models[a],
                "model_b": models[b],
                "winner": "model_a",
                "anony": bool(rng.random() < 0.8),
                "conversation_a": CONVERSATIONS[rng.integers(len(CONVERSATIONS))],
                "conversation_b": CONVERSATIONS[rng.integers(len(CONVERSATIONS))],
                "voter": f"u{i % 7}",
                "tstamp": 1.7e9 + i,
                "language": "en",
                "turns": 1,
                "source_file": "planted.jsonl",
                "source_line": i + 1,
            }
        )
    frame = pd.DataFrame(rows)
    for column in ("conversation_a", "conversation_b"):  # keep lists and arrays as given
        frame[column] = pd.Series([r[column] for r in rows], dtype=object)
    return BattleTable(frame=frame)


def test_identity_detect_equals_check_side_on_every_side(default_rules: RulePack) -> None:
    for seed in range(3):
        battles = _table(300, seed)
        got = IdentityLeakDetector().detect(battles, default_rules)
        want = _plain_detect(battles, default_rules)
        assert [f.to_dict() for f in got.findings] == [f.to_dict() for f in want.findings]
        assert got.findings, "the table plants self-identifications"
        for key, value in want.summary.items():
            assert got.summary[key] == value, key


def test_identity_detect_on_rows_without_text(default_rules: RulePack) -> None:
    battles = _table(50, 7)
    frame = battles.frame.assign(conversation_a=None, conversation_b=None)
    got = IdentityLeakDetector().detect(BattleTable(frame=frame), default_rules)
    assert got.findings == ()
    assert got.summary["rows"] == 50
    assert got.summary["responses_scanned"] == 0
    assert got.summary["anonymous_rows"] == int(frame["anony"].sum())


def test_language_profiles_equal_langdetects_factory() -> None:
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    from auditkit.identity.language import _ALPHA, _BASE_FREQ, _Profiles

    ours = _Profiles()
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    order = np.argsort(np.array(factory.langlist))
    assert ours.languages == tuple(factory.langlist[i] for i in order)
    words = list(factory.word_lang_prob_map)
    assert set(words) == set(ours.row)
    probs = np.array([factory.word_lang_prob_map[w] for w in words], dtype=np.float64)
    expected = np.log(probs[:, order] + _ALPHA / _BASE_FREQ)
    assert np.array_equal(ours.log_probs[[ours.row[w] for w in words]], expected)
