"""The report page's five figures, drawn in this process or in a second one started early.

Why a second process: drawing the figures is ~2.5 s of CPU at 1M votes (matplotlib lays out every
tick label two or three times for ``bbox_inches="tight"``) plus ~0.5 s to import matplotlib and
load its fonts the first time, all of it holding the GIL. :class:`FigureProcess` forks one worker
at the start of an audit, which imports matplotlib and draws a warm-up figure while the main
process loads the battles; the report stage hands it the figures' inputs (a few small tables: at
most :data:`~auditkit.report.context.MAX_SCATTER_VOTERS` voters) and renders the Markdown and the
rest of the page while the worker draws on the other core.

The PNG bytes are the same either way: the worker runs the same functions of
:mod:`auditkit.report.plots` on the same inputs with the same matplotlib settings (a fork inherits
the parent's ``rcParams``), and the PNGs carry no timestamp. An error raised while drawing is
raised by :meth:`PendingFigures.result` as it would be in-process; if the worker itself dies (killed
for memory, say), the figures are drawn here instead.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pandas as pd

# prctl(2): the signal this process gets when its parent dies.
_PR_SET_PDEATHSIG = 1

__all__ = [
    "FigureInputs",
    "FigureProcess",
    "FigureSource",
    "PageFigures",
    "PendingFigures",
    "VoteFigureInputs",
    "page_figures",
    "vote_figures",
]


class FigureSource(Protocol):
    """What a page's figures read from its context (:class:`~auditkit.report.render.ReportContext`
    has these fields; this module does not import it, so render may import this one)."""

    @property
    def leaderboard(self) -> pd.DataFrame: ...
    @property
    def pair_counts(self) -> pd.DataFrame: ...
    @property
    def sampling(self) -> pd.DataFrame: ...
    @property
    def voters(self) -> pd.DataFrame: ...
    @property
    def invalidation_events(self) -> pd.DataFrame: ...
    @property
    def flagged_models(self) -> frozenset[str]: ...


@dataclass(frozen=True)
class FigureInputs:
    """What the page's figures are drawn from (the :class:`ReportContext` fields they read)."""

    leaderboard: pd.DataFrame
    pair_counts: pd.DataFrame
    sampling: pd.DataFrame
    voters: pd.DataFrame
    invalidation_events: pd.DataFrame
    flagged_models: frozenset[str] = frozenset()

    @classmethod
    def of(cls, context: FigureSource) -> FigureInputs:
        return cls(
            leaderboard=context.leaderboard,
            pair_counts=context.pair_counts,
            sampling=context.sampling,
            voters=context.voters,
            invalidation_events=context.invalidation_events,
            flagged_models=context.flagged_models,
        )


@dataclass(frozen=True)
class PageFigures:
    """The figures as PNG data URIs (forest, heatmap, sampling, voters, timeline) and the captions
    of those that may leave models out (forest, heatmap, sampling)."""

    uris: Mapping[str, str] = field(default_factory=dict)
    captions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class VoteFigureInputs:
    """What the figures that need no ratings are drawn from (sampling, voters, timeline): all of
    it exists once the votes are cleaned, so these are drawn while the ratings are computed."""

    sampling: pd.DataFrame
    voters: pd.DataFrame
    invalidation_events: pd.DataFrame


def vote_figures(inputs: VoteFigureInputs) -> PageFigures:
    """The sampling, voter and timeline figures (the page's last three), drawn here."""
    import auditkit.report.plots as plots

    sampling = plots.sampling_shares(inputs.sampling)
    return PageFigures(
        uris={
            "sampling": sampling.uri,
            "voters": plots.voter_scatter(inputs.voters),
            "timeline": plots.invalidations_over_time(inputs.invalidation_events),
        },
        captions={"sampling": sampling.caption},
    )


def _rating_figures(inputs: FigureInputs) -> PageFigures:
    """The forest and heatmap figures (they mark the models whose rating changed)."""
    import auditkit.report.plots as plots

    flagged = inputs.flagged_models
    forest = plots.rating_forest(inputs.leaderboard, flagged=flagged)
    heatmap = plots.battle_heatmap(inputs.pair_counts, flagged=flagged)
    return PageFigures(
        uris={"forest": forest.uri, "heatmap": heatmap.uri},
        captions={"forest": forest.caption, "heatmap": heatmap.caption},
    )


def _page(rated: PageFigures, votes: PageFigures) -> PageFigures:
    """The page's figures in its order: forest, heatmap, sampling, voters, timeline."""
    return PageFigures(
        uris={**rated.uris, **votes.uris}, captions={**rated.captions, **votes.captions}
    )


def _votes_of(inputs: FigureInputs) -> VoteFigureInputs:
    return VoteFigureInputs(inputs.sampling, inputs.voters, inputs.invalidation_events)


