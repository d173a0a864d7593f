""":class:`AuditConfig`: everything one audit is told, in one frozen object."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditkit.errors import InputError

if TYPE_CHECKING:
    from auditkit.detectors.base import Severity
    from auditkit.engine import Engine
    from auditkit.io.loader import LoadResult
    from auditkit.rulepack import RulePack

__all__ = ["AuditConfig"]


@dataclass(frozen=True)
class AuditConfig:
    """One audit's inputs and options (see :func:`auditkit.audit.run_audit` for each).

    ``paths`` are the input files; ``preloaded`` an already loaded table instead (then ``paths``
    is empty and ``engine`` must be None).
    """

    paths: tuple[Path, ...] = ()
    preloaded: LoadResult | None = None
    rules: RulePack | str | Path | None = None
    out_dir: Path = Path("reports/audit")
    db_path: str | Path | None = "auditkit.db"
    seed: int = 0
    detectors: tuple[str, ...] | None = None
    fail_on: str | Severity | None = None
    quiet: bool = False
    rating_options: Any = None
    previous_dir: str | Path | None = None
    kind: str = "audit"
    use_detector_cache: bool = False
    seen_files: tuple[tuple[str, str], ...] = ()
    title: str | None = None
    on_stage: Callable[[str, float], None] | None = None
    engine: Engine | str | None = None
    workers: int | None = None
    scheduler: str | None = None
    chunk_rows: int | None = None
    input_hashes: Mapping[str, str] | None = None
    selftest: bool = False
    encoding: str | None = None
    cleaned_format: str | None = None
    text_detectors: bool = False

    @classmethod
    def of(
        cls, inputs: str | Path | Sequence[str | Path] | LoadResult, **options: Any
    ) -> AuditConfig:
        """The config for ``inputs`` (files, or a :class:`LoadResult`) and ``run_audit``'s options;
        raises :class:`InputError` for no inputs, a missing file, or a table to stream."""
        from auditkit.io.loader import LoadResult

        preloaded: LoadResult | None = None
        paths: tuple[Path, ...] = ()
        if isinstance(inputs, LoadResult):
            preloaded = inputs
            if options.get("engine") is not None:
                raise InputError(
                    "engine= streams files; an already loaded table cannot be streamed"
                )
        else:
            paths = tuple(Path(p) for p in ([inputs] if isinstance(inputs, str | Path) else inputs))
        if not paths and preloaded is None:
            raise InputError("no input files given")
        for path in paths:
            if not path.is_file():
                raise InputError("input file does not exist", path=str(path))
        detectors = options.pop("detectors", None)
        return cls(
            paths=paths,
            preloaded=preloaded,
            out_dir=Path(options.pop("out_dir", "reports/audit")),
            detectors=tuple(detectors) if detectors is not None else None,
            seen_files=tuple(options.pop("seen_files", ())),
            **options,
        )
