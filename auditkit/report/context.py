"""The report's data: the tables, figures' inputs and evidence a :class:`ReportContext` carries.

Built from one finished audit (battle table, detector results, cleaning, leaderboard); moved here from
:mod:`auditkit.audit` unchanged, so the pipeline only calls :func:`report_context`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from auditkit.clean import CleaningResult
from auditkit.codes import TableCodes, arrow_strings, row_positions
from auditkit.detectors.base import DetectorResult, Finding, Severity, get_detector
from auditkit.report.actions import ActionInputs, detector_section, next_actions
from auditkit.report.figures import VoteFigureInputs
from auditkit.report.render import EvidenceLine, ReportContext, split_span
from auditkit.report.verdict import audit_verdict
from auditkit.schema import BattleTable, Winner, models_in

if TYPE_CHECKING:
    from auditkit.pipeline.summary import AuditSummary

__all__ = [
    "VoteTables",
    "detector_sections",
    "detector_status_rows",
    "report_context",
    "vote_tables",
]

TOP_EVIDENCE = 12
MAX_SCATTER_VOTERS = 20_000
MAX_TABLE_FINDINGS = 60
# Rows per pass of the report's per-vote tallies (a few int64 work arrays of this length).
REPORT_BLOCK_ROWS = 500_000


# Each row's index in a short list of names, over the column's Arrow buffers.
_positions = row_positions


def _blocks(frame: pd.DataFrame) -> Iterator[pd.DataFrame]:
    """Row blocks of ``frame`` (views): per-row work arrays stay ∝ ``REPORT_BLOCK_ROWS``."""
    for start in range(0, len(frame), REPORT_BLOCK_ROWS):
        yield frame.iloc[start : start + REPORT_BLOCK_ROWS]


@dataclass(frozen=True)
class _ModelSides:
    """The sorted model list and each row's index in it on either side (-1: none), once.

    Why: the pair counts, the sampling table and the voter scatter each need them; computed once
    they cost one pass over each model column instead of three (10M votes: 20M string lookups).
    """

    models: list[str]
    a: np.ndarray  # int32
    b: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame) -> _ModelSides:
        models = models_in(frame)
        a = _positions(frame["model_a"], models).astype(np.int32)
        return cls(models, a, _positions(frame["model_b"], models).astype(np.int32))

    @classmethod
    def of_table(cls, battles: BattleTable) -> _ModelSides:
        """The table's own model codes (computed once per table, shared with other stages)."""
        codes = battles.codes
        return cls(list(codes.models), codes.model_a, codes.model_b)

    def block(self, start: int) -> tuple[np.ndarray, np.ndarray]:
        """Both sides' codes (int64) of the rows of the block starting at ``start``."""
        stop = start + REPORT_BLOCK_ROWS
        return self.a[start:stop].astype(np.int64), self.b[start:stop].astype(np.int64)


def _pair_counts(frame: pd.DataFrame, sides: _ModelSides | None = None) -> pd.DataFrame:
    sides = sides or _ModelSides.of(frame)
    models = sides.models
    if not models:
        return pd.DataFrame()
    n = len(models)
    counts = np.zeros(n * n, dtype=np.int64)
    for start in range(0, len(frame), REPORT_BLOCK_ROWS):
        a, b = sides.block(start)
        both = (a >= 0) & (b >= 0)
        counts += np.bincount(a[both] * n + b[both], minlength=n * n)
    square = counts.reshape(n, n)
    square = square + square.T
    return pd.DataFrame(square, index=models, columns=models)


# A table-level subject names a model or a pair ("a vs b", "a|b", "a,b").
_SUBJECT_SPLIT = re.compile(r"\s+vs\.?\s+|\s*[|,]\s*")


