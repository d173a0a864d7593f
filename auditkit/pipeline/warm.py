"""The libraries the stages after the load use, imported on a second thread while the load reads.

auditkit's statistics modules import scipy.stats, scipy.sparse, scipy.special, statsmodels and
networkx on first use (:mod:`auditkit.lazy`), so an audit reaches its input without paying for
them (about 1.5 s of CPU, nearly all of it holding the GIL). They are still needed: the detectors
after the load (each lists them in :attr:`~auditkit.detectors.base.Detector.lazy_imports`) and
the rating stage use them. :class:`WarmImports` imports them on a daemon thread started when the
load starts, and :meth:`WarmImports.wait` — called before the detect stage — waits for it, so:

* on a streamed text load, whose two cores are not both busy all the time, the imports fill the
  gaps instead of delaying the first read;
* the detectors, which run side by side on two threads, never import the same library for the
  first time at once (two threads importing modules that import each other can see a partly
  initialised module).

Only where no process is forked while the thread may be inside an import: a child forked then
would inherit the import lock of a module half imported, held by a thread that does not exist in
the child. The audit's figure worker is forked before the thread starts; an engine that forks its
workers (``processes``) gets the imports on the calling thread at :meth:`WarmImports.wait`.
A module that fails to import is left for its first use to raise, where it belongs.
"""

from __future__ import annotations

import importlib
import sys
import threading
from collections.abc import Iterable, Sequence

__all__ = ["RATING_IMPORTS", "WarmImports", "after_load_imports"]

# What the rating stage (auditkit.ratings.engine, auditkit.stats.bradley_terry) imports on first use.
RATING_IMPORTS = ("scipy.special", "scipy.sparse.csgraph")


def after_load_imports(names: Sequence[str]) -> tuple[str, ...]:
    """The modules the detectors ``names`` and the rating stage import on first use, in order,
    each once (detectors that are not installed add nothing: the detect stage reports them)."""
    from auditkit.detectors.base import available_detectors, get_detector

    known = set(available_detectors())
    wanted: dict[str, None] = dict.fromkeys(RATING_IMPORTS)
    for name in names:
        if name in known:
            wanted.update(dict.fromkeys(get_detector(name).lazy_imports))
    return tuple(wanted)


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

    def wait(self) -> None:
        """Return once every module is imported (or has failed to import)."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        _import_all(self.modules)  # nothing left after the thread; all of it without one
