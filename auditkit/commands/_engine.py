"""The ``--engine`` options shared by ``auditkit audit`` and ``auditkit nightly``.

Why one definition: both commands stream the same way, so their flags and help must not drift.
The engine names are spelled out here (not imported from :mod:`auditkit.engine`) so building the
parser does not import pandas.
"""

from __future__ import annotations

import argparse

from auditkit.commands._args import positive_int

__all__ = ["ENGINE_CHOICES", "add_engine_arguments"]

ENGINE_CHOICES = ("local", "processes", "dask")


def add_engine_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--engine``, ``--scheduler``, ``--workers`` and ``--chunk-rows`` to ``parser``."""
    parser.add_argument(
        "--engine",
        choices=ENGINE_CHOICES,
        default=None,
        help="stream the input in chunks and run the text scan on this engine: local (this "
        "process), processes (a local pool) or dask (a cluster); default: load it all in memory",
    )
    parser.add_argument(
        "--scheduler", default=None, help="Dask scheduler address (default: a LocalCluster)"
    )
    parser.add_argument(
        "--workers", type=positive_int, default=None, help="processes / LocalCluster workers"
    )
    parser.add_argument(
        "--chunk-rows",
        type=positive_int,
        default=None,
        help="rows per streamed chunk (default: about 32 MB of lines, 20,000 to 50,000 rows)",
    )
