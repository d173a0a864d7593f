"""The libraries the stages after the load use, imported on a second thread while the load reads.

auditkit's statistics modules import scipy.stats, scipy.sparse, scipy.special, statsmodels and
networkx on first use (:mod:`auditkit.lazy`), so an audit reaches its input without paying for
them (about 1.5 s of CPU, nearly all of it holding the GIL). They are still needed: the detectors
after the load (each lists them in :attr:`~auditkit.detectors.base.Detector.lazy_imports`) and
the rating stage use them. :func:`after_load_imports` lists them; ``run_pipeline`` imports them
on a daemon thread started when the load starts (:class:`auditkit.lazy.WarmImports`) and waits
for it before the detect stage, so:

* on a streamed text load, whose two cores are not both busy all the time, the imports fill the
  gaps instead of delaying the first read;
* the detectors, which run side by side on two threads, never import the same library for the
  first time at once (two threads importing modules that import each other can see a partly
  initialised module).

Only where no process is forked while the thread may be inside an import: a child forked then
would inherit the import lock of a module half imported, held by a thread that does not exist in
the child. The audit's figure worker is forked before the thread starts; an engine that forks its
workers (``processes``) gets the imports on the calling thread at ``wait``.
"""

from __future__ import annotations

from collections.abc import Sequence

from auditkit.ratings.engine import LAZY_IMPORTS as RATING_IMPORTS

__all__ = ["RATING_IMPORTS", "after_load_imports"]


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