def _sampling_table(
    frame: pd.DataFrame, sampling: DetectorResult | None, sides: _ModelSides | None = None
) -> pd.DataFrame:
    sides = sides or _ModelSides.of(frame)
    models = sides.models
    appearances = np.zeros(len(models), dtype=np.int64)
    for start in range(0, len(frame), REPORT_BLOCK_ROWS):
        for codes in sides.block(start):
            appearances += np.bincount(codes[codes >= 0], minlength=len(models))
    total = float(appearances.sum()) or 1.0
    expected_raw = (sampling.summary.get("expected_shares") if sampling else None) or {}
    expected = {str(k): float(v) for k, v in dict(expected_raw).items()}
    flagged: set[str] = set()
    for finding in sampling.findings if sampling else ():
        flagged.update(_SUBJECT_SPLIT.split(finding.subject))
        model = finding.evidence.get("model")
        if isinstance(model, str):
            flagged.add(model)
    rows = []
    n_models = len(models) or 1
    for model, count in zip(models, appearances.tolist(), strict=True):
        rows.append(
            {
                "model": model,
                "observed_share": float(count) / total,
                "expected_share": expected.get(model, 1.0 / n_models),
                "flagged": model in flagged,
            }
        )
    return pd.DataFrame(rows, columns=["model", "observed_share", "expected_share", "flagged"])


_SCATTER_ORDER = [("flagged", "descending"), ("votes", "descending"), ("voter", "ascending")]


def _top_voters(codes: TableCodes, flagged: set[str], k: int) -> tuple[pa.Table, np.ndarray]:
    """The ``k`` voters the scatter shows (``voter``, ``votes``, ``flagged``), in its order, and
    each one's voter code.

    The order: flagged first, then most votes, then by name (names are distinct, so the top ``k``
    is unique; Arrow compares UTF-8 bytes, which orders as Python compares ``str``).

    Why the table's voter codes: the load factorized the voter column already (4.4M distinct
    voters at 10M votes), so the votes per voter are one ``bincount`` over the codes, with no
    hash table of voter strings built again here.
    """
    ids = arrow_strings(codes.voter_ids)
    present = codes.voter[codes.voter >= 0]
    votes = np.bincount(present, minlength=len(ids)).astype(np.int64)
    wanted = pa.array(list(flagged), type=pa.large_string())
    is_flagged = pc.is_in(ids, value_set=wanted)
    table = pa.table(
        {
            "voter": ids,
            "votes": votes,
            "flagged": is_flagged,
            "code": np.arange(len(ids), dtype=np.int64),
        }
    )
    if len(table) > k > 0:
        # Only voters whose (flagged, votes) is at least the k-th best can be among the top k
        # (every voter below it has k better ones): the names, which break the ties, are compared
        # for those alone (~20k of 445k voters at 1M votes) instead of all of them.
        marked = is_flagged.to_numpy(zero_copy_only=False).astype(np.int64)
        rank = votes + marked * (int(votes.max()) + 1)  # orders as (flagged, votes)
        bound = np.partition(rank, len(rank) - k)[len(rank) - k]
        table = table.take(np.flatnonzero(rank >= bound))
    best = table.take(pc.select_k_unstable(table, k=min(k, len(table)), sort_keys=_SCATTER_ORDER))
    best = best.take(pc.sort_indices(best, sort_keys=_SCATTER_ORDER))
    return best.drop_columns(["code"]), best.column("code").to_numpy()


