"""Chinese, Japanese and Korean self-identification by grammar (issue 19, part A), and the third,
CJK batch of the corpus with its own held-out split (test2)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from auditkit.identity import analyze_response, load_identity_rules
from auditkit.identity.lexicon import IdentityRules

DATA = Path(__file__).resolve().parent / "data" / "identity"


@pytest.fixture(scope="module")
def identity(default_rules: object) -> IdentityRules:
    return load_identity_rules(default_rules)  # type: ignore[arg-type]


def _rules_of(text: str, identity: IdentityRules, *, user_text: str = "") -> list[str]:
    return [m.rule for m in analyze_response(text, identity, user_text=user_text)]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # A modifier chain before the name, a version or role nouns after it.
        (
            "안녕하세요! 저는 여러분의 꿈과 적성을 찾아주는 친절한 진로 상담사 제미나이입니다.",
            "self_id.ko.i_am",
        ),
        ("저는 Anthropic의 Claude 3.5입니다.", "self_id.ko.i_am"),
        ("저는 Gemini 1.5 Pro예요.", "self_id.ko.i_am"),
        ("안녕하세요! 저는 EXAONE 제조 에이전트입니다.", "self_id.ko.i_am"),
        # A short opener before a name-and-copula sentence.
        ("안녕하세요~ Claude예요! 가위바위보 한 판 콜?", "self_id.ko.name_copula"),
        # The speaker's own name in brackets (full-width brackets normalised).
        ("私（Gemini）は、以下の条件を認識した上で、排除措置を実行します。", "self_id.ja.i_paren"),
        ("我（通义千问）认为这个方案可行。", "self_id.zh.i_paren"),
        ("저(Claude)는 여러분을 돕기 위해 여기 있어요.", "self_id.ko.i_paren"),
        # Traditional Chinese.
        ("您好，我是由 Anthropic 開發的 AI 助手。", "self_id.zh.made_by"),
        # A maker claim that goes on like one.
        ("我是百度全新一代知识增强大语言模型。", "self_id.zh.i_am_maker"),
        ("我来自阿里云。", "self_id.zh.i_am_maker"),
        # An elided subject with no "you" before it is the speaker.
        (
            "こんにちは。OpenAIによって訓練された大規模な言語モデルです。",
            "self_id.ja.maker_made_ai",
        ),
        ("Anthropic에 의해 개발된 AI 모델입니다.", "self_id.ko.maker_made_ai"),
        # A call-me answer in the imperative.
        ("저를 Claude라고 부르세요.", "self_id.ko.call_me"),
        # Descent: built upon a model.
        ("我是基于通义千问的智能客服。", "self_id.zh.based_on"),
        ("제 기반 모델은 Llama 3입니다.", "self_id.ko.base_model"),
        ("저는 Llama 3를 기반으로 만들어졌어요.", "self_id.ko.based_on"),
    ],
)
def test_cjk_self_identifications_are_found_by_their_grammar(
    text: str, rule: str, identity: IdentityRules
) -> None:
    assert _rules_of(text, identity)[:1] == [rule]


@pytest.mark.parametrize(
    "text",
    [
        # "전" inside 전문 is not 저는; a system prompt addresses the model.
        "당신은 한일 비자 전문 행정사 제미나이입니다.",
        # A person: a user, an expert, the subject of another clause.
        "저는 ChatGPT 유저입니다.",
        "물론 저는 클로드 맥스 유저이고 코덱스는 플러스로 즐기고 있습니다.",
        # Another topic noun (모델은) between the speaker's 저는 and the name: the speaker's taste.
        # The learned step once flagged it; it now trains on such sentences (augment_templates.py).
        "저는 가장 좋아하는 모델은 Claude입니다.",
        "전 세계에서 가장 많이 쓰는 챗봇은 ChatGPT입니다.",
        # The maker as the object or addressee of the writer's action.
        "以上の想いを土台として、私はAnthropic社へ以下の趣旨のフィードバックを送った。",
        "我向OpenAI提交了反馈。",
        "我用ChatGPT写代码。",
        # "我是百度…" that is not a claim: "I searched Baidu", a person's role.
        "好吧，我也不知道，我是百度之后才知道的。",
        "我是百度搬运工",
        # Building something upon a model is not being built upon it.
        "我基于ChatGPT做了一个小工具。",
        "저는 ChatGPT를 기반으로 서비스를 만들었습니다.",
        # The answer to a question about a named product, not the speaker.
        "### Q. Claude Code가 뭔가요?\n\nAnthropic에서 만든 AI 코딩 도우미입니다.",
        # The subject carried over from a sentence addressed to "you".
        "あなたはChatGPTです。OpenAIによって訓練された大規模な言語モデルです。",
        "당신은 ChatGPT입니다. OpenAI에 의해 훈련 된 대규모 언어 모델입니다.",
        "你是ChatGPT，由OpenAI訓練的大型語言模型。回答盡可能簡潔。",
    ],
)
def test_cjk_hard_negatives_are_not_claims(text: str, identity: IdentityRules) -> None:
    assert analyze_response(text, identity) == []


def test_an_answer_about_a_product_the_user_named_is_not_a_claim(identity: IdentityRules) -> None:
    """An elided subject answers the user's question: "Claude Codeとは？" → "Anthropicが開発した
    AIコーディングアシスタントです。" describes Claude Code; asked who the assistant is, it is a claim."""
    reply = "Anthropicが開発したAIアシスタントです。"
    assert analyze_response(reply, identity, user_text="Claude Codeとは？") == []
    claimed = analyze_response(reply, identity, probed=True, user_text="あなたを作ったのは誰？")
    assert [m.name for m in claimed] == ["anthropic"]


