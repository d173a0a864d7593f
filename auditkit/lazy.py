"""A module imported on first use: ``pd = lazy_module("pandas")`` at the top of a module that only
needs pandas inside its functions.

Why: ``auditkit describe`` on a clean file never builds a DataFrame (it counts Arrow columns), yet
the loader's modules name pandas in many functions; importing it costs about 0.4 s of a process
that should take about as long as the parse. Each such module binds the name to this stand-in
(the type checker sees the real module, under ``TYPE_CHECKING``); the first attribute read imports
the module, every later read is one ``sys.modules`` lookup.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

__all__ = ["LazyModule", "lazy_module"]


class LazyModule:
    """Stands in for the module ``name``: attribute reads go to the module, imported on the first."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        module = sys.modules.get(self._name)
        if module is None:
            module = importlib.import_module(self._name)
        return getattr(module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


def lazy_module(name: str) -> Any:
    """A stand-in for the module ``name`` (see the module docstring)."""
    return LazyModule(name)
