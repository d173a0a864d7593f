"""``auditkit demo``: simulate the demo arena (planted leaks, rigging, imbalance) and audit it."""

from __future__ import annotations

import argparse
from pathlib import Path

from auditkit.commands._args import non_negative_int
from auditkit.errors import ExitCode

__all__ = ["register", "run_demo"]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("demo", help="simulate an attacked arena and audit it")
    parser.add_argument("--out", default="reports/demo", help="output folder")
    parser.add_argument("--seed", type=non_negative_int, default=0)
    parser.add_argument("--rules", default=None, help="rule pack folder (default: ./rules)")
    parser.add_argument("--quiet", action="store_true")
    parser.set_defaults(func=run)


def run_demo(out: Path, *, seed: int = 0, rules: str | None = None, quiet: bool = False) -> Path:
    """Simulate into ``out/input/`` (battles + ground truth), audit into ``out``; return the report."""
    from auditkit.audit import run_audit
    from auditkit.simulate import preset_config, simulate_arena

    data = out / "input"
    data.mkdir(parents=True, exist_ok=True)
    arena = simulate_arena(preset_config("demo"), seed=seed)
    battles_path = data / "battles.jsonl.gz"
    arena.write(battles_path, data / "truth.json")
    result = run_audit(
        [battles_path],
        rules=rules,
        out_dir=out,
        db_path=out / "auditkit.db",
        seed=seed,
        quiet=quiet,
        text_detectors=True,
        title="auditkit demo: a simulated arena with planted attacks",
    )
    if not quiet:
        print(result.summary())
    return out / "report.html"


def run(args: argparse.Namespace) -> int:
    """Exit 0 even though the demo has findings: it is a demo."""
    report = run_demo(Path(args.out), seed=args.seed, rules=args.rules, quiet=args.quiet)
    print(f"\nopen in a browser: file://{report.resolve()}")
    return int(ExitCode.CLEAN)