def _equals(column: pd.Series, value: str) -> np.ndarray:
    """``column == value`` as a bool array (missing: False); a categorical column is compared by
    its codes (one lookup of ``value`` among the categories, not one per row)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = column.cat.categories
        if value not in categories:
            return np.zeros(len(column), dtype=bool)
        return np.asarray(column.cat.codes.to_numpy() == categories.get_loc(value))
    return column.isin([value]).to_numpy(dtype=bool)


def _voter_table(
    battles: BattleTable, flagged: set[str], sides: _ModelSides | None = None
) -> pd.DataFrame:
    columns = ["voter", "votes", "a_share", "top_model_share", "flagged"]
    if not battles.voters_usable or len(battles) == 0:
        return pd.DataFrame(columns=columns)
    # At 10M votes there are ~4.4M voters: grouping by the voter strings built several GiB of
    # per-group objects. The shown voters are found first, then their shares are tallied block by
    # block for them alone.
    frame = battles.frame
    top, shown_codes = _top_voters(battles.codes, flagged, MAX_SCATTER_VOTERS)
    shown = top.column("voter").combine_chunks()
    shown_votes = top.column("votes").to_numpy()
    shown_flagged = top.column("flagged").to_numpy()
    sides = sides or _ModelSides.of(frame)
    k, models = len(shown), sides.models
    n_models = max(len(models), 1)
    decisive = np.zeros(k, dtype=np.int64)
    a_wins = np.zeros(k, dtype=np.int64)
    per_model = np.zeros(k * n_models, dtype=np.int64)  # decisive wins per (voter, winning model)
    # Each voter code's slot among the shown voters (-1: not shown; the last entry: no voter).
    slot_of = np.full(len(battles.codes.voter_ids) + 1, -1, dtype=np.int64)
    slot_of[shown_codes] = np.arange(k)
    for start, block in zip(range(0, len(frame), REPORT_BLOCK_ROWS), _blocks(frame), strict=True):
        side_a, side_b = sides.block(start)
        slot = slot_of[battles.codes.voter[start : start + REPORT_BLOCK_ROWS]]
        is_a = _equals(block["winner"], Winner.MODEL_A.value)
        is_b = _equals(block["winner"], Winner.MODEL_B.value)
        rows = np.flatnonzero((slot >= 0) & (is_a | is_b))
        voter, won_a = slot[rows], is_a[rows]
        winner = np.where(won_a, side_a[rows], side_b[rows])
        decisive += np.bincount(voter, minlength=k)
        a_wins += np.bincount(voter[won_a], minlength=k)
        known = winner >= 0
        per_model += np.bincount(voter[known] * n_models + winner[known], minlength=k * n_models)
    wins = per_model.reshape(k, n_models)
    with np.errstate(invalid="ignore", divide="ignore"):
        a_share = a_wins / decisive  # NaN for a voter without decisive votes, as a mean of none
        top_share = wins.max(axis=1) / wins.sum(axis=1)
    table = pd.DataFrame(
        {
            "voter": pd.Series(shown.to_pylist(), dtype=object).astype(str),
            "votes": shown_votes.astype(np.int64),
            "a_share": a_share,
            "top_model_share": top_share,
            "flagged": shown_flagged.astype(bool),
        }
    )
    return table[columns]


_TEXT_KEYS = ("text", "snippet", "sentence", "context", "excerpt", "response")
_MATCH_KEYS = ("matched_text", "match", "matched", "term", "phrase")


def _claim_label(evidence: Mapping[str, Any]) -> str:
    """ "claim true: …" / "claim false: …" from ``evidence["claim_true"]`` ("" when not judged)."""
    verdict = evidence.get("claim_true")
    if not isinstance(verdict, bool):
        return ""
    model = evidence.get("model")
    model_text = f" ({model})" if isinstance(model, str) and model else ""
    if verdict:
        return f"claim true: the response names its own model{model_text}"
    claimed = evidence.get("claimed_identity")
    names = (
        [str(v) for v in claimed.values() if isinstance(v, str) and v]
        if isinstance(claimed, Mapping)
        else []
    )
    said = f" to be {' / '.join(dict.fromkeys(names))}" if names else " another model's identity"
    return f"claim false: the response claims{said}, but it comes from {model or 'another model'}"


def _evidence_line(finding: Finding) -> EvidenceLine | None:
    """Turn a text finding's evidence into (context, span, context); None if it has no text."""
    evidence = dict(finding.evidence)
    text = next((evidence[k] for k in _TEXT_KEYS if isinstance(evidence.get(k), str)), None)
    if text is None:
        return None
    # Prefer locating the matched words in the shown text: a detector's span may index the full
    # response while the text it hands us is an excerpt.
    start = end = None
    match = next((evidence[k] for k in _MATCH_KEYS if isinstance(evidence.get(k), str)), None)
    if match:
        found = text.lower().find(" ".join(match.split()).lower())
        if found >= 0:
            start, end = found, found + len(" ".join(match.split()))
    span = evidence.get("span")
    if (
        start is None
        and isinstance(span, list | tuple)
        and len(span) == 2
        and 0 <= int(span[0]) <= int(span[1]) <= len(text)
    ):
        start, end = int(span[0]), int(span[1])
    if start is None or end is None:
        start = end = 0
    before, marked, after = split_span(text, start, end)
    return EvidenceLine(
        claim=_claim_label(evidence),
        vote_id=finding.vote_id or "",
        detector=finding.detector,
        rule=finding.rule,
        subject=finding.subject,
        before=before,
        span=marked,
        after=after,
        severity=finding.severity.value,
    )


def _top_evidence(findings: Sequence[Finding], invalidated: AbstractSet[str]) -> list[EvidenceLine]:
    ranked = sorted(
        (f for f in findings if f.vote_id is not None and f.vote_id in invalidated),
        key=lambda f: (-f.severity.rank, -(f.score or 0.0), f.finding_id),
    )
    lines: list[EvidenceLine] = []
    for finding in ranked:
        line = _evidence_line(finding)
        if line is not None:
            lines.append(line)
        if len(lines) >= TOP_EVIDENCE:
            break
    return lines


