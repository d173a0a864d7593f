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
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd

from auditkit.detectors.base import Detector, DetectorResult, Finding, Severity, register
from auditkit.errors import RuleError
from auditkit.identity.lexicon import load_identity_rules, probe_repeat_min
from auditkit.identity.text import probing_rows, probing_turn
from auditkit.rulepack import RulePack, require

if TYPE_CHECKING:
    from auditkit.schema import BattleTable

__all__ = ["IdentityProbeDetector", "probing_turn"]


@register
class IdentityProbeDetector(Detector):
    """Reports votes whose user asked the model who it is; flags voters who do it repeatedly."""

    name: ClassVar[str] = "identity_probe"
    description: ClassVar[str] = "Prompts that ask a model who it is or who made it."
    reads: ClassVar[frozenset[str]] = frozenset(
        {"vote_id", "anony", "voter", "conversation_a", "conversation_b"}
    )
    reads_text: ClassVar[bool] = True
    order: ClassVar[int] = 60
    diff_key: ClassVar[str | None] = "identity_probes"
    report_title: ClassVar[str | None] = "Identity probes"
    report_template: ClassVar[str] = """\
<p>{{ data.probing_votes | fmt }} votes asked a model who it is ({{ data.probing_votes_anonymous | fmt }} in anonymous battles), by {{ data.probing_voters | fmt }} voters.</p>
{% if data.repeat_voters %}
<table id="identity-probe-voters">
<tr><th>voter</th><th>probing votes</th></tr>
{% for voter, n in data.repeat_voters %}
<tr><td>{{ voter }}</td><td>{{ n | fmt }}</td></tr>
{% endfor %}
</table>
{% else %}
<p>No voter probed in {{ data.repeat_min | fmt }} or more votes.</p>
{% endif %}
"""
    report_markdown: ClassVar[str] = """\
{{ data.probing_votes | fmt }} votes asked a model who it is ({{ data.probing_votes_anonymous | fmt }} in anonymous battles), by {{ data.probing_voters | fmt }} voters.
{% if data.repeat_voters %}
| voter | probing votes |
|---|---|
{% for voter, n in data.repeat_voters %}| {{ voter | md }} | {{ n | fmt }} |
{% endfor %}{% else %}
No voter probed in {{ data.repeat_min | fmt }} or more votes.
{% endif %}"""

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
        probes = _probing_votes(battles.frame, load_identity_rules(rules).probes)
        return _result(probes, voters_usable=battles.voters_usable, rules=rules)

    @classmethod
    def detect_chunk(cls, battles: BattleTable, rules: RulePack) -> DetectorResult:
        """The chunk's probing votes (vote id, turn, text, anonymous, voter), no findings yet:
        whether a voter repeats, and whether voter ids are usable at all, is known only for
        the whole table (:meth:`merge`)."""
        probes = _probing_votes(battles.frame, load_identity_rules(rules).probes)
        return DetectorResult(cls.name, summary={"ran": True, "probes": probes})

    @classmethod
    def merge(
        cls, parts: Sequence[DetectorResult], battles: BattleTable, rules: RulePack
    ) -> DetectorResult:
        """Exactly :meth:`detect` on the whole table, from the chunks' probing votes."""
        probes = [tuple(p) for part in parts for p in part.summary.get("probes", [])]
        return _result(probes, voters_usable=battles.voters_usable, rules=rules)

    @classmethod
    def report_data(cls, result: DetectorResult) -> dict[str, Any] | None:
        if not result.ran:
            return None
        summary = result.summary
        return {
            "probing_votes": summary["probing_votes"],
            "probing_votes_anonymous": summary["probing_votes_anonymous"],
            "probing_voters": summary["probing_voters"],
            "repeat_min": summary["repeat_min"],
            "repeat_voters": sorted(
                dict(summary["repeat_voters"]).items(), key=lambda item: (-item[1], item[0])
            ),
        }


# One probing vote: vote id, the probing user turn, its text, anonymous battle, voter ("" unknown).
Probe = tuple[str, int, str, bool, str]


def _probing_votes(frame: pd.DataFrame, probes: Any) -> list[Probe]:
    """Every vote of ``frame`` (in row order) whose user asks the model who it is."""
    found = probing_rows(frame, probes)
    rows = found.rows
    vote_ids = frame["vote_id"].astype(str).to_numpy(dtype=object)[rows].tolist()
    anony = frame["anony"].to_numpy(dtype=bool)[rows].tolist()
    voters = (
        frame["voter"].astype("string").fillna("").to_numpy(dtype=object)[rows].tolist()
        if "voter" in frame
        else [""] * len(rows)
    )
    return [
        (vote_id, turn, text, is_anony, voter)
        for vote_id, turn, text, is_anony, voter in zip(
            vote_ids, found.turns, found.texts, anony, voters, strict=True
        )
    ]


def _result(probes: Sequence[Any], *, voters_usable: bool, rules: RulePack) -> DetectorResult:
    """Findings and summary from the probing votes (voters are named only when usable)."""
    name = IdentityProbeDetector.name
    severity, repeat_min = _probe_options(rules)
    findings: list[Finding] = []
    by_voter: dict[str, list[str]] = defaultdict(list)
    anonymous = Counter[bool]()
    for vote_id, turn, text, anony, raw_voter in probes:
        voter = raw_voter if voters_usable else ""
        anonymous[anony] += 1
        if voter:
            by_voter[voter].append(vote_id)
        findings.append(
            Finding(
                detector=name,
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
                detector=name,
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
    return DetectorResult(name, tuple(findings), summary)


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
    return severity, probe_repeat_min(rules)
