"""How every subcommand prints a results object: JSON for machines, its summary for people."""

from __future__ import annotations

import json
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
