"""Claim kinds outside Chinese, Japanese and Korean, fourth session (issue 19, part B): descent
and comparisons in more forms, sign-offs with a name that is also a word, a person called
Claude, and echoes of a requested translation."""

from __future__ import annotations

import pytest

from auditkit.identity import analyze_response, load_identity_rules
from auditkit.identity.evaluate import identity_flags
from auditkit.identity.lexicon import IdentityRules
from auditkit.rulepack import RulePack


@pytest.fixture(scope="module")
def identity(default_rules: RulePack) -> IdentityRules:
    return load_identity_rules(default_rules)


def _rules(text: str, identity: IdentityRules, prompt: str = "") -> list[str]:
    return [m.rule for m in analyze_response(text, identity, user_text=prompt)]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        # descent: the same technology as, created on top of, a fine-tuned version of
        ("Estoy construido sobre la misma tecnología que ChatGPT.", "self_id.es.descent_more"),
        ("Fui creado a partir de Llama 3 con ajuste fino adicional.", "self_id.es.descent_more"),
        ("Soy una versión ajustada de Llama 3.", "self_id.es.descent_more"),
        ("Fui construído sobre a mesma tecnologia que o ChatGPT.", "self_id.pt.descent_more"),
        ("Sou uma versão ajustada do Llama 3.", "self_id.pt.descent_more"),
        ("Я построен на основе Llama 3.", "self_id.ru.descent_more"),
        ("Я — дообученная версия Llama 3.", "self_id.ru.descent_more"),
        ("أنا مبني على Llama 3.", "self_id.ar.descent_more"),
        ("Saya dibangun di atas Llama 3.", "self_id.id.descent"),
        # comparisons that include the speaker and a shared origin
        ("ChatGPT y yo compartimos la misma arquitectura.", "self_id.es.both_more"),
        ("Eu e o ChatGPT fomos treinados pela OpenAI.", "self_id.pt.both_more"),
        ("O ChatGPT e eu somos feitos pela mesma empresa.", "self_id.pt.both_more_after"),
        ("أنا و ChatGPT تم تدريبنا من قبل OpenAI.", "self_id.ar.both_more"),
        ("ChatGPT और मैं दोनों OpenAI द्वारा प्रशिक्षित हैं।", "self_id.hi.both"),
        ("मैं और ChatGPT दोनों एक ही कंपनी से हैं।", "self_id.hi.both_before"),
        # refusals and "as a model of X" in more languages
        (
            "Özür dilerim, OpenAI tarafından geliştirilmiş bir model olarak buna yardım edemem.",
            "self_id.tr.as_a_more",
        ),
        ("Maaf, sebagai model dari OpenAI saya tidak bisa membantu.", "self_id.id.as_a"),
        ("एक OpenAI मॉडल होने के नाते, मैं इसमें मदद नहीं कर सकता।", "self_id.hi.as_name_model"),
        # a false claim: "my name is Bing" in Turkish
        ("Benim adım Bing.", "self_id.tr.my_name"),
        # sign-offs under a farewell or thank-you line, and an ambiguous name under a closing
        # formula: a letter is signed by a name, not by a wind or a star sign
        ("Hasta pronto,\nClaude", "self_id.any.signoff_farewell"),
        ("धन्यवाद,\nClaude", "self_id.any.signoff_farewell"),
        ("Merci,\nMistral", "self_id.any.signoff_farewell"),
        ("Cheers,\nGrok", "self_id.any.signoff_closing"),
        ("Un saludo,\n— Llama", "self_id.any.signoff_closing"),
        # refusals citing the maker's rules as binding the speaker
        (
            "No puedo ayudarte con eso. Las políticas de uso de OpenAI me lo impiden.",
            "self_id.es.policies_bind_me",
        ),
        (
            "Lo siento, pero mis directrices de Anthropic no me permiten hacerlo.",
            "self_id.es.policies_bind_me",
        ),
        (
            "Desculpe, as diretrizes da OpenAI não me permitem fazer isso.",
            "self_id.pt.policies_bind_me",
        ),
        (
            "मुझे खेद है, लेकिन OpenAI की नीतियों के कारण मैं यह नहीं कर सकता।",
            "self_id.hi.policies_bind_me",
        ),
        ("क्षमा करें, Google के दिशानिर्देश मुझे इसकी अनुमति नहीं देते।", "self_id.hi.policies_bind_me"),
        ("Cordialement,\nMistral", "self_id.any.signoff_closing"),
        # the speaker's own "as a model of X", with another model named later in the clause
        ("Als Sprachmodell von OpenAI kann ich das nicht, anders als ChatGPT.", "self_id.de.as_a"),
        ("Ich bin ein Modell von OpenAI, ähnlich wie ChatGPT.", "self_id.de.i_am"),
        ("Fui creado por OpenAI, la misma empresa que hizo ChatGPT.", "self_id.es.made_by"),
        # a model's own product names after "Claude" are not a surname
        ("I'm Claude Sonnet, a model by Anthropic.", "self_id.en.i_am"),
        ("Ich bin Claude Code und helfe dir.", "self_id.de.i_am"),
    ],
)
def test_more_claim_kinds_are_found_by_their_grammar(
    text: str, rule: str, identity: IdentityRules
) -> None:
    assert _rules(text, identity)[:1] == [rule]


