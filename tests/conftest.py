"""Shared fixtures: where the repo, the rule pack and the real public data live."""

from __future__ import annotations

from pathlib import Path

import pytest

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
