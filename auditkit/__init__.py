"""auditkit: audit the integrity of pairwise-vote leaderboards.

The one-call API (:mod:`auditkit.api`) is loaded on first use, so ``import auditkit`` (and the CLI)
stays light::

    import auditkit
    result = auditkit.audit(df)   # a DataFrame, Arrow table, datasets.Dataset or file paths
    result                        # in Jupyter: verdict, headline numbers, ratings plot

``auditkit.audit``, ``auditkit.ratings``, ``auditkit.graph``, ``auditkit.fragility`` and
``auditkit.compare`` are also the names of submodules
(``from auditkit.audit import run_audit``). Rather than hide one behind the other, those
modules are callable: calling one calls :func:`auditkit.api.audit` (``ratings``, ``graph``), and
everything in them stays where it was (``from auditkit import audit; audit.run_audit``).
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from auditkit._version import __version__
    from auditkit.api import audit, compare, fragility, from_frame, graph, load, ratings
    from auditkit.ledger import Ledger

__all__ = [
    "Ledger",
    "__version__",
    "audit",
    "compare",
    "fragility",
    "from_frame",
    "graph",
    "load",
    "ratings",
]

# Submodules whose name is also a function of auditkit.api.
_CALLABLE_MODULES = frozenset({"audit", "compare", "fragility", "graph", "ratings"})
_LAZY = {
    "from_frame": "auditkit.api",
    "load": "auditkit.api",
    "Ledger": "auditkit.ledger",
    "__version__": "auditkit._version",  # read from the installed metadata on first use
}


class _CallableModule(ModuleType):
    """A submodule that, called, runs the :mod:`auditkit.api` function of the same name."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        api = import_module("auditkit.api")
        return getattr(api, self.__name__.rpartition(".")[2])(*args, **kwargs)


class _Package(ModuleType):
    """Makes ``audit``/``graph``/``ratings`` callable however they are first imported: the import
    system sets every newly loaded submodule as an attribute of its package, through here."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _CALLABLE_MODULES and type(value) is ModuleType:
            value.__class__ = _CallableModule
        super().__setattr__(name, value)


def __getattr__(name: str) -> Any:
    if name in _CALLABLE_MODULES:
        return import_module(f"auditkit.{name}")  # loading it sets (and wraps) the attribute
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'auditkit' has no attribute {name!r}")


sys.modules[__name__].__class__ = _Package