@dataclass(frozen=True, eq=False)
class VoteTables:
    """The report's tables that read only the votes, the detector results and the cleaning (not
    the ratings): the sampling table, the voter scatter's voters and the invalidations' days.

    Why apart: they exist once the votes are cleaned, so the audit builds them then and the figure
    worker draws their figures while the ratings are computed
    (:meth:`~auditkit.report.figures.FigureProcess.start_votes`)."""

    sampling: pd.DataFrame
    voters: pd.DataFrame
    invalidation_events: pd.DataFrame
    sides: _ModelSides
    invalidated: frozenset[str]  # the invalidated votes' ids

    def figure_inputs(self) -> VoteFigureInputs:
        return VoteFigureInputs(self.sampling, self.voters, self.invalidation_events)


def vote_tables(
    battles: BattleTable, results: Sequence[DetectorResult], cleaning: CleaningResult
) -> VoteTables:
    """The tables of :class:`VoteTables` (the same :func:`report_context` builds without them)."""
    by_name = {r.detector: r for r in results}
    invalidated = set(cleaning.invalidated_ids)
    # The invalidated votes' rows, found once (serving both uses).
    frame = battles.frame
    rows = _invalidated_rows(battles, cleaning, invalidated)
    voter_flags = _flagged_voters(battles, cleaning, by_name.get("voter_anomaly"), rows)
    events = []
    # Only the invalidated votes' timestamps: a dict over every vote held ~150 bytes a vote.
    tstamps = dict(
        zip(frame["vote_id"].take(rows).tolist(), frame["tstamp"].take(rows).tolist(), strict=True)
    )
    for inv in cleaning.invalidations:
        if inv.status == "invalidated":
            for detector in sorted({r.detector for r in inv.reasons}):
                events.append({"tstamp": tstamps.get(inv.vote_id), "detector": detector})
    sides = _ModelSides.of_table(battles)
    return VoteTables(
        sampling=_sampling_table(frame, by_name.get("sampling"), sides),
        voters=_voter_table(battles, voter_flags, sides),
        invalidation_events=pd.DataFrame(events, columns=["tstamp", "detector"]),
        sides=sides,
        invalidated=frozenset(invalidated),
    )


