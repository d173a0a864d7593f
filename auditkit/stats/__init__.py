"""Pure statistical functions on numpy arrays (no I/O, explicit ``random_state``)."""

from __future__ import annotations

__all__: list[str] = []
