"""Claim kinds outside Chinese, Japanese and Korean (issue 19, part B): what counts as the speaker
naming itself, and the hard negatives that must not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditkit.identity import analyze_response, load_identity_rules
from auditkit.identity.lexicon import IdentityRules
from auditkit.identity.matcher import is_probe
from auditkit.rules import RuleError, load_rules

DATA = Path(__file__).resolve().parent / "data" / "identity"


@pytest.fixture(scope="module")
def identity(default_rules: object) -> IdentityRules:
    return load_identity_rules(default_rules)  # type: ignore[arg-type]


def _names(text: str, identity: IdentityRules, prompt: str = "") -> list[str]:
    probed = is_probe(prompt, identity)
    return [
        m.matched_text for m in analyze_response(text, identity, probed=probed, user_text=prompt)
    ]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # descent, in the first person
        ("Sure! I'm built upon the GPT architecture, fine-tuned for chat.", "GPT"),
        ("Estoy basado en la arquitectura GPT, con ajustes para conversar.", "GPT"),
        ("Я основан на архитектуре GPT.", "GPT"),
        ("Ich basiere auf dem Modell GPT-4, angepasst für Dialoge.", "GPT-4"),
        # a comparison that includes the speaker: the shared maker is the speaker's
        ("ChatGPT and I are both trained by OpenAI, but we differ.", "OpenAI"),
        ("Claude et moi avons été créés par Anthropic.", "Anthropic"),
        ("Мы с ChatGPT обе модели от OpenAI.", "OpenAI"),
        ("I come from Anthropic, a safety-focused lab.", "Anthropic"),
        # Vietnamese and Hindi grammar
        ("Tôi là một mô hình ngôn ngữ lớn, được huấn luyện bởi Google.", "Google"),
        ("Tôi là một trí tuệ nhân tạo được gọi là ChatGPT.", "ChatGPT"),
        ("नमस्ते! मैं Gemini AI हूँ, आपकी मदद के लिए तैयार।", "Gemini"),
        ("नमस्ते! मैं KrishiBot हूँ। अब मैं Gemini AI से संचालित हूँ!", "Gemini"),
        ("मैं एक बड़ा भाषा मॉडल हूँ, जिसे गूगल डीपमाइंड द्वारा विकसित किया गया है", "गूगल"),
        # a refusal that names the rules the speaker follows, or the speaker's maker
        ("I'm sorry, but OpenAI's usage policies, which I follow, don't allow this.", "OpenAI"),
        ("Perdona, pero esto va contra las políticas de OpenAI que sigo.", "OpenAI"),
        ("Извините, я не могу помочь. Политика OpenAI, которой я следую, это запрещает.", "OpenAI"),
        ("عذراً، لا أستطيع المساعدة في ذلك لأنني نموذج من OpenAI.", "OpenAI"),
        ("माफ़ कीजिए, मैं यह नहीं कर सकता क्योंकि मैं OpenAI का मॉडल हूँ।", "OpenAI"),
        ("Üzgünüm; OpenAI'ın bir modeli olarak kurallara uymak zorundayım.", "OpenAI"),
        # a sign-off under a closing formula, in any Latin-script language, and in Russian
        ("¡Por los amigos!\n\nCon cariño,\nClaude", "Claude"),
        ("Danke für alles.\n\nViele Grüße,\nChatGPT\n", "ChatGPT"),
        ("Спасибо за вопрос.\n\nС уважением,\nGigaChat", "GigaChat"),
        ("Спасибо за вопрос.\n\nС уважением,\nГигаЧат", "ГигаЧат"),
    ],
)
def test_claim_kinds_in_many_languages_are_found(
    text: str, name: str, identity: IdentityRules
) -> None:
    assert _names(text, identity) == [name]


@pytest.mark.parametrize(
    "text",
    [
        # a negated name, in more languages
        "Não sou o ChatGPT; sou a Luna, assistente desta loja.",
        "Tôi không phải ChatGPT, tôi là trợ lý của cửa hàng.",
        # a quoted claim in single quotes (a system prompt forbidding it)
        "Bạn KHÔNG được nói 'Tôi là ChatGPT' hay 'Tôi được huấn luyện bởi Google'.",
        # infrastructure and products of a maker are not the speaker
        "I'm based on Google Cloud infrastructure.",
        "I was trained on data from Google Books and the open web.",
        # a closing formula above a name that is not the last line: a list, not a signature
        "Best regards,\nClaude\nP.S. the file is attached.",
        # an appositive whose name is the sentence's subject
        "As an AI language model developed by OpenAI, ChatGPT is able to help.",
        # a user of a model and a third-person description
        "Voor mijn app heb ik Flutter gebruikt, een toolkit die door Google is gemaakt.",
        "Gemini — это семейство моделей, которое разработала компания Google.",
    ],
)
def test_hard_negatives_in_many_languages_are_not_claims(
    text: str, identity: IdentityRules
) -> None:
    assert _names(text, identity) == []


def test_an_apostrophe_is_not_a_quotation_mark(identity: IdentityRules) -> None:
    assert _names("Hey, I'm Claude, and l'IA d'Anthropic's sister isn't me.", identity) == [
        "Claude"
    ]


def test_not_self_entries_with_a_suffix_join_the_base_entry(tmp_path: Path) -> None:
    """``not_self.before_more`` adds to ``not_self.before``; a broken one names its key."""
    import shutil

    root = Path(__file__).resolve().parents[1] / "rules"
    pack = tmp_path / "rules"
    shutil.copytree(root, pack)
    path = pack / "identity" / "self_reference.yaml"
    text = path.read_text(encoding="utf-8")
    extra = '  before_zz: "(?i)\\\\bnie\\\\s+bin\\\\s+ich\\\\s+\\\\Z"\n  other_topic_ja:'
    path.write_text(text.replace("  other_topic_ja:", extra, 1), encoding="utf-8")
    widened = load_identity_rules(load_rules(pack))
    assert widened.not_self_before is not None
    assert widened.not_self_before.search("Nie bin ich ")
    assert widened.not_self_before.search("I'm not ")  # the base entry still applies
    path.write_text(
        text.replace("  other_topic_ja:", '  before_zz: "(?i)(unclosed"\n  other_topic_ja:', 1),
        encoding="utf-8",
    )
    with pytest.raises(RuleError, match=r"unclosed|regular expression"):
        load_identity_rules(load_rules(pack))


def test_test2_rows_come_from_the_third_session_sources_only() -> None:
    rows = [json.loads(line) for line in (DATA / "corpus.jsonl").open(encoding="utf-8")]
    test2 = [r for r in rows if r["split"] == "test2"]
    assert test2 and {r["source"] for r in test2} == {"public-multi", "public-cjk"}
    assert not {"zh", "ja", "ko"} & {r["lang"] for r in rows if r["source"] == "public-multi"}
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))


def test_the_augmentation_templates_render_deterministically_with_swapped_names() -> None:
    import sys

    sys.path.insert(0, str(DATA))
    from augment_templates import TEMPLATES, render

    first, again = render(seed=0), render(seed=0)
    assert first == again and len(first) == 3 * len(TEMPLATES)
    langs = {i["lang"] for i in first}
    assert {"en", "es", "fr", "de", "pt", "ru", "ar", "hi", "vi", "tr", "id"} <= langs
    assert not {"zh", "ja", "ko"} & langs
    # every slot is filled, and one template is rendered with different names
    assert not any("{" in i["response"] for i in first)
    renders = [i["response"] for i in first[:3]]
    assert len(set(renders)) > 1
    assert {i["label"] for i in first} == {0, 1}
