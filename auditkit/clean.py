"""The one cleaning step: detector findings + the rule pack's policy + ledger decisions → invalidations.

Detectors only flag; this module decides, once, which votes stop counting. It records EVERY reason a
vote was invalidated (FastChat's cleaner keeps only the first), so a reviewer sees that a vote was both
a leak and a bot's.

``invalidations.jsonl`` layout (chosen: one line per vote, not per reason, so the file has exactly one
line per affected vote and ``wc -l`` counts votes)::

    {"vote_id": "v0000042", "status": "invalidated",
     "reasons": [{"detector": "identity_leak", "rule": "self_name", "severity": "high",
                  "finding_id": "…", "rule_pack_version": "auditkit-default@2026.11.1#…",
                  "reason": "response names its maker", "evidence": {…}, "source": "policy"}, …],
     "decision": null}

``status`` is ``invalidated`` (dropped from the cleaned table) or ``revoked`` (a manual ``ledger
revoke`` made it count again; the policy reasons stay listed for the record). A manual ``ledger
invalidate`` adds a reason with ``source: "manual"`` and detector ``manual``.
"""

from __future__ import annotations

import json
import math
import operator
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from auditkit.errors import RuleError
from auditkit.findings import FINDING_COLUMNS, Finding, Severity, jsonable
from auditkit.ledger import Decision, LedgerInvalidation
from auditkit.rulepack import RulePack, require
from auditkit.schema import BattleTable
from auditkit.typing import BoolArray, PosArray

__all__ = [
    "CleaningResult",
    "InvalidationReason",
    "PolicyEntry",
    "VoteInvalidation",
    "apply_policy",
    "canonical_json",
    "finding_json",
    "findings_from_dicts",
    "invalidation_json",
    "parse_policy",
]

MANUAL_DETECTOR = "manual"


def _round_floats(value: Any, digits: int) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value  # the common leaves first, without the isinstance chain
    if isinstance(value, float):
        return round(value, digits) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _round_floats(v, digits) for k, v in value.items()}
    if isinstance(value, list):
        return [_round_floats(v, digits) for v in value]
    return value


def _plain_rounded(value: Any, digits: int) -> Any:
    """``_round_floats(jsonable(value), digits)`` in one pass for plain JSON values (a finding's
    dict is already plain: converting and rounding it in two passes cost ~0.3 ms a finding)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        return round(value, digits) if math.isfinite(value) else None
    # Leaves kept as they are without a call each (most evidence values are strings).
    if kind is dict:
        return {
            (k if type(k) is str else str(k)): (
                v if type(v) in _KEPT_LEAVES else _plain_rounded(v, digits)
            )
            for k, v in value.items()
        }
    if kind is list:
        return [v if type(v) in _KEPT_LEAVES else _plain_rounded(v, digits) for v in value]
    return _round_floats(jsonable(value), digits)


_KEPT_LEAVES = frozenset({str, int, bool, type(None)})


# json.dumps builds an encoder per call when given options; one encoder serves every call.
_CANONICAL = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
)


def canonical_json(value: Any, *, digits: int = 9) -> str:
    """One deterministic JSON text: sorted keys, floats rounded to ``digits`` decimals, UTF-8 kept.

    Rounding hides last-bit differences of floating-point sums so two runs compare byte for byte.
    """
    return _CANONICAL.encode(_plain_rounded(value, digits))


# The string encoder ``_CANONICAL`` uses (``ensure_ascii=False``): the templated lines below
# encode strings exactly as it does.
_encode_str = json.encoder.encode_basestring


def _json_scalar(value: Any) -> str | None:
    """``canonical_json(value)`` for a str, None, bool, int or float; None for anything else."""
    kind = type(value)
    if kind is str:
        return _encode_str(value)
    if value is None:
        return "null"
    if kind is float:
        return float.__repr__(round(value, 9)) if math.isfinite(value) else "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    return None


# id(evidence) → (the evidence, its canonical JSON): a vote's invalidation reason carries its
# finding's very evidence mapping, so one write of both files encodes each evidence once.
EvidenceMemo = dict[int, tuple[Any, str]]


def _evidence_json(evidence: Any, memo: EvidenceMemo | None) -> str:
    if memo is None:
        return canonical_json(evidence)
    hit = memo.get(id(evidence))
    if hit is not None and hit[0] is evidence:
        return hit[1]
    text = canonical_json(evidence)
    memo[id(evidence)] = (evidence, text)
    return text


_FINDING_KEYS = tuple(sorted(FINDING_COLUMNS))
_FINDING_LINE = "{" + ",".join(f"{_encode_str(key)}:%s" for key in _FINDING_KEYS) + "}"
_finding_values = operator.attrgetter(*_FINDING_KEYS)
_FINDING_EVIDENCE = _FINDING_KEYS.index("evidence")
_FINDING_SEVERITY = _FINDING_KEYS.index("severity")


def finding_json(finding: Finding, memo: EvidenceMemo | None = None) -> str:
    """``canonical_json(finding.to_dict())``, the same text, filled into a template of the sorted
    keys: only the evidence goes through the general encoder (and only once per evidence mapping
    with ``memo``). A field that is not a plain JSON scalar takes the general path.

    Why: ``findings.jsonl`` of 1M votes with text holds ~10⁵ findings; building, rounding and
    sorting each one's dict cost ~1 s."""
    texts = [_json_scalar(value) for value in _finding_values(finding)]
    texts[_FINDING_EVIDENCE] = _evidence_json(finding.evidence, memo)
    texts[_FINDING_SEVERITY] = _json_scalar(finding.severity.value)
    if None in texts:
        return canonical_json(finding.to_dict())
    return _FINDING_LINE % tuple(texts)


