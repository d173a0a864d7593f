"""Find where a response names itself: a one-pass name prefilter, then self-reference rules.

Why two stages: almost no response mentions a model or maker at all, so one Aho-Corasick pass
over the lower-cased text (every lexicon name in every language at once) rejects most text at
C speed; only the few name occurrences found are examined by the per-language regexes, which
look at the sentence around each occurrence to tell "I am Claude" from "Claude is a chatbot".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from auditkit.identity.anypattern import any_pattern, guarded, remembered
from auditkit.identity.lexicon import IdentityName, IdentityRules, SelfReferenceRule
from auditkit.identity.memo import remember
from auditkit.identity.normalise import (
    NormalisedText,
    may_need_normalising,
    needs_normalising,
    normalise,
    unchanged,
)
from auditkit.identity.routing import rule_router
from auditkit.identity.scorer import NEAR_LEFT, NEAR_RIGHT, CandidateContext, worth_scoring

__all__ = [
    "NameHit",
    "SelfIdMatch",
    "analyze_response",
    "candidate_contexts",
    "find_names",
    "has_name",
    "is_probe",
    "is_roleplay",
    "is_translation_request",
    "lower_same_length",
    "scripts_of",
]

_VERSION_TAIL = re.compile(r"[A-Za-z0-9.+-]*")
# A suffix that makes the name an adjective ("ChatGPT-style", "GPT-like", "Llama-based") is not
# part of a version: the tail stops before it.
_ADJECTIVE_SUFFIX = re.compile(
    r"-(?:style|like|based|powered|esque|type|ish|inspired|compatible)\b", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"(?:[.!?](?=\s)|[。！？\n])")
_FENCE = re.compile(r"```.*?(?:```|\Z)", re.DOTALL)
_SPEAKER_LINE = re.compile(
    r"^\s*[*_>#-]*\s*[^\s:：][^:：\n]{0,40}?[*_]*\s*(?:\([^)\n]*\))?\s*[:：]"
)
_OPEN_CLOSE = {"“": "”", "«": "»", "「": "」", "『": "』", "„": "“"}
_STRAIGHT_QUOTES = '"'


def lower_same_length(text: str) -> str:
    """``text.lower()`` with one output character per input character, so spans line up."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch.lower()[0] for ch in text)


@dataclass(frozen=True)
class NameHit:
    """A lexicon name standing as a word in the text; ``end`` includes any version suffix."""

    start: int
    end: int
    name: IdentityName


@dataclass(frozen=True)
class SelfIdMatch:
    """A response naming itself: which rule, where, and what identity it claims."""

    rule: str
    lang: str
    start: int
    end: int
    matched_text: str
    name: str
    kind: str
    family: str | None
    maker: str
    snippet: str


