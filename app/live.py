"""Fan-out of session changes to the pages that watch them (Server-Sent Events).

After a change commits, the writer publishes the session's new snapshot, serialised once per
audience. Each listener has a small bounded queue; publishing never waits. A listener whose
queue is full is not keeping up (a dead or slow client) and is dropped, so it can never delay
the room. A reconnecting browser gets the current snapshot straight away.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field

QUEUE_SIZE = 8


@dataclass(frozen=True)
class Payloads:
    """One version of a session, serialised for each audience."""

    version: int
    public: str
    instructor: str


@dataclass(eq=False)
class Listener:
    session_id: str
    instructor: bool
    queue: asyncio.Queue[Payloads | None] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    dropped: bool = False

    def payload(self, payloads: Payloads) -> str:
        return payloads.instructor if self.instructor else payloads.public


class Broker:
    """Listeners by session, and the latest payloads of each session."""

    def __init__(self) -> None:
        self._listeners: dict[str, set[Listener]] = {}
        self._latest: dict[str, Payloads] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self.dropped = 0

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def subscribe(self, session_id: str, instructor: bool) -> Listener:
        listener = Listener(session_id, instructor)
        self._listeners.setdefault(session_id, set()).add(listener)
        return listener

    def unsubscribe(self, listener: Listener) -> None:
        group = self._listeners.get(listener.session_id)
        if group is not None:
            group.discard(listener)
            if not group:
                del self._listeners[listener.session_id]

    def count(self, session_id: str | None = None) -> int:
        if session_id is not None:
            return len(self._listeners.get(session_id, ()))
        return sum(len(group) for group in self._listeners.values())

    def latest(self, session_id: str) -> Payloads | None:
        return self._latest.get(session_id)

    def publish(self, session_id: str, payloads: Payloads) -> None:
        """Safe to call from any thread: hands the payloads to the event loop, never blocks."""
        with self._lock:
            current = self._latest.get(session_id)
            if current is not None and current.version >= payloads.version:
                return  # a later version is already out; never send a listener backwards
            self._latest[session_id] = payloads
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._deliver(session_id, payloads)
        else:
            loop.call_soon_threadsafe(self._deliver, session_id, payloads)

    def _deliver(self, session_id: str, payloads: Payloads) -> None:
        latest = self._latest.get(session_id)
        if latest is not None and latest.version > payloads.version:
            return
        for listener in list(self._listeners.get(session_id, ())):
            try:
                listener.queue.put_nowait(payloads)
            except asyncio.QueueFull:
                self._drop(listener)

    def _drop(self, listener: Listener) -> None:
        listener.dropped = True
        self.dropped += 1
        self.unsubscribe(listener)
        # Make room for the sentinel so the stream wakes up and ends.
        while not listener.queue.empty():
            listener.queue.get_nowait()
        listener.queue.put_nowait(None)

    def forget(self, session_id: str) -> None:
        self._latest.pop(session_id, None)

    def close_all(self) -> None:
        for group in list(self._listeners.values()):
            for listener in list(group):
                self._drop(listener)
