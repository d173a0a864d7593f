"""A module imported on first use: ``pd = lazy_module("pandas")`` at the top of a module that only
needs pandas inside its functions.

Why: ``auditkit describe`` on a clean file never builds a DataFrame (it counts Arrow columns), yet
the loader's modules name pandas in many functions; importing it costs about 0.4 s of a process
that should take about as long as the parse. Each such module binds the name to this stand-in
(the type checker sees the real module, under ``TYPE_CHECKING``); the first attribute read imports
the module, every later read is one ``sys.modules`` lookup.

:class:`WarmImports` imports such modules ahead of their first use, on a daemon thread while the
caller does something that leaves a core idle (a multi-threaded parse), or on the caller's thread
when it asks for them (:meth:`WarmImports.wait`). Not while a process may be forked: a child forked
while the thread is inside an import inherits that module's import lock, held by a thread the
child does not have. A module that fails to import is left for its first use to raise, where it
belongs.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["LazyModule", "WarmImports", "lazy_module"]


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


def _import_all(modules: Iterable[str]) -> None:
    for name in modules:
        if name in sys.modules:
            continue
        try:
            importlib.import_module(name)
        except Exception:  # its first use raises it again, where it belongs
            continue


class WarmImports:
    """Imports ``modules`` on a daemon thread (``background``) or, at :meth:`wait`, on the caller's."""

    def __init__(self, modules: Sequence[str], *, background: bool) -> None:
        self.modules = tuple(modules)
        self._thread: threading.Thread | None = None
        if background and any(name not in sys.modules for name in self.modules):
            self._thread = threading.Thread(
                target=_import_all, args=(self.modules,), name="auditkit-warm-imports", daemon=True
            )
            self._thread.start()

    def join(self) -> None:
        """Return once the thread, if any, has ended (what it did not import stays unimported)."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def wait(self) -> None:
        """Return once every module is imported (or has failed to import)."""
        self.join()
        _import_all(self.modules)  # nothing left after the thread; all of it without one