def test_a_probe_answered_with_an_identity_field_is_a_claim(identity: IdentityRules) -> None:
    """ "開発元はOpenAIです" answers "who made you?": the topic is an identity field, not another
    subject, so the answer-to-probe rule is not stopped by the other-topic gate."""
    matches = analyze_response(
        "開発元はOpenAIです。", identity, probed=True, user_text="あなたを作ったのは誰？"
    )
    assert [m.name for m in matches] == ["openai"]


def test_cjk_additions_are_their_own_entries(identity: IdentityRules) -> None:
    """Language additions live in ``*_cjk`` entries beside the shared ones; each part keeps its
    own case-insensitivity when they are joined."""
    assert identity.names["메타"].ambiguous and identity.names["메타"].maker == "meta"
    assert identity.names["gemini"].ambiguous  # the shared `ambiguous` list still applies
    assert identity.names["通義"].family == "qwen"
    after = identity.not_self_after
    assert after is not None
    assert after.match(" Engineers at work") is not None  # (?i) of the shared part kept
    assert after.match("에게 피드백을") is not None
    assert re.search(r"\(\?i\)", after.pattern[1:]) is None  # no global flag mid-pattern


def test_the_cjk_batch_is_split_by_a_hash_of_its_source() -> None:
    """public-cjk rows: id "cjk:" + the source ref, dev / test2 by their own salted hash; no source
    shared with the earlier public batches; test2 holds positives of all three languages."""
    rows = [json.loads(line) for line in (DATA / "corpus.jsonl").open(encoding="utf-8")]
    cjk = [r for r in rows if r["source"] == "public-cjk"]
    assert len(cjk) >= 70
    for row in cjk:
        assert row["id"] == "cjk:" + row["source_id"]
        digest = hashlib.sha256(("identity-corpus-cjk-v1:" + row["id"]).encode()).hexdigest()
        assert row["split"] == ("test2" if int(digest[:8], 16) < 0x80000000 else "dev")
        assert row["lang"] in {"zh", "ja", "ko"}
    earlier = {
        r["source_id"].split("#")[0]
        for r in rows
        if r["source"] in {"public-code", "public-rollouts"}
    }
    assert not {r["source_id"].split("#")[0] for r in cjk} & earlier
    test2_langs = {r["lang"] for r in cjk if r["split"] == "test2" and r["label"] == 1}
    assert test2_langs == {"zh", "ja", "ko"}
