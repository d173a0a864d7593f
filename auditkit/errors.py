"""auditkit's small exception hierarchy and the CLI's exit codes."""

from __future__ import annotations

from enum import IntEnum

__all__ = [
    "AuditkitError",
    "ExitCode",
    "InputError",
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


class RuleError(InputError):
    """The rule pack is invalid; the message names the file and the key."""
