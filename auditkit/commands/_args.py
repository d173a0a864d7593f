"""Argument types that reject a bad value with a message (argparse prints it and exits 2).

Why: ``--since yesterday`` used to reach SQLite as a string compared with timestamps (listing
nothing, silently), ``--date 2026-13-40`` named a report folder after a day that does not exist, and
``--l2 -1`` reached the optimiser. Each value is checked where it is parsed.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from datetime import UTC, date, datetime

__all__ = [
    "add_encoding_argument",
    "iso_date",
    "iso_datetime",
    "non_negative_float",
    "non_negative_int",
    "positive_int",
    "share",
]


def iso_date(text: str) -> str:
    """A calendar date ``YYYY-MM-DD`` that exists."""
    try:
        if len(text) != 10:
            raise ValueError
        date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date YYYY-MM-DD (e.g. 2026-11-01)"
        ) from None
    return text


def iso_datetime(text: str) -> str:
    """An ISO-8601 date or date-time (UTC), normalised to the ledger's ``...Z`` form."""
    try:
        if len(text) == 10:
            date.fromisoformat(text)
            return text
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO date or time (e.g. 2026-11-01 or 2026-11-01T06:00:00Z)"
        ) from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0).isoformat() + "Z"


def _number(
    kind: Callable[[str], float], low: float, inclusive: bool, what: str
) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if not math.isfinite(value) or value < low or (value == low and not inclusive):
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}")
        return value

    parse.__name__ = what.replace(" ", "_")
    return parse


non_negative_float = _number(float, 0.0, True, "a number ≥ 0")
non_negative_int: Callable[[str], int] = _number(int, 0, True, "an integer ≥ 0")  # type: ignore[assignment]
positive_int: Callable[[str], int] = _number(int, 1, True, "an integer ≥ 1")  # type: ignore[assignment]


def share(text: str) -> float:
    """A share in [0, 1]."""
    value = non_negative_float(text)
    if value > 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share between 0 and 1")
    return value


def add_encoding_argument(parser: argparse.ArgumentParser) -> None:
    """``--encoding NAME``: the inputs' text encoding when they are not UTF-8."""
    parser.add_argument(
        "--encoding",
        default=None,
        metavar="NAME",
        help="text encoding of CSV/JSON inputs that are not UTF-8 (e.g. latin-1, cp1252, utf-16); "
        "default UTF-8 or what a byte-order mark says; undecodable bytes are an error",
    )