def report_context(
    *,
    title: str,
    summary: AuditSummary,
    battles: BattleTable,
    results: Sequence[DetectorResult],
    findings: Sequence[Finding],
    cleaning: CleaningResult,
    board: pd.DataFrame,
    loaded: Any,
    gate_reasons: Sequence[str],
    notes: Sequence[str],
    diff: Mapping[str, Any] | None,
    tables: VoteTables | None = None,
) -> ReportContext:
    """The report's data; ``tables``: the vote tables built already from the same battles,
    results and cleaning (:func:`vote_tables`), else built here."""
    if tables is None:
        tables = vote_tables(battles, results, cleaning)
    by_name = {r.detector: r for r in results}
    invalidated = tables.invalidated
    level, verdict, headline = audit_verdict(
        gate_reasons=gate_reasons,
        findings=len(findings),
        votes=len(battles),
        invalidated=cleaning.n_invalidated,
        quarantined=int(loaded.rows_read) - int(loaded.rows_loaded),
        significant=int(board["change_significant"].sum()),
    )
    outcome = _policy_by_subject(
        findings, cleaning, wanted={(f.detector, f.subject) for f in findings if f.vote_id is None}
    )
    # Each table-level finding by id (the last of an id, as a dict of rows keeps it) and the
    # severity its row will show; the rows themselves are built for the shown findings only.
    by_id = {f.finding_id: f for f in findings if f.vote_id is None}
    shown_severity = {
        key: _row_severity(f, outcome.get((f.detector, f.subject))) for key, f in by_id.items()
    }
    table_level = sorted(
        (f for f in findings if f.vote_id is None and shown_severity[f.finding_id] >= Severity.LOW),
        key=lambda f: (-shown_severity[f.finding_id].rank, f.detector, f.rule, f.subject),
    )
    hidden = sum(1 for f in findings if f.vote_id is None) - len(table_level)
    if len(table_level) > MAX_TABLE_FINDINGS:
        hidden += len(table_level) - MAX_TABLE_FINDINGS
        table_level = table_level[:MAX_TABLE_FINDINGS]
    if hidden:
        notes = [
            *notes,
            f"{hidden:,} lower-severity table-level findings not shown (see findings.jsonl)",
        ]
    actions = next_actions(
        ActionInputs(
            results=by_name,
            invalidated_by_detector=cleaning.counts_by_detector(),
            gate_reasons=tuple(gate_reasons),
        )
    )
    if actions:
        verdict += " See What to do next."
    # A detector that did not run has its reason in the detectors table: not again as a note.
    said = {f"{r.detector}: {n}" for r in results if not r.ran for n in r.notes}
    notes = [n for n in notes if n not in said]
    sampling_table = tables.sampling
    flagged_models = set(sampling_table.loc[sampling_table["flagged"], "model"].astype(str))
    flagged_models |= set(board.loc[board["change_significant"].astype(bool), "model"].astype(str))
    run = summary.run
    return ReportContext(
        title=title,
        verdict=verdict,
        verdict_level=level,
        run={
            "started_at": run.started_at,
            "rule_pack": run.rule_pack["label"],
            "seed": run.seed,
            "auditkit_version": run.auditkit_version,
            "inputs": ", ".join(f"{i['path']} (sha256 {i['sha256'][:12]})" for i in run.inputs),
            "detectors": ", ".join(run.detectors_run),
        },
        leaderboard=board,
        pair_counts=_pair_counts(battles.frame, tables.sides),
        sampling=sampling_table,
        voters=tables.voters,
        invalidation_events=tables.invalidation_events,
        counts_by_rule=cleaning.counts_by_rule(),
        table_findings=[
            _table_row(f, outcome.get((f.detector, f.subject)))
            for f in (by_id[g.finding_id] for g in table_level)
        ],
        evidence=_top_evidence(findings, invalidated),
        quarantine_counts=dict(sorted(dict(loaded.quarantine_counts).items())),
        notes=list(notes),
        diff=diff,
        robustness=dict(summary.robustness),
        headline_numbers=headline,
        detector_status=detector_status_rows(results),
        actions=[a.to_dict() for a in actions],
        flagged_models=frozenset(flagged_models),
        detector_sections=detector_sections(results),
    )


def detector_sections(results: Sequence[DetectorResult]) -> list[dict[str, Any]]:
    """The report sections detectors bring themselves (``report_template`` + ``report_data``),
    in run order: anchor (the detector's name), title, template and data."""
    sections = []
    for result in results:
        try:
            cls = get_detector(result.detector)
        except KeyError:
            continue
        data = cls.report_data(result) if cls.report_template else None
        if data is not None:
            sections.append(
                {
                    "anchor": result.detector,
                    "title": cls.report_title or result.detector,
                    "template": cls.report_template,
                    "markdown": cls.report_markdown,
                    "data": data,
                }
            )
    return sections


def _invalidated_rows(
    battles: BattleTable, cleaning: CleaningResult, invalidated: set[str]
) -> np.ndarray:
    """The rows (ascending) of ``battles`` whose vote is ``invalidated``.

    Why ``cleaning.dropped_rows`` when the policy was applied to this very table: it found them
    with the same membership test of the same string ids (:func:`~auditkit.clean.apply_policy`),
    and testing every id again costs a hash of each of the column's strings (10M at 10M votes).
    """
    vote_ids = battles.frame["vote_id"]
    if cleaning.battles is battles and pd.api.types.is_string_dtype(vote_ids):
        return np.asarray(cleaning.dropped_rows, dtype=np.intp)
    return np.flatnonzero(vote_ids.isin(list(invalidated)).to_numpy(dtype=bool))


def _flagged_voters(
    battles: BattleTable,
    cleaning: CleaningResult,
    voters: DetectorResult | None,
    invalidated_rows: np.ndarray,
) -> set[str]:
    """The voters the scatter marks: the policy dropped votes of theirs for a voter reason, or a
    table-level voter finding of at least medium severity names them.

    ``invalidated_rows``: the rows of every invalidated vote (the voter-reason ones among them).
    """
    if not battles.voters_usable:
        return set()
    name = voters.detector if voters is not None else "voter_anomaly"
    voter_votes = {
        inv.vote_id
        for inv in cleaning.invalidations
        if inv.status == "invalidated" and any(r.detector == name for r in inv.reasons)
    }
    frame = battles.frame
    ids = arrow_strings(frame["vote_id"].take(invalidated_rows))
    wanted = pa.array(list(voter_votes), type=ids.type)
    chosen = pc.is_in(ids, value_set=wanted).fill_null(False)  # a missing id is no voter's vote
    picked = invalidated_rows[chosen.to_numpy(zero_copy_only=False)]
    flagged = set(frame["voter"].take(picked).dropna().astype(str))
    for finding in voters.findings if voters is not None else ():
        if finding.vote_id is None and finding.severity >= Severity.MEDIUM:
            flagged.add(finding.subject)
    return flagged