_REASON_LINE = (
    '{"detector":%s,"evidence":%s,"finding_id":%s,"reason":%s,"rule":%s,'
    '"rule_pack_version":%s,"severity":%s,"source":%s}'
)


def _reason_json(reason: InvalidationReason, memo: EvidenceMemo | None) -> str | None:
    texts = (
        _json_scalar(reason.detector),
        _evidence_json(reason.evidence, memo),
        _json_scalar(reason.finding_id),
        _json_scalar(reason.reason),
        _json_scalar(reason.rule),
        _json_scalar(reason.rule_pack_version),
        _json_scalar(reason.severity),
        _json_scalar(reason.source),
    )
    return None if None in texts else _REASON_LINE % texts


def invalidation_json(inv: VoteInvalidation, memo: EvidenceMemo | None = None) -> str:
    """``canonical_json(inv.to_dict())``, the same text, from templates (as :func:`finding_json`)."""
    reasons = [_reason_json(reason, memo) for reason in inv.reasons]
    decision = "null" if inv.decision is None else canonical_json(inv.decision.to_dict())
    status, vote_id = _json_scalar(inv.status), _json_scalar(inv.vote_id)
    if None in reasons or status is None or vote_id is None:
        return canonical_json(inv.to_dict())
    listed = ",".join(text for text in reasons if text is not None)
    return f'{{"decision":{decision},"reasons":[{listed}],"status":{status},"vote_id":{vote_id}}}'


@dataclass(frozen=True)
class PolicyEntry:
    """One ``policy.invalidate`` entry: findings of ``detector`` whose rule matches, at ≥ severity."""

    detector: str
    rules: tuple[str, ...] | None  # None means every rule ("*")
    min_severity: Severity

    def matches(self, finding: Finding) -> bool:
        return (
            finding.detector == self.detector
            and (self.rules is None or finding.rule in self.rules)
            and finding.severity >= self.min_severity
        )


