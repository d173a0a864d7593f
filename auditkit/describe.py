"""``describe``: what a battle log holds before any audit — counts, models, voters, time, languages.

The first thing to run on a new file: it shows what the loader quarantined and which audits the data
can support (e.g. voter audits need a usable voter field; identity audits need conversation text).

:func:`describe_files` counts a clean text-free file without building the battle table
(:mod:`auditkit.io.profile`, no pandas) and loads it only when that cannot be done; both ways end
in the same :class:`Description`, built in one place from the counts.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from auditkit.lazy import lazy_module
from auditkit.vocabulary import (
    OPTIONAL_COLUMNS,
    TAG_PREFIX,
    WINNER_VALUES,
    QuarantineReason,
    Winner,
)

if TYPE_CHECKING:
    import pandas as pd

    from auditkit.io.loader import LoadResult
    from auditkit.io.profile import TableCounts
else:
    pd = lazy_module("pandas")  # a loaded table's; a clean file is described without it

__all__ = ["Description", "describe_battles", "describe_counts", "describe_files"]

TOP_LANGUAGES = 10


def _iso(seconds: float) -> str | None:
    if math.isnan(seconds):
        return None
    return datetime.fromtimestamp(seconds, tz=UTC).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Description:
    """A JSON-ready profile of loaded battles (plain Python values only)."""

    files: list[str]
    formats: dict[str, str]
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    quarantine_reasons: dict[str, int]
    n_models: int
    models: dict[str, int]  # model → battles it appears in, most first
    voters_usable: bool
    voter_status: str
    voter_field: str | None
    voter_note: str
    n_voters: int | None
    time_start: str | None
    time_end: str | None
    rows_with_time: int
    anonymous_share: float | None
    languages: dict[str, int]
    rows_with_language: int
    tie_rate: float | None
    bothbad_rate: float | None
    turns: dict[str, int]
    optional_columns: list[str]
    tag_columns: list[str]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False)

    def summary(self) -> str:
        sources = ", ".join(f"{f} [{self.formats.get(f, '?')}]" for f in self.files)
        lines = [
            f"files: {sources}",
            f"rows: {self.rows_read:,} read, {self.rows_loaded:,} loaded, "
            f"{self.rows_quarantined:,} quarantined",
        ]
        for reason, count in self.quarantine_reasons.items():
            lines.append(f"  {reason}: {count:,}")
        lines.append(f"models: {self.n_models}")
        for model, count in self.models.items():
            lines.append(f"  {model}: {count:,}")
        if self.voters_usable:
            lines.append(f"voters: {self.n_voters:,} (field {self.voter_field})")
        else:
            lines.append(f"voters: unusable ({self.voter_status}): {self.voter_note}")
        if self.time_start:
            lines.append(
                f"time: {self.time_start} .. {self.time_end} ({self.rows_with_time:,} rows with time)"
            )
        else:
            lines.append("time: none recorded")
        if self.anonymous_share is not None:
            lines.append(f"anonymous: {self.anonymous_share:.1%}")
        if self.languages:
            top = ", ".join(f"{k} {v:,}" for k, v in self.languages.items())
            lines.append(f"languages (top {len(self.languages)}): {top}")
        else:
            lines.append("languages: none recorded")
        if self.tie_rate is not None:
            lines.append(f"ties: {self.tie_rate:.1%} (both bad: {self.bothbad_rate:.1%})")
        if self.turns:
            lines.append("turns: " + ", ".join(f"{k}: {v:,}" for k, v in self.turns.items()))
        optional = ", ".join(self.optional_columns) or "none"
        lines.append(f"optional columns: {optional}")
        if self.tag_columns:
            lines.append(f"tag columns: {len(self.tag_columns)}")
        return "\n".join(lines)


def describe_files(
    paths: Sequence[Path],
    *,
    fmt: str | None = None,
    with_text: bool = True,
    encoding: str | None = None,
    quarantine_path: Path | None = None,
) -> Description:
    """Describe battle log files: counted without a table when they are clean and text is not
    wanted (:func:`auditkit.io.profile.count_files`), else loaded and described
    (:func:`describe_battles`). The description is the same either way."""
    from auditkit.io.detect import check_encoding

    encoding = check_encoding(encoding)
    if not with_text and quarantine_path is None and paths:
        from auditkit.io.profile import count_files

        counts = count_files(paths, fmt=fmt, encoding=encoding)
        if counts is not None:
            return describe_counts(counts)
    from auditkit.io.loader import load_battles

    result = load_battles(
        paths, quarantine_path=quarantine_path, fmt=fmt, with_text=with_text, encoding=encoding
    )
    return describe_battles(result)


def describe_counts(counts: TableCounts) -> Description:
    """The :class:`Description` of a clean file's counts (nothing quarantined but self battles)."""
    voters = counts.voters
    usable = voters is not None and voters.status.value == "usable"
    winners = dict(zip(WINNER_VALUES, counts.winners.tolist(), strict=True))
    return _description(
        files=counts.files,
        formats=counts.formats,
        rows=(counts.rows + counts.self_battles, counts.rows, counts.self_battles),
        quarantine_reasons={QuarantineReason.SELF_BATTLE.value: counts.self_battles}
        if counts.self_battles
        else {},
        per_model=counts.models,
        voter_field=counts.voter_field,
        voter_status=voters.status.value if voters is not None else "missing",
        voter_note=voters.note if voters is not None else "the source has no voter field",
        n_voters=voters.n_voters if usable and voters is not None else None,
        times=(counts.time_min, counts.time_max, counts.rows_with_time),
        anonymous=counts.anonymous,
        winners=winners,
        languages=counts.languages,
        turns=dict(sorted(counts.turns.items())),
        columns=[*counts.tag_columns, *counts.optional_columns],
    )