def page_figures(inputs: FigureInputs) -> PageFigures:
    """Draw the page's figures here, in this process."""
    return _page(_rating_figures(inputs), vote_figures(_votes_of(inputs)))


def _warm(parent: int) -> None:
    """The worker's start: tie its life to the audit's, then import matplotlib and draw one
    small figure (fonts, Agg canvas).

    Ctrl-C reaches every process of the terminal's group: the audit (the parent) reports it in
    one line and ends the worker, which must not print a traceback of its own. An audit killed
    outright (SIGKILL, the OOM killer) cannot end it: the kernel does (``PR_SET_PDEATHSIG``)."""
    import ctypes
    import os
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Without prctl (not Linux's libc) the worker ends when the audit's queue closes.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the audit died before the request took effect
        os._exit(1)
    import auditkit.report.plots as plots

    plots.figure_to_data_uri(plots._subplots(figsize=(1, 1))[0])


# Seconds to wait for the worker's figures before drawing them here and ending the worker: a
# worker that hangs (a lock some other thread held when it was forked) must not hang the audit.
# Drawing takes ~2 s of CPU at 1M votes; this leaves room for a machine loaded many times over.
WORKER_TIMEOUT = 300.0


class PendingFigures:
    """Figures being drawn by a :class:`FigureProcess` (or already drawn here): the forest and
    heatmap in ``future``, the other three in ``votes`` when they were started earlier
    (:meth:`FigureProcess.start_votes`), else in ``future`` too."""

    def __init__(
        self,
        inputs: FigureInputs,
        future: Future[PageFigures] | None,
        worker: FigureProcess | None = None,
        votes: Future[PageFigures] | None = None,
    ) -> None:
        self._inputs = inputs
        self._future = future
        self._worker = worker
        self._votes = votes

    def result(self, timeout: float = WORKER_TIMEOUT) -> PageFigures:
        """The figures; drawn here when the worker is gone or gives none within ``timeout``
        seconds (it is ended then). Errors of drawing are raised."""
        if self._future is not None:
            try:
                drawn = self._future.result(timeout=timeout)
                if self._votes is None:
                    return drawn
                return _page(drawn, self._votes.result(timeout=timeout))
            except BrokenProcessPool:
                pass  # the worker died (not the drawing failing): draw them here
            except FuturesTimeout:
                if self._worker is not None:
                    self._worker.close(kill=True)
        return page_figures(self._inputs)


class FigureProcess:
    """One worker process that draws the page figures; start it early, :meth:`close` it at the end.

    Only where ``fork`` is the platform's safe way to start a process (Linux): a forked worker
    costs no new interpreter and no second import of numpy and pandas. Elsewhere, and if the
    worker cannot be started, :meth:`submit` draws in this process when asked for the result.
    """

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        if sys.platform.startswith("linux"):
            import multiprocessing

            try:
                self._pool = ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("fork"),
                    initializer=_warm,
                    initargs=(os.getpid(),),
                )
                # The worker is forked at the first submit: warm it now, not at the report.
                self._pool.submit(_noop)
            except (OSError, RuntimeError):
                self._pool = None

    def start_votes(self, inputs: VoteFigureInputs) -> Future[PageFigures] | None:
        """Start drawing the figures that need no ratings (sampling, voters, timeline) now, while
        the audit computes the ratings; hand the result to :meth:`submit` as ``votes``. None
        without a worker (they are drawn with the others then)."""
        if self._pool is None:
            return None
        try:
            return self._pool.submit(vote_figures, inputs)
        except (BrokenProcessPool, RuntimeError):
            return None

    def submit(
        self, inputs: FigureInputs, votes: Future[PageFigures] | None = None
    ) -> PendingFigures:
        """Start drawing ``inputs``' figures; :meth:`PendingFigures.result` waits for them.

        ``votes``: the sampling, voter and timeline figures :meth:`start_votes` started from the
        same tables ``inputs`` holds; only the forest and heatmap are drawn then."""
        if self._pool is None:
            return PendingFigures(inputs, None)
        try:
            if votes is None:
                return PendingFigures(inputs, self._pool.submit(page_figures, inputs), self)
            return PendingFigures(inputs, self._pool.submit(_rating_figures, inputs), self, votes)
        except (BrokenProcessPool, RuntimeError):
            return PendingFigures(inputs, None)

    def close(self, *, kill: bool = False) -> None:
        """Stop the worker: once the figures in hand are drawn, or at once with ``kill`` (the
        audit failed or was interrupted: nobody waits for them)."""
        if self._pool is None:
            return
        pool, self._pool = self._pool, None
        if kill:
            # The executor has no public way to stop a busy worker (before Python 3.14).
            processes = getattr(pool, "_processes", None) or {}
            for process in list(processes.values()):
                process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> FigureProcess:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.close(kill=kind is not None)


def _noop() -> None:
    return None
