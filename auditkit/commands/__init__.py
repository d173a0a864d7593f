"""CLI subcommands. Each module here defines ``register(subparsers)``; :mod:`auditkit.cli` finds them.

A subcommand's handler takes the parsed ``argparse.Namespace`` and returns an exit code
(:class:`auditkit.errors.ExitCode`); it parses nothing itself beyond its arguments and calls one
library function.
"""
