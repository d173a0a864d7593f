"""Nightly audits: audit what is new since the last run, reuse cached per-vote detector results.

Each night: expand the input glob, find files whose (path, sha256) the ledger has not seen, and — if
there is anything new or the rule pack changed — re-audit ALL files (ratings are refitted on all clean
votes; the voter and sampling detectors are global and cheap, so they rerun on everything) while
per-vote detectors (those whose class says ``per_vote``) scan only votes not yet scanned under
the same rule-pack hash. Output goes to ``REPORTS/<YYYY-MM-DD>/`` and is diffed against the latest
earlier dated folder (``diff.json`` there, and a section in the report).
"""

from __future__ import annotations

import fcntl
import glob
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditkit.audit import AuditResult, run_audit, sha256_file
from auditkit.clean import canonical_json
from auditkit.errors import ExitCode, InputError
from auditkit.findings import Severity
from auditkit.ledger import Ledger
from auditkit.rulepack import RulePack
from auditkit.rules import load_rules
from auditkit.runfolder import COMPLETE_MARKER

if TYPE_CHECKING:
    from auditkit.engine import Engine

__all__ = ["NightlyResult", "previous_report_dir", "run_nightly"]

_DATE_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class NightlyResult:
    """A nightly run: the audit (None when nothing was new) and what made it run or skip."""

    audit: AuditResult | None
    new_files: tuple[str, ...]
    all_files: tuple[str, ...]
    report_dir: Path | None
    previous_dir: Path | None
    reason: str

    @property
    def exit_code(self) -> ExitCode:
        return self.audit.exit_code if self.audit is not None else ExitCode.CLEAN

    def summary(self) -> str:
        head = f"nightly: {len(self.new_files)} new of {len(self.all_files)} files ({self.reason})"
        if self.audit is None:
            return head + "; nothing to do"
        lines = [head, self.audit.summary()]
        diff = self.audit.audit_summary.diff
        if diff:
            lines.append(f"  since {self.previous_dir}: {diff['summary']}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "new_files": list(self.new_files),
            "all_files": list(self.all_files),
            "report_dir": str(self.report_dir) if self.report_dir else None,
            "previous_dir": str(self.previous_dir) if self.previous_dir else None,
            "reason": self.reason,
            "audit": self.audit.to_json() if self.audit else None,
        }

    def to_frame(self) -> Any:
        return self.audit.to_frame() if self.audit else None


def _is_date(text: str) -> bool:
    if not _DATE_DIR.match(text):
        return False
    try:
        datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        return False
    return True


@contextmanager
def nightly_lock(db_path: str | Path) -> Iterator[None]:
    """Hold an exclusive lock on ``<db>.lock`` for one nightly run; a second run exits 2 at once.

    Why: two runs on the same ledger at the same time would both see the same new files and
    record two runs for one night. The lock is ``flock`` on a side file (released by the kernel
    if the process dies), so a crashed run never leaves a stale lock behind.
    """
    path = Path(str(db_path) + ".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(
                "another nightly run holds the lock on this ledger; try again when it has finished",
                path=str(path),
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def previous_report_dir(reports: Path, current: str) -> Path | None:
    """The latest dated run folder before ``current`` that holds a finished run (its completion
    marker written: an interrupted night is skipped, never diffed against)."""
    if not reports.is_dir():
        return None
    dated = sorted(
        p
        for p in reports.iterdir()
        if p.is_dir() and _DATE_DIR.match(p.name) and p.name < current
        if (p / COMPLETE_MARKER).is_file()
    )
    return dated[-1] if dated else None


def run_nightly(
    input_glob: str,
    *,
    db_path: str | Path = "auditkit.db",
    reports_dir: str | Path = "reports",
    rules: RulePack | str | Path | None = None,
    seed: int = 0,
    date: str | None = None,
    fail_on: str | Severity | None = None,
    quiet: bool = False,
    force: bool = False,
    engine: Engine | str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_rows: int | None = None,
    encoding: str | None = None,
) -> NightlyResult:
    """One nightly run; see the module docstring. ``date`` (YYYY-MM-DD) defaults to today (UTC).

    ``engine``, ``workers``, ``scheduler`` and ``chunk_rows`` stream the audit as in
    :func:`auditkit.audit.run_audit`; the detector cache is used chunk by chunk then.
    """
    from auditkit.engine import ENGINES

    if isinstance(engine, str) and engine not in ENGINES:
        # Before hashing inputs: a typo should not cost a pass over every file.
        raise InputError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    files = sorted(glob.glob(input_glob, recursive=True))
    files = [f for f in files if Path(f).is_file()]
    if not files:
        raise InputError(f"no input files match {input_glob!r}")
    day = date or datetime.now(UTC).strftime("%Y-%m-%d")
    if not _is_date(day):
        raise InputError(f"--date must be a date YYYY-MM-DD, got {day!r}")
    pack = rules if isinstance(rules, RulePack) else load_rules(rules)
    # Held from the ledger lookup to the ledger write: a second run cannot see the same new files.
    with nightly_lock(db_path):
        hashes = [(f, sha256_file(f)) for f in files]
        with Ledger(db_path) as ledger:
            seen = ledger.seen_file_hashes()
            last = ledger.last_run("nightly")
        new = [(f, h) for f, h in hashes if (f, h) not in seen]
        rules_changed = last is not None and last["rule_pack_hash"] != pack.content_hash
        if new:
            reason = "new input"
        elif rules_changed:
            reason = "rule pack changed"
        elif force:
            reason = "forced"
        else:
            return NightlyResult(None, (), tuple(files), None, None, "no new input, same rules")
        reports = Path(reports_dir)
        out = reports / day
        previous = previous_report_dir(reports, day)
        audit = run_audit(
            files,
            rules=pack,
            out_dir=out,
            db_path=db_path,
            seed=seed,
            fail_on=fail_on,
            quiet=quiet,
            previous_dir=previous,
            kind="nightly",
            use_detector_cache=True,
            seen_files=new,
            title=f"Nightly integrity audit {day}",
            input_hashes={str(Path(f)): h for f, h in hashes},
            engine=engine,
            workers=workers,
            scheduler=scheduler,
            chunk_rows=chunk_rows,
            encoding=encoding,
        )
        if audit.audit_summary.diff is not None:
            (out / "diff.json").write_text(
                canonical_json(dict(audit.audit_summary.diff)) + "\n", encoding="utf-8"
            )
        return NightlyResult(audit, tuple(f for f, _ in new), tuple(files), out, previous, reason)
