"""The SQLite ledger: every run, every invalidation (append-only) and every manual decision.

Why a ledger: a leaderboard operator must answer "why is vote X not counted, since when, under which
rules, and who overrode it?" months later. The file is plain SQLite (stdlib ``sqlite3``) in WAL mode so
readers never block a nightly run.

Tables (schema version :data:`SCHEMA_VERSION`, stored in ``PRAGMA user_version``):

``runs``           one row per audit run: when, which inputs (sha256), which rule pack, the seed, counts.
``invalidations``  append-only; one row per (vote, finding, rule-pack hash) with the run that first saw it.
                   A rerun on the same input and rules appends nothing (``UNIQUE`` + ``INSERT OR IGNORE``).
``decisions``      manual ``revoke`` (the vote counts again) / ``invalidate`` (the vote is dropped), with
                   reason, who and when; the latest decision per vote wins.
``detector_cache`` vote-level detector findings keyed by (vote_id, rule-pack hash, detector), so a nightly
                   run rescans only votes it has not seen under the same rules.
``seen_files``     input files (path + sha256) already audited, for nightly runs.

Each audit run is written in ONE transaction (:meth:`Ledger.record_run`): a run killed midway leaves the
ledger exactly as it was.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditkit.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "INVALIDATION_COLUMNS",
    "PAUSE_ENV",
    "SCHEMA_VERSION",
    "Decision",
    "InvalidationList",
    "Ledger",
    "LedgerInvalidation",
    "RunRecord",
    "utc_now",
]

SCHEMA_VERSION = 1
# ``PRAGMA application_id`` of an auditkit ledger ("AUDT"): another application's SQLite file is
# refused rather than given our tables. Ledgers written before the id existed carry 0 and our tables.
APPLICATION_ID = 0x41554454
_OUR_TABLES = frozenset({"runs", "invalidations", "decisions"})

# Test hook: when set to a file path, record_run writes that file and sleeps inside the open
# transaction, so a test can SIGKILL the process there and prove the ledger is unchanged.
PAUSE_ENV = "AUDITKIT_LEDGER_PAUSE_FILE"
# Bound parameters per statement: below SQLite's historical limit of 999 (newer builds allow more).
_MAX_PARAMETERS = 900

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind              TEXT NOT NULL,
    started_at        TEXT NOT NULL,
    finished_at       TEXT NOT NULL,
    rule_pack_hash    TEXT NOT NULL,
    rule_pack_label   TEXT NOT NULL,
    inputs_json       TEXT NOT NULL,
    seed              INTEGER NOT NULL,
    auditkit_version  TEXT NOT NULL,
    votes_loaded      INTEGER NOT NULL,
    votes_invalidated INTEGER NOT NULL,
    new_invalidations INTEGER NOT NULL,
    out_dir           TEXT
);
CREATE TABLE IF NOT EXISTS invalidations (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id          INTEGER NOT NULL REFERENCES runs(run_id),
    vote_id         TEXT NOT NULL,
    detector        TEXT NOT NULL,
    rule            TEXT NOT NULL,
    severity        TEXT NOT NULL,
    finding_id      TEXT NOT NULL,
    rule_pack_hash  TEXT NOT NULL,
    rule_pack_label TEXT NOT NULL,
    reason          TEXT NOT NULL,
    evidence_json   TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    UNIQUE (vote_id, finding_id, rule_pack_hash)
);
CREATE INDEX IF NOT EXISTS invalidations_vote ON invalidations(vote_id);
CREATE INDEX IF NOT EXISTS invalidations_detector ON invalidations(detector, recorded_at);
CREATE TABLE IF NOT EXISTS decisions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    vote_id    TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('revoke', 'invalidate')),
    reason     TEXT NOT NULL,
    who        TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_vote ON decisions(vote_id);
CREATE TABLE IF NOT EXISTS detector_cache (
    vote_id        TEXT NOT NULL,
    rule_pack_hash TEXT NOT NULL,
    detector       TEXT NOT NULL,
    findings_json  TEXT NOT NULL,
    PRIMARY KEY (vote_id, rule_pack_hash, detector)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS seen_files (
    path    TEXT NOT NULL,
    sha256  TEXT NOT NULL,
    run_id  INTEGER NOT NULL REFERENCES runs(run_id),
    PRIMARY KEY (path, sha256)
) WITHOUT ROWID;
"""