_ASCII_ALPHA = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_ASCII_ALNUM = _ASCII_ALPHA | frozenset("0123456789")


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _is_ascii_alpha(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _boundary_ok(text: str, start: int, end: int, name: IdentityName) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    if name.latin:
        return not _is_ascii_alnum(before) and not _is_ascii_alpha(after)
    if _is_cyrillic(name.text[0]):
        return not _is_cyrillic(before)
    return True


def _name_matches(lowered: str, rules: IdentityRules) -> list[tuple[int, int, int]]:
    """Every (pattern, start, end) of the lexicon automaton in ``lowered``, overlapping ones too.

    An ASCII text goes to the byte automaton (the same patterns in the same order, see
    ``IdentityRules.byte_names``): its byte offsets are its character offsets, so the answer is
    the same list without mapping UTF-8 offsets back to characters.
    """
    if lowered.isascii():
        return rules.byte_names.automaton.find_matches_as_indexes(
            lowered.encode("ascii"), overlapping=True
        )
    return rules.automaton.find_matches_as_indexes(lowered, overlapping=True)


def has_name(text: str, rules: IdentityRules) -> bool:
    """Prefilter: does any lexicon name stand as a word in ``text``? (one automaton pass)"""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = lower_same_length(text)
    found = _name_matches(lowered, rules)
    if not found:  # almost every response: no name at all
        return False
    keys = rules.automaton_keys
    names = rules.names
    return any(_boundary_ok(lowered, start, end, names[keys[index]]) for index, start, end in found)


def find_names(text: str, rules: IdentityRules) -> list[NameHit]:
    """Every lexicon name in ``text``, longest at each place, non-overlapping, in text order."""
    lowered = lower_same_length(text)
    keys = rules.automaton_keys
    names = rules.names
    # (start, minus length, automaton order, end, name) of each occurrence standing as a word:
    # sorted, the longest first at each place, ties in the automaton's order.
    hits: list[tuple[int, int, int, int, IdentityName]] = []
    size = len(lowered)
    for index, start, end in _name_matches(lowered, rules):
        name = names[keys[index]]
        # _boundary_ok, written out (it runs for every occurrence, most of them inside words).
        if name.latin:
            if (start > 0 and lowered[start - 1] in _ASCII_ALNUM) or (
                end < size and lowered[end] in _ASCII_ALPHA
            ):
                continue
        elif start > 0 and _is_cyrillic(name.text[0]) and _is_cyrillic(lowered[start - 1]):
            continue
        hits.append((start, start - end, len(hits), end, name))
    hits.sort()
    out: list[NameHit] = []
    last_end = -1
    for start, _, _, hit_end, name in hits:
        if start < last_end:
            continue
        end = hit_end
        if name.latin and end < len(text) and text[end] in "-.+0123456789":
            tail = _VERSION_TAIL.match(text, end)
            if tail is not None:
                adjective = _ADJECTIVE_SUFFIX.search(text, end, tail.end())
                end = adjective.start() if adjective is not None else tail.end()
                while end > hit_end and text[end - 1] in ".-+":
                    end -= 1
        out.append(NameHit(start, end, name))
        last_end = end
    return out


_SCRIPT_CHARS = {
    "cjk": re.compile("[\u4e00-\u9fff\u3040-\u30ff\u3400-\u4dbf]"),
    "hangul": re.compile("[\uac00-\ud7af\u1100-\u11ff]"),
    "cyrillic": re.compile("[\u0400-\u04ff]"),
    "hebrew": re.compile("[\u0590-\u05ff]"),
    "arabic": re.compile("[\u0600-\u06ff]"),
    "devanagari": re.compile("[\u0900-\u097f]"),
}
_ASCII_LETTER = re.compile("[A-Za-z]")
_OUTSIDE_KNOWN_SCRIPTS = re.compile(
    "[^\x00-\x7f\u0400-\u04ff\u0590-\u05ff\u0600-\u06ff\u0900-\u097f\u1100-\u11ff"
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]"
)


def scripts_of(text: str) -> set[str]:
    """Writing systems present in ``text`` (used to route to the per-language rules).

    Any other letter (é, ü, ñ) counts as Latin. Regex scans, not a Python loop per character:
    this runs for every name occurrence.
    """
    found: set[str] = set()
    if _ASCII_LETTER.search(text) is not None:
        found.add("latin")
    if text.isascii():
        return found
    for script, pattern in _SCRIPT_CHARS.items():
        if pattern.search(text) is not None:
            found.add(script)
    if "latin" not in found:
        for m in _OUTSIDE_KNOWN_SCRIPTS.finditer(text):
            if m.group().isalpha():
                found.add("latin")
                break
    return found


# scripts_of of a sentence before a name, by the sentence (up to this long, this many at most).
_REMEMBER_BEFORE = 200
_REMEMBER_BEFORES = 8_192
_SCRIPTS_BEFORE: dict[str, frozenset[str]] = {}


def _scripts_before(before_text: str) -> frozenset[str]:
    """``scripts_of(before_text)``, remembered for short sentences (they repeat: "I am ")."""
    known = _SCRIPTS_BEFORE.get(before_text)
    if known is None:
        known = frozenset(scripts_of(before_text))
        remember(
            _SCRIPTS_BEFORE,
            before_text,
            known,
            len(before_text),
            longest=_REMEMBER_BEFORE,
            most=_REMEMBER_BEFORES,
        )
    return known


