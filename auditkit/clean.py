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
import orjson
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


# Exact canonical JSON as bytes through orjson: the tree is walked once (as ``_plain_rounded``
# walks it), floats become the text ``json`` writes for them (``orjson.Fragment``: orjson's own
# float format differs, ``0.00001`` for ``1e-05``), and anything ``json`` might write otherwise
# than orjson (a non-str key, a type other than dict, list, str, int, bool, None and float) makes
# the caller take the general path. Strings and ints orjson writes exactly as ``_CANONICAL``
# (ensure_ascii=False, compact separators), and sorts keys by code point as ``sort_keys`` does;
# what it refuses (lone surrogates, ints beyond 64 bits, nesting deeper than 254) goes the
# general path too. ``tests/test_json_lines.py`` checks every path against ``canonical_json``.


class _NotPlain(Exception):
    """A value the orjson path leaves to ``json``."""


# Floats orjson writes as ``float.__repr__`` does (shortest round-trip digits, no exponent):
# zero and magnitudes in [1e-4, 1e16). Below, ``repr`` writes ``1e-05`` and orjson ``0.00001``
# (``tests/test_json_lines.py`` checks the range against ``repr``).
_PLAIN_FLOAT_LOW, _PLAIN_FLOAT_HIGH = 1e-4, 1e16


def _ready_float(value: float, digits: int) -> float | orjson.Fragment | None:
    """``round(value, digits)`` as orjson must be given it to write ``float.__repr__``'s text:
    the float itself where orjson writes that text, else a fragment of it; None for NaN, ±inf."""
    if value - value != 0.0:  # NaN or an infinity
        return None
    value = round(value, digits)
    if value == 0.0 or _PLAIN_FLOAT_LOW <= abs(value) < _PLAIN_FLOAT_HIGH:
        return value
    return orjson.Fragment(float.__repr__(value))


def _orjson_ready(value: Any, digits: int) -> Any:
    """``_plain_rounded(value, digits)`` with floats as :func:`_ready_float` gives them; raises
    ``_NotPlain`` for what ``json`` may write otherwise than orjson."""
    kind = type(value)
    if kind is dict:
        out = {}
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            kind = type(item)
            if kind is float:
                out[key] = _ready_float(item, digits)
            elif kind is str or kind is int or kind is bool or item is None:
                out[key] = item
            else:
                out[key] = _orjson_ready(item, digits)
        return out
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        return _ready_float(value, digits)
    if kind is list:
        return [v if type(v) in _KEPT_LEAVES else _orjson_ready(v, digits) for v in value]
    raise _NotPlain


_SORTED = orjson.OPT_SORT_KEYS


def _canonical_bytes(value: Any, digits: int = 9) -> bytes | None:
    """``canonical_json(value, digits=digits).encode()``, or None where the general path must
    write it (see above)."""
    try:
        return orjson.dumps(_orjson_ready(value, digits), option=_SORTED)
    except (_NotPlain, orjson.JSONEncodeError):
        return None


def canonical_json(value: Any, *, digits: int = 9) -> str:
    """One deterministic JSON text: sorted keys, floats rounded to ``digits`` decimals, UTF-8 kept.

    Rounding hides last-bit differences of floating-point sums so two runs compare byte for byte.
    """
    fast = _canonical_bytes(value, digits)
    if fast is not None:
        return fast.decode("utf-8")
    return _CANONICAL.encode(_plain_rounded(value, digits))


# id(evidence) → (the evidence, its canonical JSON or None for the general path): a vote's
# invalidation reason carries its finding's very evidence mapping, so one write of both files
# encodes each evidence once.
EvidenceMemo = dict[int, tuple[Any, bytes | None]]


def _evidence_bytes(evidence: Any, memo: EvidenceMemo | None) -> bytes | None:
    if memo is None:
        return _canonical_bytes(evidence)
    hit = memo.get(id(evidence))
    if hit is not None and hit[0] is evidence:
        return hit[1]
    text = _canonical_bytes(evidence)
    memo[id(evidence)] = (evidence, text)
    return text


