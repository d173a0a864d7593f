"""Does any of several regular expressions match a text? One literal pass first, then only the few
expressions it could not rule out.

Why: the identity rules ask this of every user turn (the probe patterns, about 34 of them in a
dozen languages; the role-play and translation requests). Python's ``re`` runs each pattern over
the whole text: about 40 µs per short prompt for the probes alone, which at a million battles was
the largest cost text added to the identity scan and to the voter audit's probe evidence.

How (the idea of RE2's and Hyperscan's prefilters): from each pattern's parse tree we derive a
set of *required literals* — strings one of which must occur in any text the pattern matches
(``\\bwho\\s+(?:are|r)\\s+(?:you|u)\\b`` needs ``who``; a branch needs one of its branches' literals).
One Aho-Corasick pass (ahocorasick-rs) finds which of them occur; only the patterns whose literal
occurs, and those with no literal at all, are searched. The answer is exactly
``any(p.search(text) for p in patterns)``: a pattern is skipped only when it cannot match.

Case-insensitive patterns are matched on the text folded the way ``re`` compares characters
(simple lower case, plus ``re``'s extra equivalences such as ``ſ``/``s``); a text whose lower case
changes length, or any part of a pattern the analysis does not understand, falls back to searching.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any, TypeVar

import ahocorasick_rs

from auditkit.identity.memo import remember

__all__ = ["AnyPattern", "RememberedPattern", "any_pattern", "remembered", "required_literals"]

# A literal alternative set larger than this is not worth keeping (the analysis gives up on it).
_MAX_ALTERNATIVES = 64

try:  # the parser behind re.compile: private, so every use below can fall back to "no prefilter"
    import re._constants as _sre_constants
    import re._parser as _sre_parser

    _EXTRA_CASES: dict[int, tuple[int, ...]] = dict(
        getattr(__import__("re._compiler", fromlist=["_EXTRA_CASES"]), "_EXTRA_CASES", {})
    )
except ImportError:  # pragma: no cover - other Python versions
    _sre_parser = None  # type: ignore[assignment]
    _sre_constants = None  # type: ignore[assignment]
    _EXTRA_CASES = {}

# re.IGNORECASE also equates characters whose lower cases differ ("ſ" and "s", "ς" and "σ"): each
# such class folds to its smallest member.
_FOLD: dict[int, int] = {}
for _lower, _others in _EXTRA_CASES.items():
    _smallest = min(_lower, *_others)
    for _code in (_lower, *_others):
        if _code != _smallest:
            _FOLD[_code] = _smallest
_FOLDED_CHARS = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_FOLD)) + "]")


_REPEATS = (
    tuple(
        getattr(_sre_constants, name)
        for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
        if hasattr(_sre_constants, name)
    )
    if _sre_constants is not None
    else ()
)


def _fold(text: str) -> str | None:
    """``text`` as case-insensitive ``re`` compares it, one character per character; None when
    its lower case changes length (``İ``), where positions would not line up."""
    lowered = text.lower()
    if len(lowered) != len(text):
        return None
    if not lowered.isascii() and _FOLDED_CHARS.search(lowered) is not None:
        lowered = lowered.translate(_FOLD)
    return lowered


# --------------------------------------------------------------------------- the analysis


class _Unsupported(Exception):
    """A pattern the analysis does not read: it is always searched."""


# What a piece of a pattern says about the text it matches:
# - exact: the finite set of strings it can match (None when not small and finite);
# - required: strings one of which occurs in any text it matches (None: no such set known).
_Exact = frozenset[str] | None
_Required = frozenset[str] | None


def _better(a: _Required, b: _Required) -> _Required:
    """The more selective of two requirement sets (longer shortest literal, then fewer)."""
    if a is None:
        return b
    if b is None:
        return a

    def key(s: frozenset[str]) -> tuple[int, int]:
        return (min(map(len, s)), -len(s))

    return a if key(a) >= key(b) else b


def _useful(strings: _Exact) -> _Required:
    """An exact set as a requirement: only if it cannot match the empty string."""
    if strings is None or not strings or "" in strings:
        return None
    return strings


def _analyse(items: Any, ignorecase: bool) -> tuple[_Exact, _Required]:
    """(exact, required) of a sequence of parsed items (``re._parser.SubPattern`` or a list).

    Consecutive items with exact strings join into longer literals ("w", "h", "o" → "who"); the
    sequence requires the most selective of its runs' and its items' requirements.
    """
    c = _sre_constants
    best: _Required = None
    run: frozenset[str] = frozenset({""})  # exact strings of the current run of exact items
    whole: _Exact = frozenset({""})  # exact strings of the whole sequence so far
    for op, av in items:
        exact, required = _item(op, av, ignorecase)
        best = _better(best, required)
        if exact is None:
            best = _better(best, _useful(run))
            run = frozenset({""})
            whole = None
            continue
        joined = frozenset(a + b for a, b in product(run, exact))
        if len(joined) > _MAX_ALTERNATIVES:
            best = _better(best, _useful(run))
            run = exact
        else:
            run = joined
        if whole is not None:
            grown = frozenset(a + b for a, b in product(whole, exact))
            whole = grown if len(grown) <= _MAX_ALTERNATIVES else None
    del c
    return whole, _better(best, _useful(run))


def _item(op: Any, av: Any, ignorecase: bool) -> tuple[_Exact, _Required]:
    """(exact, required) of one parsed item."""
    c = _sre_constants
    if op is c.LITERAL:
        return frozenset({chr(av)}), None
    if op is c.IN:
        return _charset(av), None
    if op is c.AT or op is c.ASSERT or op is c.ASSERT_NOT:
        return frozenset({""}), None  # zero-width: consumes nothing
    if op is c.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        if (add_flags | del_flags) & c.SRE_FLAG_IGNORECASE:
            raise _Unsupported("case flag changed inside the pattern")
        return _analyse(sub, ignorecase)
    if op is c.BRANCH:
        return _branch(av[1], ignorecase)
    if op in _REPEATS:
        low, high, sub = av
        sub_exact, sub_required = _analyse(sub, ignorecase)
        exact = None
        if sub_exact is not None and high == 1:
            exact = sub_exact | {""} if low == 0 else sub_exact
        if low < 1:
            return exact, None
        return exact, _better(sub_required, _useful(sub_exact))
    if op is getattr(c, "ATOMIC_GROUP", _Unsupported):
        return _analyse(av, ignorecase)
    return None, None  # any character, a category, a back reference, a conditional


def _branch(branches: Sequence[Any], ignorecase: bool) -> tuple[_Exact, _Required]:
    exacts: set[str] | None = set()
    required: set[str] | None = set()
    for branch in branches:
        exact, req = _analyse(branch, ignorecase)
        req = _better(req, _useful(exact))
        if exacts is not None:
            exacts = exacts | exact if exact is not None else None
        if required is not None:
            required = required | req if req is not None else None
    exact_set = (
        frozenset(exacts) if exacts is not None and len(exacts) <= _MAX_ALTERNATIVES else None
    )
    required_set = (
        frozenset(required) if required is not None and len(required) <= _MAX_ALTERNATIVES else None
    )
    return exact_set, required_set


def _charset(items: Sequence[Any]) -> _Exact:
    """A character class of plain literals (``[eé]``) as its characters; None for anything else."""
    c = _sre_constants
    chars = set()
    for op, av in items:
        if op is not c.LITERAL:
            return None  # a range, a category, a negation
        chars.add(chr(av))
    return frozenset(chars) if 0 < len(chars) <= 16 else None


def required_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings one of which occurs in every text ``pattern`` matches (folded as ``re`` folds
    case when the pattern ignores case), or None when no such set is known."""
    return _literals(pattern, fold_all=False)


