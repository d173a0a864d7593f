"""Choices shared by several subcommands, spelled out so building the parser imports no pandas.

``auditkit --help`` and every subcommand's start pay only for argparse: the severity names are the
values of :class:`auditkit.detectors.base.Severity` (a test keeps the two equal), written here
because importing the detectors would import pandas before any argument is read.
"""

from __future__ import annotations

__all__ = ["SEVERITY_CHOICES"]

SEVERITY_CHOICES = ("info", "low", "medium", "high", "critical")
