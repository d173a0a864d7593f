"""Where the text-heavy work runs: this process, a local process pool, or a Dask cluster.

Every engine maps :func:`scan_identity_chunk` over row chunks and yields partial results in chunk
order; :func:`merge_identity_results` turns them into exactly the result the identity detector gives
on the whole table. :func:`make_engine` builds one from the CLI's ``--engine`` options.
"""

from __future__ import annotations

from auditkit.engine.base import Engine, LocalEngine, scan_all
from auditkit.engine.dask_engine import DaskEngine, dask_available
from auditkit.engine.processes import ProcessEngine
from auditkit.engine.scan import (
    SCAN_COLUMNS,
    TEXT_COLUMNS,
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
    "dask_available",
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
