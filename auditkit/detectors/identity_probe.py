"""Identity probes: a user turn asking the model who it is or who made it.

"Which company trained you?", "你是哪个公司的模型", "what is your knowledge cutoff and who built you":
in an anonymous battle such a question is an attempt to break anonymity even when the answer names
nobody. Each probing vote is reported (rule ``identity_probe``); whether it is invalidated is policy
(the default pack only reports it — a vote is invalidated when an answer *leaks*, which is
``identity_leak``'s finding). A voter who probes in ``repeat_min`` or more votes gets a table-level
finding (``identity_probe.repeated``); the detector's summary lists those voters under
``repeat_voters`` and every probing vote under ``probing_vote_ids`` so the voter audit can use them
as evidence. The probe patterns are data: rules/identity/context.yaml ``probes``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from auditkit.detectors.base import Detector, DetectorResult, Finding, Severity, register
from auditkit.detectors.identity import message_text
from auditkit.errors import RuleError
from auditkit.identity.lexicon import load_identity_rules
from auditkit.rulepack import RulePack, require

if TYPE_CHECKING:
    from auditkit.schema import BattleTable

__all__ = ["IdentityProbeDetector", "probing_turn"]


def probing_turn(conversation: Any, probes: Any) -> tuple[int, str] | None:
    """The first user turn (1-based) that probes identity and its text, or None."""
    if isinstance(conversation, np.ndarray):
        conversation = conversation.tolist()
    if not isinstance(conversation, list | tuple):
        return None
    turn = 0
    for message in conversation:
        if not isinstance(message, Mapping) or message.get("role") != "user":
            continue
        turn += 1
        text = message_text(message.get("content"))
        if any(p.search(text) for p in probes):
            return turn, text
    return None


@register
class IdentityProbeDetector(Detector):
    """Reports votes whose user asked the model who it is; flags voters who do it repeatedly."""

    name: ClassVar[str] = "identity_probe"
    description: ClassVar[str] = "Prompts that ask a model who it is or who made it."

    @classmethod
    def check_rules(cls, rules: RulePack) -> None:
        load_identity_rules(rules)
        _probe_options(rules)

    @classmethod
    def rule_ids(cls, rules: RulePack) -> frozenset[str]:
        return frozenset({"identity_probe", "identity_probe.repeated"})

    def detect(self, battles: BattleTable, rules: RulePack) -> DetectorResult:
        if not battles.has_text:
            return DetectorResult(
                self.name,
                summary={"ran": False},
                notes=("no conversation text: identity probes could not be looked for",),
            )
        identity = load_identity_rules(rules)
        severity, repeat_min = _probe_options(rules)
        frame = battles.frame
        voters = (
            frame["voter"].astype("string").fillna("").tolist()
            if battles.voters_usable and "voter" in frame
            else [""] * len(frame)
        )
        findings: list[Finding] = []
        by_voter: dict[str, list[str]] = defaultdict(list)
        anonymous = Counter[bool]()
        records = zip(
            frame["vote_id"].astype(str).tolist(),
            frame["conversation_a"].tolist(),
            frame["conversation_b"].tolist(),
            frame["anony"].to_numpy(dtype=bool).tolist(),
            voters,
            strict=True,
        )
        for vote_id, conv_a, conv_b, anony, voter in records:
            found = probing_turn(conv_a, identity.probes) or probing_turn(conv_b, identity.probes)
            if found is None:
                continue
            turn, text = found
            anonymous[anony] += 1
            if voter:
                by_voter[voter].append(vote_id)
            findings.append(
                Finding(
                    detector=self.name,
                    rule="identity_probe",
                    severity=severity,
                    subject=f"voter:{voter}" if voter else "vote",
                    vote_id=vote_id,
                    score=1.0,
                    message=f"user turn {turn} asks the model who it is ({'anonymous' if anony else 'named'} battle)",
                    evidence={
                        "turn": turn,
                        "prompt": " ".join(text.split())[:200],
                        "voter": voter or None,
                        "anonymous": anony,
                    },
                )
            )
        repeat = {v: ids for v, ids in by_voter.items() if len(ids) >= repeat_min}
        for voter, ids in sorted(repeat.items()):
            findings.append(
                Finding(
                    detector=self.name,
                    rule="identity_probe.repeated",
                    severity=severity,
                    subject=f"voter:{voter}",
                    score=float(len(ids)),
                    message=f"voter {voter} asked the model's identity in {len(ids)} votes",
                    evidence={"voter": voter, "probing_votes": len(ids), "vote_ids": ids[:50]},
                )
            )
        summary = {
            "ran": True,
            "probing_votes": anonymous[True] + anonymous[False],
            "probing_votes_anonymous": anonymous[True],
            "probing_voters": len(by_voter),
            "repeat_min": repeat_min,
            "repeat_voters": {v: len(ids) for v, ids in sorted(repeat.items())},
            "probing_vote_ids": sorted(f.vote_id for f in findings if f.vote_id is not None),
        }
        return DetectorResult(self.name, tuple(findings), summary)


def _probe_options(rules: RulePack) -> tuple[Severity, int]:
    """``probe_severity`` and ``probe_repeat_min`` from ``identity/context.yaml``, validated."""
    context = rules.sections_under("identity").get("identity/context", {})
    where = rules.where("identity/context")
    raw = require(context, "probe_severity", str, where=where, default="low")
    try:
        severity = Severity(raw)
    except ValueError:
        raise RuleError(
            "key 'probe_severity' must be info/low/medium/high/critical", path=where
        ) from None
    repeat_min = require(context, "probe_repeat_min", int, where=where, default=3)
    if repeat_min < 1:
        raise RuleError("key 'probe_repeat_min' must be at least 1", path=where)
    return severity, int(repeat_min)