def is_probe(user_text: str, rules: IdentityRules) -> bool:
    """Does a user turn ask the assistant who it is?"""
    return any_pattern(rules.probes).search(user_text)


def is_roleplay(user_text: str, rules: IdentityRules) -> bool:
    """Does a user turn ask for role-play, a script, a story or a joke?"""
    return any_pattern(rules.roleplay).search(user_text)


def is_translation_request(user_text: str, rules: IdentityRules) -> bool:
    """Does a user turn ask for a translation?"""
    return any_pattern(rules.translate).search(user_text)


# _SENTENCE_END read backwards: its first match in the reversed window is its last match in the
# window (each match is one character; the lookahead becomes a lookbehind).
_SENTENCE_END_REVERSED = re.compile(r"(?:(?<=\s)[.!?]|[。！？\n])")


def _sentence_start(text: str, pos: int, window: int) -> int:
    """Where the sentence holding ``pos`` starts: just after the last sentence end (``.!?``
    before a space, ``。！？`` or a line break) in the ``window`` characters before ``pos``, or the
    window's start. The same as the end of the last ``_SENTENCE_END.finditer(text, lo, pos)``
    match, found with one backward search instead of a loop over every match."""
    lo = max(0, pos - window)
    m = _SENTENCE_END_REVERSED.search(text[lo:pos][::-1])
    return lo if m is None else pos - m.start()


def _code_spans(text: str) -> list[tuple[int, int]]:
    if "```" not in text:
        return []
    return [(m.start(), m.end()) for m in _FENCE.finditer(text)]


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    return bool(spans) and any(a <= pos < b for a, b in spans)


_SPEAKER_LINES = re.compile(_SPEAKER_LINE.pattern, re.MULTILINE)


def _is_script(text: str) -> bool:
    """At least two "Speaker:" lines: a dialogue or script. One "X: …" line is usually a label or a
    colon inside a sentence ("文心一言和我各有所长：我是…")."""
    return sum(1 for _ in zip(range(2), _SPEAKER_LINES.finditer(text), strict=False)) >= 2


def _name_bracket(text: str, start: int, end: int) -> bool:
    """Quotation marks around the name alone ("私は「Qwen」という…", 'I am "Claude"') set a name
    off; they do not quote someone else's words."""
    opening = text[start - 1 : start]
    closing = _OPEN_CLOSE.get(opening, opening if opening == _STRAIGHT_QUOTES else None)
    return closing is not None and text[end : end + 1] == closing


def _quoted(text: str, pos: int, end: int | None = None) -> bool:
    """Inside quotation marks on its line, or on a "Speaker:" script line: not the assistant."""
    if end is not None and _name_bracket(text, pos, end):
        return False
    line_start = text.rfind("\n", 0, pos) + 1
    prefix = text[line_start:pos]
    known = _PREFIX_QUOTED.get(prefix)
    if known is None:
        known = (_SPEAKER_LINE.match(prefix) is not None, _quoted_prefix(prefix))
        remember(
            _PREFIX_QUOTED,
            prefix,
            known,
            len(prefix),
            longest=_REMEMBER_PREFIX,
            most=_REMEMBER_PREFIXES,
        )
    speaker, quoted = known
    return (speaker and _is_script(text)) or quoted


# _quoted's answers by the line's prefix (lines up to this long, this many at most): a function of
# the prefix alone, and lines open the same way across responses ("I am ", "- ").
_REMEMBER_PREFIX = 200
_REMEMBER_PREFIXES = 8_192
_PREFIX_QUOTED: dict[str, tuple[bool, bool]] = {}


