"""The CLI imports only what a command uses: ``describe`` and ``ratings`` never load the plotting,
reporting, graph or multiple-testing libraries, nor ``scipy.stats`` (seconds of docstring parsing
at import), building the parser loads no pandas, and ``describe --no-text`` of a clean file none.

Each check runs in a fresh interpreter (``sys.modules`` of the test process is already full).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from auditkit.commands._choices import SEVERITY_CHOICES
from auditkit.detectors.base import Severity

FASTCHAT = Path(__file__).resolve().parent / "data" / "io" / "fastchat.jsonl"
GZIPPED = FASTCHAT.with_name("fastchat.jsonl.gz")
HEAVY = ("statsmodels", "networkx", "matplotlib", "jinja2", "scipy.stats")


def modules_after(code: str) -> set[str]:
    """Package names (``a`` and ``a.b``) in ``sys.modules`` after running ``code`` in a new
    interpreter."""
    script = (
        "import contextlib, io, json, sys\n"
        f"{code}\n"
        "print(json.dumps(sorted({'.'.join(name.split('.')[:2]) for name in sys.modules}"
        " | {name.split('.')[0] for name in sys.modules})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_building_the_parser_imports_no_data_library() -> None:
    loaded = modules_after("from auditkit.cli import build_parser\nbuild_parser()")
    assert not loaded & {"pandas", "numpy", "pyarrow", *HEAVY}


@pytest.mark.parametrize(
    "argv",
    [["describe", "--no-text", str(FASTCHAT)], ["ratings", "--bootstrap", "5", str(FASTCHAT)]],
    ids=["describe", "ratings"],
)
def test_describe_and_ratings_do_not_import_report_graph_or_plot_libraries(
    argv: list[str],
) -> None:
    code = (
        "from auditkit.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main({argv!r}) == 0\n"
    )
    loaded = modules_after(code)
    assert "auditkit" in loaded and "pyarrow" in loaded  # the command did run
    assert not loaded & set(HEAVY)


def test_describe_of_a_clean_file_without_text_imports_no_pandas(tmp_path: Path) -> None:
    """A clean file is counted with Arrow and numpy alone (``auditkit.io.profile``): pyarrow
    imports pandas at its first conversion from Python or numpy, so none may happen on the way."""
    import pyarrow.json as pj
    import pyarrow.parquet as pq

    parquet = tmp_path / "fastchat.parquet"
    pq.write_table(pj.read_json(FASTCHAT).drop(["conversation_a", "conversation_b"]), parquet)
    for path in (FASTCHAT, GZIPPED, parquet):
        code = (
            "from auditkit.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    assert main(['describe', '--no-text', {str(path)!r}]) == 0\n"
        )
        loaded = modules_after(code)
        assert "pandas" not in loaded, path
        assert not loaded & set(HEAVY)


def test_the_spelled_out_severity_choices_are_the_severities() -> None:
    assert tuple(s.value for s in Severity) == SEVERITY_CHOICES


def test_describe_imports_no_scipy_at_all() -> None:
    """With its text too: the statistics modules import scipy on first use (:mod:`auditkit.lazy`)."""
    code = (
        "from auditkit.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['describe', {str(FASTCHAT)!r}]) == 0\n"
    )
    loaded = modules_after(code)
    assert "auditkit" in loaded and "pyarrow" in loaded
    assert not loaded & {"scipy", "sklearn", *HEAVY}
