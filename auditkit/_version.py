"""The installed version, in a module of its own so that submodules can read it without importing
the package's lazy API (``auditkit/__init__.py``).

Read on first use: ``importlib.metadata`` (and the e-mail, zip and CSV modules it loads) costs tens of
milliseconds at start, which commands that never print the version (``auditkit describe``) skip.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = ["__version__"]

if TYPE_CHECKING:
    __version__: str


def _installed() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("auditkit")
    except PackageNotFoundError:  # running from a checkout without install
        return "0.0.0+local"


def __getattr__(name: str) -> str:
    if name == "__version__":
        value = _installed()
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module 'auditkit._version' has no attribute {name!r}")