def _quoted_prefix(prefix: str) -> bool:
    """Does the line so far (``prefix``) leave the position inside quotation marks or inline code?"""
    if prefix.count(_STRAIGHT_QUOTES) % 2 == 1 or prefix.count("`") % 2 == 1:
        return True  # inside "…" or inline `code` on this line
    if _single_quoted(prefix):
        return True
    for open_q, close_q in _OPEN_CLOSE.items():
        if prefix.count(open_q) > prefix.count(close_q) - (open_q == close_q):
            return True
    return False


# Single quotes double as apostrophes ("I'm", "l'IA", "models' outputs"): only a quote that opens
# after a space or punctuation and is followed by a letter counts as opening, only one closing
# after a non-space and before a space, punctuation or the end counts as closing.
_SINGLE_OPEN = re.compile(r"(?:^|(?<=[\s(\[:;,]))['‘](?=\w)")
_SINGLE_CLOSE = re.compile(r"(?<=\S)['’](?=[\s.,;:!?)\]]|$)")


def _single_quoted(prefix: str) -> bool:
    """Inside '…' on this line (the prefix opens more single quotes than it closes)."""
    if "'" not in prefix and "‘" not in prefix:
        return False
    opened = len(_SINGLE_OPEN.findall(prefix))
    return opened > 0 and opened > len(_SINGLE_CLOSE.findall(prefix))


def _snippet(text: str, start: int, end: int, width: int = 60) -> str:
    lo, hi = max(0, start - width), min(len(text), end + width)
    body = " ".join(text[lo:hi].split())
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")


def _rule_matches(rule: SelfReferenceRule, text: str, hit: NameHit, before_text: str) -> bool:
    """Do the rule's ``before``, ``after``, ``after_not`` and ``prev_line`` all say yes?

    The tests are independent, so the cheapest goes first: ``after`` is anchored at the name's
    end and most often fails on its first characters, while ``before`` (anchored at the end of
    the sentence so far) is tried from every position of that sentence.
    """
    if rule.before is None and rule.after is None:
        return False
    if rule.after is not None and rule.after.match(text, hit.end) is None:
        return False
    if rule.after_not is not None and rule.after_not.match(text, hit.end) is not None:
        return False
    if rule.before is not None and rule.before.search(before_text) is None:
        return False
    return (
        rule.prev_line is None or rule.prev_line.search(_previous_line(text, hit.start)) is not None
    )


def _rule_matches_after(rule: SelfReferenceRule, text: str, hit: NameHit) -> bool:
    """:func:`_rule_matches` of a rule whose ``before`` pattern is known to match (or that has
    none; :meth:`~auditkit.identity.routing.RuleRouter.matching` answers that per sentence):
    the tests of what follows the name and of the line before, in the same order."""
    if rule.after is not None:
        if rule.after.match(text, hit.end) is None:
            return False
    elif rule.before is None:
        return False
    if rule.after_not is not None and rule.after_not.match(text, hit.end) is not None:
        return False
    return (
        rule.prev_line is None or rule.prev_line.search(_previous_line(text, hit.start)) is not None
    )


def _previous_line(text: str, pos: int) -> str:
    """The last non-empty line before the line holding ``pos`` ("" when there is none)."""
    end = text.rfind("\n", 0, pos)
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end]
        if line.strip():
            return line
        end = start - 1
    return ""


def _ai_sense(text: str, hit: NameHit, hits: list[NameHit], rules: IdentityRules) -> bool:
    """Is an ambiguous name ("Gemini", "Phi", "Mistral") meant as an AI in its sentence?

    Yes when an AI word is near it, or when its own maker (for a maker: one of its models) is
    named beside it ("Phi from Microsoft", "Meta开发的Llama"): a star sign or a wind has no maker.
    """
    lo = _sentence_start(text, hit.start, rules.window)
    hi = min(len(text), hit.end + 100)
    if rules.ai_context.search(text, lo, hi) is not None:
        return True
    if hit.name.latin and _latin_word_in_other_script(text, hit, lo):
        return True
    return any(
        other is not hit
        and other.name.maker == hit.name.maker
        and (other.name.kind != hit.name.kind or not other.name.ambiguous)
        and lo <= other.start < hi
        for other in hits
    )


