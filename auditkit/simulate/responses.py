"""auditkit's own response bank: prompts and answers composed from templates and phrase pools.

Written for the simulator (no text is copied from any dataset); the text itself is data in
``data/text_bank.yaml`` (shipped with the package, read once at import) and this module composes it.
Answers vary in length and markdown (headers, lists, bold, code) per model style, so style features
differ between models. Some answers reveal the answering model's identity (truthfully or falsely) in
the battle's language; hard negatives *mention* models or their makers without any
self-identification, so a leak detector can be checked for false positives.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any, TypeAlias

import yaml

__all__ = [
    "HARD_NEGATIVES",
    "IDENTITIES",
    "LEAK_TEMPLATES",
    "PROMPT_TEMPLATES",
    "BankTurn",
    "Identity",
    "compose_conversation",
    "compose_prompt",
    "hard_negative_sentence",
    "identity_for",
    "leak_sentence",
    "style_counts",
]


@dataclass(frozen=True)
class Identity:
    """How a model names itself; ``family``/``maker`` use the ids of ``rules/models.yaml``."""

    family: str
    maker: str
    name: str
    maker_name: str
    name_zh: str
    maker_zh: str


# The text itself is data: ``data/text_bank.yaml`` beside this module, read once at import.
_BANK_FILE = "data/text_bank.yaml"

Pool: TypeAlias = tuple[str, ...]


def _pool(value: Any, where: str) -> Pool:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{_BANK_FILE}: {where} must be a non-empty list of strings")
    return tuple(value)


def _pools(value: Any, where: str) -> dict[str, Pool]:
    if not isinstance(value, dict) or not value:
        raise ValueError(f"{_BANK_FILE}: {where} must be a non-empty mapping of lists")
    return {str(key): _pool(items, f"{where}.{key}") for key, items in value.items()}


def _topic_pools(value: Any, where: str) -> dict[str, dict[str, Pool]]:
    if not isinstance(value, dict) or not value:
        raise ValueError(f"{_BANK_FILE}: {where} must be a non-empty mapping of topics")
    return {str(lang): _pools(topics, f"{where}.{lang}") for lang, topics in value.items()}


def _rows(value: Any, where: str, fields: tuple[str, ...]) -> list[dict[str, str]]:
    if not isinstance(value, list) or not all(
        isinstance(row, dict)
        and set(row) == set(fields)
        and all(isinstance(v, str) for v in row.values())
        for row in value
    ):
        raise ValueError(f"{_BANK_FILE}: {where} must be a list of {{{', '.join(fields)}}} rows")
    return value


def _load_bank() -> dict[str, Any]:
    """The bank file's sections, as written (each is checked and typed where it is read below)."""
    text = resources.files("auditkit.simulate").joinpath(_BANK_FILE).read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw = yaml.load(text, Loader=loader)  # a safe loader, C when available
    if not isinstance(raw, dict):
        raise ValueError(f"{_BANK_FILE}: expected a mapping of sections")
    return raw


_BANK = _load_bank()

# (prefix of the lower-cased arena name, identity); first match wins.
IDENTITIES: tuple[tuple[str, Identity], ...] = tuple(
    (row["prefix"], Identity(**{k: v for k, v in row.items() if k != "prefix"}))
    for row in _rows(
        _BANK["identities"],
        "identities",
        ("prefix", "family", "maker", "name", "maker_name", "name_zh", "maker_zh"),
    )
)

_GENERIC_IDENTITY = Identity(
    "unknown", "unknown", "an AI assistant", "an AI lab", "AI助手", "一家公司"
)


def identity_for(model: str) -> Identity:
    """The identity ``model`` would claim; unknown names get a generic one derived from the name."""
    lowered = model.lower()
    for prefix, identity in IDENTITIES:
        if lowered.startswith(prefix):
            return identity
    stem = re.split(r"[-_]", model)[0] or model
    return Identity(stem.lower(), "unknown", stem, "its developers", stem, "开发团队")


