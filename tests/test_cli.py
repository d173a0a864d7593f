"""The CLI dispatches and maps outcomes to exit codes; it never crashes with a traceback on user error."""

from __future__ import annotations

import pytest

from auditkit.cli import build_parser, main


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: auditkit" in capsys.readouterr().out


def test_version_flag() -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["--version"])
    assert exit_info.value.code == 0
