"""A run folder is trusted only when it says it is complete.

Why: an audit killed while writing (SIGKILL, a full disk, a power cut) leaves a folder whose
``findings.jsonl`` stops mid-way; read as a finished run it makes ``diff`` report every finding past
the cut as "resolved". So an audit removes the marker file :data:`COMPLETE_MARKER` when it starts
and writes it last, with the sha256 of every file a later run compares (:data:`COMPARED_FILES`).
:func:`check_complete` refuses a folder without the marker or whose files no longer match it.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from auditkit.errors import InputError

__all__ = [
    "COMPARED_FILES",
    "COMPLETE_MARKER",
    "check_complete",
    "mark_complete",
    "mark_incomplete",
    "sha256_file",
]

COMPLETE_MARKER = "run.complete"
COMPARED_FILES = ("findings.jsonl", "invalidations.jsonl", "leaderboard.csv")


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes, streamed (run folders, and the audit's input hashes)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def mark_incomplete(folder: str | Path) -> None:
    """Remove the marker: from now until :func:`mark_complete` the folder is being written."""
    (Path(folder) / COMPLETE_MARKER).unlink(missing_ok=True)


def mark_complete(folder: str | Path) -> Path:
    """Write the marker (atomically: a temporary file renamed into place) with the files' hashes."""
    base = Path(folder)
    hashes = {name: sha256_file(base / name) for name in COMPARED_FILES if (base / name).is_file()}
    target = base / COMPLETE_MARKER
    partial = base / (COMPLETE_MARKER + ".tmp")
    with open(partial, "w", encoding="utf-8") as handle:
        handle.write(json.dumps({"files": hashes}, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, target)
    return target


def check_complete(folder: str | Path) -> None:
    """Raise :class:`InputError` unless ``folder`` holds a finished run whose files are intact."""
    base = Path(folder)
    if not base.is_dir():
        raise InputError("run folder does not exist", path=str(base))
    marker = base / COMPLETE_MARKER
    try:
        recorded = json.loads(marker.read_text(encoding="utf-8"))["files"]
    except FileNotFoundError:
        raise InputError(
            f"incomplete run folder (no {COMPLETE_MARKER}: the run was interrupted, is still "
            "running, or was written by an older auditkit)",
            path=str(base),
        ) from None
    except (ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(f"unreadable {COMPLETE_MARKER}: {exc}", path=str(base)) from None
    for name, expected in sorted(recorded.items()):
        path = base / name
        if not path.is_file() or sha256_file(path) != expected:
            raise InputError(
                "file changed or truncated after the run finished (sha256 differs from "
                f"{COMPLETE_MARKER})",
                path=str(path),
            )