def utc_now() -> str:
    """Wall-clock time as ISO-8601 UTC with seconds, the one timestamp format the ledger stores."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class LedgerInvalidation:
    """One (vote, reason) the policy turned into an invalidation; what the ledger appends."""

    vote_id: str
    detector: str
    rule: str
    severity: str
    finding_id: str
    rule_pack_hash: str
    rule_pack_label: str
    reason: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    run_id: int | None = None
    recorded_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "vote_id": self.vote_id,
            "detector": self.detector,
            "rule": self.rule,
            "severity": self.severity,
            "finding_id": self.finding_id,
            "rule_pack_hash": self.rule_pack_hash,
            "rule_pack_label": self.rule_pack_label,
            "reason": self.reason,
            "evidence": dict(self.evidence),
            "run_id": self.run_id,
            "recorded_at": self.recorded_at,
        }


INVALIDATION_COLUMNS = (
    "run_id",
    "recorded_at",
    "vote_id",
    "detector",
    "rule",
    "severity",
    "reason",
    "finding_id",
    "rule_pack_label",
    "rule_pack_hash",
    "evidence",
)


class InvalidationList(list[LedgerInvalidation]):
    """Ledger invalidations as a list of records that also reads as a table: :meth:`to_frame`,
    and a notebook shows it as one."""

    def to_frame(self) -> pd.DataFrame:
        """One row per invalidation, oldest first (columns ``INVALIDATION_COLUMNS``)."""
        import pandas as pd  # here: the ledger CLI starts without pandas

        return pd.DataFrame(
            [inv.to_dict() for inv in self], columns=list(INVALIDATION_COLUMNS)
        ).astype({"run_id": "Int64"})

    def _repr_html_(self) -> str:
        from auditkit.report.notebook import frame_html

        return frame_html(
            self.to_frame().drop(columns=["rule_pack_hash"]),
            title=f"{len(self):,} ledger invalidations",
        )


@dataclass(frozen=True)
class Decision:
    """A manual decision on one vote: ``revoke`` makes it count again, ``invalidate`` drops it."""

    vote_id: str
    action: str
    reason: str
    who: str
    decided_at: str
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "vote_id": self.vote_id,
            "action": self.action,
            "reason": self.reason,
            "who": self.who,
            "decided_at": self.decided_at,
        }


@dataclass(frozen=True)
class RunRecord:
    """What a run tells the ledger about itself."""

    kind: str
    started_at: str
    rule_pack_hash: str
    rule_pack_label: str
    inputs: Sequence[Mapping[str, Any]]
    seed: int
    auditkit_version: str
    votes_loaded: int
    votes_invalidated: int
    out_dir: str | None = None


class Ledger:
    """A handle on one ledger file; use as a context manager or call :meth:`close`."""

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        """Open (and, unless ``read_only``, create or migrate) the ledger at ``path``.

        ``read_only`` is for commands that only look (``ledger list/show``): a missing file is an
        input error, never a new empty database.
        """
        self.path = Path(path)
        self.read_only = read_only
        if read_only and not self.path.is_file():
            raise InputError(
                "no ledger here (nothing is created by a read-only command)", path=str(path)
            )
        if not read_only and self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves so a run is exactly one transaction.
            if read_only:
                uri = f"{self.path.resolve().as_uri()}?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30.0)
            else:
                self.conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=30.0)
        except sqlite3.Error as exc:
            raise InputError(f"cannot open ledger: {exc}", path=str(self.path)) from None
        self.conn.row_factory = sqlite3.Row
        try:
            self._migrate()
        except BaseException:
            self.conn.close()
            raise

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    def _migrate(self) -> None:
        try:
            version = int(self.conn.execute("PRAGMA user_version").fetchone()[0])
            application = int(self.conn.execute("PRAGMA application_id").fetchone()[0])
            tables = {
                str(row[0])
                for row in self.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        except sqlite3.DatabaseError as exc:
            raise InputError(f"not a ledger database: {exc}", path=str(self.path)) from None
        ours = application == APPLICATION_ID or (
            application == 0 and version >= 1 and tables >= _OUR_TABLES
        )
        if not ours and (application != 0 or version != 0 or tables):
            found = ", ".join(sorted(tables)[:5]) or "none"
            raise InputError(
                f"not an auditkit ledger: another application's SQLite database "
                f"(application_id {application}, user_version {version}, tables: {found}); "
                "refusing to add tables to it",
                path=str(self.path),
            )
        try:  # only now: switching to WAL rewrites the file header of whatever file this is
            if not self.read_only:
                self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            raise InputError(f"not a ledger database: {exc}", path=str(self.path)) from None
        if self.read_only:
            if version != SCHEMA_VERSION:
                raise InputError(
                    f"ledger schema version {version}, this auditkit reads {SCHEMA_VERSION}",
                    path=str(self.path),
                )
            return
        if version > SCHEMA_VERSION:
            raise InputError(
                f"ledger schema version {version} is newer than this auditkit ({SCHEMA_VERSION})",
                path=str(self.path),
            )
        if version < SCHEMA_VERSION:
            with self.transaction():
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                self.conn.execute(f"PRAGMA application_id={APPLICATION_ID}")

    def verify(self) -> None:
        """Raise :class:`InputError` if any page of the file is corrupt (``PRAGMA quick_check``).

        An audit calls this before its work, so a damaged ledger stops the run at once rather than
        after the report is written.
        """
        try:
            problems = [str(row[0]) for row in self.conn.execute("PRAGMA quick_check(5)")]
        except sqlite3.DatabaseError as exc:
            raise InputError(f"ledger is corrupt: {exc}", path=str(self.path)) from None
        if problems != ["ok"]:
            raise InputError(f"ledger is corrupt: {problems[0]}", path=str(self.path))

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any exception."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # ---------------------------------------------------------------- runs and invalidations
    def record_run(
        self,
        run: RunRecord,
        invalidations: Iterable[LedgerInvalidation],
        *,
        cache: Mapping[tuple[str, str], Sequence[Mapping[str, Any]]] | None = None,
        seen_files: Sequence[tuple[str, str]] = (),
    ) -> tuple[int, int]:
        """Write one run atomically; return ``(run_id, number of invalidations newly appended)``.

        ``cache`` maps (vote_id, detector) → that vote's findings (JSON-able dicts) under
        ``run.rule_pack_hash``; ``seen_files`` lists (path, sha256) audited by this run.
        """
        recorded_at = utc_now()
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO runs (kind, started_at, finished_at, rule_pack_hash, rule_pack_label,"
                " inputs_json, seed, auditkit_version, votes_loaded, votes_invalidated,"
                " new_invalidations, out_dir) VALUES (?,?,?,?,?,?,?,?,?,?,0,?)",
                (
                    run.kind,
                    run.started_at,
                    recorded_at,
                    run.rule_pack_hash,
                    run.rule_pack_label,
                    json.dumps(list(map(dict, run.inputs)), sort_keys=True),
                    int(run.seed),
                    run.auditkit_version,
                    int(run.votes_loaded),
                    int(run.votes_invalidated),
                    run.out_dir,
                ),
            )
            run_id = int(cursor.lastrowid or 0)
            before = conn.total_changes
            conn.executemany(
                "INSERT OR IGNORE INTO invalidations (run_id, vote_id, detector, rule, severity,"
                " finding_id, rule_pack_hash, rule_pack_label, reason, evidence_json, recorded_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    (
                        run_id,
                        inv.vote_id,
                        inv.detector,
                        inv.rule,
                        inv.severity,
                        inv.finding_id,
                        inv.rule_pack_hash,
                        inv.rule_pack_label,
                        inv.reason,
                        json.dumps(dict(inv.evidence), sort_keys=True),
                        recorded_at,
                    )
                    for inv in invalidations
                ),
            )
            appended = conn.total_changes - before
            conn.execute(
                "UPDATE runs SET new_invalidations = ? WHERE run_id = ?", (appended, run_id)
            )
            if cache:
                conn.executemany(
                    "INSERT OR REPLACE INTO detector_cache (vote_id, rule_pack_hash, detector,"
                    " findings_json) VALUES (?,?,?,?)",
                    (
                        (vote_id, run.rule_pack_hash, detector, json.dumps(list(found)))
                        for (vote_id, detector), found in sorted(cache.items())
                    ),
                )
            conn.executemany(
                "INSERT OR IGNORE INTO seen_files (path, sha256, run_id) VALUES (?,?,?)",
                ((path, sha, run_id) for path, sha in seen_files),
            )
            _maybe_pause()
        return run_id, appended

    def runs(self) -> list[dict[str, Any]]:
        rows = self.conn.execute("SELECT * FROM runs ORDER BY run_id").fetchall()
        out = []
        for row in rows:
            item = dict(row)
            item["inputs"] = json.loads(item.pop("inputs_json"))
            out.append(item)
        return out

    def invalidations(
        self,
        *,
        vote_id: str | None = None,
        detector: str | None = None,
        since: str | None = None,
    ) -> pd.DataFrame:
        """Stored invalidations as a DataFrame, oldest first, optionally filtered (``since``: ISO
        date or time); one row per (vote, detector, rule). The typed records are
        :meth:`invalidation_records`."""
        return self.invalidation_records(vote_id=vote_id, detector=detector, since=since).to_frame()

    def invalidation_records(
        self,
        *,
        vote_id: str | None = None,
        detector: str | None = None,
        since: str | None = None,
    ) -> InvalidationList:
        """Stored invalidations, oldest first, optionally filtered (``since``: ISO date or time).

        A list of :class:`LedgerInvalidation` whose ``to_frame()`` is the DataFrame view."""
        clauses, params = [], []
        if vote_id is not None:
            clauses.append("vote_id = ?")
            params.append(vote_id)
        if detector is not None:
            clauses.append("detector = ?")
            params.append(detector)
        if since is not None:
            clauses.append("recorded_at >= ?")
            params.append(since)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.conn.execute(
            f"SELECT * FROM invalidations{where} ORDER BY id", params
        ).fetchall()
        return InvalidationList(
            LedgerInvalidation(
                vote_id=row["vote_id"],
                detector=row["detector"],
                rule=row["rule"],
                severity=row["severity"],
                finding_id=row["finding_id"],
                rule_pack_hash=row["rule_pack_hash"],
                rule_pack_label=row["rule_pack_label"],
                reason=row["reason"],
                evidence=json.loads(row["evidence_json"]),
                run_id=row["run_id"],
                recorded_at=row["recorded_at"],
            )
            for row in rows
        )

    def counts(self) -> dict[str, int]:
        """Row counts per table: what a test compares to prove a killed run changed nothing."""
        tables = ("runs", "invalidations", "decisions", "detector_cache", "seen_files")
        return {
            t: int(self.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in tables
        }

    # ---------------------------------------------------------------- manual decisions
    def decide(self, vote_id: str, action: str, reason: str, who: str | None = None) -> Decision:
        """Record a manual ``revoke`` or ``invalidate``; a reason is mandatory."""
        if action not in ("revoke", "invalidate"):
            raise InputError(f"unknown decision {action!r} (revoke or invalidate)")
        if not reason.strip():
            raise InputError("a decision needs a non-empty --reason")
        who = who or os.environ.get("USER") or os.environ.get("LOGNAME") or "unknown"
        decision = Decision(vote_id, action, reason.strip(), who, utc_now())
        with self.transaction() as conn:
            cursor = conn.execute(
                "INSERT INTO decisions (vote_id, action, reason, who, decided_at) VALUES (?,?,?,?,?)",
                (
                    decision.vote_id,
                    decision.action,
                    decision.reason,
                    decision.who,
                    decision.decided_at,
                ),
            )
        return Decision(**{**decision.to_dict(), "id": int(cursor.lastrowid or 0)})

    def decisions(self, vote_id: str | None = None) -> list[Decision]:
        where, params = ("WHERE vote_id = ?", [vote_id]) if vote_id is not None else ("", [])
        rows = self.conn.execute(f"SELECT * FROM decisions {where} ORDER BY id", params).fetchall()
        return [Decision(**dict(row)) for row in rows]

    def current_decisions(self) -> dict[str, Decision]:
        """The latest decision per vote (later decisions override earlier ones)."""
        latest: dict[str, Decision] = {}
        for decision in self.decisions():
            latest[decision.vote_id] = decision
        return latest

    # ---------------------------------------------------------------- nightly support
    def cached_findings(
        self, vote_ids: Iterable[str], rule_pack_hash: str, detector: str
    ) -> dict[str, list[dict[str, Any]]]:
        """Cached findings for the given votes already scanned by ``detector`` under these rules.

        Why batches of ids: the cache holds every vote ever scanned; asking SQLite for just these
        ids (a primary-key search per id) keeps a lookup's cost and memory proportional to the ids
        asked for, not to the cache. A batch stays under SQLite's bound-parameter limit.
        """
        wanted = list(dict.fromkeys(str(v) for v in vote_ids))
        step = _MAX_PARAMETERS - 2  # two parameters are the rule-pack hash and the detector
        found: dict[str, list[dict[str, Any]]] = {}
        for start in range(0, len(wanted), step):
            batch = wanted[start : start + step]
            rows = self.conn.execute(
                "SELECT vote_id, findings_json FROM detector_cache WHERE rule_pack_hash = ?"
                f" AND detector = ? AND vote_id IN ({','.join('?' * len(batch))})",
                (rule_pack_hash, detector, *batch),
            )
            found.update((vote_id, json.loads(rows_json)) for vote_id, rows_json in rows)
        return found

    def seen_file_hashes(self) -> set[tuple[str, str]]:
        return {(r[0], r[1]) for r in self.conn.execute("SELECT path, sha256 FROM seen_files")}

    def last_run(self, kind: str | None = None) -> dict[str, Any] | None:
        runs = [r for r in self.runs() if kind is None or r["kind"] == kind]
        return runs[-1] if runs else None


def _maybe_pause() -> None:
    marker = os.environ.get(PAUSE_ENV)
    if not marker:
        return
    Path(marker).write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(float(os.environ.get("AUDITKIT_LEDGER_PAUSE_SECONDS", "60")))
