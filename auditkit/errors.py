"""auditkit's small exception hierarchy and the CLI's exit codes."""

from __future__ import annotations

from enum import IntEnum
from functools import partial
from typing import Any

__all__ = [
    "AuditkitError",
    "ExitCode",
    "InputError",
    "NotABattleLogError",
    "RuleError",
]


class ExitCode(IntEnum):
    """Process exit codes: findings and crashes never share a code."""

    CLEAN = 0
    FINDINGS = 1  # findings at or above the gate
    USER_ERROR = 2  # bad arguments, unreadable input, invalid rule pack
    INTERNAL_ERROR = 3


class AuditkitError(Exception):
    """Base of every error auditkit raises on purpose."""

    exit_code: ExitCode = ExitCode.INTERNAL_ERROR


class InputError(AuditkitError):
    """A user-side problem: a file that cannot be read, a bad argument. Printed without traceback."""

    exit_code = ExitCode.USER_ERROR

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.field = field
        where = ", ".join(
            part
            for part in (
                path,
                f"line {line}" if line is not None else None,
                f"field {field!r}" if field else None,
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


class NotABattleLogError(InputError):
    """The rows of a file have no model_a/model_b fields (e.g. a model-answers file).

    A subclass so that a reader of one partition of a file can tell this refusal, which depends on
    the rest of the file, from a file that cannot be read.
    """

    def __init__(self, *, path: str | None = None) -> None:
        super().__init__("not a battle log: rows have no model_a/model_b fields", path=path)

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments: rebuilt from ``path`` when it crosses a process boundary.
        return (partial(type(self), path=self.path), ())


class RuleError(InputError):
    """The rule pack is invalid; the message names the file and the key."""
