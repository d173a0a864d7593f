"""A refactor changes no result: every audit case reproduces its recorded output fingerprints.

The fingerprints (``tests/data/golden/outputs.json``) were recorded from main before the architecture
work of issue 13; a change that means to alter results re-records them (see ``golden_outputs.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from golden_outputs import CASES, REAL_DATA_DIR, Case, fingerprint, recorded, run_case


@pytest.mark.parametrize(
    "case",
    [pytest.param(case, marks=[pytest.mark.real_data] if case.real else []) for case in CASES],
    ids=lambda case: case.name,
)
def test_audit_outputs_match_their_recorded_fingerprints(
    case: Case, tmp_path_factory: pytest.TempPathFactory
) -> None:
    if case.real and not REAL_DATA_DIR.is_dir():
        pytest.skip(f"real public data not found at {REAL_DATA_DIR}")
    if case.engine == "dask":
        pytest.importorskip("distributed")
    work: Path = tmp_path_factory.getbasetemp() / "golden"
    assert fingerprint(run_case(case, work)) == recorded()[case.name]