_OTHER_SCRIPT = re.compile(
    "[\u0400-\u04ff\u0600-\u06ff\u0900-\u097f\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]"
)


def _latin_word_in_other_script(text: str, hit: NameHit, lo: int) -> bool:
    """A Latin-spelled name in a sentence written in another script ("私はGeminiです",
    "저는 Kimi입니다"): a star sign or an animal would be written in that script, so it is the brand."""
    before = text[lo : hit.start]
    after = text[hit.end : hit.end + 20]
    return (
        _OTHER_SCRIPT.search(before[-20:] + after) is not None
        and _ASCII_LETTER.search(before[-20:]) is None
    )


def _negated_or_compared(text: str, hit: NameHit, before: str, rules: IdentityRules) -> bool:
    """``not_self.before`` / ``not_self.after``: "not ChatGPT", "ChatGPT가 아닙니다", "ChatGPT-style";
    ``not_self.person_after``: a first name with a surname ("Claude Martin")."""
    if rules.not_self_before is not None and guarded(rules.not_self_before).finds(before[-24:]):
        return True
    if (
        rules.person_after is not None
        and text[hit.start : hit.end].lower() in rules.person_names
        and rules.person_after.match(text, hit.end) is not None
    ):
        return True
    return rules.not_self_after is not None and (
        remembered(rules.not_self_after).matches(text[hit.end : hit.end + 24])
    )


def not_self(text: str, hit: NameHit, rules: IdentityRules, self_near: bool | None = None) -> bool:
    """Is this name occurrence negated, compared with, or the topic of another subject's sentence?"""
    lo = _sentence_start(text, hit.start, rules.window)
    before = text[lo : hit.start]
    if _negated_or_compared(text, hit, before, rules):
        return True
    if (
        rules.elided_subject_not_after is not None
        and not has_self_marker(before, rules)
        and _addressed_before(text, lo, rules)
    ):
        return True  # "あなたはChatGPTです。OpenAIによって…": the subject carried over is "you"
    if rules.other_topic and not has_self_marker(before, rules):
        if self_near is None:
            self_near = _self_near(text, hit, rules)
        if not self_near and any(p.search(before) for p in rules.other_topic):
            return True
    return False


def _appositive_of_another(
    text: str, hit: NameHit, hits: list[NameHit], rules: IdentityRules
) -> bool:
    """Does the phrase holding ``hit`` describe a model named right after it, the subject of the
    clause ("Como modelo desarrollado por OpenAI, ChatGPT puede …", "Als Sprachmodell von OpenAI
    kann ChatGPT …")? ``not_self.appositive_gap`` is matched on the text between the two."""
    gap = rules.appositive_gap
    if gap is None:
        return False
    for other in hits:
        if other.start < hit.end or other.name.kind != "family" or other.name == hit.name:
            continue
        between = text[hit.end : other.start]
        if len(between) > 80 or _SENTENCE_TAIL.search(between) is not None:
            return False
        if gap.search(between) is not None and not has_self_marker(between, rules):
            return True
    return False


def _addressed_before(text: str, sent_start: int, rules: IdentityRules) -> bool:
    """Did an earlier sentence of this line address "you" ("あなたはChatGPTです。OpenAIによって訓練
    された…")? A following sentence with no subject of its own is then about "you", not the speaker."""
    pattern = rules.elided_subject_not_after
    if pattern is None or sent_start == 0:
        return False
    line_start = text.rfind("\n", 0, sent_start) + 1
    return pattern.search(text, line_start, sent_start) is not None


def _elided_subject_elsewhere(
    text: str,
    sent_start: int,
    hits: list[NameHit],
    rules: IdentityRules,
    *,
    probed: bool,
    user_text: str,
) -> bool:
    """Whose is a sentence with no subject of its own ("Anthropicが開発したAIアシスタントです。")?
    Not the speaker's when the line addressed "you" before it, when the question just before it
    names a model or product ("Q. Claude Code가 뭔가요? Anthropic에서 만든 …"), or when the user asked
    about a named model or product rather than who the assistant is ("Claude Codeとは？")."""
    if _addressed_before(text, sent_start, rules) or _named_in_question_before(
        text, sent_start, hits
    ):
        return True
    return not probed and bool(user_text) and has_name(user_text, rules)


