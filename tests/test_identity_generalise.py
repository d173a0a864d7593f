"""Normalisation before matching, the learned step, and the generalisation corpus's split."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditkit.identity import analyze_response, load_identity_rules
from auditkit.identity.lexicon import IdentityRules
from auditkit.identity.normalise import normalise
from auditkit.identity.scorer import SelfIdScorer, candidate_tokens, hash_tokens

DATA = Path(__file__).resolve().parent / "data" / "identity"


@pytest.fixture(scope="module")
def identity(default_rules: object) -> IdentityRules:
    return load_identity_rules(default_rules)  # type: ignore[arg-type]


def test_normalise_drops_emphasis_and_maps_spans_back() -> None:
    text = "我是**通义千问**，阿里巴巴开发的AI"
    norm = normalise(text)
    assert norm.text == "我是通义千问,阿里巴巴开发的AI"
    start = norm.text.index("通义千问")
    a, b = norm.original_span(start, start + 4)
    assert text[a:b] == "通义千问"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("我是**通义千问**，阿里巴巴集团开发的AI助手", "通义千问"),
        ("Я — языковая модель **DeepSeek-V3**, созданная DeepSeek.", "DeepSeek-V3"),
        ("Hi! I'm *Claude*, an assistant.", "Claude"),
    ],
)
def test_marked_up_names_are_found_and_reported_on_the_original(
    text: str, name: str, identity: IdentityRules
) -> None:
    matches = analyze_response(text, identity)
    assert [m.matched_text for m in matches] == [name]
    assert text[matches[0].start : matches[0].end] == name


def test_the_learned_step_ships_and_scores_in_0_1(identity: IdentityRules) -> None:
    scorer = identity.scorer
    assert isinstance(scorer, SelfIdScorer) and 0.0 < scorer.threshold < 1.0
    assert identity.learned_id == "self_id.any.learned"


def test_feature_hashing_is_stable_across_processes() -> None:
    # crc32 buckets, not Python's salted hash(): the shipped weights stay valid in every process
    assert hash_tokens(["abc", "__bias__"]).tolist() == [
        891568578 % 65536,
        hash_tokens(["__bias__"]).tolist()[0],
    ]


def test_quoted_and_translated_names_are_not_claims(identity: IdentityRules) -> None:
    assert analyze_response('The bot said "I am Claude" to them.', identity) == []
    assert (
        analyze_response("“I am Qwen, made by Alibaba.”", identity, user_text="translate this")
        == []
    )


def test_the_corpus_split_is_a_fixed_hash_of_the_id() -> None:
    """Every row is split by the hash of its id, except the public identity-rollouts report, which
    may overlap an independent evaluation set and is held out whole (cases_public.py); the third
    session's public-multi rows have their own salt and held-out split, test2, the fourth
    session's public-multi2 rows theirs, test4."""
    import hashlib

    rows = [json.loads(line) for line in (DATA / "corpus.jsonl").open(encoding="utf-8")]
    assert len(rows) >= 900
    for row in rows:
        if row["source"] == "public-cjk":
            continue  # its own salt and held-out split (test2): tests/test_identity_cjk.py
        if row["source"] == "public-cjk2":
            continue  # its own salt and held-out split (test3): tests/test_identity_cjk2.py
        if row["source"] == "public-multi":
            digest = hashlib.sha256(("identity-corpus-v2:" + row["id"]).encode()).hexdigest()
            assert row["split"] == ("test2" if int(digest[:8], 16) < 0x80000000 else "dev")
            continue
        if row["source"] == "public-multi2":
            digest = hashlib.sha256(("identity-corpus-v4:" + row["id"]).encode()).hexdigest()
            assert row["split"] == ("test4" if int(digest[:8], 16) < 0x80000000 else "dev")
            continue
        digest = hashlib.sha256(("identity-corpus-v1:" + row["id"]).encode()).hexdigest()
        by_hash = "test" if int(digest[:8], 16) < 0x80000000 else "dev"
        assert row["split"] == ("test" if row["source"] == "public-rollouts" else by_hash)
    sources = {r["source"] for r in rows}
    assert {"written-by-auditkit", "public-code", "public-rollouts"} <= sources
    langs = {r["lang"] for r in rows if r["split"] == "test" and r["label"] == 1}
    assert {"zh", "ja", "ko", "ar", "hi"} <= langs


def test_candidate_tokens_mask_the_name() -> None:
    from auditkit.identity.scorer import CandidateContext

    ctx = CandidateContext(
        left="我是",
        right=",阿里巴巴开发的",
        kind="family",
        self_before=True,
        self_after=False,
        probed=False,
        at_start=True,
        quoted=False,
        translate=False,
        roleplay=False,
        opens_sentence=False,
    )
    tokens = candidate_tokens(ctx)
    assert "是⟨F" in tokens and "n|是⟨F⟩" in tokens and "__self_before__" in tokens
    assert not any("通义" in t for t in tokens)
