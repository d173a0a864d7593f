"""Benchmark: how long ``auditkit audit`` takes to reach its input — imports, rule pack, plan.

Run: ``.venv/bin/python bench/bench_startup.py FILE [--repeats 5] [--ref REV]``.

Each round starts a fresh interpreter that runs ``auditkit audit FILE --engine local`` (the streamed
audit) and stops it where the load begins, at the entry to
:func:`auditkit.streaming.stream_battles`. It prints the process's age at that moment (wall, from the kernel's start time of the process, so the interpreter's own start is
counted), the CPU seconds it had used (all threads, and the main thread's alone: threads started
by the audit may be working by then) and the number of modules loaded; and the age at the first
``open`` of the input by Python (an audit hook: the plan sniffs the file's format there). Nothing is read: the
figure is the fixed cost every audit pays before its first byte (issue 18, target < 1 s idle).

``--ref REV`` runs the same rounds on REV's files too (``git archive``), interleaved with the working
tree's (REV, here, REV, here …), so both see the same machine; medians are quoted. On a shared
machine the wall seconds move with the load; the CPU seconds are the figure to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# Runs in the measured process; argv: input file, output folder.
PROBE = r"""
import os, sys, time
_ticks = os.sysconf("SC_CLK_TCK")

def _age():
    with open("/proc/self/stat") as f:
        start = int(f.read().rsplit(")", 1)[1].split()[19]) / _ticks
    with open("/proc/uptime") as f:
        return float(f.read().split()[0]) - start

class _Reached(BaseException):
    pass

_target = os.path.realpath(sys.argv[1])

_first_open = []

def _report(where):
    import json
    print("STARTUP " + json.dumps({"where": where, "age": _age(), "cpu": time.process_time(),
                                   "main_cpu": time.thread_time(),
                                   "modules": len(sys.modules), "first_open": _first_open[0]}),
          flush=True)
    os._exit(0)

def _hook(event, args):
    if _first_open or event != "open" or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    try:
        if os.path.realpath(os.fsdecode(args[0])) == _target:
            _first_open.append(_age())
    except (TypeError, ValueError):
        pass

sys.addaudithook(_hook)
import auditkit.streaming as _streaming
_real = _streaming.stream_battles
def _stream(*a, **k):
    _report("stream_battles")
_streaming.stream_battles = _stream
from auditkit.cli import main
main(["audit", sys.argv[1], "--out", sys.argv[2], "--engine", "local", "--quiet"])
"""


def probe(python: Path, cwd: Path, data: Path) -> dict[str, float | str]:
    """One fresh process of the audit, stopped at its first read of ``data``."""
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run(
            [str(python), "-c", PROBE, str(data), str(Path(out) / "run")],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "PYTHONPATH": str(cwd)},
        )
    for line in done.stdout.splitlines():
        if line.startswith("STARTUP "):
            return dict(json.loads(line[len("STARTUP ") :]))
    raise RuntimeError(f"the audit never reached its input:\n{done.stdout}\n{done.stderr}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--ref", help="also run a git worktree of this revision, interleaved")
    args = parser.parse_args(argv)
    python = REPO / ".venv" / "bin" / "python"
    trees = {"here": REPO}
    with tempfile.TemporaryDirectory() as tmp:
        if args.ref:
            ref_tree = Path(tmp) / "ref"  # the revision's files, exported (no worktree is added)
            ref_tree.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(REPO), "archive", args.ref], check=True, capture_output=True
            )
            subprocess.run(["tar", "-x", "-C", str(ref_tree)], input=archive.stdout, check=True)
            trees = {args.ref: ref_tree, "here": REPO}
        runs: dict[str, list[dict[str, float | str]]] = {name: [] for name in trees}
        for _ in range(args.repeats):
            for name, tree in trees.items():
                runs[name].append(probe(python, tree, args.file.resolve()))
    load = os.getloadavg()[0]
    for name, rows in runs.items():
        age = statistics.median(float(r["age"]) for r in rows)
        cpu = statistics.median(float(r["cpu"]) for r in rows)
        main_cpu = statistics.median(float(r["main_cpu"]) for r in rows)
        print(
            f"{name:>10}: first read after {age:.2f} s wall, {cpu:.2f} s CPU "
            f"({main_cpu:.2f} s on the main thread) "
            f"(median of {len(rows)}; {rows[0]['modules']} modules; first open after "
            f"{statistics.median(float(r['first_open']) for r in rows):.2f} s); "
            f"wall {[round(float(r['age']), 2) for r in rows]}, "
            f"CPU {[round(float(r['cpu']), 2) for r in rows]}"
        )
    print(f"load average {load:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
