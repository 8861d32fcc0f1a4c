"""The garbage collector's full passes, moved to the quiet moments between a room's bursts of votes.

A full pass walks every container the process holds. With a conference listening (3,000 open streams,
each with its task, queue and connection objects), that is some 300 ms during which the one event
loop does nothing else: measured here, CPython's own schedule started one every few seconds of a
vote burst, and each such round reached its listeners 250 to 320 ms late. The young generations are
left to CPython (their passes take a few milliseconds); full passes are taken here instead, when the
live rooms have been quiet for a moment (``quiet``), or after ``at_most`` seconds whatever happens,
so that a server that is never quiet still collects its cycles.

What is built before serving (modules, templates, catalogs, CLDR data) lives as long as the process:
``settle`` leaves it out of every full pass (``gc.freeze``).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections.abc import AsyncIterator, Callable

log = logging.getLogger("unsc_sim")

# CPython's default: a full pass is due after ten passes of the middle generation (and only if a quarter
# of what is long-lived is new since the last one; that second rule cannot be read from Python).
DUE_AFTER = 10
NEVER = 1 << 30
# How many collectors hold the full passes, and CPython's thresholds to give back when none does.
_holders = 0
_saved: tuple[int, int, int] = gc.get_threshold()


def settle() -> None:
    """Collect once, then leave everything alive now out of every later full pass."""
    gc.collect()
    gc.freeze()


class QuietCollector:
    """Takes the full passes off CPython's schedule and runs them when ``last_busy`` is ``quiet`` seconds old."""

    def __init__(
        self,
        last_busy: Callable[[], float],
        *,
        quiet: float = 1.0,
        at_most: float = 120.0,
        every: float = 0.25,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.last_busy = last_busy
        self.quiet = quiet
        self.at_most = at_most
        self.every = every
        self.clock = clock
        self.last_full = clock()
        self.passes = 0
        self._holding = False

    def take_over(self) -> None:
        """CPython keeps the young generations; the full passes become ours (until ``give_back``)."""
        global _holders, _saved
        if self._holding:
            return
        self._holding = True
        if _holders == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(_saved[0], _saved[1], NEVER)
        _holders += 1

    def give_back(self) -> None:
        """CPython's own schedule again, once no collector in the process holds it (apps in tests come and go)."""
        global _holders
        if not self._holding:
            return
        self._holding = False
        _holders -= 1
        if _holders == 0:
            gc.set_threshold(*_saved)

    def due(self) -> bool:
        """A full pass is owed, and now is a good moment for it (or it has waited ``at_most``)."""
        if gc.get_count()[2] < DUE_AFTER:
            return False
        now = self.clock()
        return now - self.last_busy() >= self.quiet or now - self.last_full >= self.at_most

    def collect_if_due(self) -> bool:
        if not self.due():
            return False
        started = time.perf_counter()
        found = gc.collect(2)
        self.last_full = self.clock()
        self.passes += 1
        log.debug("full collection: %d unreachable, %.0f ms", found, (time.perf_counter() - started) * 1000)
        return True

    async def run(self) -> None:
        """On the event loop, for the life of the server (between ``take_over`` and ``give_back``)."""
        while True:
            await asyncio.sleep(self.every)
            self.collect_if_due()


@contextlib.asynccontextmanager
async def collected_when_quiet(last_busy: Callable[[], float]) -> AsyncIterator[QuietCollector]:
    """For a server's life: ``settle``, then the full passes at quiet moments, and CPython's schedule again after."""
    settle()
    collector = QuietCollector(last_busy)
    collector.take_over()
    task = asyncio.create_task(collector.run())
    try:
        yield collector
    finally:
        task.cancel()
        collector.give_back()