def _literals(pattern: re.Pattern[str], *, fold_all: bool) -> frozenset[str] | None:
    """:func:`required_literals` (``fold_all`` False) or :func:`folded_literals` (True)."""
    if _sre_parser is None or not isinstance(pattern.pattern, str):
        return None
    ignorecase = fold_all or bool(pattern.flags & re.IGNORECASE)
    if ignorecase and not _EXTRA_CASES:
        return None
    try:
        parsed = _sre_parser.parse(pattern.pattern, pattern.flags)
        _exact, required = _analyse(_case_scopes_opened(parsed) if fold_all else parsed, ignorecase)
    except (_Unsupported, re.error, AttributeError, TypeError, ValueError):
        return None
    if required is None:
        return None
    if ignorecase:
        folded = {_fold(s) for s in required}
        if None in folded:
            return None
        required = frozenset(s for s in folded if s is not None)
    if not required or "" in required:
        return None
    return required


# --------------------------------------------------------------------------- the matcher


def _automaton(literals: Sequence[str]) -> ahocorasick_rs.AhoCorasick:
    return ahocorasick_rs.AhoCorasick(
        list(literals),
        matchkind=ahocorasick_rs.MatchKind.Standard,
        implementation=ahocorasick_rs.Implementation.DFA,
    )


