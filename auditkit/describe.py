"""``describe``: what a battle log holds before any audit — counts, models, voters, time, languages.

The first thing to run on a new file: it shows what the loader quarantined and which audits the data
can support (e.g. voter audits need a usable voter field; identity audits need conversation text).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from auditkit.io.loader import LoadResult
from auditkit.schema import OPTIONAL_COLUMNS, TAG_PREFIX, Winner

__all__ = ["Description", "describe_battles"]

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
    models = {
        str(name): int(count)
        for name, count in sorted(per_model.items(), key=lambda p: (-int(p[1]), str(p[0])))
    }
    tstamp = frame["tstamp"].to_numpy(dtype=np.float64)
    has_time = ~np.isnan(tstamp)
    winners = frame["winner"]
    ties = int(winners.isin([Winner.TIE.value, Winner.TIE_BOTHBAD.value]).sum())
    bothbad = int((winners == Winner.TIE_BOTHBAD.value).sum())
    languages = frame["language"].dropna().value_counts()
    turn_counts = frame["turns"].dropna().astype(int).value_counts().sort_index()
    return Description(
        files=list(result.files),
        formats=dict(result.formats),
        rows_read=result.rows_read,
        rows_loaded=result.rows_loaded,
        rows_quarantined=result.rows_quarantined,
        quarantine_reasons=dict(result.quarantine_counts),
        n_models=len(models),
        models=models,
        voters_usable=battles.voters_usable,
        voter_status=battles.voter_status.value,
        voter_field=battles.voter_field,
        voter_note=battles.voter_note,
        n_voters=battles.codes.n_voters if battles.voters_usable else None,
        time_start=_iso(float(tstamp[has_time].min())) if has_time.any() else None,
        time_end=_iso(float(tstamp[has_time].max())) if has_time.any() else None,
        rows_with_time=int(has_time.sum()),
        anonymous_share=float(frame["anony"].mean()) if n else None,
        languages={str(k): int(v) for k, v in languages.head(TOP_LANGUAGES).items()},
        rows_with_language=int(frame["language"].notna().sum()),
        tie_rate=ties / n if n else None,
        bothbad_rate=bothbad / n if n else None,
        turns={str(k): int(v) for k, v in turn_counts.items()},
        optional_columns=[name for name, _ in OPTIONAL_COLUMNS if name in frame.columns],
        tag_columns=[c for c in frame.columns if c.startswith(TAG_PREFIX)],
    )
