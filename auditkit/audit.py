"""The audit pipeline: load → detect → clean → rate before/after → write outputs → record in the ledger.

:func:`run_audit` is the one library call behind ``auditkit audit``, ``auditkit nightly`` and ``auditkit
demo``. It returns a frozen :class:`AuditResult`; the commands only map its gate to an exit code.

Determinism: the same inputs, rule pack and seed give byte-identical ``invalidations.jsonl`` and
``summary.json`` except for ``summary.json`` → ``run.started_at`` (every list sorted, JSON keys
sorted, floats rounded by :func:`auditkit.clean.canonical_json`; timings live only in ``audit.log``).

"Change significant" (``leaderboard.csv``): the after-cleaning rating lies outside the before CI *and*
the before rating lies outside the after CI. The cleaned votes are a subset of the original votes, so
the two estimates are strongly positively correlated and a z-test treating them as independent
(``|Δ| > 1.96·√(se₁²+se₂²)``) would almost never fire; requiring each estimate to leave the other's
95% interval is the stricter-than-one-sided, readable rule operators see on the forest plot.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from tqdm import tqdm

from auditkit import __version__
from auditkit.clean import CleaningResult, apply_policy, canonical_json, findings_from_dicts
from auditkit.detectors.base import DetectorResult, Finding, Severity, get_detector
from auditkit.errors import ExitCode, InputError, RuleError
from auditkit.ledger import Ledger, RunRecord, utc_now
from auditkit.report import EvidenceLine, ReportContext, render_html, render_markdown, split_span
from auditkit.rules import RulePack, load_rules
from auditkit.schema import BattleTable, Winner, models_in

if TYPE_CHECKING:
    from auditkit.engine import Engine

__all__ = [
    "CACHEABLE_DETECTORS",
    "DEFAULT_DETECTORS",
    "LEADERBOARD_COLUMNS",
    "TEXT_DETECTORS",
    "AuditResult",
    "Gate",
    "build_leaderboard",
    "run_audit",
    "sha256_file",
]

DEFAULT_DETECTORS = ("identity_leak", "voter_anomaly", "sampling", "prompt_dedup")
# Detectors that read whole conversations after loading. `auditkit audit` and `auditkit demo` add them
# to DEFAULT_DETECTORS for in-memory runs; a streamed audit (engine) drops the text after the
# identity scan, and the library default stays DEFAULT_DETECTORS (streamed == in-memory outputs).
TEXT_DETECTORS = ("identity_probe", "deanonymisability")
# Vote-level detectors whose findings for a vote depend on that vote alone: safe to cache per vote.
CACHEABLE_DETECTORS = ("identity_leak",)
LEADERBOARD_COLUMNS = (
    "model",
    "rating_before",
    "ci_before_lower",
    "ci_before_upper",
    "rank_before",
    "rating_after",
    "ci_after_lower",
    "ci_after_upper",
    "rank_after",
    "battles_before",
    "battles_after",
    "change_significant",
    "note",
)
TOP_EVIDENCE = 12
MAX_SCATTER_VOTERS = 20_000
MAX_TABLE_FINDINGS = 60
# Rows of the table copied at a time when writing the cleaned battles (the writer's own chunk):
# the copy of the kept rows is all the extra memory the write stage needs.
CLEANED_BLOCK_ROWS = 50_000
# Rows per pass of the report's per-vote tallies (a few int64 work arrays of this length).
REPORT_BLOCK_ROWS = 500_000

log = logging.getLogger("auditkit.audit")


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes, streamed."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Gate:
    """When a run "fails": any finding at or above ``min_severity`` or too many invalidated votes."""

    min_severity: Severity
    max_invalidated_share: float | None

    @classmethod
    def from_rules(cls, rules: RulePack, fail_on: str | Severity | None = None) -> Gate:
        raw = rules.pack.get("gate", {}) or {}
        if not isinstance(raw, Mapping):
            raise RuleError("gate must be a mapping", path=f"{rules.root}/pack.yaml")
        try:
            severity = Severity(fail_on or raw.get("min_severity", Severity.HIGH.value))
        except ValueError:
            raise InputError(f"unknown severity {fail_on!r}") from None
        share = raw.get("max_invalidated_share")
        return cls(severity, None if share is None else float(share))

    def evaluate(self, findings: Sequence[Finding], invalidated: int, votes: int) -> list[str]:
        """Reasons the gate fails (empty when it passes)."""
        reasons = []
        at_or_above = sum(1 for f in findings if f.severity >= self.min_severity)
        if at_or_above:
            reasons.append(f"{at_or_above:,} findings at or above {self.min_severity.value}")
        share = invalidated / votes if votes else 0.0
        if self.max_invalidated_share is not None and share > self.max_invalidated_share:
            reasons.append(
                f"{share:.2%} of votes invalidated (limit {self.max_invalidated_share:.2%})"
            )
        return reasons


@dataclass(frozen=True)
class AuditResult:
    """One finished audit: where its files are, what it found, and whether the gate failed."""

    out_dir: Path
    summary_data: Mapping[str, Any]
    leaderboard: pd.DataFrame
    cleaning: CleaningResult
    detector_results: tuple[DetectorResult, ...]
    gate_reasons: tuple[str, ...]
    timings: Mapping[str, float] = field(default_factory=dict)
    run_id: int | None = None
    new_ledger_invalidations: int = 0

    @property
    def gate_failed(self) -> bool:
        return bool(self.gate_reasons)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.FINDINGS if self.gate_failed else ExitCode.CLEAN

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.detector_results for f in r.findings]

    def summary(self) -> str:
        board = self.leaderboard
        moved = int((board["rank_before"] != board["rank_after"]).sum()) if len(board) else 0
        gate = "FAILED: " + "; ".join(self.gate_reasons) if self.gate_failed else "passed"
        return "\n".join(
            [
                f"audit of {self.cleaning.votes_in:,} votes → {self.out_dir}",
                "  " + self.cleaning.summary(),
                "  findings: "
                + (", ".join(r.summary_text() for r in self.detector_results) or "none"),
                f"  models: {len(board)}, rank changes: {moved}",
                f"  gate: {gate}",
                f"  report: {self.out_dir / 'report.html'}",
            ]
        )

    def to_frame(self) -> pd.DataFrame:
        return self.leaderboard.copy()

    def to_json(self) -> dict[str, Any]:
        return {
            **dict(self.summary_data),
            "out_dir": str(self.out_dir),
            "run_id": self.run_id,
            "timings_seconds": dict(self.timings),
        }


# ----------------------------------------------------------------------------- helpers


@contextmanager
def _run_log(out_dir: Path) -> Iterator[logging.Logger]:
    """A logger writing this run's ``audit.log`` (not propagated: the console stays quiet)."""
    logger = logging.getLogger(f"auditkit.audit.run.{id(out_dir)}")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    handler = logging.FileHandler(out_dir / "audit.log", mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    try:
        yield logger
    finally:
        logger.removeHandler(handler)
        handler.close()


def _record_to_dict(record: Any) -> dict[str, Any]:
    if is_dataclass(record) and not isinstance(record, type):
        return asdict(record)
    if isinstance(record, Mapping):
        return dict(record)
    return dict(vars(record))


def _text_or_empty(column: pd.Series) -> pd.Series:
    """Strings with missing values as "" (a column of only NaN arrives as float)."""
    return column.astype(object).where(column.notna(), "").astype(str)


def build_leaderboard(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Join before/after rating frames (``RatingResult.to_frame()``) into ``leaderboard.csv`` rows."""
    keep = ["model", "rating", "ci_lower", "ci_upper", "rank", "battles", "note"]
    left = before.reindex(columns=keep).rename(
        columns={
            "rating": "rating_before",
            "ci_lower": "ci_before_lower",
            "ci_upper": "ci_before_upper",
            "rank": "rank_before",
            "battles": "battles_before",
            "note": "note_before",
        }
    )
    right = after.reindex(columns=keep).rename(
        columns={
            "rating": "rating_after",
            "ci_lower": "ci_after_lower",
            "ci_upper": "ci_after_upper",
            "rank": "rank_after",
            "battles": "battles_after",
            "note": "note_after",
        }
    )
    board = left.merge(right, on="model", how="outer")
    for column in ("rank_before", "rank_after", "battles_before", "battles_after"):
        board[column] = board[column].astype("Int64")
    board["battles_before"] = board["battles_before"].fillna(0)
    board["battles_after"] = board["battles_after"].fillna(0)
    before_r, after_r = board["rating_before"], board["rating_after"]
    outside_before = (after_r < board["ci_before_lower"]) | (after_r > board["ci_before_upper"])
    outside_after = (before_r < board["ci_after_lower"]) | (before_r > board["ci_after_upper"])
    board["change_significant"] = (outside_before & outside_after).fillna(False).astype(bool)
    # Why a model has no rating (too few battles, disconnected, only wins): after cleaning first.
    notes_after = _text_or_empty(board["note_after"])
    notes_before = _text_or_empty(board["note_before"])
    board["note"] = notes_after.where(notes_after != "", notes_before)
    board = board.sort_values(["rank_after", "model"], na_position="last").reset_index(drop=True)
    return board[list(LEADERBOARD_COLUMNS)]


def _arrow(column: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A string column as Arrow (zero-copy for the table's Arrow-backed strings)."""
    array = pa.array(column)
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        array = array.cast(pa.large_string())
    return array


def _positions(column: pd.Series, values: Sequence[str] | pa.Array) -> np.ndarray:
    """Each row's index in ``values`` (-1 where absent or missing).

    Why Arrow: it hashes only ``values`` and scans the column's buffers, so no Python object is
    made per row (mapping rows through a dict made one per vote).
    """
    found = pc.index_in(_arrow(column), value_set=pa.array(values, type=pa.large_string()))
    return np.asarray(found.fill_null(-1).to_numpy(), dtype=np.int64)


def _blocks(frame: pd.DataFrame) -> Iterator[pd.DataFrame]:
    """Row blocks of ``frame`` (views): per-row work arrays stay ∝ ``REPORT_BLOCK_ROWS``."""
    for start in range(0, len(frame), REPORT_BLOCK_ROWS):
        yield frame.iloc[start : start + REPORT_BLOCK_ROWS]


def _pair_counts(frame: pd.DataFrame) -> pd.DataFrame:
    models = models_in(frame)
    if not models:
        return pd.DataFrame()
    n = len(models)
    counts = np.zeros(n * n, dtype=np.int64)
    for block in _blocks(frame):
        a, b = _positions(block["model_a"], models), _positions(block["model_b"], models)
        both = (a >= 0) & (b >= 0)
        counts += np.bincount(a[both] * n + b[both], minlength=n * n)
    square = counts.reshape(n, n)
    square = square + square.T
    return pd.DataFrame(square, index=models, columns=models)


# A table-level subject names a model or a pair ("a vs b", "a|b", "a,b").
_SUBJECT_SPLIT = re.compile(r"\s+vs\.?\s+|\s*[|,]\s*")


def _sampling_table(frame: pd.DataFrame, sampling: DetectorResult | None) -> pd.DataFrame:
    models = models_in(frame)
    appearances = np.zeros(len(models), dtype=np.int64)
    for block in _blocks(frame):
        for side in ("model_a", "model_b"):
            codes = _positions(block[side], models)
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


def _top_voters(voters: pd.Series, flagged: set[str], k: int) -> pa.Table:
    """The ``k`` voters the scatter shows (``voter``, ``votes``, ``flagged``), in its order.

    The order: flagged first, then most votes, then by name (names are distinct, so the top ``k``
    is unique; Arrow compares UTF-8 bytes, which orders as Python compares ``str``).

    Why partitions: one Arrow hash table of 4.4M distinct voters took ~1 GiB at 10M votes. Rows
    are split by a hash of their voter into partitions of about ``REPORT_BLOCK_ROWS`` rows, so
    every voter's votes fall in one partition and are counted there; the top ``k`` overall is
    the top ``k`` of the partitions' top ``k``.
    """
    n_parts = max(1, -(-len(voters) // REPORT_BLOCK_ROWS))
    part = np.empty(len(voters), dtype=np.int32)
    for start in range(0, len(voters), REPORT_BLOCK_ROWS):
        block = voters.iloc[start : start + REPORT_BLOCK_ROWS].tolist()
        part[start : start + len(block)] = np.fromiter(map(hash, block), np.int64) % n_parts
    everyone = _arrow(voters)
    wanted = pa.array(list(flagged), type=pa.large_string())
    tops = []
    for p in range(n_parts):
        tallies = pc.value_counts(everyone.take(np.flatnonzero(part == p)))
        names, votes = tallies.field("values"), tallies.field("counts")
        if names.null_count:
            known = names.is_valid()
            names, votes = names.filter(known), votes.filter(known)
        table = pa.table(
            {
                "voter": names.cast(pa.large_string()),
                "votes": votes,
                "flagged": pc.is_in(names, value_set=wanted),
            }
        )
        tops.append(
            table.take(pc.select_k_unstable(table, k=min(k, len(table)), sort_keys=_SCATTER_ORDER))
        )
    merged = pa.concat_tables(tops)
    best = merged.take(
        pc.select_k_unstable(merged, k=min(k, len(merged)), sort_keys=_SCATTER_ORDER)
    )
    return best.take(pc.sort_indices(best, sort_keys=_SCATTER_ORDER))


def _voter_table(battles: BattleTable, flagged: set[str]) -> pd.DataFrame:
    columns = ["voter", "votes", "a_share", "top_model_share", "flagged"]
    if not battles.voters_usable or len(battles) == 0:
        return pd.DataFrame(columns=columns)
    # At 10M votes there are ~4.4M voters: grouping by the voter strings built several GiB of
    # per-group objects. The shown voters are found first, then their shares are tallied block by
    # block for them alone.
    frame = battles.frame
    top = _top_voters(frame["voter"], flagged, MAX_SCATTER_VOTERS)
    shown = top.column("voter").combine_chunks()
    shown_votes = top.column("votes").to_numpy()
    shown_flagged = top.column("flagged").to_numpy()
    k, models = len(shown), models_in(frame)
    n_models = max(len(models), 1)
    decisive = np.zeros(k, dtype=np.int64)
    a_wins = np.zeros(k, dtype=np.int64)
    per_model = np.zeros(k * n_models, dtype=np.int64)  # decisive wins per (voter, winning model)
    for block in _blocks(frame):
        slot = _positions(block["voter"], shown)
        is_a = block["winner"].isin([Winner.MODEL_A.value]).to_numpy(dtype=bool)
        is_b = block["winner"].isin([Winner.MODEL_B.value]).to_numpy(dtype=bool)
        rows = np.flatnonzero((slot >= 0) & (is_a | is_b))
        voter, won_a = slot[rows], is_a[rows]
        winner = np.where(
            won_a,
            _positions(block["model_a"], models)[rows],
            _positions(block["model_b"], models)[rows],
        )
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
        vote_id=finding.vote_id or "",
        detector=finding.detector,
        rule=finding.rule,
        subject=finding.subject,
        before=before,
        span=marked,
        after=after,
        severity=finding.severity.value,
    )


def _top_evidence(findings: Sequence[Finding], invalidated: set[str]) -> list[EvidenceLine]:
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


def _write_cleaned(cleaning: CleaningResult, path: Path) -> int:
    """Write the kept votes as FastChat JSON Lines (gzip), copying ``CLEANED_BLOCK_ROWS`` at a time.

    Why blocks: ``cleaning.cleaned`` copies the whole table (≈130 bytes a vote, 1.3 GiB at 10M).
    Each block's kept rows are appended to one :class:`~auditkit.io.writer.FastChatWriter`, which
    compresses on a second thread; the file holds exactly what
    ``write_fastchat_jsonl(cleaning.cleaned, path)`` writes.
    """
    from auditkit.io.writer import FastChatWriter

    battles, keep = cleaning.battles, cleaning.keep
    with FastChatWriter(path) as out:
        for start in range(0, len(battles), CLEANED_BLOCK_ROWS):
            stop = start + CLEANED_BLOCK_ROWS
            out.write(battles.with_frame(battles.frame.iloc[start:stop].loc[keep[start:stop]]))
    return out.rows


def _count(items: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items:
        out[item] = out.get(item, 0) + 1
    return dict(sorted(out.items()))


# ----------------------------------------------------------------------------- the pipeline


def run_audit(
    inputs: str | Path | Sequence[str | Path],
    *,
    rules: RulePack | str | Path | None = None,
    out_dir: str | Path = "reports/audit",
    db_path: str | Path | None = "auditkit.db",
    seed: int = 0,
    detectors: Sequence[str] | None = None,
    fail_on: str | Severity | None = None,
    quiet: bool = False,
    rating_options: Any = None,
    previous_dir: str | Path | None = None,
    kind: str = "audit",
    use_detector_cache: bool = False,
    seen_files: Sequence[tuple[str, str]] = (),
    title: str | None = None,
    on_stage: Callable[[str, float], None] | None = None,
    engine: Engine | str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_rows: int | None = None,
    input_hashes: Mapping[str, str] | None = None,
) -> AuditResult:
    """Run the full audit and write every output into ``out_dir``; see the module docstring.

    ``db_path=None`` skips the ledger (no decisions applied, nothing recorded). ``use_detector_cache``
    (nightly) reuses cached :data:`CACHEABLE_DETECTORS` findings for votes already scanned under the
    same rule-pack hash (looked up chunk by chunk when streaming). ``on_stage(name, seconds)`` is
    called after each stage (benchmarks use it).
    ``input_hashes`` (path → sha256) spares re-reading inputs a caller has just hashed (nightly).

    ``engine`` (``"local"``, ``"processes"``, ``"dask"`` or an :class:`~auditkit.engine.Engine`)
    streams the input instead: chunks of ``chunk_rows`` rows are read, their conversations go
    through the identity scan on the engine (``workers``; ``scheduler`` for Dask) and are dropped,
    so memory is bounded by the chunk size and the text-free table. Findings, invalidations and
    ratings equal the in-memory run's; ``cleaned_battles.jsonl.gz`` then has no conversations.
    """
    started_at = utc_now()
    paths = [Path(p) for p in ([inputs] if isinstance(inputs, str | Path) else inputs)]
    if not paths:
        raise InputError("no input files given")
    for path in paths:
        if not path.is_file():
            raise InputError("input file does not exist", path=str(path))
    # Imported here so `auditkit ledger`/`diff` start fast without pandas-heavy modules.
    from auditkit.io import load_battles
    from auditkit.ratings import RatingOptions, fit_ratings

    pack = rules if isinstance(rules, RulePack) else load_rules(rules)
    gate = Gate.from_rules(pack, fail_on)
    names = tuple(detectors) if detectors is not None else DEFAULT_DETECTORS
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    options = rating_options or RatingOptions(random_state=seed)
    timings: dict[str, float] = {}
    notes: list[str] = []
    streamed_results: dict[str, DetectorResult] = {}  # detectors run during a streaming load
    # New detector-cache rows (vote_id, detector) → findings, written with the run's ledger row.
    cache_writes: dict[tuple[str, str], list[dict[str, Any]]] = {}

    with _run_log(out) as runlog:
        stages = tqdm(total=5 + len(names), desc="audit", unit="stage", disable=quiet, leave=False)

        @contextmanager
        def stage(name: str) -> Iterator[None]:
            stages.set_postfix_str(name)
            began = time.perf_counter()
            runlog.info("stage %s: start", name)
            yield
            release_memory()  # what the stage freed goes back to the OS, not into the next peak
            elapsed = time.perf_counter() - began
            timings[name] = round(elapsed, 3)
            runlog.info("stage %s: done in %.2f s", name, elapsed)
            stages.update(1)
            if on_stage is not None:
                on_stage(name, elapsed)

        from auditkit.streaming import release_memory

        runlog.info(
            "auditkit %s, rules %s, seed %d, inputs %s", __version__, pack.label, seed, paths
        )
        with stage("load"):
            input_meta = [
                {
                    "path": str(p),
                    "sha256": (input_hashes or {}).get(str(p)) or sha256_file(p),
                    "bytes": p.stat().st_size,
                }
                for p in paths
            ]
            quarantine_path = out / "quarantine.jsonl"
            quarantine_path.unlink(missing_ok=True)
            if engine is None:
                loaded = load_battles(paths, quarantine_path=quarantine_path, with_text=True)
            else:
                loaded = _stream_load(
                    paths,
                    pack,
                    names,
                    engine,
                    workers,
                    scheduler,
                    chunk_rows,
                    quarantine_path,
                    streamed_results,
                    notes,
                    runlog,
                    cache_db=db_path if use_detector_cache else None,
                    cache_writes=cache_writes,
                )
            if not quarantine_path.exists():
                with open(quarantine_path, "w", encoding="utf-8") as handle:
                    for record in loaded.quarantine:
                        handle.write(canonical_json(_record_to_dict(record)) + "\n")
            battles = loaded.battles
            runlog.info("loaded %d of %d rows", loaded.rows_loaded, loaded.rows_read)

        ledger = Ledger(db_path) if db_path is not None else None
        try:
            decisions = ledger.current_decisions() if ledger else {}
            results: list[DetectorResult] = []
            for name in names:
                with stage(name):
                    try:
                        detector_cls = get_detector(name)
                    except KeyError:
                        if detectors is not None:
                            raise InputError(f"unknown detector {name!r}") from None
                        notes.append(f"detector {name} is not installed; it did not run")
                        runlog.warning("detector %s not available", name)
                        continue
                    detector = detector_cls(random_state=seed)
                    if name in streamed_results:
                        result = streamed_results.pop(name)
                    elif use_detector_cache and ledger and name in CACHEABLE_DETECTORS:
                        result = _detect_with_cache(
                            detector, name, battles, pack, ledger, cache_writes
                        )
                    else:
                        result = detector.detect(battles, pack)
                    results.append(result)
                    notes.extend(f"{name}: {n}" for n in result.notes)
                    runlog.info("%s", result.summary_text())
            findings = sorted(
                (f for r in results for f in r.findings),
                key=lambda f: (f.detector, f.rule, f.subject, f.vote_id or "", f.finding_id),
            )

            with stage("clean"):
                cleaning = apply_policy(battles, findings, pack, decisions)
                runlog.info("%s", cleaning.summary())

            with stage("ratings"):
                before = fit_ratings(battles, options)
                after = fit_ratings(battles, options, rows=cleaning.keep)
                # Every model, rated or not: an unrated one keeps NaN ratings and the engine's note.
                board = build_leaderboard(before.to_frame(), after.to_frame())
                notes.extend(_unratable_notes(before.unratable, after.unratable))

            gate_reasons = gate.evaluate(findings, cleaning.n_invalidated, len(battles))

            with stage("write"):
                cleaning.write_jsonl(out / "invalidations.jsonl")
                _write_cleaned(cleaning, out / "cleaned_battles.jsonl.gz")
                board.to_csv(out / "leaderboard.csv", index=False, float_format="%.4f")
                with open(out / "findings.jsonl", "w", encoding="utf-8", newline="\n") as handle:
                    for finding in findings:
                        handle.write(canonical_json(finding.to_dict()) + "\n")
                summary = _summary(
                    started_at=started_at,
                    pack=pack,
                    seed=seed,
                    inputs=input_meta,
                    names=names,
                    results=results,
                    findings=findings,
                    cleaning=cleaning,
                    board=board,
                    loaded=loaded,
                    gate=gate,
                    gate_reasons=gate_reasons,
                    notes=notes,
                )
                diff_json = None
                if previous_dir is not None:
                    from auditkit.diff import diff_runs

                    diff_json = diff_runs(previous_dir, out).to_json()
                    summary["diff"] = {k: v for k, v in diff_json.items() if k != "current"}
                (out / "summary.json").write_text(canonical_json(summary) + "\n", encoding="utf-8")

            with stage("report"):
                context = _report_context(
                    title=title or "Leaderboard integrity audit",
                    summary=summary,
                    battles=battles,
                    results=results,
                    findings=findings,
                    cleaning=cleaning,
                    board=board,
                    loaded=loaded,
                    gate_reasons=gate_reasons,
                    notes=notes,
                    diff=diff_json,
                )
                (out / "report.html").write_text(render_html(context), encoding="utf-8")
                (out / "report.md").write_text(render_markdown(context), encoding="utf-8")

            run_id, appended = None, 0
            if ledger is not None:
                run_id, appended = ledger.record_run(
                    RunRecord(
                        kind=kind,
                        started_at=started_at,
                        rule_pack_hash=pack.content_hash,
                        rule_pack_label=pack.label,
                        inputs=input_meta,
                        seed=seed,
                        auditkit_version=__version__,
                        votes_loaded=len(battles),
                        votes_invalidated=cleaning.n_invalidated,
                        out_dir=str(out),
                    ),
                    cleaning.ledger_rows(pack.content_hash),
                    cache=cache_writes,
                    seen_files=seen_files,
                )
                runlog.info("ledger run %s: %d new invalidations", run_id, appended)
        finally:
            if ledger is not None:
                ledger.close()
            stages.close()
        runlog.info("timings %s", timings)

    return AuditResult(
        out_dir=out,
        summary_data=summary,
        leaderboard=board,
        cleaning=cleaning,
        detector_results=tuple(results),
        gate_reasons=tuple(gate_reasons),
        timings=timings,
        run_id=run_id,
        new_ledger_invalidations=appended,
    )


def _stream_load(
    paths: Sequence[Path],
    pack: RulePack,
    names: Sequence[str],
    engine: Engine | str,
    workers: int | None,
    scheduler: str | None,
    chunk_rows: int | None,
    quarantine_path: Path,
    streamed_results: dict[str, DetectorResult],
    notes: list[str],
    runlog: logging.Logger,
    *,
    cache_db: str | Path | None,
    cache_writes: dict[tuple[str, str], list[dict[str, Any]]],
) -> Any:
    """Streaming load: the identity scan runs chunk by chunk on ``engine``; text is not kept.

    With ``cache_db`` (nightly) each chunk's votes are looked up in that ledger's detector cache
    and only the others are scanned; their new cache rows go into ``cache_writes``.
    """
    from auditkit.engine import make_engine
    from auditkit.streaming import DEFAULT_CHUNK_ROWS, stream_battles

    name = "identity_leak"
    scan = name in names
    with ExitStack() as resources:
        cache = None
        if cache_db is not None and scan and name in CACHEABLE_DETECTORS:
            lookup = resources.enter_context(Ledger(cache_db))
            cache = _VoteCache(lookup, pack, name, cache_writes)
        if isinstance(engine, str):
            runner = make_engine(engine, workers=workers, scheduler=scheduler)
            resources.callback(runner.close)
        else:
            runner = engine
        streamed = stream_battles(
            paths,
            rules=pack if scan else None,
            engine=runner,
            chunk_rows=chunk_rows or DEFAULT_CHUNK_ROWS,
            quarantine_path=quarantine_path,
            skip=cache,
        )
        runlog.info("streamed on %s: %s", runner.describe(), streamed.summary())
    if streamed.identity is not None:
        identity = streamed.identity
        streamed_results[name] = identity if cache is None else cache.finish(identity)
    notes.append(
        "streaming load: conversations were scanned chunk by chunk and not kept; "
        "cleaned_battles.jsonl.gz has no conversation text"
    )
    return streamed.load


def _unratable_notes(before: Mapping[str, str], after: Mapping[str, str]) -> list[str]:
    """One note per unrated model, saying whether it was unrated before, after or both."""
    out = []
    for model in sorted(set(before) | set(after)):
        if model in before and model in after and before[model] == after[model]:
            out.append(f"{model} not rated: {before[model]}")
        else:
            for label, table in (("before", before), ("after", after)):
                if model in table:
                    out.append(f"{model} not rated {label} cleaning: {table[model]}")
    return out


class _VoteCache:
    """A per-vote detector's ledger cache during one run: which votes to skip, what they found.

    Why one object for both paths: the in-memory audit asks it about the whole table, the streaming
    audit about each chunk (``stream_battles(skip=...)``); both then get the same result and queue
    the same cache rows. Calling it marks the rows of a frame already scanned under this rule pack
    and keeps their cached findings; :meth:`finish` adds them to the scan of the other rows.
    """

    def __init__(
        self,
        ledger: Ledger,
        pack: RulePack,
        detector: str,
        cache_writes: dict[tuple[str, str], list[dict[str, Any]]],
    ) -> None:
        self.ledger = ledger
        self.rule_pack_hash = pack.content_hash
        self.detector = detector
        self.cache_writes = cache_writes
        self.cached_findings: list[Finding] = []
        self.votes_from_cache = 0
        self.votes_scanned = 0

    def __call__(self, frame: pd.DataFrame) -> np.ndarray:
        vote_ids = frame["vote_id"].astype(str)
        cached = self.ledger.cached_findings(vote_ids, self.rule_pack_hash, self.detector)
        skip = vote_ids.isin(list(cached)).to_numpy(dtype=bool)
        for rows in cached.values():
            self.cached_findings.extend(findings_from_dicts(rows))
        self.votes_from_cache += len(cached)
        self.votes_scanned += int((~skip).sum())
        # Every scanned vote is cached, an empty list when nothing was found (rows without text
        # included: the detector judged them and found nothing).
        for vote_id in vote_ids[~skip]:
            self.cache_writes[(vote_id, self.detector)] = []
        return skip

    def finish(self, scanned: DetectorResult) -> DetectorResult:
        """The whole result: ``scanned`` (the result on the unskipped votes) plus cached findings.

        The summary and notes are those of the scan (none when every vote came from the cache),
        plus ``votes_from_cache`` and ``votes_scanned``.
        """
        if scanned.summary.get("ran") is False:
            # The detector could not run (no text anywhere): nothing was judged, cache nothing.
            for key in [k for k in self.cache_writes if k[1] == self.detector]:
                del self.cache_writes[key]
        for finding in scanned.findings:
            if finding.vote_id is not None:
                key = (finding.vote_id, self.detector)
                self.cache_writes.setdefault(key, []).append(finding.to_dict())
        summary = dict(scanned.summary) if self.votes_scanned else {}
        summary["votes_from_cache"] = self.votes_from_cache
        summary["votes_scanned"] = self.votes_scanned
        return DetectorResult(
            self.detector,
            findings=(*self.cached_findings, *scanned.findings),
            summary=summary,
            notes=scanned.notes if self.votes_scanned else (),
        )


def _detect_with_cache(
    detector: Any,
    name: str,
    battles: BattleTable,
    pack: RulePack,
    ledger: Ledger,
    cache_writes: dict[tuple[str, str], list[dict[str, Any]]],
) -> DetectorResult:
    """Run a per-vote detector only on votes not yet scanned under this rule pack."""
    cache = _VoteCache(ledger, pack, name, cache_writes)
    fresh_mask = ~cache(battles.frame)
    fresh = battles.with_frame(battles.frame.loc[fresh_mask].reset_index(drop=True))
    scanned = detector.detect(fresh, pack) if fresh_mask.any() else DetectorResult(name)
    return cache.finish(scanned)


def _summary(
    *,
    started_at: str,
    pack: RulePack,
    seed: int,
    inputs: list[dict[str, Any]],
    names: Sequence[str],
    results: Sequence[DetectorResult],
    findings: Sequence[Finding],
    cleaning: CleaningResult,
    board: pd.DataFrame,
    loaded: Any,
    gate: Gate,
    gate_reasons: Sequence[str],
    notes: Sequence[str],
) -> dict[str, Any]:
    # A model unrated both before and after has no rank to change.
    both_unrated = board["rank_before"].isna() & board["rank_after"].isna()
    rank_moved = (board["rank_before"] != board["rank_after"]).fillna(True) & ~both_unrated
    moved = board[rank_moved | board["change_significant"]]
    rank_changes = [
        {
            "model": row["model"],
            "rank_before": row["rank_before"],
            "rank_after": row["rank_after"],
            "rating_before": row["rating_before"],
            "rating_after": row["rating_after"],
            "change_significant": bool(row["change_significant"]),
        }
        for row in moved.to_dict("records")
    ]
    table_level = [f for f in findings if f.vote_id is None]
    return {
        "run": {
            "started_at": started_at,
            "auditkit_version": __version__,
            "seed": seed,
            "rule_pack": {
                "name": pack.name,
                "version": pack.version,
                "hash": pack.content_hash,
                "label": pack.label,
            },
            "inputs": inputs,
            "detectors_requested": list(names),
            "detectors_run": [r.detector for r in results],
        },
        "load": {
            "rows_read": int(loaded.rows_read),
            "rows_loaded": int(loaded.rows_loaded),
            "quarantined": dict(sorted(dict(loaded.quarantine_counts).items())),
            "voter_status": str(loaded.battles.voter_status.value),
        },
        "findings": {
            "total": len(findings),
            "by_detector": _count([f.detector for f in findings]),
            "by_rule": _count([f"{f.detector}/{f.rule}" for f in findings]),
            "by_severity": _count([f.severity.value for f in findings]),
        },
        "detectors": {
            r.detector: {"summary": dict(r.summary), "notes": list(r.notes)} for r in results
        },
        "invalidations": cleaning.to_json(),
        "sampling_flags": [
            {k: f.to_dict()[k] for k in ("finding_id", "rule", "severity", "subject", "message")}
            for f in table_level
            if f.detector == "sampling"
        ],
        "table_findings": len(table_level),
        "ratings": {
            "models": len(board),
            "battles_before": int(board["battles_before"].sum()) // 2,
            "battles_after": int(board["battles_after"].sum()) // 2,
        },
        "rank_changes": rank_changes,
        "gate": {
            "min_severity": gate.min_severity.value,
            "max_invalidated_share": gate.max_invalidated_share,
            "failed": bool(gate_reasons),
            "reasons": list(gate_reasons),
        },
        "notes": list(notes),
        "deanonymisability": next(
            (dict(r.summary) for r in results if r.detector == "deanonymisability"), None
        ),
    }


def _report_context(
    *,
    title: str,
    summary: Mapping[str, Any],
    battles: BattleTable,
    results: Sequence[DetectorResult],
    findings: Sequence[Finding],
    cleaning: CleaningResult,
    board: pd.DataFrame,
    loaded: Any,
    gate_reasons: Sequence[str],
    notes: Sequence[str],
    diff: Mapping[str, Any] | None,
) -> ReportContext:
    by_name = {r.detector: r for r in results}
    invalidated = set(cleaning.invalidated_ids)
    votes = len(battles)
    share = cleaning.n_invalidated / votes if votes else 0.0
    significant = int(board["change_significant"].sum())
    if gate_reasons:
        level = "gate"
        verdict = "Gate failed — do not publish as is: " + "; ".join(gate_reasons) + "."
    elif findings:
        level = "findings"
        verdict = f"Findings below the gate: {len(findings):,} findings, {share:.2%} of votes invalidated."
    else:
        level = "clean"
        verdict = "Clean: no detector found anything."
    if significant:
        verdict += f" {significant} model rating(s) changed significantly after cleaning."
    # A voter is "flagged" on the scatter when the policy dropped votes of theirs for a voter
    # reason, or a table-level voter finding of at least medium severity names them.
    voter_flags: set[str] = set()
    if battles.voters_usable:
        voter_votes = {
            inv.vote_id
            for inv in cleaning.invalidations
            if inv.status == "invalidated"
            and any(r.detector == "voter_anomaly" for r in inv.reasons)
        }
        mask = battles.frame["vote_id"].isin(voter_votes)
        voter_flags = set(battles.frame.loc[mask, "voter"].dropna().astype(str))
        for finding in by_name.get("voter_anomaly", DetectorResult("voter_anomaly")).findings:
            if finding.vote_id is None and finding.severity >= Severity.MEDIUM:
                voter_flags.add(finding.subject)
    table_level = sorted(
        (f for f in findings if f.vote_id is None and f.severity >= Severity.LOW),
        key=lambda f: (-f.severity.rank, f.detector, f.rule, f.subject),
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
    events = []
    # Only the invalidated votes' timestamps: a dict over every vote held ~150 bytes a vote.
    frame = battles.frame
    rows = np.flatnonzero(frame["vote_id"].isin(list(invalidated)).to_numpy(dtype=bool))
    tstamps = dict(
        zip(frame["vote_id"].take(rows).tolist(), frame["tstamp"].take(rows).tolist(), strict=True)
    )
    for inv in cleaning.invalidations:
        if inv.status == "invalidated":
            for detector in sorted({r.detector for r in inv.reasons}):
                events.append({"tstamp": tstamps.get(inv.vote_id), "detector": detector})
    run = summary["run"]
    return ReportContext(
        title=title,
        verdict=verdict,
        verdict_level=level,
        run={
            "started_at": run["started_at"],
            "rule_pack": run["rule_pack"]["label"],
            "seed": run["seed"],
            "auditkit_version": run["auditkit_version"],
            "inputs": ", ".join(f"{i['path']} (sha256 {i['sha256'][:12]})" for i in run["inputs"]),
            "detectors": ", ".join(run["detectors_run"]),
        },
        leaderboard=board,
        pair_counts=_pair_counts(battles.frame),
        sampling=_sampling_table(battles.frame, by_name.get("sampling")),
        voters=_voter_table(battles, voter_flags),
        invalidation_events=pd.DataFrame(events, columns=["tstamp", "detector"]),
        counts_by_rule=cleaning.counts_by_rule(),
        table_findings=[f.to_dict() for f in table_level],
        evidence=_top_evidence(findings, invalidated),
        quarantine_counts=dict(sorted(dict(loaded.quarantine_counts).items())),
        notes=list(notes),
        diff=diff,
        headline_numbers={
            "votes loaded": votes,
            "rows quarantined": int(loaded.rows_read) - int(loaded.rows_loaded),
            "votes invalidated": cleaning.n_invalidated,
            "findings": len(findings),
            "significant rating changes": significant,
        },
        deanonymisability=list(
            (summary.get("deanonymisability") or {}).get("models", [])  # type: ignore[union-attr]
        ),
    )
