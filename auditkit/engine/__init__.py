"""Where the text-heavy work runs: this process, a local process pool, or a Dask cluster.

Every engine has one method that matters, ``map(fn, parts, *shared)``, yielding results in part
order (:class:`Engine`). The streamed load maps :func:`detect_chunk` (every requested text
detector on one chunk) over row chunks and each detector merges its parts into exactly its result
on the whole table. :func:`make_engine` builds one from the CLI's ``--engine`` options.
"""

from __future__ import annotations

from auditkit.engine.base import Engine, LocalEngine, scan_all
from auditkit.engine.dask_engine import DaskEngine, dask_available
from auditkit.engine.processes import ProcessEngine
from auditkit.engine.scan import (
    SCAN_COLUMNS,
    TEXT_COLUMNS,
    chunk_columns,
    detect_chunk,
    merge_identity_results,
    scan_frame,
    scan_identity_chunk,
)
from auditkit.errors import InputError

__all__ = [
    "ENGINES",
    "SCAN_COLUMNS",
    "TEXT_COLUMNS",
    "DaskEngine",
    "Engine",
    "LocalEngine",
    "ProcessEngine",
    "chunk_columns",
    "dask_available",
    "detect_chunk",
    "make_engine",
    "merge_identity_results",
    "scan_all",
    "scan_frame",
    "scan_identity_chunk",
]

ENGINES = ("local", "processes", "dask")


def make_engine(name: str, *, workers: int | None = None, scheduler: str | None = None) -> Engine:
    """The engine called ``name`` (``local``, ``processes``, ``dask``); raises InputError otherwise."""
    if name == "local":
        if scheduler:
            raise InputError("--scheduler needs --engine dask")
        return LocalEngine()
    if name == "processes":
        if scheduler:
            raise InputError("--scheduler needs --engine dask")
        return ProcessEngine(workers)
    if name == "dask":
        return DaskEngine(scheduler, workers=workers)
    raise InputError(f"unknown engine {name!r}; expected one of {', '.join(ENGINES)}")
