""" "What to do next": the actions a report lists after its verdict, derived from the findings.

Each detector contributes through a small hook, so a new detector gets actions without editing this
module: register an :data:`ActionRule` for its name with :func:`action_rule`, or put a ``remedy``
sentence (and optionally a ``section``) into a finding's evidence. A detector with findings and no
rule gets a generic "review its findings" action; one that did not run gets an action saying why, so
nothing it could have found is silently missing.

Every action names the report section (an HTML anchor id) that holds its evidence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from auditkit.detectors.base import get_detector
from auditkit.findings import DetectorResult, Finding, Severity

__all__ = [
    "Action",
    "ActionInputs",
    "ActionRule",
    "action_rule",
    "detector_section",
    "next_actions",
]

# Sections of the report (anchor ids) a built-in detector's evidence lives in.
_SECTIONS = {
    "identity_leak": "evidence",
    "voter_anomaly": "voters",
    "sampling": "sampling",
    "prompt_dedup": "invalidations",
}
# Leaks concentrated in one model: at least this share of the leaking responses, and this many.
CONCENTRATED_SHARE = 0.5
CONCENTRATED_MIN = 3
MAX_NAMES = 5


@dataclass(frozen=True)
class Action:
    """One thing an operator should do, the report section with its evidence, and its order key."""

    text: str
    section: str
    priority: int = 50  # lower comes first
    command: str = ""  # a command line to run, shown as code after the text

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "section": self.section,
            "priority": self.priority,
            "command": self.command,
        }


@dataclass(frozen=True)
class ActionInputs:
    """What an action rule may read: every detector's result and what the policy did."""

    results: Mapping[str, DetectorResult]
    invalidated_by_detector: Mapping[str, int] = field(default_factory=dict)
    gate_reasons: Sequence[str] = ()


ActionRule = Callable[[DetectorResult, ActionInputs], list[Action]]
_RULES: dict[str, list[ActionRule]] = {}


def action_rule(detector: str) -> Callable[[ActionRule], ActionRule]:
    """Decorator: ``rule(result, inputs) -> [Action, …]`` runs whenever ``detector`` has a result."""

    def add(rule: ActionRule) -> ActionRule:
        _RULES.setdefault(detector, []).append(rule)
        return rule

    return add


def detector_section(detector: str) -> str:
    """The report section a detector's evidence is in: its own section when its class brings
    one (``report_template``), else a built-in section, else the findings table."""
    try:
        if get_detector(detector).report_template:
            return detector
    except KeyError:
        pass
    return _SECTIONS.get(detector, "table-findings")


def _names(items: Sequence[str]) -> str:
    shown = ", ".join(items[:MAX_NAMES])
    return shown + (f" and {len(items) - MAX_NAMES} more" if len(items) > MAX_NAMES else "")


def _remedies(findings: Sequence[Finding], default_section: str) -> list[Action]:
    """The per-finding hook: ``evidence["remedy"]`` (and ``evidence["section"]``), once each."""
    seen: dict[str, Action] = {}
    for finding in findings:
        remedy = finding.evidence.get("remedy")
        if isinstance(remedy, str) and remedy and remedy not in seen:
            section = finding.evidence.get("section")
            seen[remedy] = Action(
                remedy, section if isinstance(section, str) else default_section, 40
            )
    return list(seen.values())


def next_actions(inputs: ActionInputs) -> list[Action]:
    """The ordered, de-duplicated action list for one run (empty when nothing needs doing)."""
    actions: list[Action] = []
    not_run = sorted(name for name, result in inputs.results.items() if not result.ran)
    if not_run:
        actions.append(
            Action(
                f"{len(not_run)} detector(s) did not run ({', '.join(not_run)}): nothing they "
                "look for was checked; the detectors table says what each needs.",
                "detectors",
                90,
            )
        )
    for name, result in inputs.results.items():
        section = detector_section(name)
        if not result.ran:
            continue
        from_rules = [a for rule in _RULES.get(name, ()) for a in rule(result, inputs)]
        from_findings = _remedies(result.findings, section)
        actions += from_rules + from_findings
        if result.findings and not from_rules and not from_findings:
            worst = max(f.severity for f in result.findings)
            actions.append(
                Action(
                    f"review the {len(result.findings):,} {name} findings (worst: {worst.value}).",
                    section,
                    60,
                )
            )
    unique: dict[str, Action] = {}
    for action in actions:
        unique.setdefault(action.text, action)
    return sorted(unique.values(), key=lambda a: (a.priority, a.section, a.text))


# ----------------------------------------------------------------------------- built-in rules


@action_rule("sampling")
def _sampling_actions(result: DetectorResult, inputs: ActionInputs) -> list[Action]:
    out: list[Action] = []
    by_rule: dict[str, list[str]] = {}
    for finding in result.table_findings:
        model = finding.evidence.get("model")
        by_rule.setdefault(finding.rule, []).append(
            model if isinstance(model, str) else finding.subject
        )
    components = result.summary.get("components") or []
    if "disconnected" in by_rule and len(components) > 1:
        sizes = ", ".join(str(len(c)) for c in components)
        out.append(
            Action(
                f"{len(components)} separate components ({sizes} models): publish them as "
                "separate leaderboards, not as one:",
                "sampling",
                10,
                command="auditkit ratings --per-component FILE",
            )
        )
    under = sorted(set(by_rule.get("undersampled", [])))
    if under:
        out.append(
            Action(
                f"{len(under)} model(s) under-sampled ({_names(under)}): raise their sampling "
                "weight.",
                "sampling",
                30,
            )
        )
    over = sorted(set(by_rule.get("oversampled", [])))
    if over:
        out.append(
            Action(
                f"{len(over)} model(s) over-sampled ({_names(over)}): lower their sampling weight.",
                "sampling",
                30,
            )
        )
    return out


@action_rule("voter_anomaly")
def _voter_actions(result: DetectorResult, inputs: ActionInputs) -> list[Action]:
    flagged = result.summary.get("flagged_voters") or []
    if not flagged:
        return []
    invalidated = inputs.invalidated_by_detector.get(result.detector, 0)
    tail = f" ({invalidated:,} of their votes already invalidated)" if invalidated else ""
    return [Action(f"review {len(flagged):,} voters flagged for review{tail}.", "voters", 20)]


@action_rule("identity_leak")
def _identity_actions(result: DetectorResult, inputs: ActionInputs) -> list[Action]:
    leaks = [f for f in result.vote_findings if f.severity >= Severity.MEDIUM]
    if not leaks:
        return []
    per_model = Counter(str(f.evidence.get("model") or f.subject) for f in leaks)
    out = []
    for model, count in sorted(per_model.items(), key=lambda kv: (-kv[1], kv[0])):
        if count >= CONCENTRATED_MIN and count >= CONCENTRATED_SHARE * len(leaks):
            out.append(
                Action(
                    f"identity leaks concentrated in {model} ({count:,} of {len(leaks):,}): "
                    "fix its system prompt before it re-enters the arena.",
                    "evidence",
                    15,
                )
            )
    if not out:
        out.append(
            Action(
                f"{len(leaks):,} identity leaks across {len(per_model)} model(s): review the "
                "evidence and the models' system prompts.",
                "evidence",
                25,
            )
        )
    return out
