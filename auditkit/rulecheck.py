"""Strict rule packs: a typo is an error with a suggestion, never a detector silently switched off.

Why: ``min_vote: 5`` in ``voters.yaml`` used to be ignored (the default 10 applied), and
``detector: identity_leek`` in the policy disabled every identity invalidation without a word.

How, without a central schema of every detector: each detector validates its own options in
:meth:`~auditkit.detectors.base.Detector.check_rules` — usually by parsing them exactly as
``detect`` will (so every regex compiles now, not when text first arrives). The pack's sections
are handed to those checks as *recording* mappings: every key a check asks for (``in``, ``[]``,
``get``) is noted, present or not. Afterwards a key in a file that no check asked for is unknown,
and the nearest key that *was* asked for is suggested (``min_vote`` → ``min_votes``). A mapping a
check iterates (a table of weights, a list of tests it validates itself) is taken whole. A new
detector's rule file is therefore checked as soon as its detector implements ``check_rules``.

The pack itself (``pack.yaml``) has a fixed schema here: name, version, description, optional,
detectors (which run by default; each must be installed),
policy (each entry's detector must exist, and its rules must be ones the detector can emit when it
says which those are) and gate (shares in [0, 1], a known severity). A section a check asks for
that has no file is an error unless ``pack.yaml`` lists it under ``optional``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from auditkit.errors import RuleError
from auditkit.rulepack import RulePack

__all__ = ["METADATA_KEYS", "PACK_SCHEMA", "validate_pack"]

# Keys any rule file may carry at top level without a check asking for them; any mapping in it
# (a rule entry, a test) may carry a ``description``.
METADATA_KEYS = frozenset({"version", "description"})
# pack.yaml: top-level keys, and the keys of its nested mappings (a list's entries under "[]").
PACK_SCHEMA: Mapping[str, frozenset[str]] = {
    "": frozenset({"name", "version", "description", "optional", "policy", "gate", "detectors"}),
    "policy": frozenset({"invalidate"}),
    "policy.invalidate[]": frozenset({"detector", "rules", "min_severity"}),
    "gate": frozenset({"min_severity", "max_invalidated_share", "max_quarantined_share"}),
}


class _Asked(dict):  # type: ignore[type-arg]
    """A dict that notes every key asked for (``[]``, ``get``, ``in``), present or not."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        super().__init__(data)
        self.asked: set[str] = set()

    def __getitem__(self, key: Any) -> Any:
        self.asked.add(str(key))
        return super().__getitem__(key)

    def get(self, key: Any, default: Any = None) -> Any:
        self.asked.add(str(key))
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self.asked.add(str(key))
        return super().__contains__(key)


class _Recording(_Asked):
    """A rule file's mapping: keys asked for and whether it was iterated; nested mappings and lists
    are wrapped too."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        super().__init__({key: _wrap(value) for key, value in data.items()})
        self.iterated = False

    def __iter__(self) -> Iterator[Any]:
        self.iterated = True
        return super().__iter__()

    def keys(self) -> Any:
        self.iterated = True
        return super().keys()

    def items(self) -> Any:
        self.iterated = True
        return super().items()

    def values(self) -> Any:
        self.iterated = True
        return super().values()


def _wrap(value: Any) -> Any:
    if isinstance(value, Mapping):
        return _Recording(value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


def _suggest(key: str, known: set[str] | frozenset[str]) -> str:
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _unknown_keys(node: Any, where: str, path: str) -> None:
    """Raise for the first key no check asked for, depth first, in file order."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            _unknown_keys(item, where, f"{path}[{i}]")
        return
    if not isinstance(node, _Recording):
        return
    touched = node.asked or node.iterated
    if touched and not node.iterated:
        allowed = node.asked | (METADATA_KEYS if not path else {"description"})
        for key in dict.keys(node):
            if str(key) not in allowed:
                at = f"{path}.{key}" if path else str(key)
                raise RuleError(f"unknown key {at!r}{_suggest(str(key), node.asked)}", path=where)
    for key, value in dict.items(node):
        _unknown_keys(value, where, f"{path}.{key}" if path else str(key))