def _named_in_question_before(text: str, sent_start: int, hits: list[NameHit]) -> bool:
    """Does a question naming a model or product end just before this sentence ("Q. Claude Code가
    뭔가요?")? A following sentence without a subject of its own answers it."""
    lo = max(0, sent_start - 80)
    question = max(text.rfind("?", lo, sent_start), text.rfind("？", lo, sent_start))
    return question >= 0 and any(lo <= h.start < question for h in hits)


def _make_match(
    rule_id: str, lang: str, norm: NormalisedText, original: str, hit: NameHit
) -> SelfIdMatch:
    start, end = norm.original_span(hit.start, hit.end)
    return SelfIdMatch(
        rule=rule_id,
        lang=lang,
        start=start,
        end=end,
        matched_text=original[start:end],
        name=hit.name.text,
        kind=hit.name.kind,
        family=hit.name.family,
        maker=hit.name.maker,
        snippet=_snippet(original, start, end),
    )


_SENTENCE_TAIL = re.compile(r"[.!?。！？\n]")
_OPENING_JUNK = re.compile(r"[\W_\d]*", re.UNICODE)


def _context(
    text: str,
    hit: NameHit,
    rules: IdentityRules,
    *,
    probed: bool,
    translate: bool,
    roleplay: bool,
    hits: list[NameHit],
    self_near: bool,
    sent_start: int | None = None,
    quoted: bool | None = None,
    opens_sentence: bool | None = None,
) -> CandidateContext:
    """The occurrence's :class:`CandidateContext`; ``sent_start``, ``quoted`` and
    ``opens_sentence``: what the caller has computed already (None: computed here)."""
    if sent_start is None:
        sent_start = _sentence_start(text, hit.start, rules.window)
    if quoted is None:
        quoted = _quoted(text, hit.start, hit.end)
    if opens_sentence is None:
        opens_sentence = _OPENING_JUNK.fullmatch(text[sent_start : hit.start]) is not None
    left = text[_word_start_after(text, max(sent_start, hit.start - 60), hit.start) : hit.start]
    right = text[hit.end : _word_end_before(text, hit.end, min(len(text), hit.end + 40))]
    tail = _SENTENCE_TAIL.search(right)
    if tail is not None:
        right = right[: tail.end()]
    return CandidateContext(
        left=left,
        right=right,
        kind=hit.name.kind,
        self_before=has_self_marker(left, rules),
        self_after=has_self_marker(right, rules),
        probed=probed,
        at_start=hit.start <= rules.answer_to_probe_offset,
        quoted=quoted,
        translate=translate,
        roleplay=roleplay,
        opens_sentence=opens_sentence,
        self_near=self_near,  # _self_near(text, hit, rules), which the gate has asked
        several_names=any(
            other is not hit and sent_start <= other.start < hit.end + len(right) for other in hits
        ),
    )


_WORDS = re.compile(r"\w+")


def has_self_marker(text: str, rules: IdentityRules) -> bool:
    """A first-person word (``self_marker_words``) or form (``self_markers``) in ``text``."""
    words = rules.self_marker_words
    if words and not words.isdisjoint(_WORDS.findall(text.lower())):
        return True
    return rules.self_markers is not None and remembered(rules.self_markers).finds(text)


def _self_near(text: str, hit: NameHit, rules: IdentityRules) -> bool:
    """A first-person marker close to the name (the learned step's gate; a short, cheap window)."""
    lo = _word_start_after(text, max(0, hit.start - NEAR_LEFT), hit.start)
    hi = _word_end_before(text, hit.end, min(len(text), hit.end + NEAR_RIGHT))
    return has_self_marker(text[lo : hit.start], rules) or has_self_marker(
        text[hit.end : hi], rules
    )


