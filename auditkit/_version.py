"""The installed version, in a module of its own so that submodules can read it without importing
the package's lazy API (``auditkit/__init__.py``)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("auditkit")
except PackageNotFoundError:  # running from a checkout without install
    __version__ = "0.0.0+local"