def _check_pack_file(pack: RulePack) -> tuple[str, ...]:
    """pack.yaml's own keys; returns the sections it declares optional."""
    where = pack.where("pack")
    data = pack.pack

    def keys_of(node: Any, schema_key: str, at: str) -> None:
        if not isinstance(node, Mapping):
            return
        known = PACK_SCHEMA[schema_key]
        for key in node:
            if key not in known:
                name = f"{at}.{key}" if at else str(key)
                raise RuleError(f"unknown key {name!r}{_suggest(str(key), known)}", path=where)

    keys_of(data, "", "")
    policy = data.get("policy", {})
    if policy is not None and not isinstance(policy, Mapping):
        raise RuleError("key 'policy' must be a mapping", path=where)
    keys_of(policy, "policy", "policy")
    entries = (policy or {}).get("invalidate", [])
    if isinstance(entries, list):
        for i, entry in enumerate(entries):
            keys_of(entry, "policy.invalidate[]", f"policy.invalidate[{i}]")
    keys_of(data.get("gate", {}), "gate", "gate")
    optional = data.get("optional", [])
    if not isinstance(optional, list) or not all(isinstance(s, str) for s in optional):
        raise RuleError("key 'optional' must be a list of section names", path=where)
    _check_detector_list(data.get("detectors"), where)
    return tuple(optional)


def _check_detector_list(listed: Any, where: str) -> None:
    """``detectors:`` (which detectors run by default) names installed detectors, once each."""
    if listed is None:
        return
    if not isinstance(listed, list) or not all(isinstance(s, str) for s in listed) or not listed:
        raise RuleError("key 'detectors' must be a non-empty list of detector names", path=where)
    from auditkit.detectors.base import available_detectors

    known = available_detectors()
    for name in listed:
        if name not in known:
            hint = _suggest(name, set(known)) or f" (known: {', '.join(known)})"
            raise RuleError(f"detectors: unknown detector {name!r}{hint}", path=where)
    if len(set(listed)) != len(listed):
        raise RuleError("detectors: a detector is listed twice", path=where)


def _check_policy(pack: RulePack) -> None:
    """Every policy entry names a detector that exists and rules it can emit."""
    from auditkit.clean import parse_policy
    from auditkit.detectors.base import available_detectors, get_detector

    known = available_detectors()
    where = pack.where("pack")
    for i, entry in enumerate(parse_policy(pack)):
        at = f"{where}: policy.invalidate[{i}]"
        if entry.detector not in known:
            hint = _suggest(entry.detector, set(known)) or f" (known: {', '.join(known)})"
            raise RuleError(f"unknown detector {entry.detector!r}{hint}", path=at)
        if entry.rules is None:
            continue
        emitted = get_detector(entry.detector).rule_ids(pack)
        if emitted is None:
            continue
        for rule in entry.rules:
            if rule not in emitted:
                hint = _suggest(rule, emitted) or f" (known: {', '.join(sorted(emitted))})"
                raise RuleError(f"detector {entry.detector!r} has no rule {rule!r}{hint}", path=at)


def validate_pack(pack: RulePack) -> None:
    """Raise :class:`RuleError` for anything in ``pack`` that would not be used as written."""
    from auditkit.detectors.base import available_detectors, get_detector
    from auditkit.gate import Gate

    optional = _check_pack_file(pack)
    _check_policy(pack)
    Gate.from_rules(pack)  # types and ranges of the gate, naming file and key
    recorded = {name: _Recording(data) for name, data in pack.sections.items() if name != "pack"}
    sections = _Asked({**recorded, "pack": pack.pack})  # which sections the checks asked for
    view = replace(pack, sections=sections)
    for name in available_detectors():
        get_detector(name).check_rules(view)
    for name in sorted(sections.asked - set(pack.sections) - set(optional)):
        raise RuleError(
            f"rule file for section {name!r} is missing (list it under 'optional' in pack.yaml "
            "if the pack leaves it out on purpose)",
            path=pack.where(name),
        )
    asked = {name for name, data in recorded.items() if data.asked or data.iterated}
    asked |= sections.asked
    for name, data in sorted(recorded.items()):
        if name not in asked:
            close = difflib.get_close_matches(name, sorted(asked - {name}), n=1, cutoff=0.8)
            if close:
                raise RuleError(
                    f"no detector reads section {name!r}; did you mean {close[0]!r}?",
                    path=pack.where(name),
                )
            continue  # a file for a detector that is not installed: not ours to judge
        _unknown_keys(data, pack.where(name), "")