def detector_status_rows(results: Sequence[DetectorResult]) -> list[dict[str, Any]]:
    """One row per detector: its status word, what it found or why it did not run, its section."""
    rows = []
    for result in results:
        if result.ran:
            counts: dict[str, int] = {}
            for f in result.findings:
                counts[f.rule] = counts.get(f.rule, 0) + 1
            detail = ", ".join(f"{rule}: {n:,}" for rule, n in sorted(counts.items()))
        else:
            detail = result.status_reason
        rows.append(
            {
                "detector": result.detector,
                "status": result.status.value,
                "detail": detail,
                "section": detector_section(result.detector),
            }
        )
    return rows


def _policy_by_subject(
    findings: Sequence[Finding],
    cleaning: CleaningResult,
    wanted: set[tuple[str, str]] | None = None,
) -> dict[tuple[str, str], tuple[int, Severity, str]]:
    """(detector, subject) → (votes invalidated, worst severity, its rule) for table-level rows.

    A vote counts for a subject when one of its invalidation reasons is a finding of the same
    detector whose subject, or one of whose evidence strings (a group id, say), is that subject.
    ``wanted``: only these keys (the table-level findings' detector and subject) are tallied;
    each key's tally is independent of the others', so theirs are the same.
    """
    by_id = {f.finding_id: f for f in findings if f.vote_id is not None}
    subjects: dict[str, set[str]] | None = None
    if wanted is not None:
        subjects = {}
        for detector, subject in wanted:
            subjects.setdefault(detector, set()).add(subject)
    out: dict[tuple[str, str], tuple[int, Severity, str]] = {}
    for inv in cleaning.invalidations:
        if inv.status != "invalidated":
            continue
        keys: dict[tuple[str, str], tuple[Severity, str]] = {}
        for reason in inv.reasons:
            finding = by_id.get(reason.finding_id)
            if finding is None:
                continue
            shown = None if subjects is None else subjects.get(finding.detector)
            if subjects is not None and not shown:
                continue  # no table-level row of this detector asks for a tally
            names = {finding.subject}
            names.update(v for v in finding.evidence.values() if isinstance(v, str))
            if shown is not None:
                names &= shown
            severity = Severity(reason.severity)
            for name in names:
                key = (finding.detector, name)
                seen = keys.get(key)
                if seen is None or severity > seen[0]:
                    keys[key] = (severity, f"{finding.detector}/{finding.rule}")
        for key, (severity, rule) in keys.items():
            count, worst, worst_rule = out.get(key, (0, severity, rule))
            if severity > worst:
                worst, worst_rule = severity, rule
            out[key] = (count + 1, worst, worst_rule)
    return out


def _table_row(finding: Finding, outcome: tuple[int, Severity, str] | None) -> dict[str, Any]:
    """A table-level finding as the report lists it, with what the policy did about its subject.

    Table-level findings never invalidate by themselves; when the same detector's vote-level
    findings about this subject (a voter, a group) invalidated votes, the row says so and shows
    their severity, so a voter whose votes were dropped is never listed as merely "low".
    """
    row = finding.to_dict()
    row["finding_severity"] = finding.severity.value
    if outcome is None:
        row["policy"] = "reported; no votes invalidated"
        return row
    count, severity, rule = outcome
    row["policy"] = (
        f"{count:,} vote{'s' if count != 1 else ''} invalidated ({rule}, {severity.value})"
    )
    row["severity"] = _row_severity(finding, outcome).value
    return row


def _row_severity(finding: Finding, outcome: tuple[int, Severity, str] | None) -> Severity:
    """The severity a table row shows: the finding's, or the policy's on its subject if worse."""
    if outcome is None:
        return finding.severity
    return max(finding.severity, outcome[1], key=lambda s: s.rank)
