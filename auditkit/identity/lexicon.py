"""Load and validate the identity rule files (``rules/identity/*.yaml``) into compiled form.

The lexicon (names of models and makers in many languages), the self-reference patterns and the
probe / role-play patterns are data; this module turns them into one Aho-Corasick automaton (the
single-pass prefilter) and compiled regexes, once per rule pack.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import ahocorasick_rs
import numpy as np

from auditkit.errors import RuleError
from auditkit.identity.scorer import DEFAULT_SCORER_PATH, SelfIdScorer
from auditkit.rulepack import compiled_once, require

if TYPE_CHECKING:
    from auditkit.rulepack import RulePack

__all__ = [
    "SCRIPTS",
    "ByteNames",
    "IdentityName",
    "IdentityRules",
    "SelfReferenceRule",
    "load_identity_rules",
    "probe_repeat_min",
]

SCRIPTS = ("latin", "cjk", "hangul", "cyrillic", "hebrew", "arabic", "devanagari")
_KINDS = ("family", "maker")


@dataclass(frozen=True)
class IdentityName:
    """One lexicon entry: a lower-cased name and the identity it claims."""

    text: str
    kind: str  # "family" or "maker"
    family: str | None
    maker: str
    ambiguous: bool
    latin: bool  # ASCII-only: needs word boundaries


@dataclass(frozen=True, eq=False)
class ByteNames:
    """The lexicon's automaton over UTF-8 bytes, for the prefilter of many responses at once
    (:mod:`auditkit.identity.prefilter`): pattern ``i`` is ``automaton_keys[i]`` encoded, with the
    word-boundary check ``matcher.has_name`` applies to it (``latin[i]``: ASCII letters or digits
    must not touch it; else ``cyrillic[i]``: a Cyrillic letter must not precede it).
    """

    automaton: ahocorasick_rs.BytesAhoCorasick
    latin: np.ndarray
    cyrillic: np.ndarray


@dataclass(frozen=True)
class SelfReferenceRule:
    """A pattern that makes a name occurrence a self-identification (see self_reference.yaml)."""

    id: str
    lang: str
    script: str
    before: re.Pattern[str] | None
    after: re.Pattern[str] | None
    after_not: re.Pattern[str] | None
    targets: frozenset[str]
    in_code: bool
    # The sentence has no subject of its own (it continues the previous sentence's): the rule does
    # not apply after a sentence addressed to "you" (IdentityRules.elided_subject_not_after).
    elided_subject: bool = False
    # Must be found in the last non-empty line before the name's line (a sign-off under a
    # closing formula: "Con cariño,\nClaude"); None: not checked.
    prev_line: re.Pattern[str] | None = None
    # The rule's own grammar says the name is a name (a letter signed under a closing formula:
    # "Cheers,\nGrok"): an ambiguous name ("Grok", "Mistral", "Gemini") needs no AI word beside it.
    ambiguous_ok: bool = False


@dataclass(frozen=True)
class IdentityRules:
    """Everything the identity audit needs, compiled."""

    names: Mapping[str, IdentityName]
    # One Aho-Corasick automaton (ahocorasick-rs, a DFA: the scan runs in Rust over the text at
    # a few hundred MB/s) over the lower-cased names; ``automaton_keys[i]`` is pattern ``i``.
    automaton: ahocorasick_rs.AhoCorasick
    automaton_keys: tuple[str, ...]
    rules: tuple[SelfReferenceRule, ...]
    probes: tuple[re.Pattern[str], ...]
    roleplay: tuple[re.Pattern[str], ...]
    ai_context: re.Pattern[str]
    answer_to_probe_id: str
    answer_to_probe_offset: int
    answer_to_probe_after: re.Pattern[str] | None
    window: int
    severity: str
    roleplay_severity: str
    # The learned second step (scorer.py): first-person markers (a feature), translation-request
    # patterns (a feature), the scorer itself (None when self_reference.yaml disables it).
    self_markers: re.Pattern[str] | None = None
    self_marker_words: frozenset[str] = frozenset()
    translate: tuple[re.Pattern[str], ...] = ()
    scorer: SelfIdScorer | None = None
    learned_id: str = "self_id.any.learned"
    learned_max_names: int = 6  # a response naming more models/makers than this is about them
    # Not the speaker (self_reference.yaml `not_self`): a negated or compared name (text before /
    # after it), and a Japanese / Korean sentence whose topic is something else.
    not_self_before: re.Pattern[str] | None = None
    not_self_after: re.Pattern[str] | None = None
    other_topic: tuple[re.Pattern[str], ...] = ()
    # Earlier text of the line that makes an elided subject "you" (a system prompt), see
    # SelfReferenceRule.elided_subject.
    elided_subject_not_after: re.Pattern[str] | None = None
    # A person, not the model (self_reference.yaml `not_self.person_names` / `person_after`): a
    # name that is also a first name ("claude") followed by a surname ("Claude Martin",
    # "Claude HENRY"), matched right after the name.
    person_names: frozenset[str] = frozenset()
    person_after: re.Pattern[str] | None = None
    # An appositive of another subject (self_reference.yaml `not_self.appositive_gap`): the text
    # between a name and a model name that follows it in the same sentence ("Como modelo
    # desarrollado por OpenAI, ChatGPT puede …": OpenAI belongs to ChatGPT, not the speaker).
    appositive_gap: re.Pattern[str] | None = None

    @property
    def n_names(self) -> int:
        return len(self.names)

    @cached_property
    def byte_names(self) -> ByteNames:
        """The same names as :attr:`automaton`, over UTF-8 bytes (built on first use, then kept).

        A byte automaton reports byte offsets without mapping them back to characters, which is
        most of the character automaton's time on long texts; UTF-8 is self-synchronising, so a
        name's bytes match exactly where its characters do.
        """
        names = [self.names[key] for key in self.automaton_keys]
        return ByteNames(
            automaton=ahocorasick_rs.BytesAhoCorasick(
                [key.encode("utf-8") for key in self.automaton_keys],
                matchkind=ahocorasick_rs.MatchKind.Standard,
                implementation=ahocorasick_rs.Implementation.DFA,
            ),
            latin=np.array([name.latin for name in names], dtype=bool),
            cyrillic=np.array(
                [not name.latin and "\u0400" <= name.text[0] <= "\u04ff" for name in names],
                dtype=bool,
            ),
        )


def _compile(pattern: str, where: str, flags: int = 0) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise RuleError(f"bad regular expression {pattern!r}: {exc}", path=where) from None


def _str_list(mapping: Mapping[str, Any], key: str, where: str) -> list[str]:
    values = require(mapping, key, list, where=where, default=[])
    if not all(isinstance(v, str | int | float) for v in values):
        raise RuleError(f"key {key!r} must be a list of strings", path=where)
    return [str(v) for v in values]


def _load_names(section: Mapping[str, Any], where: str) -> dict[str, IdentityName]:
    # `ambiguous` and any `ambiguous_*` list (a language's additions live in their own entry).
    ambiguous = {
        n.lower()
        for key in section
        if key == "ambiguous" or str(key).startswith("ambiguous_")
        for n in _str_list(section, key, where)
    }
    names: dict[str, IdentityName] = {}

    def add(text: str, kind: str, family: str | None, maker: str) -> None:
        key = text.strip().lower()
        if not key:
            raise RuleError("empty name in lexicon", path=where)
        # A name listed twice keeps its first meaning; families come first, so "deepseek" is a family.
        names.setdefault(
            key,
            IdentityName(
                text=key,
                kind=kind,
                family=family,
                maker=maker,
                ambiguous=key in ambiguous,
                latin=key.isascii(),
            ),
        )

    for i, fam in enumerate(require(section, "families", list, where=where)):
        w = f"{where} families[{i}]"
        fid = require(fam, "id", str, where=w).lower()
        maker = require(fam, "maker", str, where=w).lower()
        for name in _str_list(fam, "names", w):
            add(name, "family", fid, maker)
    for i, mk in enumerate(require(section, "makers", list, where=where)):
        w = f"{where} makers[{i}]"
        mid = require(mk, "id", str, where=w).lower()
        for name in _str_list(mk, "names", w):
            add(name, "maker", None, mid)
    return names


def _expand(pattern: str, placeholders: Mapping[str, str]) -> str:
    """Substitute ``{filler_en}``-style placeholders (shared regex pieces defined once in YAML)."""
    for key, value in placeholders.items():
        pattern = pattern.replace("{" + key + "}", value)
    return pattern


def _load_rules(section: Mapping[str, Any], where: str) -> tuple[SelfReferenceRule, ...]:
    fillers = require(section, "fillers", dict, where=where, default={})
    placeholders = {f"filler_{lang}": str(v) for lang, v in fillers.items()}
    placeholders["human_role"] = str(require(section, "human_role", str, where=where, default=""))
    out = []
    seen: set[str] = set()
    for i, raw in enumerate(require(section, "rules", list, where=where)):
        w = f"{where} rules[{i}]"
        rule_id = require(raw, "id", str, where=w)
        if rule_id in seen:
            raise RuleError(f"duplicate rule id {rule_id!r}", path=w)
        seen.add(rule_id)
        script = require(raw, "script", str, where=w)
        if script not in SCRIPTS:
            raise RuleError(f"script must be one of {SCRIPTS}, got {script!r}", path=w)
        targets = frozenset(_str_list(raw, "targets", w) or _KINDS)
        if not targets <= set(_KINDS):
            raise RuleError(f"targets must be among {_KINDS}", path=w)
        before = _expand(require(raw, "before", str, where=w, default=""), placeholders)
        after = _expand(require(raw, "after", str, where=w, default=""), placeholders)
        after_not = _expand(require(raw, "after_not", str, where=w, default=""), placeholders)
        prev_line = _expand(require(raw, "prev_line", str, where=w, default=""), placeholders)
        out.append(
            SelfReferenceRule(
                id=rule_id,
                lang=require(raw, "lang", str, where=w),
                script=script,
                before=_compile(f"(?:{before})\\Z", w, re.IGNORECASE) if before else None,
                after=_compile(after, w, re.IGNORECASE) if after else None,
                after_not=_compile(after_not, w, re.IGNORECASE) if after_not else None,
                targets=targets,
                in_code=bool(require(raw, "in_code", bool, where=w, default=False)),
                elided_subject=bool(require(raw, "elided_subject", bool, where=w, default=False)),
                prev_line=_compile(prev_line, w, re.IGNORECASE) if prev_line else None,
                ambiguous_ok=bool(require(raw, "ambiguous_ok", bool, where=w, default=False)),
            )
        )
    return tuple(out)


def _build_automaton(names: Sequence[str]) -> ahocorasick_rs.AhoCorasick:
    """Every occurrence, overlapping ones included (the matcher picks the longest per place)."""
    return ahocorasick_rs.AhoCorasick(
        list(names),
        matchkind=ahocorasick_rs.MatchKind.Standard,
        implementation=ahocorasick_rs.Implementation.DFA,
    )


def probe_repeat_min(rules: RulePack) -> int:
    """``probe_repeat_min`` of ``identity/context.yaml`` (default 3), validated: how many probing
    votes make a repeat prober, for the ``identity_probe`` detector and the voter audit alike."""
    context = rules.sections_under("identity").get("identity/context", {})
    where = rules.where("identity/context")
    repeat_min = require(context, "probe_repeat_min", int, where=where, default=3)
    if repeat_min < 1:
        raise RuleError("key 'probe_repeat_min' must be at least 1", path=where)
    return int(repeat_min)


# Compiled rules per rule-pack object (keyed by identity, checked through a weak reference): the
# streamed scan calls the detector once per chunk, and compiling the automata took ~35 ms a call.
def load_identity_rules(rules: RulePack) -> IdentityRules:
    """Compile the ``identity/*`` sections of a rule pack (lexicon, self_reference, context).

    The result is kept for as long as the ``rules`` object lives and returned again for it.
    """
    return compiled_once(rules, "identity", _compile_identity_rules)


def _compile_identity_rules(rules: RulePack) -> IdentityRules:
    sections = rules.sections_under("identity")
    lexicon = sections.get("identity/lexicon")
    selfref = sections.get("identity/self_reference")
    # Asked of the pack itself, so a strict load reports a missing context.yaml (unless the pack
    # lists it under `optional`) instead of silently reading no probes, role-play or translations.
    context = rules.section("identity/context", default={})
    if lexicon is None or selfref is None:
        raise RuleError(
            "the identity audit needs rules/identity/lexicon.yaml and self_reference.yaml",
            path=rules.root,
        )
    names = _load_names(lexicon, rules.where("identity/lexicon"))
    where_sr = rules.where("identity/self_reference")
    where_ctx = rules.where("identity/context")
    atp = require(selfref, "answer_to_probe", dict, where=where_sr, default={})
    learned = require(selfref, "learned", dict, where=where_sr, default={})
    markers = _str_list(selfref, "self_markers", where_sr)
    not_self = require(selfref, "not_self", dict, where=where_sr, default={})
    marker_words = require(selfref, "self_marker_words", dict, where=where_sr, default={})
    return IdentityRules(
        names=names,
        automaton=_build_automaton(sorted(names)),
        automaton_keys=tuple(sorted(names)),
        rules=_load_rules(selfref, where_sr),
        probes=tuple(_compile(p, where_ctx) for p in _str_list(context, "probes", where_ctx)),
        roleplay=tuple(_compile(p, where_ctx) for p in _str_list(context, "roleplay", where_ctx)),
        ai_context=_ai_context(selfref, where_sr),
        answer_to_probe_id=str(atp.get("id", "self_id.any.answer_to_probe")),
        answer_to_probe_offset=int(atp.get("max_offset", 40)),
        answer_to_probe_after=(
            _compile(str(atp["after"]), where_sr, re.IGNORECASE) if atp.get("after") else None
        ),
        window=int(require(selfref, "window", int, where=where_sr, default=160)),
        severity=str(require(selfref, "severity", str, where=where_sr, default="high")),
        roleplay_severity=str(
            require(context, "roleplay_severity", str, where=where_ctx, default="low")
        ),
        self_markers=(
            _compile("|".join(f"(?:{m})" for m in markers), where_sr, re.IGNORECASE)
            if markers
            else None
        ),
        self_marker_words=frozenset(
            w.lower() for lang in marker_words for w in _str_list(marker_words, lang, where_sr)
        ),
        translate=tuple(_compile(p, where_ctx) for p in _str_list(context, "translate", where_ctx)),
        scorer=_load_scorer(learned, where_sr),
        learned_id=str(learned.get("id", "self_id.any.learned")),
        learned_max_names=int(learned.get("max_names", 6)),
        not_self_before=_optional_pattern(not_self, "before", where_sr),
        not_self_after=_optional_pattern(not_self, "after", where_sr),
        elided_subject_not_after=_optional_pattern(selfref, "elided_subject_not_after", where_sr),
        other_topic=tuple(
            _compile(str(v), where_sr)
            for k, v in sorted(not_self.items())
            if k.startswith("other_topic")
        ),
        person_names=frozenset(n.lower() for n in _str_list(not_self, "person_names", where_sr)),
        person_after=_optional_pattern(not_self, "person_after", where_sr),
        appositive_gap=_optional_pattern(not_self, "appositive_gap", where_sr),
    )


def _ai_context(selfref: Mapping[str, Any], where: str) -> re.Pattern[str]:
    """``ai_context`` (required) and any ``ai_context_<suffix>`` (more languages), as one pattern."""
    require(selfref, "ai_context", str, where=where)
    pattern = _optional_pattern(selfref, "ai_context", where)
    assert pattern is not None
    return pattern


def _optional_pattern(section: Mapping[str, Any], key: str, where: str) -> re.Pattern[str] | None:
    """``key`` and every ``key_<suffix>`` (e.g. ``before`` and ``before_more``: more languages
    added as their own entry), as one alternation; None when there is none. A leading ``(?i)``
    makes its own part case-insensitive, not the others."""
    parts: list[str] = []
    for name in sorted(k for k in section if k == key or k.startswith(key + "_")):
        value = section[name]
        if not isinstance(value, str):
            raise RuleError(f"{name} must be a regular expression (a string)", path=where)
        _compile(value, where)  # each part must compile on its own (a clear error names it)
        parts.append(value)
    if not parts:
        return None
    if len(parts) == 1:
        return _compile(parts[0], where)
    # Each part keeps its own case-insensitivity as a scoped flag: "(?i)x" becomes "(?i:x)".
    joined = "|".join(f"(?i:{p[4:]})" if p.startswith("(?i)") else f"(?:{p})" for p in parts)
    return _compile(joined, where)


def _load_scorer(learned: Mapping[str, Any], where: str) -> SelfIdScorer | None:
    """The shipped scorer at the rule pack's threshold, or None when ``learned.enabled`` is false."""
    if not learned.get("enabled", False):
        return None
    threshold = learned.get("threshold")
    if threshold is not None and not isinstance(threshold, int | float):
        raise RuleError("learned.threshold must be a number", path=where)
    try:
        return SelfIdScorer.load(
            DEFAULT_SCORER_PATH, None if threshold is None else float(threshold)
        )
    except (OSError, KeyError, ValueError) as exc:
        raise RuleError(f"cannot load the self-identification scorer: {exc}", path=where) from None
