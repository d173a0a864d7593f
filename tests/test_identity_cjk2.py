"""Chinese, Japanese and Korean grammar added in the fourth session (issue 19, part A), and the
fourth CJK batch of the corpus with its own held-out split (test3).

The sentences here are written for these tests; none is a corpus text."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from test_identity_cjk import _rules_of

from auditkit.identity import analyze_response, load_identity_rules
from auditkit.identity.lexicon import IdentityRules

DATA = Path(__file__).resolve().parent / "data" / "identity"


@pytest.fixture(scope="module")
def identity(default_rules: object) -> IdentityRules:
    return load_identity_rules(default_rules)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # Japanese descent: built on a model, then an AI noun and a copula (plain or polite).
        ("僕はGPT-4をベースにしたチャットボットです。", "self_id.ja.based_on"),
        (
            "わたしはGeminiを基にした要約エージェントだ。今日の記事も一人で書いた。",
            "self_id.ja.based_on",
        ),
        # The speaker's own name with "me" in brackets: a transcript's speaker label.
        ("**Gemini（私）:**\nでは、次の案を出します。", "self_id.ja.name_paren_i"),
        ("Claude（我）：那我先提一个方案。", "self_id.zh.name_paren_i"),
        ("Claude(저): 그럼 제가 먼저 정리할게요.", "self_id.ko.name_paren_i"),
        # Japanese descent by "に基づいて…されています", a colloquial quotative, a role noun before
        # the name with no subject, a comparison that includes the speaker, "NAMEより" signing off.
        ("私はGPT-4アーキテクチャに基づいて構築されています。", "self_id.ja.based_on"),
        ("僕はChatGPTっていうAIだよ。", "self_id.ja.i_am"),
        ("こんにちは！Anthropic製のAIアシスタント、Claudeです。", "self_id.ja.role_name_copula"),
        ("ChatGPTも私もOpenAIによって訓練されています。", "self_id.ja.also_made_by"),
        ("以上です。Claudeより", "self_id.ja.signoff_yori"),
        # Korean: "as NAME" with a humble refusal, a one-hyphen sign-off, the speaker's maker,
        # descent through an architecture, "NAME라는 AI".
        ("AI 어시스턴트인 Claude로서 의료 조언은 드릴 수 없습니다.", "self_id.ko.as_name_refusal"),
        ("감사합니다.\n- Claude 드림", "self_id.any.signoff_hangul"),
        ("제 개발사는 OpenAI입니다.", "self_id.ko.my_maker"),
        ("저를 만든 곳은 Anthropic입니다.", "self_id.ko.my_maker"),
        ("저는 GPT-4 아키텍처를 기반으로 구축되었습니다.", "self_id.ko.based_on"),
        ("나는 ChatGPT라는 AI야.", "self_id.ko.i_am"),
        # A third round: versions, quotes and readings around the name, passives with に, "製の",
        # humble verbs of service, policies the speaker follows, "powered by".
        ("私はClaude 3.5 Sonnetです。", "self_id.ja.i_am"),
        ("いいえ、私はGeminiではなくClaudeです。", "self_id.ja.i_am"),
        ("私は「ChatGPT」です。", "self_id.ja.i_am"),
        ("Claude（クロード）と申します。", "self_id.ja.name_copula"),
        ("AIアシスタントとして、私はGoogleに訓練されています。", "self_id.ja.made_by"),
        ("ちなみに私はAnthropic製のAIです。", "self_id.ja.made_by"),
        ("私はOpenAIのGPT-4で動いています。", "self_id.ja.based_on"),
        ("Claudeがお答えします！", "self_id.ja.name_humble"),
        ("AI言語モデルとして、私はOpenAIのポリシーに従います。", "self_id.ja.policies_i_follow"),
        ('저는 "ChatGPT"입니다.', "self_id.ko.i_am"),
        ("제 이름은 Gemini이고, Google에서 개발했습니다.", "self_id.ko.i_am"),
        ("Claude(클로드)입니다.", "self_id.ko.name_copula"),
        ("Claude가 도와드릴게요!", "self_id.ko.name_humble"),
        ("我是「通义千问」。", "self_id.zh.i_am"),
        ("我由OpenAI的GPT-4驱动。", "self_id.zh.powered_by"),
        ("Claude为您解答：", "self_id.zh.name_humble"),
        # Authorship notes and sign-off lines with a role noun.
        (
            "本ドキュメントは、AIアシスタントのGemini (Antigravity) によって作成されました。",
            "self_id.ja.written_by",
        ),
        ("이 문서는 Claude가 작성했습니다.", "self_id.ko.written_by"),
        ("本文由ChatGPT生成。", "self_id.zh.written_by"),
        ("작업 완료 - AI 어시스턴트 Claude\n=====", "self_id.ko.signoff_role_line"),
        ("以上、よろしくお願いします。\n— AIアシスタント Claude", "self_id.any.signoff_role_line"),
        # The maker, the name and a copula with no subject; the speaker's developer; katakana ワタシ.
        ("Anthropicが作ったClaudeというAIです。", "self_id.ja.maker_made_name"),
        ("OpenAIによって作られた、ChatGPTです。", "self_id.ja.maker_made_name"),
        ("開発元はOpenAIです。", "self_id.ja.developer_is"),
        ("私はClaudeと言うAIアシスタントです。", "self_id.ja.i_am"),
        ("ワタシはGeminiです。", "self_id.ja.i_am"),
        ("私はOpenAIのChatGPTをもとに作られました。", "self_id.ja.based_on"),
        # OrionStar's model answers as ChatMax.
        ("您好，我叫ChatMax，是猎户星空开发的AI助手。", "self_id.zh.i_am"),
        ("저는 ChatMax입니다. 무엇을 도와드릴까요?", "self_id.ko.i_am"),
    ],
)
def test_cjk_claims_of_the_fourth_session_are_found(
    text: str, rule: str, identity: IdentityRules
) -> None:
    assert rule in _rules_of(text, identity)


@pytest.mark.parametrize(
    "text",
    [
        # The writer built something on a model: no AI noun with a copula follows.
        "私はGeminiをベースにしてアプリを作りました。",
        "わたしはClaudeをもとにした要約ツールを公開した。",
        # The name is the topic of its own sentence: a third-person definition.
        "Gemini는 구글이 개발한 AI 모델입니다. 멀티모달 입력을 지원합니다.",
        "Claude 3은 Anthropic에서 만든 어시스턴트입니다.",
        "Geminiは、Googleが開発した大規模言語モデルです。",
        "ChatGPTとは、OpenAIが開発したAIアシスタントです。",
        # What the maker made is the object or instrument of the writer's verb.
        "私はOpenAIが開発したツールを使っています。",
        "私もOpenAIが開発したツールを使っています。",
        "저는 OpenAI가 만든 모델을 사용합니다.",
        "저는 구글이 만든 크롬으로 검색했습니다.",
        # A topic before the role noun, a person's own company, a non-humble "can't" about a name.
        "今日紹介するのは話題のAIモデル、Geminiです。",
        "제 회사는 Google입니다.",
        "Claude로서 할 수 없는 작업은 Gemini에 맡기세요.",
        "나는 ChatGPT라는 AI를 써 봤어.",
        "GeminiよりClaudeの方が好きです。",
        "私はGoogle製のスマホを使っています。",
        "私はGeminiのAPIで動いているアプリを作った。",
        "私はClaude 3.5 Sonnetを使っています。",
        "Claude가 도와드릴 수 있는 일은 많습니다.",
        '저는 "ChatGPT"를 씁니다.',
        "我们的产品由OpenAI的GPT-4驱动。",
        "Claude为我写了代码。",
        "이 문서는 Claude가 작성한 코드를 설명합니다.",
        "この記事はChatGPTを使って書きました。",
        "本文介绍由ChatGPT生成的图片。",
        "- AI 어시스턴트 Claude가 추천하는 책",
        "開発元はOpenAIですか？",
        "このアプリの開発元はOpenAIです。",
        "私はOpenAIが提供するAPIを使っています。",
        "Googleが開発したGeminiは便利です。",
        # Another topic right before the name (the learned step used to flag these).
        "私の友達はChatGPTです。",
        "今日のゲストはGeminiです。",
        # Brackets that are not "me".
        "Claude（有料版）: 月額20ドル",
    ],
)
def test_cjk_hard_negatives_of_the_fourth_session_are_not_claims(
    text: str, identity: IdentityRules
) -> None:
    assert analyze_response(text, identity) == []


def test_an_opening_greeting_still_leads_an_elided_subject_claim(identity: IdentityRules) -> None:
    """The opener before an elided-subject maker claim may be a greeting ("こんにちは、") but not a
    topic ("Geminiは、": the sentence's own subject)."""
    assert _rules_of("こんにちは、Anthropicが開発したAIアシスタントです。", identity) == [
        "self_id.ja.maker_made_ai"
    ]
    assert _rules_of("はい、Googleによって訓練されました。", identity) == [
        "self_id.ja.made_passive"
    ]
    assert _rules_of("Llamaは、Metaによって訓練されました。", identity) == []


def test_the_fourth_cjk_batch_is_split_by_a_hash_of_its_source() -> None:
    """public-cjk2 rows: id "cjk2:" + the index file id, dev / test3 by their own salted hash; no
    source shared with an earlier batch; every language has dev rows of both labels."""
    rows = [json.loads(line) for line in (DATA / "corpus.jsonl").open(encoding="utf-8")]
    batch = [r for r in rows if r["source"] == "public-cjk2"]
    assert len(batch) >= 150
    for row in batch:
        assert row["id"] == "cjk2:" + row["source_id"].removeprefix("code:")
        digest = hashlib.sha256(("identity-corpus-cjk-v2:" + row["id"]).encode()).hexdigest()
        assert row["split"] == ("test3" if int(digest[:8], 16) < 0x80000000 else "dev")
        assert row["lang"] in {"zh", "ja", "ko"}
    earlier = {
        r["source_id"].split("#")[0]
        for r in rows
        if r["source"] in {"public-code", "public-rollouts", "public-cjk", "public-multi"}
    }
    assert not {r["source_id"].split("#")[0] for r in batch} & earlier
    dev = {(r["lang"], r["label"]) for r in batch if r["split"] == "dev"}
    assert dev == {(lang, label) for lang in ("zh", "ja", "ko") for label in (0, 1)}
    assert {r["source"] for r in rows if r["split"] == "test3"} == {"public-cjk2"}
