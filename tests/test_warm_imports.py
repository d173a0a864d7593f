"""An audit reaches its input before it imports the statistics libraries, and imports them while the
load reads (:mod:`auditkit.pipeline.warm`).

The import checks run in a fresh interpreter (``sys.modules`` of the test process is already full).
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditkit.detectors.base import detector_classes
from auditkit.lazy import WarmImports
from auditkit.pipeline.warm import RATING_IMPORTS, after_load_imports

# What validating the pack and planning the audit must not import: the statistics and reporting
# libraries the stages after the load use (scipy as a whole: its submodules cost seconds).
FASTCHAT = Path(__file__).resolve().parent / "data" / "io" / "fastchat.jsonl"
AFTER_LOAD = ("scipy", "statsmodels", "networkx", "sklearn", "matplotlib")


def modules_after(code: str) -> set[str]:
    """Every module name in ``sys.modules`` after running ``code`` in a new interpreter."""
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_validating_the_default_rule_pack_imports_no_statistics_library() -> None:
    loaded = modules_after("from auditkit.rules import load_rules\nload_rules()")
    assert "auditkit.rulecheck" in loaded  # the strict validation ran
    assert "auditkit.detectors.voters" in loaded  # and asked every detector
    assert not {name.split(".")[0] for name in loaded} & set(AFTER_LOAD)


def test_planning_an_audit_imports_no_statistics_library(tmp_path: Path) -> None:
    code = (
        "from auditkit.pipeline.config import AuditConfig\n"
        "from auditkit.pipeline.run import AuditPlan\n"
        "from pathlib import Path\n"
        f"plan = AuditPlan.of(AuditConfig(paths=(Path({str(FASTCHAT)!r}),),"
        f" out_dir=Path({str(tmp_path / 'out')!r})))\n"
        "assert 'voter_anomaly' in plan.names and plan.options is not None\n"
    )
    loaded = modules_after(code)
    assert not {name.split(".")[0] for name in loaded} & set(AFTER_LOAD)


def test_the_default_detectors_and_the_ratings_ask_for_the_libraries_they_use() -> None:
    modules = after_load_imports(("identity_leak", "voter_anomaly", "sampling", "population_shift"))
    assert modules[: len(RATING_IMPORTS)] == RATING_IMPORTS
    assert {"scipy.stats", "statsmodels.stats.multitest", "networkx"} <= set(modules)
    assert len(set(modules)) == len(modules)


def test_a_detector_that_is_not_installed_adds_nothing() -> None:
    assert after_load_imports(("no_such_detector",)) == RATING_IMPORTS


@pytest.mark.parametrize("cls", detector_classes(), ids=lambda cls: cls.name)
def test_every_lazy_import_a_detector_names_exists(cls: type) -> None:
    for name in cls.lazy_imports:  # type: ignore[attr-defined]
        importlib.import_module(name)


@pytest.fixture
def probe_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Two modules that record the thread that imported them in ``imported_by``."""
    names = ["warm_probe_a", "warm_probe_b"]
    for name in names:
        (tmp_path / f"{name}.py").write_text(
            "import threading\nimported_by = threading.current_thread().name\n"
        )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield names
    for name in names:
        sys.modules.pop(name, None)


def test_background_imports_happen_on_a_second_thread(probe_modules: list[str]) -> None:
    warm = WarmImports([*probe_modules, "no_such_module_anywhere"], background=True)
    warm.wait()  # a module that cannot be imported is left for its first use to raise
    for name in probe_modules:
        assert sys.modules[name].imported_by not in ("", threading.current_thread().name)
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("no_such_module_anywhere")


def test_without_background_the_imports_happen_at_wait_on_the_caller(
    probe_modules: list[str],
) -> None:
    warm = WarmImports(probe_modules, background=False)
    assert not set(probe_modules) & set(sys.modules)
    warm.wait()
    for name in probe_modules:
        assert sys.modules[name].imported_by == threading.current_thread().name


def test_join_waits_for_the_thread_and_imports_nothing_itself(probe_modules: list[str]) -> None:
    WarmImports(probe_modules, background=False).join()
    assert not set(probe_modules) & set(sys.modules)
    warm = WarmImports(probe_modules, background=True)
    warm.join()
    assert set(probe_modules) <= set(sys.modules)
