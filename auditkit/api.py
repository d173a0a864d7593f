"""One call per task, for notebooks and scripts: data in, a result object out.

``data`` is anything auditkit can load — a path or list of paths (any supported format), an
in-memory table (pandas DataFrame, pyarrow Table, Hugging Face ``datasets.Dataset``; see
:func:`auditkit.io.frame.from_frame`), or what :func:`load` already returned. Results are the
library's own frozen objects (:class:`~auditkit.audit.AuditResult`,
:class:`~auditkit.ratings.RatingResult`, :class:`~auditkit.graph.GraphAudit`), which print a summary,
give ``to_frame()`` and show as rich HTML in Jupyter.

Nothing is written unless asked: :func:`audit` keeps its report files only with ``out`` and records
in a ledger only with ``db``.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, overload

from auditkit.errors import InputError
from auditkit.io.frame import TableLike, from_frame, is_table
from auditkit.io.loader import LoadResult, load_battles
from auditkit.schema import BattleTable

if TYPE_CHECKING:
    from auditkit.audit import AuditResult
    from auditkit.compare import CompareResult
    from auditkit.findings import Severity
    from auditkit.fragility import FragilityResult
    from auditkit.graph import GraphAudit
    from auditkit.ratings import RatingOptions, RatingResult, SlicedRatings
    from auditkit.rulepack import RulePack

__all__ = ["Data", "audit", "compare", "fragility", "from_frame", "graph", "load", "ratings"]

Data: TypeAlias = "str | Path | Sequence[str | Path] | TableLike | LoadResult | BattleTable"


def _is_files(data: object) -> bool:
    if isinstance(data, str | Path):
        return True
    return isinstance(data, Sequence) and all(isinstance(p, str | Path) for p in data)


def load(
    data: Data,
    *,
    columns: Mapping[str, str] | None = None,
    with_text: bool = True,
    quarantine_path: str | Path | None = None,
) -> LoadResult:
    """Load battles from files or an in-memory table (``columns`` maps a table's unusual names).

    A :class:`LoadResult` passes through; a :class:`BattleTable` is wrapped (nothing quarantined).
    """
    if isinstance(data, LoadResult | BattleTable) and columns is not None:
        raise InputError("columns= applies to tables and is ignored by loaded battles; drop it")
    if isinstance(data, LoadResult):
        return data
    if isinstance(data, BattleTable):
        return LoadResult(
            battles=data,
            quarantine=[],
            quarantine_counts={},
            rows_read=len(data),
            rows_loaded=len(data),
            files=data.sources,
            formats=dict(zip(data.sources, data.source_formats, strict=False)),
        )
    if not (is_table(data) or _is_files(data)):
        raise InputError(
            "expected a path, a list of paths, a pandas DataFrame, a pyarrow Table or a "
            f"datasets.Dataset, not {type(data).__name__}"
        )
    target = None if quarantine_path is None else Path(quarantine_path)
    return load_battles(data, columns=columns, with_text=with_text, quarantine_path=target)


def _battles(data: Data, columns: Mapping[str, str] | None) -> BattleTable:
    if isinstance(data, BattleTable) and columns is None:
        return data
    return load(data, columns=columns, with_text=False).battles  # ratings and graphs read no text


def audit(
    data: Data,
    rules: RulePack | str | Path | None = None,
    out: str | Path | None = None,
    db: str | Path | None = None,
    *,
    columns: Mapping[str, str] | None = None,
    seed: int = 0,
    detectors: Sequence[str] | None = None,
    fail_on: str | Severity | None = None,
    rating_options: RatingOptions | None = None,
    previous: str | Path | None = None,
    title: str | None = None,
    quiet: bool = True,
) -> AuditResult:
    """The whole audit (load → detect → clean → rate before/after → report) in one call.

    Parameters
    ----------
    data
        Files or a table (see the module docstring). Files are loaded and hashed as by
        ``auditkit audit``; a table's content hash stands in for a file's.
    rules
        Rule pack (folder or :class:`~auditkit.rules.RulePack`); default: the bundled pack.
    out
        Folder for the report, findings, invalidations, cleaned battles and summary. Without it
        nothing is kept: :func:`~auditkit.audit.run_audit` writes into a temporary folder that is
        deleted on return (it renders every output as part of the run), and ``out_dir`` is None.
    db
        Ledger file: decisions in it apply and the run is recorded (its ``out_dir`` then names
        the temporary folder when ``out`` is not given). Default: no ledger.
    columns, seed, detectors, fail_on, rating_options, previous, title, quiet
        ``columns`` as :func:`~auditkit.io.frame.from_frame`; the rest as
        :func:`~auditkit.audit.run_audit` (``previous``: an earlier run's folder to diff with).

    Returns
    -------
    AuditResult
        Shows verdict, headline numbers and the ratings plot in Jupyter; ``to_frame()`` is the
        before/after leaderboard, ``findings`` every finding.
    """
    from auditkit.audit import run_audit

    inputs: Any = data if _is_files(data) and columns is None else load(data, columns=columns)
    options: dict[str, Any] = {
        "rules": rules,
        "db_path": db,
        "seed": seed,
        "detectors": detectors,
        "fail_on": fail_on,
        "rating_options": rating_options,
        "previous_dir": previous,
        "title": title,
        "quiet": quiet,
    }
    if out is not None:
        return run_audit(inputs, out_dir=out, **options)
    with tempfile.TemporaryDirectory(prefix="auditkit-") as scratch:
        result = run_audit(inputs, out_dir=scratch, **options)
    return dataclasses.replace(result, out_dir=None)


@overload
def ratings(
    data: Data,
    options: RatingOptions | None = ...,
    *,
    by: None = ...,
    columns: Mapping[str, str] | None = ...,
    **option_fields: Any,
) -> RatingResult: ...


@overload
def ratings(
    data: Data,
    options: RatingOptions | None = ...,
    *,
    by: str,
    columns: Mapping[str, str] | None = ...,
    **option_fields: Any,
) -> SlicedRatings: ...


def ratings(
    data: Data,
    options: RatingOptions | None = None,
    *,
    by: str | None = None,
    columns: Mapping[str, str] | None = None,
    **option_fields: Any,
) -> RatingResult | SlicedRatings:
    """Bradley-Terry ratings with intervals (LMArena conventions), optionally per slice.

    ``option_fields`` override fields of ``options`` (:class:`~auditkit.ratings.RatingOptions`):
    ``ratings(df, ci="bootstrap", n_bootstrap=200)``. ``by`` (``language`` or ``tag.<name>``)
    gives one leaderboard per value (:class:`~auditkit.ratings.SlicedRatings`).
    """
    from auditkit.ratings import RatingOptions, fit_ratings, fit_ratings_by

    chosen = options or RatingOptions()
    if option_fields:
        unknown = sorted(set(option_fields) - {f.name for f in dataclasses.fields(chosen)})
        if unknown:
            raise InputError(f"unknown rating option(s): {', '.join(unknown)}")
        chosen = dataclasses.replace(chosen, **option_fields)
    battles = _battles(data, columns)
    return fit_ratings_by(battles, by, chosen) if by else fit_ratings(battles, chosen)


def graph(
    data: Data,
    rules: RulePack | str | Path | None = None,
    *,
    with_ratings: bool = False,
    anonymous_only: bool = False,
    columns: Mapping[str, str] | None = None,
) -> GraphAudit:
    """The battle graph and sampling audit (as ``auditkit graph``): components, connectivity,
    sampling shares against the rule pack's policy, position balance, drift, variant families."""
    from auditkit.graph import audit_graph, fit_ratings_frame
    from auditkit.rulepack import RulePack
    from auditkit.rules import load_rules

    pack = rules if isinstance(rules, RulePack) else load_rules(rules)
    battles = _battles(data, columns)
    if anonymous_only:
        battles = battles.anonymous()
    ratings_frame = fit_ratings_frame(battles) if with_ratings else None
    return audit_graph(battles, pack, ratings=ratings_frame)


def fragility(
    data: Data,
    *,
    top: int = 10,
    pairs: Sequence[tuple[str, str]] = (),
    options: RatingOptions | None = None,
    columns: Mapping[str, str] | None = None,
) -> FragilityResult:
    """Votes-to-flip (as ``auditkit fragility``): for #1 and each adjacent pair of the top ``top``
    and every pair in ``pairs``, the fewest votes whose removal, flip or addition reverses the
    order, each verified by an exact refit."""
    from auditkit.fragility import fragility as run_fragility

    return run_fragility(_battles(data, columns), top=top, pairs=pairs, options=options)


def compare(
    data: Data,
    model_a: str,
    model_b: str,
    *,
    options: RatingOptions | None = None,
    columns: Mapping[str, str] | None = None,
) -> CompareResult:
    """Head-to-head of two models (as ``auditkit compare``): record, difference with interval,
    P(A above B), rank intervals, style control, slices, fragility and a one-line verdict."""
    from auditkit.compare import compare as run_compare

    return run_compare(_battles(data, columns), model_a, model_b, options=options)