def describe_battles(result: LoadResult) -> Description:
    """Profile a :class:`LoadResult` (counts are exact; rates are over loaded rows)."""
    battles = result.battles
    frame = battles.frame
    n = len(frame)
    # Counted per side on the columns themselves (Arrow for Arrow-backed strings): no Python
    # string per row.
    per_model = (
        frame["model_a"].value_counts().add(frame["model_b"].value_counts(), fill_value=0)
        if n
        else pd.Series(dtype=object)
    )
    tstamp = frame["tstamp"].to_numpy(dtype=np.float64)
    has_time = ~np.isnan(tstamp)
    winners = frame["winner"].value_counts()
    # In order of first appearance (ties keep it where counts are sorted below).
    languages = frame["language"].dropna().value_counts(sort=False)
    turn_counts = frame["turns"].dropna().astype(int).value_counts().sort_index()
    return _description(
        files=list(result.files),
        formats=dict(result.formats),
        rows=(result.rows_read, result.rows_loaded, result.rows_quarantined),
        quarantine_reasons=dict(result.quarantine_counts),
        per_model={str(name): int(count) for name, count in per_model.items()},
        voter_field=battles.voter_field,
        voter_status=battles.voter_status.value,
        voter_note=battles.voter_note,
        n_voters=battles.codes.n_voters if battles.voters_usable else None,
        times=(
            float(tstamp[has_time].min()) if has_time.any() else math.nan,
            float(tstamp[has_time].max()) if has_time.any() else math.nan,
            int(has_time.sum()),
        ),
        anonymous=int(frame["anony"].sum()),
        winners={str(k): int(v) for k, v in winners.items()},
        languages={str(k): int(v) for k, v in languages.items()},
        turns=dict(zip(turn_counts.index.tolist(), turn_counts.tolist(), strict=True)),
        columns=[c for c in frame.columns if c.startswith(TAG_PREFIX)]
        + [name for name, _ in OPTIONAL_COLUMNS if name in frame.columns],
    )


def _description(
    *,
    files: list[str],
    formats: dict[str, str],
    rows: tuple[int, int, int],
    quarantine_reasons: dict[str, int],
    per_model: Mapping[str, int],
    voter_field: str | None,
    voter_status: str,
    voter_note: str,
    n_voters: int | None,
    times: tuple[float, float, int],
    anonymous: int,
    winners: Mapping[str, int],
    languages: Mapping[str, int],
    turns: Mapping[int, int],
    columns: list[str],
) -> Description:
    """The description from counts: ``rows`` (read, loaded, quarantined); ``per_model`` battles
    per model; ``times`` (first, last, rows with a time; NaN or ±inf: none); ``winners`` rows per
    label; ``languages`` rows per code in order of first appearance; ``turns`` rows per count,
    ascending; ``columns`` the optional and tag columns present."""
    n = rows[1]
    models = {
        name: int(count) for name, count in sorted(per_model.items(), key=lambda p: (-p[1], p[0]))
    }
    ties = winners.get(Winner.TIE.value, 0) + winners.get(Winner.TIE_BOTHBAD.value, 0)
    bothbad = winners.get(Winner.TIE_BOTHBAD.value, 0)
    # Most first; a tie keeps the order of first appearance (a stable sort).
    top_languages = sorted(languages.items(), key=lambda p: -p[1])[:TOP_LANGUAGES]
    first, last, with_time = times
    return Description(
        files=files,
        formats=formats,
        rows_read=rows[0],
        rows_loaded=n,
        rows_quarantined=rows[2],
        quarantine_reasons=quarantine_reasons,
        n_models=len(models),
        models=models,
        voters_usable=voter_status == "usable",
        voter_status=voter_status,
        voter_field=voter_field,
        voter_note=voter_note,
        n_voters=n_voters,
        time_start=_iso(first) if with_time else None,
        time_end=_iso(last) if with_time else None,
        rows_with_time=with_time,
        anonymous_share=anonymous / n if n else None,
        languages=dict(top_languages),
        rows_with_language=sum(languages.values()),
        tie_rate=ties / n if n else None,
        bothbad_rate=bothbad / n if n else None,
        turns={str(k): v for k, v in turns.items()},
        optional_columns=[c for c in columns if not c.startswith(TAG_PREFIX)],
        tag_columns=[c for c in columns if c.startswith(TAG_PREFIX)],
    )
