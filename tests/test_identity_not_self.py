"""What a name occurrence must NOT be taken for, and the answer forms added for issue 19's second
session: call-me answers, cleft makers, name brackets, Latin brand names in other scripts."""

from __future__ import annotations

import pytest

from auditkit.identity import analyze_response, load_identity_rules
from auditkit.identity.lexicon import IdentityRules
from auditkit.identity.matcher import find_names, is_probe


@pytest.fixture(scope="module")
def identity(default_rules: object) -> IdentityRules:
    return load_identity_rules(default_rules)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("prompt", "response"),
    [
        ("你是ChatGPT吗？", "我不是ChatGPT，我是本平台的客服助手。"),
        ("ChatGPT야?", "아니요, 저는 ChatGPT가 아닙니다. 이 서비스의 상담 도우미예요."),
        ("तुम कौन हो?", "मैं ChatGPT नहीं हूं -- मेरा नाम गरुड़ 1 है।"),
        ("help", "🤖 मैं ChatGPT जैसा AI बॉट हूँ। कुछ भी पूछो!"),
        ("你是什么？", "我是一个类似ChatGPT的AI助手。"),
        ("What are you?", "Think of me as a ChatGPT-style assistant for this store."),
        ("このプラグインのライセンスは？", "このプラグインはAnthropicによって開発されたものです。"),
        ("Flutter가 뭐야?", "Flutter는 Google에서 개발한 오픈소스 UI 프레임워크입니다."),
        (
            "Q. Claude Code가 뭔가요?",
            "Anthropic에서 만든 AI 코딩 도우미입니다. 터미널에서 동작합니다.",
        ),
        (
            "Gemini用のシステム指示を書いて",
            "あなたはGoogleによってトレーニングされた大規模言語モデル、Geminiです。",
        ),
        ("요약해줘", "저는 구글에서 개발자 AI 관련 업무를 담당하는 부사장입니다."),
        ("", "我是谷歌的忠实用户。"),
        (
            "How do I connect?",
            "Replace the placeholders with your actual IBM Quantum account details.",
        ),
        (
            "Which GPU?",
            "I would recommend a single high-end GPU, such as the NVIDIA GeForce RTX 3080.",
        ),
        (
            "What does the log say?",
            "The log shows: `assistant: I am GPT-4, a model by OpenAI` — from upstream.",
        ),
    ],
)
def test_negated_compared_and_other_subjects_are_not_the_speaker(
    prompt: str, response: str, identity: IdentityRules
) -> None:
    probed = is_probe(prompt, identity)
    assert analyze_response(response, identity, probed=probed, user_text=prompt) == []


@pytest.mark.parametrize(
    ("prompt", "response", "name"),
    [
        ("何と呼べばいい？", "ChatGPTと呼んでください。", "ChatGPT"),
        ("뭐라고 부르면 돼?", "Claude라고 불러 주세요!", "Claude"),
        ("怎么称呼你", "叫我通义就好。", "通义"),
        ("Как тебя называть?", "Зовите меня Claude.", "Claude"),
        ("Qui t'a entraîné ?", "C'est Mistral AI qui m'a entraîné.", "Mistral AI"),
        ("お名前を教えて", "私は「Qwen」という名前のAIです。", "Qwen"),
        ("こんにちは", "こんにちは、私はGeminiです", "Gemini"),
        ("今日の天気は？", "（私はAnthropicのClaudeなので、ウェブ閲覧機能がありません）", "Claude"),
        ("你和文心一言谁厉害", "文心一言和我各有所长：我是OpenAI的ChatGPT。", "OpenAI"),
        ("你？", "您好！我是由深度求索 Foundation 创建的AI助手，很高兴为您服务！", "深度求索"),
        ("أي نظام تشغيل أستخدمه؟", "أنا نموذج لغوي كبير، تم تدريبي بواسطة جوجل.", "جوجل"),
    ],
)
def test_answer_forms_that_name_the_speaker(
    prompt: str, response: str, name: str, identity: IdentityRules
) -> None:
    probed = is_probe(prompt, identity)
    matches = analyze_response(response, identity, probed=probed, user_text=prompt)
    assert [m.matched_text for m in matches][:1] == [name]


def test_a_single_colon_line_is_not_a_script_but_two_speaker_lines_are(
    identity: IdentityRules,
) -> None:
    assert analyze_response("Claude: I am Claude.", identity) != []
    script = "User: Who are you?\nChatGPT: I am ChatGPT, by OpenAI.\nUser: ok"
    assert analyze_response(script, identity) == []


@pytest.mark.parametrize(
    "prompt",
    [
        "何と呼べばいい？",
        "뭐라고 부르면 돼?",
        "怎么称呼你",
        "Как тебя называть?",
        "Présente-toi.",
        "¿Cómo debería llamarte?",
        "Tôi nên gọi bạn là gì?",
        "मैं तुम्हें क्या कहूँ?",
    ],
)
def test_what_should_i_call_you_is_a_probe_in_many_languages(
    prompt: str, identity: IdentityRules
) -> None:
    assert is_probe(prompt, identity)


def test_the_prefilter_finds_every_occurrence_longest_first(identity: IdentityRules) -> None:
    text = "I am GPT-4-Turbo; 我是通义千问, and ChatGPT-4o. googled metadata"
    hits = [(text[h.start : h.end], h.name.text) for h in find_names(text, identity)]
    assert hits == [
        ("GPT-4-Turbo", "gpt-4-turbo"),
        ("通义千问", "通义千问"),
        ("ChatGPT-4o", "chatgpt"),
    ]