def parse_policy(rules: RulePack) -> tuple[PolicyEntry, ...]:
    """Validate and read ``pack.yaml`` → ``policy.invalidate``."""
    where = f"{rules.root}/pack.yaml: policy.invalidate"
    raw = rules.policy().get("invalidate", [])
    if not isinstance(raw, list):
        raise RuleError("policy.invalidate must be a list", path=where)
    entries = []
    for i, item in enumerate(raw):
        at = f"{where}[{i}]"
        if not isinstance(item, Mapping):
            raise RuleError("each policy entry must be a mapping", path=at)
        detector = require(item, "detector", str, where=at)
        rule_spec = require(item, "rules", (str, list), where=at, default="*")
        if rule_spec == "*":
            rule_names: tuple[str, ...] | None = None
        elif isinstance(rule_spec, list) and all(isinstance(r, str) for r in rule_spec):
            rule_names = tuple(rule_spec)
        else:
            raise RuleError("'rules' must be \"*\" or a list of rule ids", path=at)
        severity_text = require(item, "min_severity", str, where=at, default="info")
        try:
            severity = Severity(severity_text)
        except ValueError:
            known = ", ".join(s.value for s in Severity)
            raise RuleError(
                f"unknown min_severity {severity_text!r} (one of {known})", path=at
            ) from None
        entries.append(PolicyEntry(detector, rule_names, severity))
    return tuple(entries)


@dataclass(frozen=True)
class InvalidationReason:
    """One reason a vote stops counting, citing the finding and the rule pack it came from."""

    detector: str
    rule: str
    severity: str
    finding_id: str
    rule_pack_version: str
    reason: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    source: str = "policy"

    def to_dict(self) -> dict[str, Any]:
        return {
            "detector": self.detector,
            "rule": self.rule,
            "severity": self.severity,
            "finding_id": self.finding_id,
            "rule_pack_version": self.rule_pack_version,
            "reason": self.reason,
            "evidence": dict(self.evidence),
            "source": self.source,
        }


@dataclass(frozen=True)
class VoteInvalidation:
    """Every reason for one vote plus its status after ledger decisions."""

    vote_id: str
    reasons: tuple[InvalidationReason, ...]
    status: str  # "invalidated" or "revoked"
    decision: Decision | None = None

    @property
    def counted(self) -> bool:
        return self.status == "revoked"

    def to_dict(self) -> dict[str, Any]:
        return {
            "vote_id": self.vote_id,
            "status": self.status,
            "reasons": [r.to_dict() for r in self.reasons],
            "decision": self.decision.to_dict() if self.decision else None,
        }


