"""Which self-reference rules to try on a name occurrence, in the rule pack's order.

Why: ``analyze_response`` tries every rule on every name occurrence it examines — over a hundred
rules, each a script and target check and then a regex search of the sentence before the name.
Almost all of them cannot apply: wrong script, wrong kind of name, or a ``before`` pattern whose
required words (:mod:`auditkit.identity.anypattern`) are not in that sentence. A router answers
the first two from a table built once per rule list and the third with one literal pass, and
returns the rules left in their order, so the first rule that matches is the same one as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from auditkit.identity.anypattern import AnyPattern
from auditkit.identity.lexicon import SelfReferenceRule
from auditkit.identity.memo import remember

__all__ = ["RuleRouter", "rule_router"]

# RuleRouter.matching remembers its answers for sentences up to this long, this many at most.
_REMEMBER_CHARS = 200
_REMEMBER_ANSWERS = 8_192


@dataclass(frozen=True, eq=False)
class _Route:
    """The rules of one (scripts, kind) pair, in order, arranged for :meth:`RuleRouter.candidates`:
    the positions of those without a ``before`` pattern, and each ``before`` pattern's position."""

    rules: tuple[SelfReferenceRule, ...]
    always: tuple[int, ...]  # positions (in ``rules``) of the rules with no ``before``
    at: dict[int, int]  # index in ``RuleRouter.befores`` -> position in ``rules``

    @classmethod
    def of(cls, entries: Sequence[tuple[SelfReferenceRule, int | None]]) -> _Route:
        return cls(
            rules=tuple(rule for rule, _ in entries),
            always=tuple(k for k, (_, before) in enumerate(entries) if before is None),
            at={before: k for k, (_, before) in enumerate(entries) if before is not None},
        )


@dataclass(frozen=True, eq=False)
class RuleRouter:
    """The rules of a pack, routed by script, name kind and the words before the name."""

    rules: tuple[SelfReferenceRule, ...]
    befores: AnyPattern  # the ``before`` patterns; ``before_of[i]`` is rule i's index in it
    before_of: tuple[int | None, ...]
    # (scripts, kind) -> the rules that may apply and where their ``before`` patterns are.
    _routes: dict[tuple[frozenset[str], str], _Route] = field(default_factory=dict)
    # (scripts, kind, before_text) -> :meth:`matching`'s answer, for short sentences only
    # (forgotten all at once when full): the few words before a self-identification repeat
    # across responses ("I am ", "As an AI developed by ") even where the responses do not.
    _matching: dict[tuple[frozenset[str], str, str], tuple[SelfReferenceRule, ...]] = field(
        default_factory=dict
    )

    @classmethod
    def of(cls, rules: Sequence[SelfReferenceRule]) -> RuleRouter:
        rules = tuple(rules)
        patterns: list[re.Pattern[str]] = []
        before_of: list[int | None] = []
        for rule in rules:
            if rule.before is None:
                before_of.append(None)
            else:
                before_of.append(len(patterns))
                patterns.append(rule.before)
        return cls(rules, AnyPattern.of(patterns), tuple(before_of))

    def _route(self, scripts: frozenset[str], kind: str) -> _Route:
        key = (scripts, kind)
        route = self._routes.get(key)
        if route is None:
            route = _Route.of(
                [
                    (rule, self.before_of[i])
                    for i, rule in enumerate(self.rules)
                    if rule.script in scripts and kind in rule.targets
                ]
            )
            self._routes[key] = route
        return route

    def candidates(
        self, scripts: set[str] | frozenset[str], kind: str, before_text: str
    ) -> tuple[SelfReferenceRule, ...]:
        """The rules, in order, for a name of ``kind`` in text of ``scripts`` whose ``before``
        pattern could match ``before_text`` (or that have none): every other rule cannot match."""
        route = self._route(frozenset(scripts), kind)
        if not route.rules:
            return ()
        # The few patterns the literal pass leaves, placed in the route (not a pass over it).
        at = route.at
        positions = [at[b] for b in self.befores.possible(before_text) if b in at]
        positions.extend(route.always)
        positions.sort()
        rules = route.rules
        return tuple(rules[k] for k in positions)

    def matching(
        self, scripts: set[str] | frozenset[str], kind: str, before_text: str
    ) -> tuple[SelfReferenceRule, ...]:
        """:meth:`candidates` whose ``before`` pattern does match ``before_text`` (or that have
        none), in order: the rules a name occurrence whose sentence so far is ``before_text``
        can satisfy, left to be tested on what follows the name (``after``, ``after_not``,
        ``prev_line``). A ``before`` test reads nothing but ``before_text``, so this is a
        function of the three arguments, remembered for a short ``before_text``
        (:data:`_REMEMBER_CHARS`, :data:`_REMEMBER_ANSWERS`): a sentence opening that repeats
        across responses ("I am ", "As an AI developed by ") has its ``before`` patterns
        searched once.
        """
        key = (frozenset(scripts), kind, before_text)
        answers = self._matching
        known = answers.get(key)
        if known is not None:
            return known
        found = tuple(
            rule
            for rule in self.candidates(key[0], kind, before_text)
            if rule.before is None or rule.before.search(before_text) is not None
        )
        remember(
            answers, key, found, len(before_text), longest=_REMEMBER_CHARS, most=_REMEMBER_ANSWERS
        )
        return found


# One router per rule tuple object (the compiled rules keep theirs for the pack's life).
_ROUTERS: dict[int, tuple[tuple[SelfReferenceRule, ...], RuleRouter]] = {}


def rule_router(rules: tuple[SelfReferenceRule, ...]) -> RuleRouter:
    """The :class:`RuleRouter` of ``rules``, built once per tuple object."""
    hit = _ROUTERS.get(id(rules))
    if hit is not None and hit[0] is rules:
        return hit[1]
    if len(_ROUTERS) > 64:
        _ROUTERS.clear()
    router = RuleRouter.of(rules)
    _ROUTERS[id(rules)] = (rules, router)
    return router
