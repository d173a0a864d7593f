"""How every subcommand prints a results object: JSON for machines, its summary for people."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol


class Reportable(Protocol):
    def to_json(self) -> Any: ...

    def summary(self) -> str: ...


def print_result(result: Reportable, *, as_json: bool, quiet: bool = False) -> None:
    """``--json`` prints the whole result; otherwise its summary, unless ``--quiet``."""
    if as_json:
        print(json.dumps(result.to_json(), indent=2, sort_keys=True, default=str))
    elif not quiet:
        print(result.summary())


def write_json_file(result: Reportable, path: Path) -> None:
    """``--out FILE``: the result's JSON (sorted keys); a disk error is an input error (exit 2)."""
    from auditkit.errors import InputError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(result.to_json(), indent=2, sort_keys=True, default=str)
        path.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write: {exc}", path=str(path)) from exc