@dataclass(frozen=True)
class CleaningResult:
    """The invalidations (sorted by vote id) and which rows of the input table they drop.

    Why rows and not the cleaned table: a cleaned copy is as large as the table (≈130 bytes a vote,
    1.3 GiB at 10M votes) and used to live for the rest of an audit. ``dropped_rows`` holds 8 bytes
    per dropped vote; :attr:`keep` and :attr:`cleaned` are built from it when asked for.
    """

    invalidations: tuple[VoteInvalidation, ...]
    battles: BattleTable = field(repr=False, compare=False)  # the table the policy was applied to
    dropped_rows: PosArray = field(repr=False, compare=False)  # sorted row positions
    votes_in: int
    rule_pack_label: str

    @property
    def keep(self) -> BoolArray:
        """One flag per row of :attr:`battles`: False where the row's vote was invalidated."""
        keep = np.ones(len(self.battles), dtype=bool)
        keep[self.dropped_rows] = False
        return keep

    @property
    def cleaned(self) -> BattleTable:
        """The battles minus invalidated votes: a new copy on every access (keep it if reused)."""
        frame = self.battles.frame
        return self.battles.with_frame(frame.loc[self.keep].reset_index(drop=True))

    @property
    def invalidated_ids(self) -> list[str]:
        return [inv.vote_id for inv in self.invalidations if inv.status == "invalidated"]

    @property
    def n_invalidated(self) -> int:
        return len(self.invalidated_ids)

    @property
    def n_revoked(self) -> int:
        return sum(1 for inv in self.invalidations if inv.status == "revoked")

    def counts_by_detector(self) -> dict[str, int]:
        """Invalidated votes per detector (a vote with two detectors' reasons counts for both)."""
        counter: Counter[str] = Counter()
        for inv in self.invalidations:
            if inv.status == "invalidated":
                counter.update({r.detector for r in inv.reasons})
        return dict(sorted(counter.items()))

    def counts_by_rule(self) -> dict[str, int]:
        """Invalidated votes per ``detector/rule``."""
        counter: Counter[str] = Counter()
        for inv in self.invalidations:
            if inv.status == "invalidated":
                counter.update({f"{r.detector}/{r.rule}" for r in inv.reasons})
        return dict(sorted(counter.items()))

    def ledger_rows(self, rule_pack_hash: str) -> list[LedgerInvalidation]:
        """Policy reasons as ledger rows (manual ones already live in the decisions table)."""
        return [
            LedgerInvalidation(
                vote_id=inv.vote_id,
                detector=r.detector,
                rule=r.rule,
                severity=r.severity,
                finding_id=r.finding_id,
                rule_pack_hash=rule_pack_hash,
                rule_pack_label=r.rule_pack_version,
                reason=r.reason,
                evidence=r.evidence,
            )
            for inv in self.invalidations
            for r in inv.reasons
            if r.source == "policy"
        ]

    def summary(self) -> str:
        share = self.n_invalidated / self.votes_in if self.votes_in else 0.0
        parts = ", ".join(f"{d}: {n}" for d, n in self.counts_by_detector().items()) or "none"
        return (
            f"{self.n_invalidated:,} of {self.votes_in:,} votes invalidated ({share:.2%}); "
            f"{self.n_revoked:,} revoked by decision; by detector: {parts}"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per (vote, reason)."""
        rows = [
            {"vote_id": inv.vote_id, "status": inv.status, **r.to_dict()}
            for inv in self.invalidations
            for r in inv.reasons
        ]
        columns = ["vote_id", "status", "detector", "rule", "severity", "finding_id"]
        columns += ["rule_pack_version", "reason", "evidence", "source"]
        return pd.DataFrame(rows, columns=columns)

    def to_json(self) -> dict[str, Any]:
        return {
            "votes_in": self.votes_in,
            "votes_invalidated": self.n_invalidated,
            "votes_revoked": self.n_revoked,
            "rule_pack_version": self.rule_pack_label,
            "by_detector": self.counts_by_detector(),
            "by_rule": self.counts_by_rule(),
        }

    def write_jsonl(self, path: str | Path, memo: EvidenceMemo | None = None) -> None:
        """``invalidations.jsonl``: one canonical JSON line per affected vote, sorted by vote id.

        ``memo``: evidence already encoded (shared with the findings file's writer)."""
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            for inv in self.invalidations:
                handle.write(invalidation_json(inv, memo) + "\n")


def _is_in(column: pd.Series, values: set[str]) -> BoolArray:
    """``column.isin(values)`` as a bool array, over the column's Arrow buffers.

    Why: pandas' ``isin`` on Arrow strings makes an Arrow scalar of every value asked about in
    Python (tens of thousands of flagged vote ids at 1M votes); ``pyarrow.compute.is_in`` takes
    them as one array. Missing ids are never in ``values`` (only strings are).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from auditkit.codes import arrow_strings

    array = arrow_strings(column)
    found = pc.is_in(array, value_set=pa.array(list(values), type=array.type)).fill_null(False)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


def apply_policy(
    battles: BattleTable,
    findings: Iterable[Finding],
    rules: RulePack,
    decisions: Mapping[str, Decision] | None = None,
) -> CleaningResult:
    """Invalidate every vote with a finding matching a policy entry; apply manual decisions.

    Table-level findings (``vote_id is None``) never invalidate; findings naming votes absent from
    ``battles`` are ignored. A ``revoke`` decision makes a flagged vote count again; an ``invalidate``
    decision drops a vote whether or not a detector flagged it.
    """
    entries = parse_policy(rules)
    label = rules.label
    decisions = decisions or {}
    # Whether a policy entry matches depends only on (detector, rule, severity): asked once each.
    verdicts: dict[tuple[str, str, Severity], bool] = {}

    def invalidates(finding: Finding) -> bool:
        at = (finding.detector, finding.rule, finding.severity)
        verdict = verdicts.get(at)
        if verdict is None:
            verdict = verdicts[at] = any(e.matches(finding) for e in entries)
        return verdict

    matched = [f for f in findings if f.vote_id is not None and invalidates(f)]
    manual = [v for v, d in decisions.items() if d.action == "invalidate"]
    # Vectorised membership against only the ids findings and decisions name: a Python set of every
    # vote id costs ~100 bytes a vote (1 GiB at 10M).
    vote_ids = battles.frame["vote_id"]
    if not pd.api.types.is_string_dtype(vote_ids):
        vote_ids = vote_ids.astype(str)
    named = {v for v in [*(f.vote_id for f in matched), *manual] if isinstance(v, str)}
    named_rows = np.flatnonzero(_is_in(vote_ids, named))
    named_ids = vote_ids.iloc[named_rows].tolist()
    present = set(named_ids)
    reasons: dict[str, dict[str, InvalidationReason]] = {}
    for finding in matched:
        vote_id = finding.vote_id
        if vote_id is None or vote_id not in present:
            continue
        reasons.setdefault(vote_id, {})[finding.finding_id] = InvalidationReason(
            detector=finding.detector,
            rule=finding.rule,
            severity=finding.severity.value,
            finding_id=finding.finding_id,
            rule_pack_version=label,
            reason=finding.message or f"{finding.detector}/{finding.rule}",
            evidence=finding.evidence,
        )
    for vote_id in manual:
        if vote_id in present:
            decision = decisions[vote_id]
            reasons.setdefault(vote_id, {})[f"manual-{decision.id}"] = InvalidationReason(
                detector=MANUAL_DETECTOR,
                rule="ledger.invalidate",
                severity=Severity.HIGH.value,
                finding_id=f"manual-{decision.id}",
                rule_pack_version=label,
                reason=decision.reason,
                evidence={"who": decision.who, "decided_at": decision.decided_at},
                source="manual",
            )
    invalidations = []
    for vote_id in sorted(reasons):
        given = reasons[vote_id]
        ordered = (
            tuple(sorted(given.values(), key=lambda r: (r.detector, r.rule, r.finding_id)))
            if len(given) > 1
            else tuple(given.values())
        )
        vote_decision = decisions.get(vote_id)
        revoked = vote_decision is not None and vote_decision.action == "revoke"
        invalidations.append(
            VoteInvalidation(
                vote_id=vote_id,
                reasons=ordered,
                status="revoked" if revoked else "invalidated",
                decision=vote_decision,
            )
        )
    dropped = {inv.vote_id for inv in invalidations if inv.status == "invalidated"}
    is_dropped = np.array([v in dropped for v in named_ids], dtype=bool)
    return CleaningResult(
        invalidations=tuple(invalidations),
        battles=battles,
        dropped_rows=named_rows[is_dropped],
        votes_in=len(battles),
        rule_pack_label=label,
    )


def findings_from_dicts(rows: Sequence[Mapping[str, Any]]) -> list[Finding]:
    """Rebuild findings from their ``to_dict`` form (the ledger cache and findings.jsonl store that)."""
    return [
        Finding(
            detector=row["detector"],
            rule=row["rule"],
            severity=Severity(row["severity"]),
            subject=row["subject"],
            vote_id=row.get("vote_id"),
            score=row.get("score"),
            p_value=row.get("p_value"),
            message=row.get("message", ""),
            evidence=row.get("evidence") or {},
            finding_id=row.get("finding_id", ""),
        )
        for row in rows
    ]
