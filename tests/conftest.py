"""Shared fixtures: where the repo, the rule pack and the real public data live; a Dask cluster."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from auditkit.rules import RulePack, load_rules

REPO_ROOT = Path(__file__).resolve().parents[1]
REAL_DATA_DIR = REPO_ROOT.parent / "shared" / "data" / "real"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def real_data_dir() -> Path:
    if not REAL_DATA_DIR.is_dir():
        pytest.skip(f"real public data not found at {REAL_DATA_DIR}")
    return REAL_DATA_DIR


@pytest.fixture(scope="session")
def default_rules() -> RulePack:
    return load_rules(REPO_ROOT / "rules")


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    """A client of a LocalCluster of two worker processes (one thread each), per test module."""
    distributed = pytest.importorskip(
        "distributed", reason="dask.distributed not installed (pip install 'auditkit[dask]')"
    )
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


# Timing is for bench/, not for tests: on a shared 2-core machine a property test's example can take
# longer than hypothesis's 200 ms default deadline without anything being wrong.
settings.register_profile("auditkit", deadline=None)
settings.load_profile("auditkit")
