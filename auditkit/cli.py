"""The ``auditkit`` command: argument parsing and exit codes only; the work is in the library."""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from collections.abc import Sequence

from auditkit import commands
from auditkit.errors import AuditkitError, ExitCode

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="auditkit",
        description="Audit the integrity of pairwise-vote leaderboards.",
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging to stderr")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        module.register(subparsers)
    return parser


class _VersionAction(argparse.Action):
    """``--version``: argparse's own action, with the version read only when it is asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS) -> None:
        super().__init__(
            option_strings, dest, default=argparse.SUPPRESS, nargs=0, help="show the version"
        )

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        from auditkit._version import __version__

        print(f"auditkit {__version__}")  # on stdout, as argparse's version action prints
        parser.exit()


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return int(ExitCode.USER_ERROR)
    try:
        return int(args.func(args))
    except AuditkitError as exc:
        print(f"auditkit: error: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print("auditkit: interrupted", file=sys.stderr)
        return int(ExitCode.INTERNAL_ERROR)
    except BrokenPipeError:
        return int(ExitCode.CLEAN)
    except OSError as exc:  # a full or read-only disk, a missing folder: the user's to fix
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"auditkit: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return int(ExitCode.USER_ERROR)
    except Exception:  # an internal error: the traceback helps us, exit code 3 tells the caller
        logging.getLogger("auditkit").exception("internal error")
        return int(ExitCode.INTERNAL_ERROR)


if __name__ == "__main__":
    sys.exit(main())