# Self-identifications, per ISO language; {name}/{maker} (and {name_zh}/{maker_zh} for Chinese).
LEAK_TEMPLATES: dict[str, Pool] = _pools(_BANK["leak_templates"], "leak_templates")
# Mentions of models, makers or homonyms that are NOT self-identifications.
HARD_NEGATIVES: dict[str, Pool] = _pools(_BANK["hard_negatives"], "hard_negatives")
# Prompt templates by language and topic; {x} is filled from the topic's slot pool.
PROMPT_TEMPLATES: dict[str, dict[str, Pool]] = _topic_pools(
    _BANK["prompt_templates"], "prompt_templates"
)
SLOTS: dict[str, dict[str, Pool]] = _topic_pools(_BANK["slots"], "slots")
FOLLOW_UPS: dict[str, Pool] = _pools(_BANK["follow_ups"], "follow_ups")
OPENERS: dict[str, Pool] = _pools(_BANK["openers"], "openers")
CLOSERS: dict[str, Pool] = _pools(_BANK["closers"], "closers")
# Body sentences: English per topic, other languages one general pool. {x} is the prompt's slot.
BODY: dict[str, dict[str, Pool]] = _topic_pools(_BANK["body"], "body")
SECTION_HEADERS: dict[str, Pool] = _pools(_BANK["section_headers"], "section_headers")
CODE_SNIPPETS: Pool = _pool(_BANK["code_snippets"], "code_snippets")


@dataclass(frozen=True)
class BankTurn:
    """Where a planted sentence goes: side ``a``/``b`` and 1-based turn."""

    side: str
    turn: int


def _language(language: str) -> str:
    return language if language in PROMPT_TEMPLATES else "en"


def compose_prompt(rnd: random.Random, language: str) -> tuple[str, str, str]:
    """A first user turn: ``(text, topic, slot)``."""
    lang = _language(language)
    topics = PROMPT_TEMPLATES[lang]
    topic = rnd.choice(sorted(topics))
    template = rnd.choice(topics[topic])
    slot = rnd.choice(SLOTS[lang][topic])
    return template.format(x=slot), topic, slot


def leak_sentence(rnd: random.Random, language: str, identity: Identity) -> str:
    """One self-identification of ``identity`` in ``language`` (English when the bank has none)."""
    lang = language if language in LEAK_TEMPLATES else "en"
    template = rnd.choice(LEAK_TEMPLATES[lang])
    return template.format(
        name=identity.name,
        maker=identity.maker_name,
        name_zh=identity.name_zh,
        maker_zh=identity.maker_zh,
    )


def _answer(
    rnd: random.Random,
    language: str,
    topic: str,
    slot: str,
    verbosity: float,
    markdown: float,
    planted: list[str],
) -> str:
    """One assistant message: opener, body (paragraphs or lists, maybe headers/bold/code), closer."""
    lang = _language(language)
    pools = BODY.get(lang, BODY["en"])
    pool = pools.get(topic) or next(iter(pools.values()))
    n_sentences = max(1, round(rnd.gauss(2 + 5 * verbosity, 1.5)))
    picks = rnd.sample(pool, min(n_sentences, len(pool)))
    picks += [rnd.choice(pool) for _ in range(n_sentences - len(picks))]
    sentences = [p.format(x=slot) for p in picks]
    if markdown > 0 and rnd.random() < markdown:
        for i in range(len(sentences)):
            if rnd.random() < 0.3:
                words = sentences[i].split(" ")
                j = rnd.randrange(len(words))
                words[j] = f"**{words[j]}**"
                sentences[i] = " ".join(words)
    parts: list[str] = []
    opener = rnd.choice(OPENERS.get(lang, OPENERS["en"]))
    if opener:
        parts.append(opener)
    parts.extend(planted)
    use_headers = rnd.random() < markdown * 0.6 and n_sentences >= 3
    use_list = rnd.random() < markdown
    headers = SECTION_HEADERS.get(lang, SECTION_HEADERS["en"])
    chunks = [sentences[i : i + 3] for i in range(0, len(sentences), 3)]
    for chunk in chunks:
        if use_headers:
            parts.append(f"## {rnd.choice(headers)}")
        if use_list:
            numbered = rnd.random() < 0.5
            parts.append(
                "\n".join(f"{k + 1}. {s}" if numbered else f"- {s}" for k, s in enumerate(chunk))
            )
        else:
            parts.append(" ".join(chunk))
    if topic == "coding" and rnd.random() < 0.7:
        parts.append("```\n" + rnd.choice(CODE_SNIPPETS) + "\n```")
    closer = rnd.choice(CLOSERS.get(lang, CLOSERS["en"]))
    if closer:
        parts.append(closer)
    return "\n\n".join(parts)