@dataclass(frozen=True, eq=False)
class _Literals:
    """One automaton over some patterns' required literals; literal index → pattern indexes."""

    automaton: ahocorasick_rs.AhoCorasick
    owners: tuple[tuple[int, ...], ...]

    @classmethod
    def of(cls, required: dict[int, frozenset[str]]) -> _Literals | None:
        owners: dict[str, list[int]] = {}
        for index, literals in required.items():
            for literal in sorted(literals):
                owners.setdefault(literal, []).append(index)
        if not owners:
            return None
        keys = sorted(owners)
        return cls(_automaton(keys), tuple(tuple(owners[k]) for k in keys))

    def candidates(self, text: str, into: set[int]) -> None:
        owners = self.owners
        for index, _start, _end in self.automaton.find_matches_as_indexes(text, overlapping=True):
            into.update(owners[index])


# AnyPattern.search remembers its answers on texts up to this long, this many at most.
_REMEMBER_CHARS = 2_000
_REMEMBER_TEXTS = 4_096


@dataclass(frozen=True, eq=False)
class AnyPattern:
    """``search(text)`` is ``any(p.search(text) for p in patterns)``, after a literal prefilter."""

    patterns: tuple[re.Pattern[str], ...]
    always: tuple[int, ...]  # patterns with no required literal: always searched
    exact: _Literals | None  # literals of case-sensitive patterns, found in the text as it is
    folded: _Literals | None  # literals of case-insensitive patterns, found in the folded text
    folded_patterns: tuple[int, ...]
    # Answers of :meth:`search` by text (short texts only; forgotten all at once when full): users
    # repeat their prompts ("who are you?"), and every response of a conversation asks of the same
    # user turns.
    _answers: dict[str, bool] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, patterns: Iterable[re.Pattern[str]]) -> AnyPattern:
        patterns = tuple(patterns)
        always: list[int] = []
        exact: dict[int, frozenset[str]] = {}
        folded: dict[int, frozenset[str]] = {}
        for index, pattern in enumerate(patterns):
            literals = required_literals(pattern)
            if literals is None:
                always.append(index)
            elif pattern.flags & re.IGNORECASE:
                folded[index] = literals
            else:
                exact[index] = literals
        return cls(
            patterns=patterns,
            always=tuple(always),
            exact=_Literals.of(exact),
            folded=_Literals.of(folded),
            folded_patterns=tuple(sorted(folded)),
        )

    def possible(self, text: str) -> set[int]:
        """Indexes of the patterns that may match ``text``: every other one cannot."""
        candidates = set(self.always)
        if self.exact is not None:
            self.exact.candidates(text, candidates)
        if self.folded is not None:
            lowered = _fold(text)
            if lowered is None:
                candidates.update(self.folded_patterns)
            else:
                self.folded.candidates(lowered, candidates)
        return candidates

    def search(self, text: str) -> bool:
        """Whether any pattern matches somewhere in ``text``."""
        answers = self._answers
        known = answers.get(text)
        if known is not None:
            return known
        found = self._search(text)
        if len(text) <= _REMEMBER_CHARS:
            if len(answers) >= _REMEMBER_TEXTS:
                answers.clear()
            answers[text] = found
        return found

    def _search(self, text: str) -> bool:
        candidates = self.possible(text)
        if not candidates:
            return False
        patterns = self.patterns
        return any(patterns[i].search(text) is not None for i in sorted(candidates))


