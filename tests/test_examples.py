"""The example notebooks run as shipped, so they cannot rot.

Each is executed with nbclient on the test environment's own kernel, in its own folder (as Jupyter
runs it: relative data paths resolve from there), and must finish without an error cell.
"""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _execute(name: str) -> list[dict]:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(EXAMPLES / name, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(EXAMPLES)}},  # the kernel's working directory
    )
    client.execute()  # raises CellExecutionError, with the cell and traceback, on any error
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


@pytest.mark.real_data
def test_the_140k_notebook_loads_audits_compares_and_plots(real_data_dir: Path) -> None:
    assert real_data_dir.samefile(EXAMPLES.parent.parent / "shared" / "data" / "real")
    cells = _execute("audit_140k.ipynb")
    outputs = [output for cell in cells for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "135,634 rows read, 135,624 loaded, 10 quarantined (self_battle 10)" in text
    html = "\n".join(o.data["text/html"] for o in outputs if "text/html" in o.get("data", {}))
    assert 'class="verdict' in html  # the audit view
    assert 'alt="rating forest plot" src="data:image/png;base64,' in html
    assert "rank (interval)" in html  # the ratings view
    assert "battles between them" in text  # the head-to-head
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the heatmap