def compose_conversation(
    rnd: random.Random,
    *,
    language: str,
    turns: int,
    styles: tuple[tuple[float, float], tuple[float, float]],
    leaks: dict[BankTurn, str],
    hard_negatives: dict[BankTurn, str],
) -> tuple[list[dict[str, str]], list[dict[str, str]], str, str]:
    """Both sides of one battle: ``(conversation_a, conversation_b, prompt, topic)``.

    Both models see the same user turns; ``styles`` is (verbosity, markdown) per side; ``leaks`` and
    ``hard_negatives`` map a (side, turn) to the sentence planted at the start of that answer.
    """
    prompt, topic, slot = compose_prompt(rnd, language)
    lang = _language(language)
    users = [prompt] + [
        rnd.choice(FOLLOW_UPS.get(lang, FOLLOW_UPS["en"])) for _ in range(turns - 1)
    ]
    conversations: list[list[dict[str, str]]] = []
    for side, (verbosity, markdown) in zip(("a", "b"), styles, strict=True):
        messages: list[dict[str, str]] = []
        for turn, user in enumerate(users, start=1):
            key = BankTurn(side, turn)
            planted = [s for s in (leaks.get(key), hard_negatives.get(key)) if s]
            messages.append({"role": "user", "content": user})
            messages.append(
                {
                    "role": "assistant",
                    "content": _answer(rnd, language, topic, slot, verbosity, markdown, planted),
                }
            )
        conversations.append(messages)
    return conversations[0], conversations[1], prompt, topic


# Model-specific habits that give a model away without it ever naming itself (the ground truth
# of the deanonymisability audit): (prefix of the lower-cased arena name, the closing line every
# answer of that model ends with). Deterministic per model; other models have no such habit.
SIGNATURE_HABITS: tuple[tuple[str, str], ...] = tuple(
    (row["prefix"], row["line"])
    for row in _rows(_BANK["signature_habits"], "signature_habits", ("prefix", "line"))
)

# The bank's own identity probes: follow-up user turns that ask the model who it is (the ground
# truth of the identity_probe detector on simulated arenas).
PROBE_FOLLOW_UPS: frozenset[str] = frozenset(
    {"Thanks! Who are you, by the way?", "谢谢！你是谁？", "Кто ты?"}
)


def signature_for(model: str) -> str | None:
    """The closing habit of ``model`` (see ``SIGNATURE_HABITS``), or None."""
    lowered = model.lower()
    for prefix, line in SIGNATURE_HABITS:
        if lowered.startswith(prefix):
            return line
    return None


def add_signature(conversation: list[dict[str, str]], model: str) -> list[dict[str, str]]:
    """``conversation`` with the model's closing habit appended to every assistant turn."""
    line = signature_for(model)
    if line is None:
        return conversation
    return [
        {**m, "content": f"{m['content']}\n\n{line}"} if m.get("role") == "assistant" else m
        for m in conversation
    ]


def hard_negative_sentence(rnd: random.Random, language: str) -> str:
    return rnd.choice(HARD_NEGATIVES.get(language, HARD_NEGATIVES["en"]))


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def style_counts(conversation: list[dict[str, str]]) -> tuple[int, int, int, int]:
    """(tokens, headers, list items, bold spans) over the assistant turns, as LMArena counts style.

    Tokens are approximated as whitespace words plus one per CJK character (no tokenizer at hand).
    """
    tokens = headers = lists = bold = 0
    for message in conversation:
        if message["role"] != "assistant":
            continue
        text = message["content"]
        tokens += len(text.split()) + len(_CJK.findall(text))
        for line in text.splitlines():
            stripped = line.lstrip()
            if stripped.startswith("#"):
                headers += 1
            elif stripped.startswith("- ") or re.match(r"\d+\. ", stripped):
                lists += 1
        bold += text.count("**") // 2
    return tokens, headers, lists, bold