@pytest.mark.parametrize(
    "text",
    [
        # a person called Claude: a surname follows the first name
        "Je m'appelle Claude Martin et je suis professeur.",
        "Bonjour, je m'appelle Claude HENRY. Je possède une solide expérience de soignant.",
        "Soy Claude Martínez, tu profesor de historia.",
        "Claude Debussy composed La Mer in 1905.",
        # the speaker beside a model, without a shared origin
        "ChatGPT y yo hablamos ayer.",
        "मैं और ChatGPT दोनों गलत थे।",
        # "adım" is also "step"
        "İlk adım ChatGPT'ye sormak.",
        # a person trained at a maker; a place, not a model
        "Fui entrenado en Google durante dos años como ingeniero.",
        "Saya berbasis di Jakarta dan bekerja di Google.",
        # a third-person "as a model of X" with no first person
        "Sebagai model dari OpenAI, ChatGPT sangat populer.",
        # an appositive whose name belongs to the clause's subject, another model
        "Als Sprachmodell von OpenAI kann ChatGPT Fragen beantworten.",
        "Como modelo de linguagem desenvolvido pela OpenAI, o ChatGPT pode responder perguntas.",
        "Come modello linguistico sviluppato da OpenAI, ChatGPT può rispondere alle domande.",
        "OpenAI tarafından geliştirilmiş bir dil modeli olarak ChatGPT soruları yanıtlayabilir.",
        "OpenAI द्वारा विकसित भाषा मॉडल के रूप में, ChatGPT सवालों के जवाब दे सकता है।",
        # a maker's rules that bind someone else, or that the speaker merely judges
        "Las políticas de Google permiten publicar apps gratuitas.",
        "Las normas de OpenAI me parecen razonables.",
        "Google की नीतियों के बारे में मैं ज़्यादा नहीं जानता।",
        "Je suis le mistral, le vent du nord.",
        # a wind, and a letter signed by a person
        "Le mistral souffle fort.\nCordialement,\nJean",
        "Gracias,\nla mistral",
    ],
)
def test_hard_negatives_of_the_new_kinds_are_not_claims(text: str, identity: IdentityRules) -> None:
    assert analyze_response(text, identity) == []


def test_a_requested_translation_that_echoes_a_name_is_not_a_leak(
    default_rules: RulePack,
) -> None:
    """The user asked to translate a sentence naming a model: the reply is the translation, so the
    finding stays below invalidation (like a role-play echo); a name the user did not write, or a
    reply that names itself while translating something else, is a leak."""
    items = [
        {
            "prompt": 'Translate "I am ChatGPT, made by OpenAI" into French',
            "response": "Je suis ChatGPT, créé par OpenAI.",
        },
        {"prompt": "Traduce al español: I am Claude.", "response": "Soy Claude."},
        {
            "prompt": "Translate 'good morning' into French",
            "response": "Bonjour ! Je suis ChatGPT : « good morning » se dit « bonjour ».",
        },
        {"prompt": "Translate 'I am Claude' into Spanish", "response": "Soy Gemini, de Google."},
    ]
    rows = [{**item, "model": "some-model", "label": 0} for item in items]
    assert identity_flags(rows, default_rules) == [False, False, True, True]


def test_a_translation_echo_is_reported_with_its_reason(default_rules: RulePack) -> None:
    from auditkit.detectors.identity import IdentityLeakDetector
    from auditkit.schema import BattleTable

    prompt = {"role": "user", "content": 'Translate "I am Claude" into Spanish'}
    table = BattleTable.from_records(
        [
            {
                "vote_id": "v1",
                "model_a": "gpt-4",
                "model_b": "other",
                "winner": "model_a",
                "conversation_a": [prompt, {"role": "assistant", "content": "Soy Claude."}],
                "conversation_b": [prompt, {"role": "assistant", "content": "Yo soy Claude."}],
            }
        ]
    )
    findings = IdentityLeakDetector().detect(table, default_rules).findings
    assert findings, "the echo is still reported"
    for finding in findings:
        assert finding.evidence["translation_echo"] is True
        assert finding.evidence["roleplay_echo"] is False
        assert finding.severity.value == "low"
        assert "echo of a requested translation" in finding.message
