"""The page's figures drawn by the forked worker are the very PNGs drawn in-process; a worker that
dies is replaced by drawing here; an error while drawing is raised as it would be in-process; an
audit's main process never imports matplotlib (the worker draws the page)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from test_report import make_context

from auditkit.report import render_html
from auditkit.report.figures import (
    FigureInputs,
    FigureProcess,
    VoteFigureInputs,
    page_figures,
    vote_figures,
)

needs_fork = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the worker is forked on Linux only"
)


@needs_fork
def test_the_worker_draws_the_same_png_bytes_and_the_page_is_identical() -> None:
    context = make_context()
    here = page_figures(FigureInputs.of(context))
    with FigureProcess() as worker:
        drawn = worker.submit(FigureInputs.of(context)).result()
    assert dict(drawn.uris) == dict(here.uris)
    assert dict(drawn.captions) == dict(here.captions)
    assert set(drawn.uris) == {"forest", "heatmap", "sampling", "voters", "timeline"}
    assert all(uri.startswith("data:image/png;base64,") for uri in drawn.uris.values())
    assert render_html(context, drawn) == render_html(context)


@needs_fork
def test_figures_started_before_the_ratings_are_the_same_pngs() -> None:
    context = make_context()
    inputs = FigureInputs.of(context)
    votes = VoteFigureInputs(context.sampling, context.voters, context.invalidation_events)
    with FigureProcess() as worker:
        started = worker.start_votes(votes)
        assert started is not None
        drawn = worker.submit(inputs, started).result()
    here = page_figures(inputs)
    assert list(drawn.uris) == ["forest", "heatmap", "sampling", "voters", "timeline"]
    assert dict(drawn.uris) == dict(here.uris)
    assert dict(drawn.captions) == dict(here.captions)
    shown_early = ("sampling", "voters", "timeline")
    assert dict(vote_figures(votes).uris) == {k: here.uris[k] for k in shown_early}


def test_without_a_worker_nothing_is_started_early(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    context = make_context()
    votes = VoteFigureInputs(context.sampling, context.voters, context.invalidation_events)
    with FigureProcess() as worker:
        assert worker.start_votes(votes) is None
        drawn = worker.submit(FigureInputs.of(context), None).result()
    assert dict(drawn.uris) == dict(page_figures(FigureInputs.of(context)).uris)


@needs_fork
def test_a_dead_worker_means_the_figures_are_drawn_here() -> None:
    context = make_context()
    with FigureProcess() as worker:
        pool = worker._pool
        assert pool is not None
        pool.submit(os.getpid).result()  # the worker is up
        for pid in list(pool._processes):  # type: ignore[attr-defined]
            os.kill(pid, signal.SIGKILL)
        drawn = worker.submit(FigureInputs.of(context)).result()
    assert dict(drawn.uris) == dict(page_figures(FigureInputs.of(context)).uris)


@needs_fork
def test_an_error_while_drawing_is_raised_as_in_process() -> None:
    broken = replace(make_context(), sampling=pd.DataFrame({"model": ["m"]}))
    with pytest.raises(KeyError) as here:
        page_figures(FigureInputs.of(broken))
    with FigureProcess() as worker, pytest.raises(KeyError) as there:
        worker.submit(FigureInputs.of(broken)).result()
    assert str(there.value) == str(here.value)


def test_without_a_worker_the_figures_are_drawn_in_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    context = make_context()
    with FigureProcess() as worker:
        assert worker._pool is None
        drawn = worker.submit(FigureInputs.of(context)).result()
    assert dict(drawn.uris) == dict(page_figures(FigureInputs.of(context)).uris)


@needs_fork
def test_an_audit_draws_its_figures_outside_the_main_process(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parent / "data" / "io" / "fastchat.jsonl"
    script = (
        "import sys\n"
        "from auditkit.audit import run_audit\n"
        f"run_audit([{str(source)!r}], out_dir={str(tmp_path / 'out')!r}, db_path=None,"
        " quiet=True)\n"
        "print('matplotlib' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=300
    )
    assert done.stdout.strip().splitlines()[-1] == "False"
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') >= 5


@needs_fork
def test_a_failed_audit_ends_the_worker_at_once_and_ctrl_c_is_not_its_to_report() -> None:
    worker = FigureProcess()
    pool = worker._pool
    assert pool is not None
    pool.submit(os.getpid).result()
    processes = list(pool._processes.values())  # type: ignore[attr-defined]
    for process in processes:
        assert process.pid is not None
        os.kill(process.pid, signal.SIGINT)  # ignored: the worker still draws
    drawn = worker.submit(FigureInputs.of(make_context())).result()
    assert drawn.uris["forest"].startswith("data:image/png;base64,")
    with pytest.raises(RuntimeError), worker:
        pool.submit(time.sleep, 60)  # a long job the failing audit must not wait for
        raise RuntimeError("the audit failed")
    assert all(not process.is_alive() for process in processes)


@needs_fork
def test_a_worker_that_gives_no_figures_in_time_is_ended_and_they_are_drawn_here() -> None:
    context = make_context()
    with FigureProcess() as worker:
        pool = worker._pool
        assert pool is not None
        pool.submit(time.sleep, 60)  # the worker is stuck: the figures queue behind it
        drawn = worker.submit(FigureInputs.of(context)).result(timeout=0.5)
        assert worker._pool is None  # ended, not waited for
    assert dict(drawn.uris) == dict(page_figures(FigureInputs.of(context)).uris)


@needs_fork
def test_the_worker_of_an_audit_killed_outright_does_not_outlive_it() -> None:
    script = (
        "import os, sys, time\n"
        "from auditkit.report.figures import FigureProcess\n"
        "worker = FigureProcess()\n"
        "pool = worker._pool\n"
        "pool.submit(os.getpid).result()\n"
        "print(*pool._processes, flush=True)\n"
        "time.sleep(120)\n"
    )
    audit = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert audit.stdout is not None
    pids = [int(p) for p in audit.stdout.readline().split()]
    assert pids
    audit.kill()
    audit.wait()
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(Path(f"/proc/{pid}").exists() for pid in pids)