def _word_start_after(text: str, lo: int, limit: int) -> int:
    """``lo``, moved past a word the window would cut in two ("Lla|ma 3" must not read "ma",
    French "my")."""
    if lo == 0 or not text[lo - 1].isalnum():
        return lo
    while lo < limit and text[lo].isalnum():
        lo += 1
    return lo


def _word_end_before(text: str, hi: int, end: int) -> int:
    """``end``, moved back before a word the window would cut in two."""
    if end >= len(text) or not text[end].isalnum():
        return end
    while end > hi and text[end - 1].isalnum():
        end -= 1
    return end


def candidate_contexts(
    text: str, rules: IdentityRules, *, probed: bool = False, user_text: str = ""
) -> list[CandidateContext]:
    """The learned step's candidates: name occurrences that pass its gate (training uses this)."""
    norm = normalise(text)
    hits = find_names(norm.text, rules)
    if len(hits) > rules.learned_max_names:
        return []
    codes = _code_spans(norm.text)
    return [ctx for _, ctx in _gated(norm.text, hits, codes, rules, probed, user_text)]


def _gated(
    text: str,
    hits: list[NameHit],
    codes: list[tuple[int, int]],
    rules: IdentityRules,
    probed: bool,
    user_text: str,
) -> Iterator[tuple[NameHit, CandidateContext]]:
    """Name occurrences worth scoring: outside code, not an echo of a requested translation or
    role-play (the user wrote the name), an ambiguous name only in its AI sense, past the gate."""
    # What the user's text says is asked once, and only when a hit gets that far.
    translate: bool | None = None
    roleplay: bool | None = None
    user_names_one: bool | None = None
    user_lower = user_text.lower()
    for hit in hits:
        # Cheap superset of the gate first: most mentions have no first-person word near them.
        near = _self_near(text, hit, rules)
        if not probed and hit.start > rules.answer_to_probe_offset and not near:
            continue
        if not near:
            if user_names_one is None:
                # The user asked about a named model or product ("Claude Code가 뭔가요?"): an
                # answer whose subject is left out ("Anthropic에서 만든 AI 코딩 도우미입니다") is
                # about that, not the speaker.
                user_names_one = not probed and bool(user_text) and has_name(user_text, rules)
            if user_names_one:
                continue
        if _inside(codes, hit.start):
            continue
        # What worth_scoring asks of the context, asked first (every test here is a filter, so
        # their order does not change which occurrences are yielded): a name far from any
        # first-person word, unprobed, counts only when it opens its sentence (it is already
        # within the reply's first words), and never in quotation marks.
        sent_start = _sentence_start(text, hit.start, rules.window)
        opens = _OPENING_JUNK.fullmatch(text[sent_start : hit.start]) is not None
        if not (near or probed or opens):
            continue
        quoted = _quoted(text, hit.start, hit.end)
        if quoted:
            continue
        if translate is None:
            translate = is_translation_request(user_text, rules)
        if roleplay is None:
            roleplay = is_roleplay(user_text, rules)
        if (translate or roleplay) and hit.name.text in user_lower:
            continue
        if hit.name.ambiguous and not probed and not _ai_sense(text, hit, hits, rules):
            continue
        if not_self(text, hit, rules, near) or _appositive_of_another(text, hit, hits, rules):
            continue
        if not has_self_marker(text[sent_start : hit.start], rules) and _named_in_question_before(
            text, sent_start, hits
        ):
            continue  # the answer to a question about a named model, not the speaker
        ctx = _context(
            text,
            hit,
            rules,
            probed=probed,
            translate=translate,
            roleplay=roleplay,
            hits=hits,
            self_near=near,
            sent_start=sent_start,
            quoted=quoted,
            opens_sentence=opens,
        )
        if worth_scoring(ctx):
            yield hit, ctx


