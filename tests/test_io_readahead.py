"""Reading ahead changes when items are produced, never which, in what order, or what is raised."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from auditkit.io.readahead import read_ahead


def test_items_come_in_order_and_all_of_them() -> None:
    assert list(read_ahead(iter(range(50)))) == list(range(50))
    assert list(read_ahead(iter([]))) == []


def test_the_next_item_is_produced_while_the_caller_holds_this_one() -> None:
    produced: list[int] = []
    second_ready = threading.Event()

    def source() -> Iterator[int]:
        for i in range(3):
            produced.append(i)
            if i == 1:
                second_ready.set()
            yield i

    items = read_ahead(source())
    assert next(items) == 0
    assert second_ready.wait(timeout=10)  # item 1 was made before the caller asked for it
    assert list(items) == [1, 2]


def test_a_large_item_is_not_read_past() -> None:
    produced: list[int] = []

    def source() -> Iterator[int]:
        for i in (1, 100, 2):
            produced.append(i)
            yield i

    items = read_ahead(source(), ahead=lambda item: item < 10)
    assert next(items) == 1
    assert next(items) == 100
    assert produced == [1, 100]  # holding the large item, nothing more was read
    assert list(items) == [2]


def test_an_error_is_raised_where_its_item_would_have_come() -> None:
    def source() -> Iterator[int]:
        yield 1
        raise ValueError("broken block")

    items = read_ahead(source())
    assert next(items) == 1
    with pytest.raises(ValueError, match="broken block"):
        next(items)


def test_stopping_early_waits_for_the_item_in_flight() -> None:
    items = read_ahead(iter(range(1000)))
    assert next(items) == 0
    items.close()
    # The item in flight was waited for; the source is not running on another thread.
    assert not any(t.name.startswith("auditkit-read-ahead") for t in threading.enumerate())