# Matchers by the identity of the patterns' tuple (the compiled rules keep theirs for the pack's
# life: one dictionary lookup a call), and by its value (another tuple of the same patterns).
_BY_ID: dict[int, tuple[tuple[re.Pattern[str], ...], AnyPattern]] = {}
_BY_VALUE: dict[tuple[re.Pattern[str], ...], AnyPattern] = {}


def any_pattern(patterns: Sequence[re.Pattern[str]]) -> AnyPattern:
    """The :class:`AnyPattern` of ``patterns``, built once per list of patterns."""
    hit = _BY_ID.get(id(patterns))
    if hit is not None and hit[0] is patterns:
        return hit[1]
    key = tuple(patterns)
    matcher = _BY_VALUE.get(key)
    if matcher is None:
        if len(_BY_VALUE) > 256:
            _BY_VALUE.clear()
            _BY_ID.clear()
        matcher = _BY_VALUE[key] = AnyPattern.of(key)
    if isinstance(patterns, tuple):
        _BY_ID[id(patterns)] = (patterns, matcher)
    return matcher


# --------------------------------------------------------------------------- one pattern, guarded


def folded_literals(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings, folded (:func:`_fold`), one of which occurs in the folded form of every text
    ``pattern`` matches; None when no such set is known.

    Unlike :func:`required_literals`, a pattern that changes the case flag inside itself
    (``(?i:…)``) is read too: every literal is folded, the case-sensitive ones as well. That is
    a weaker test for them but still a sound one: a text holding a literal exactly holds it
    folded once both are folded (folding goes character by character).
    """
    return _literals(pattern, fold_all=True)


def _case_scopes_opened(items: Any) -> list[tuple[Any, Any]]:
    """A parsed pattern with every scoped case flag (``(?i:…)``, ``(?-i:…)``) dropped, the rest
    as it is: what :func:`_analyse` reads when every literal is folded anyway."""
    c = _sre_constants
    out: list[tuple[Any, Any]] = []
    for op, av in items:
        if op is c.SUBPATTERN:
            group, _add, _del, sub = av
            av = (group, 0, 0, _case_scopes_opened(sub))
        elif op is c.BRANCH:
            av = (av[0], [_case_scopes_opened(branch) for branch in av[1]])
        elif op in _REPEATS:
            av = (av[0], av[1], _case_scopes_opened(av[2]))
        elif op is getattr(c, "ATOMIC_GROUP", _Unsupported):
            av = _case_scopes_opened(av)
        out.append((op, av))
    return out


@dataclass(frozen=True, eq=False)
class GuardedPattern:
    """One regular expression behind a literal test: ``search`` and ``match`` give exactly what
    the pattern's own give, and skip the regex when none of its :func:`folded_literals` occurs in
    the part of the text a match would have to lie in (the regex is slow on a pattern of many
    case-insensitive alternatives; most texts it is asked about hold none of them)."""

    pattern: re.Pattern[str]
    literals: ahocorasick_rs.AhoCorasick | None  # None: always run the regex
    # ``finds``' answers on short texts (see :class:`RememberedPattern`).
    _found: dict[str, bool] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, pattern: re.Pattern[str]) -> GuardedPattern:
        literals = folded_literals(pattern)
        return cls(pattern, None if literals is None else _automaton(sorted(literals)))

    def _ruled_out(self, window: str) -> bool:
        """No match can lie in ``window`` (a match's text holds one literal, folded or not)."""
        if self.literals is None:
            return False
        folded = _fold(window)
        return folded is not None and not self.literals.find_matches_as_indexes(folded)

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        """``pattern.search(text, pos, endpos)``."""
        end = len(text) if endpos is None else endpos
        if self._ruled_out(text[pos:end]):
            return None
        return self.pattern.search(text, pos, end)

    def finds(self, text: str) -> bool:
        """``pattern.search(text) is not None``, remembered on short texts."""
        known = self._found.get(text)
        if known is None:
            known = self.search(text) is not None
            _remember(self._found, text, known)
        return known

    def match(self, text: str) -> re.Match[str] | None:
        """``pattern.match(text)``."""
        if self._ruled_out(text):
            return None
        return self.pattern.match(text)


# By the pattern object's identity (the compiled rules keep theirs for the pack's life; the entry
# keeps the pattern alive, so its id is not reused): hashing a ``re.Pattern`` hashes its whole
# compiled program, about 10 µs for a pattern of many alternatives, on every call.
_GUARDED: dict[int, tuple[re.Pattern[str], GuardedPattern]] = {}


def guarded(pattern: re.Pattern[str]) -> GuardedPattern:
    """The :class:`GuardedPattern` of ``pattern``, built once per pattern."""
    return _once_per_pattern(_GUARDED, pattern, GuardedPattern.of)


_T = TypeVar("_T")


def _once_per_pattern(
    made: dict[int, tuple[re.Pattern[str], _T]],
    pattern: re.Pattern[str],
    make: Callable[[re.Pattern[str]], _T],
) -> _T:
    """``make(pattern)``, kept in ``made`` by the pattern's identity (at most 257 kept)."""
    hit = made.get(id(pattern))
    if hit is not None and hit[0] is pattern:
        return hit[1]
    if len(made) > 256:
        made.clear()
    found = make(pattern)
    made[id(pattern)] = (pattern, found)
    return found


# --------------------------------------------------------------------------- answers remembered

# Remembered answers: on texts up to this long, this many per pattern (forgotten all at once).
_REMEMBER_WINDOW = 64
_REMEMBER_WINDOWS = 8_192


@dataclass(frozen=True, eq=False)
class RememberedPattern:
    """One regular expression whose yes/no answers on short texts are remembered.

    ``matches(text)`` is ``pattern.match(text) is not None`` and ``finds(text)`` is
    ``pattern.search(text) is not None`` (a function of the text alone: the whole text is the
    string searched, no ``pos`` or ``endpos``). The identity rules ask them of the few characters
    around a name ("'s engineers", ", a large language model"), which repeat across responses far
    more than the responses do; a pattern of many alternatives costs several microseconds each time.
    """

    pattern: re.Pattern[str]
    _matched: dict[str, bool] = field(default_factory=dict, repr=False)
    _found: dict[str, bool] = field(default_factory=dict, repr=False)

    def matches(self, text: str) -> bool:
        known = self._matched.get(text)
        if known is None:
            known = self.pattern.match(text) is not None
            _remember(self._matched, text, known)
        return known

    def finds(self, text: str) -> bool:
        known = self._found.get(text)
        if known is None:
            known = self.pattern.search(text) is not None
            _remember(self._found, text, known)
        return known


def _remember(answers: dict[str, bool], text: str, answer: bool) -> None:
    remember(answers, text, answer, len(text), longest=_REMEMBER_WINDOW, most=_REMEMBER_WINDOWS)


# By the pattern object's identity, as ``_GUARDED``.
_REMEMBERED: dict[int, tuple[re.Pattern[str], RememberedPattern]] = {}


def remembered(pattern: re.Pattern[str]) -> RememberedPattern:
    """The :class:`RememberedPattern` of ``pattern``, made once per pattern."""
    return _once_per_pattern(_REMEMBERED, pattern, RememberedPattern)