def analyze_response(
    text: str,
    rules: IdentityRules,
    *,
    probed: bool = False,
    user_text: str = "",
) -> list[SelfIdMatch]:
    """Self-identifications in one assistant message, in text order.

    ``probed`` says the user asked who the model is (it lets an ambiguous name count and enables
    the answer-to-probe rule); ``user_text`` is the user's side so far (a name the user wrote is
    not *revealed* by a bare answer). The text is normalised first (normalise.py); spans are
    reported on the original. When no rule accepts any name, the learned scorer (scorer.py), if
    the rule pack enables it, judges each name occurrence outside code.
    """
    original = text
    hits = find_names(text, rules)
    if not hits:
        return []
    # Normalise only when a character it would change lies where the rules look (the sentence
    # before a name, the words after it); most text is left as it is, at no cost.
    if may_need_normalising(text) and needs_normalising(
        text, [(max(0, h.start - rules.window), h.end + 60) for h in hits]
    ):
        norm = normalise(text)
        text = norm.text
        hits = find_names(text, rules)
    else:
        norm = unchanged(text)
    codes = _code_spans(text)
    user_lower = user_text.lower()
    router = rule_router(rules.rules)
    matches: list[SelfIdMatch] = []
    for hit in hits:
        sent_start = _sentence_start(text, hit.start, rules.window)
        before_text = text[sent_start : hit.start]
        after_text = text[hit.end : hit.end + 40]
        # The name itself routes too: a sign-off line "- Gemini" has no other letters. The scripts
        # of the sentence so far are remembered (scripts_of of two texts joined by a space is the
        # union of theirs: each script is found one character at a time).
        scripts = _scripts_before(before_text) | scripts_of(
            text[hit.start : hit.end] + " " + after_text
        )
        in_code = _inside(codes, hit.start)
        quoted: bool | None = None
        # The rules of these scripts and this kind of name whose `before` matches, in order.
        for rule in router.matching(scripts, hit.name.kind, before_text):
            if in_code and not rule.in_code:
                continue
            if not _rule_matches_after(rule, text, hit):
                continue
            if rule.elided_subject and _elided_subject_elsewhere(
                text, sent_start, hits, rules, probed=probed, user_text=user_text
            ):
                continue
            if _negated_or_compared(text, hit, before_text, rules):
                break
            if _appositive_of_another(text, hit, hits, rules):
                break
            if not rule.in_code:
                if quoted is None:
                    quoted = _quoted(text, hit.start, hit.end)
                if quoted:
                    break
            if (
                hit.name.ambiguous
                and not probed
                and not rule.ambiguous_ok
                and not _ai_sense(text, hit, hits, rules)
            ):
                continue  # a later rule whose grammar settles the sense (ambiguous_ok) may apply
            matches.append(_make_match(rule.id, rule.lang, norm, original, hit))
            break
    if not matches and probed:
        for hit in hits:
            if hit.start > rules.answer_to_probe_offset:
                break
            if hit.name.text in user_lower or _inside(codes, hit.start):
                continue
            after = rules.answer_to_probe_after
            if after is not None and after.match(text, hit.end) is None:
                break  # the reply opens with a sentence ABOUT a name: it is not the answer
            if _quoted(text, hit.start, hit.end) or not_self(text, hit, rules):
                continue
            matches.append(_make_match(rules.answer_to_probe_id, "", norm, original, hit))
            break
    if not matches and rules.scorer is not None and len(hits) <= rules.learned_max_names:
        matches.extend(
            _learned_matches(text, original, norm, hits, codes, rules, probed, user_text)
        )
    return matches


def _learned_matches(
    text: str,
    original: str,
    norm: NormalisedText,
    hits: list[NameHit],
    codes: list[tuple[int, int]],
    rules: IdentityRules,
    probed: bool,
    user_text: str,
) -> list[SelfIdMatch]:
    """The first name occurrence the scorer accepts (at most one: it explains the response)."""
    scorer = rules.scorer
    assert scorer is not None
    for hit, ctx in _gated(text, hits, codes, rules, probed, user_text):
        if scorer.score(ctx) >= scorer.threshold:
            return [_make_match(rules.learned_id, "", norm, original, hit)]
    return []
