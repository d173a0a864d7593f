"""Text detectors cut into row chunks: a picklable per-chunk function, merged by each detector.

Why: the text detectors are the only ones that read conversation text, the bulk of an arena's bytes.
A detector that says it can be streamed (:meth:`~auditkit.detectors.base.Detector.streamable`)
gives a partial result per chunk (``detect_chunk``) that runs on any worker, and merges the parts
into exactly what it returns on the whole table (``merge``). :func:`detect_chunk` is what an engine
runs on each chunk, for every requested text detector at once, so one read of the text serves all
of them and a new text detector needs no engine change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from auditkit.detectors.base import DetectorResult, get_detector
from auditkit.detectors.identity import IdentityLeakDetector, merge_identity_results
from auditkit.io.arrowjsonl import decoded_conversations
from auditkit.prompts import prompt_fingerprints
from auditkit.schema import CORE_COLUMNS, BattleTable

if TYPE_CHECKING:
    from auditkit.rulepack import RulePack

__all__ = [
    "SCAN_COLUMNS",
    "TEXT_COLUMNS",
    "ScanPart",
    "chunk_columns",
    "detect_chunk",
    "merge_identity_results",
    "scan_frame",
    "scan_identity_chunk",
    "scan_part",
    "warm_up",
]

TEXT_COLUMNS = ("conversation_a", "conversation_b")
# What the identity scan reads; nothing else is shipped to a worker for it.
SCAN_COLUMNS = ("vote_id", "model_a", "model_b", "anony", *TEXT_COLUMNS)
IDENTITY = (IdentityLeakDetector.name,)


def warm_up() -> None:
    """Load what the first scan would load lazily (langdetect's language profiles, ~1 s).

    Engines call this once per worker, so a worker's first chunk costs what every chunk costs.
    """
    from auditkit.identity.language import warm_up as load_language_profiles

    load_language_profiles()


def chunk_columns(detectors: Iterable[str]) -> tuple[str, ...]:
    """The columns the named text detectors read (what a worker is sent), in a fixed order."""
    wanted: set[str] = set()
    for name in detectors:
        wanted |= get_detector(name).reads
    ordered = [c for c in SCAN_COLUMNS if c in wanted]
    return (*ordered, *sorted(wanted - set(ordered)))


def scan_frame(frame: pd.DataFrame, columns: Sequence[str] = SCAN_COLUMNS) -> pd.DataFrame:
    """The ``columns`` of ``frame`` it has (what a worker is sent)."""
    return frame.loc[:, [c for c in columns if c in frame.columns]]


def _chunk_table(frame: pd.DataFrame, reads: Iterable[str], *, decode: bool = True) -> BattleTable:
    """A chunk as a battle table: columns a detector does not read are placeholders it never
    reads. A chunk whose rows all lack text may come without conversation columns (a reader only
    creates the columns it sees); in the whole table those rows have empty text, and so here.

    Conversations a streamed load left as Arrow are decoded (:func:`_decoded_text`), in the same
    one frame, unless ``decode`` is False (a detector that reads them as Arrow).
    """
    frame = frame.reset_index(drop=True)
    missing: dict[str, Any] = {name: None for name in TEXT_COLUMNS if name not in frame.columns}
    missing |= {
        name: None for name, _ in CORE_COLUMNS if name not in frame.columns and name != "anony"
    }
    if "anony" not in frame.columns:
        missing["anony"] = True
    missing |= {name: None for name in reads if name not in frame.columns and name != "anony"}
    decoded = _decoded_columns(frame) if decode else {}
    if missing or decoded:
        # One frame built from whole columns, as ``frame.assign(**missing)`` orders and types them
        # (None → object, True → bool): assign inserts the columns one by one, which cost more
        # than the identity scan of a text-free chunk.
        # The added columns go in as typed Series: pandas would otherwise scan every object value
        # for a type to infer (object it stays: lists, or None on every row).
        n = len(frame)
        columns: dict[str, Any] = {name: frame[name] for name in frame.columns}
        for name, values in decoded.items():
            columns[name] = pd.Series(values, index=frame.index, dtype=object, copy=False)
        for name, value in missing.items():
            kind = bool if value is True else object
            values = np.full(n, value, dtype=kind)
            columns[name] = pd.Series(values, index=frame.index, dtype=kind, copy=False)
        frame = pd.DataFrame(columns, index=frame.index, copy=False)
    return BattleTable(frame=frame)


def _decoded_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with conversation columns a streamed load left as Arrow (``pd.ArrowDtype``, see
    :meth:`~auditkit.io.arrowjsonl.ArrowColumns.keep_text_as_arrow`) decoded to the Python lists
    the detectors read: the values the in-memory load gives, decoded here, on the worker."""
    decoded = _decoded_columns(frame)
    if not decoded:
        return frame
    columns = {name: frame[name] for name in frame.columns} | decoded
    return pd.DataFrame(columns, index=frame.index, copy=False)


def _decoded_columns(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """The decoded values (:func:`_decoded_text`) of ``frame``'s Arrow conversation columns, by name."""
    return {
        name: decoded_conversations(pa.array(frame[name].array))
        for name in TEXT_COLUMNS
        if name in frame.columns and isinstance(frame[name].dtype, pd.ArrowDtype)
    }


def detect_chunk(
    frame: pd.DataFrame, detectors: Sequence[str], rules: RulePack
) -> tuple[DetectorResult, ...]:
    """Each named detector's partial result on one chunk of rows (top-level, so it pickles).

    ``frame`` needs only :func:`chunk_columns`; whether a whole input has no text at all is for
    the caller to say (see ``stream_battles``).
    """
    return tuple(
        cls.detect_chunk(_chunk_table(frame, cls.reads, decode=not cls.reads_arrow_text), rules)
        for cls in (get_detector(name) for name in detectors)
    )


@dataclass(frozen=True, eq=False)
class ScanPart:
    """What a worker is sent for one chunk of a streamed load: the rows to scan (the
    :func:`chunk_columns` of the rows not skipped; None: nothing to scan) and the chunk's
    ``prompt`` column to fingerprint (None: the chunk keeps no prompt)."""

    scan: pd.DataFrame | None
    prompt: pd.Series | None


def scan_part(
    part: ScanPart, detectors: Sequence[str], rules: RulePack
) -> tuple[tuple[DetectorResult, ...] | None, pd.DataFrame | None]:
    """(:func:`detect_chunk` of the rows to scan, :func:`~auditkit.prompts.prompt_fingerprints`
    of the prompts) of one chunk, each None when the part has none (top-level, so it pickles).

    Why both in one part: after the scan, fingerprinting the prompts is the largest text work
    of a streamed load; done where the scan runs, the reading process only parses and
    normalises. The values are those the reading process would compute.
    """
    results = detect_chunk(part.scan, detectors, rules) if part.scan is not None else None
    fingerprints = prompt_fingerprints(part.prompt) if part.prompt is not None else None
    return results, fingerprints


def scan_identity_chunk(frame: pd.DataFrame, rules: RulePack) -> DetectorResult:
    """The identity detector's partial result on one chunk (:func:`detect_chunk` for it alone)."""
    return detect_chunk(frame, IDENTITY, rules)[0]