def _scalars_ready(record: dict[str, Any]) -> bool:
    """Make a record's scalar fields fit for orjson in place (floats as fragments); False when a
    field is of another type (the general path writes the record then)."""
    for key, value in record.items():
        kind = type(value)
        if kind is float:
            record[key] = _ready_float(value, 9)
        elif kind not in _KEPT_LEAVES:
            return False
    return True


_FINDING_KEYS = tuple(sorted(FINDING_COLUMNS))
_finding_values = operator.attrgetter(*_FINDING_KEYS)


def _finding_bytes(finding: Finding, memo: EvidenceMemo | None) -> bytes | None:
    record = dict(zip(_FINDING_KEYS, _finding_values(finding), strict=True))
    record["severity"] = finding.severity.value
    del record["evidence"]
    evidence = _evidence_bytes(finding.evidence, memo)
    if evidence is None or not _scalars_ready(record):
        return None
    record["evidence"] = orjson.Fragment(evidence)
    try:
        return orjson.dumps(record, option=_SORTED)
    except orjson.JSONEncodeError:
        return None


def finding_line(finding: Finding, memo: EvidenceMemo | None = None) -> bytes:
    """``findings.jsonl``'s line of ``finding`` (without the newline): the UTF-8 of
    :func:`finding_json`. Raises ``UnicodeEncodeError`` for a lone surrogate, as writing that
    text to a UTF-8 file does."""
    fast = _finding_bytes(finding, memo)
    return fast if fast is not None else canonical_json(finding.to_dict()).encode("utf-8")


def finding_json(finding: Finding, memo: EvidenceMemo | None = None) -> str:
    """``canonical_json(finding.to_dict())``, the same text, by orjson: only the evidence is
    walked (and only once per evidence mapping with ``memo``); a field or evidence orjson would
    not write as ``json`` does takes the general path.

    Why: ``findings.jsonl`` of 1M votes with text holds ~10⁴–10⁵ findings; building, rounding and
    sorting each one's dict cost ~1 s."""
    fast = _finding_bytes(finding, memo)
    return fast.decode("utf-8") if fast is not None else canonical_json(finding.to_dict())


def _reason_record(reason: InvalidationReason, memo: EvidenceMemo | None) -> dict[str, Any] | None:
    record: dict[str, Any] = {
        "detector": reason.detector,
        "finding_id": reason.finding_id,
        "reason": reason.reason,
        "rule": reason.rule,
        "rule_pack_version": reason.rule_pack_version,
        "severity": reason.severity,
        "source": reason.source,
    }
    evidence = _evidence_bytes(reason.evidence, memo)
    if evidence is None or not _scalars_ready(record):
        return None
    record["evidence"] = orjson.Fragment(evidence)
    return record


def _invalidation_bytes(inv: VoteInvalidation, memo: EvidenceMemo | None) -> bytes | None:
    reasons = [_reason_record(reason, memo) for reason in inv.reasons]
    if None in reasons:
        return None
    record: dict[str, Any] = {"status": inv.status, "vote_id": inv.vote_id}
    if not _scalars_ready(record):
        return None
    decision = None
    if inv.decision is not None:
        text = _canonical_bytes(inv.decision.to_dict())
        if text is None:
            return None
        decision = orjson.Fragment(text)
    record["decision"] = decision
    record["reasons"] = reasons
    try:
        return orjson.dumps(record, option=_SORTED)
    except orjson.JSONEncodeError:
        return None


def invalidation_line(inv: VoteInvalidation, memo: EvidenceMemo | None = None) -> bytes:
    """``invalidations.jsonl``'s line of ``inv`` (without the newline): the UTF-8 of
    :func:`invalidation_json`."""
    fast = _invalidation_bytes(inv, memo)
    return fast if fast is not None else canonical_json(inv.to_dict()).encode("utf-8")


def invalidation_json(inv: VoteInvalidation, memo: EvidenceMemo | None = None) -> str:
    """``canonical_json(inv.to_dict())``, the same text, by orjson (as :func:`finding_json`)."""
    fast = _invalidation_bytes(inv, memo)
    return fast.decode("utf-8") if fast is not None else canonical_json(inv.to_dict())


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
        with open(path, "wb") as handle:
            for inv in self.invalidations:
                handle.write(invalidation_line(inv, memo) + b"\n")


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
