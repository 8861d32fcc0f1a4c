"""The collector's full passes wait for a quiet moment, and CPython gets its schedule back afterwards."""

from __future__ import annotations

import gc

from app import heap


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _owe_a_full_pass() -> None:
    for _ in range(heap.DUE_AFTER + 1):
        gc.collect(1)


def test_a_full_pass_waits_for_the_rooms_to_be_quiet() -> None:
    clock = Clock()
    busy = [clock.now]
    collector = heap.QuietCollector(lambda: busy[0], quiet=1.0, at_most=120.0, clock=clock)
    _owe_a_full_pass()
    clock.now += 0.5  # a vote was delivered half a second ago
    assert not collector.collect_if_due()
    clock.now += 0.6
    assert collector.collect_if_due()
    assert collector.passes == 1
    assert gc.get_count()[2] == 0  # the pass was a full one
    assert not collector.collect_if_due()  # nothing owed any more


def test_a_server_that_is_never_quiet_still_collects() -> None:
    clock = Clock()
    collector = heap.QuietCollector(clock, quiet=1.0, at_most=120.0, clock=clock)  # busy at every moment
    _owe_a_full_pass()
    clock.now += 60
    assert not collector.collect_if_due()
    clock.now += 61
    assert collector.collect_if_due()


def test_cycles_are_still_collected() -> None:
    class Node:
        other: object = None

    clock = Clock()
    collector = heap.QuietCollector(lambda: 0.0, clock=clock)
    collector.take_over()
    try:
        gc.collect()
        a, b = Node(), Node()
        a.other, b.other = b, a
        del a, b
        _owe_a_full_pass()
        assert collector.collect_if_due()
        assert not any(isinstance(o, Node) for o in gc.get_objects())
    finally:
        collector.give_back()


def test_the_thresholds_come_back_when_the_last_collector_lets_go() -> None:
    before = gc.get_threshold()
    first, second = heap.QuietCollector(lambda: 0.0), heap.QuietCollector(lambda: 0.0)
    first.take_over()
    second.take_over()
    assert gc.get_threshold() == (before[0], before[1], heap.NEVER)
    first.give_back()
    assert gc.get_threshold()[2] == heap.NEVER  # the second app still serves
    second.give_back()
    second.give_back()  # twice changes nothing
    assert gc.get_threshold() == before
