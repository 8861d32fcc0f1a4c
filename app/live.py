"""Fan-out of session changes to the pages that watch them (Server-Sent Events).

After a change commits, the session service publishes the session's new view. The broker renders
what each audience sees (the public room, the instructor, one student) once per version,
with the renderer the web layer gives it, and only for audiences that have listeners; bursts of
versions are coalesced, so a listener always gets the latest version and never an older one.
A listener whose stream is idle (everything before sent, nothing queued) gets each new event written
straight to its socket by the delivery itself, without waking its stream: with thousands of listeners
that is most of what a vote costs. Otherwise, or when the socket will not take more, the event goes to
the listener's small bounded queue, which its stream sends in order; publishing never waits. A listener
whose queue is full is not keeping up (a dead or slow client) and is dropped, so it can never delay the
room.

The broker also counts the streams open per session and per client address, so that a page
refused for being one too many is refused before its stream starts (``subscribe`` raises
``TooManyStreams``); a stream counts from ``subscribe`` until ``unsubscribe``, which its
``finally`` calls, even if the broker dropped it earlier.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from app import i18n
from app.domain.session import SessionView

QUEUE_SIZE = 8
log = logging.getLogger("unsc_sim")

# ("public",), ("instructor",) or ("student", student key): who sees what.
Audience = tuple[str, ...]
PUBLIC: Audience = ("public",)
INSTRUCTOR: Audience = ("instructor",)
# Renders one audience's payload; the dict is a per-version memo that audiences share parts through.
Renderer = Callable[[SessionView, Audience, dict[str, str]], str]
Item = tuple[int, str]
# The scope key under which the app keeps the server's own ``send``: a stream sends its events there, past the
# middlewares, which only ever look at a response's start.
DIRECT_SEND = "unsc_sim.send"
# Put in a listener's queue by its own timer: the stream sends a comment line, so proxies keep it open.
HEARTBEAT: Item = (-1, "")


@dataclass(eq=False)
class Listener:
    session_id: str
    audience: Audience
    client: str = ""
    language: str = i18n.SOURCE  # each listener reads in its own language: parts are rendered once per language
    queue: asyncio.Queue[Item | None] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    dropped: bool = False
    closed: bool = False
    last: int = 0  # the latest version this listener was sent
    # Set by its stream only while it waits on an empty queue, everything before sent: writes an encoded event
    # straight to the client, or says False (the client is gone or not reading) and the event is queued instead.
    direct: Callable[[bytes], bool] | None = None


class TooManyStreams(Exception):
    """A new stream would pass a cap: ``scope`` says which one, the session's or the client address's."""

    def __init__(self, scope: Literal["session", "client"], limit: int) -> None:
        self.scope = scope
        self.limit = limit
        whose = "this session" if scope == "session" else "this address"
        super().__init__(f"{whose} already has {limit} live streams open")


@dataclass
class _Rendered:
    version: int
    payloads: dict[tuple[Audience, str], str] = field(default_factory=dict)  # by audience and language
    memo: dict[str, str] = field(default_factory=dict)
    events: dict[tuple[Audience, str], bytes] = field(default_factory=dict)  # each payload as one encoded SSE event


def event(item: Item) -> bytes:
    """``item`` as a Server-Sent Event (its version as the event id)."""
    version, payload = item
    return f"id: {version}\nevent: parts\ndata: {payload}\n\n".encode()


class Broker:
    """Listeners by session, the latest view of each session, and what each audience was last sent."""

    def __init__(self, render: Renderer) -> None:
        self._render = render
        self._listeners: dict[str, set[Listener]] = {}
        self._views: dict[str, SessionView] = {}
        self._rendered: dict[str, _Rendered] = {}
        self._dirty: set[str] = set()
        self._flush_scheduled = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self._open_by_session: Counter[str] = Counter()
        self._open_by_client: Counter[str] = Counter()
        self.dropped = 0
        self.last_flush = 0.0  # time.monotonic() of the last delivery: the collector waits for a quiet moment

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def subscribe(
        self,
        session_id: str,
        audience: Audience,
        client: str = "",
        *,
        per_session: int | None = None,
        per_client: int | None = None,
        language: str = i18n.SOURCE,
    ) -> Listener:
        """A new listener, counted as open until ``unsubscribe``; on the event loop only.

        Raises ``TooManyStreams`` (and counts nothing) when ``client`` already has ``per_client`` streams
        open, on any session, or the session already has ``per_session``; None means no cap.
        """
        if per_client is not None and self._open_by_client[client] >= per_client:
            raise TooManyStreams("client", per_client)
        if per_session is not None and self._open_by_session[session_id] >= per_session:
            raise TooManyStreams("session", per_session)
        listener = Listener(session_id, audience, client, language)
        self._open_by_session[session_id] += 1
        self._open_by_client[client] += 1
        self._listeners.setdefault(session_id, set()).add(listener)
        return listener

    def unsubscribe(self, listener: Listener) -> None:
        """The stream has ended: stop sending to it and stop counting it (calling it again does nothing)."""
        self._detach(listener)
        if listener.closed:
            return
        listener.closed = True
        for counter, key in ((self._open_by_session, listener.session_id), (self._open_by_client, listener.client)):
            counter[key] -= 1
            if counter[key] <= 0:
                del counter[key]

    def _detach(self, listener: Listener) -> None:
        group = self._listeners.get(listener.session_id)
        if group is not None:
            group.discard(listener)
            if not group:
                del self._listeners[listener.session_id]

    def count(self, session_id: str | None = None) -> int:
        if session_id is not None:
            return len(self._listeners.get(session_id, ()))
        return sum(len(group) for group in self._listeners.values())

    def open_streams(self, *, session_id: str | None = None, client: str | None = None) -> int:
        """Streams counted as open (until their ``unsubscribe``) for a session, a client address, or in all."""
        if session_id is not None:
            return self._open_by_session[session_id]
        if client is not None:
            return self._open_by_client[client]
        return self._open_by_session.total()

    def latest(self, session_id: str) -> SessionView | None:
        return self._views.get(session_id)

    def publish(self, view: SessionView) -> None:
        """Safe to call from any thread: remembers the view and asks the event loop to deliver it."""
        with self._lock:
            current = self._views.get(view.id)
            if current is not None and current.version >= view.version:
                return  # a later version is already out; never send a listener backwards
            self._views[view.id] = view
            self._dirty.add(view.id)
            if self._flush_scheduled:
                return
            self._flush_scheduled = True
        loop = self._loop
        if loop is None or loop.is_closed():
            with self._lock:
                self._flush_scheduled = False
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            loop.call_soon(self._flush)
        else:
            loop.call_soon_threadsafe(self._flush)

    def payload(self, view: SessionView, audience: Audience, language: str = i18n.SOURCE) -> Item:
        """What ``audience`` sees of ``view`` (or of a later version already published) in ``language``, rendered
        once."""
        with self._lock:
            latest = self._views.get(view.id)
            if latest is None or latest.version < view.version:
                self._views[view.id] = latest = view
        rendered = self._rendered.get(view.id)
        if rendered is None or rendered.version != latest.version:
            rendered = self._rendered[view.id] = _Rendered(latest.version)
        text = rendered.payloads.get((audience, language))
        if text is None:
            with i18n.using(language):
                text = rendered.payloads[audience, language] = self._render(latest, audience, rendered.memo)
        return latest.version, text

    def event(self, session_id: str, audience: Audience, item: Item, language: str = i18n.SOURCE) -> bytes:
        """``item`` (from ``payload`` or a listener's queue) as an encoded event: encoded once per version and
        audience, and the same bytes sent to every listener of that audience."""
        rendered = self._rendered.get(session_id)
        key = (audience, language)
        if rendered is None or rendered.version != item[0] or rendered.payloads.get(key) is not item[1]:
            return event(item)
        encoded = rendered.events.get(key)
        if encoded is None:
            encoded = rendered.events[key] = event(item)
        return encoded

    def release(self, listener: Listener) -> None:
        """The stream is over (its client left): ``unsubscribe``, and wake the stream if it waits for a version."""
        awake = listener.closed or listener.dropped  # ended already, or its sentinel is waiting for it
        self.unsubscribe(listener)
        if not awake:
            _wake(listener)

    def _flush(self) -> None:
        self.last_flush = time.monotonic()
        with self._lock:
            dirty, self._dirty = self._dirty, set()
            self._flush_scheduled = False
        for session_id in dirty:
            view = self._views.get(session_id)
            group = self._listeners.get(session_id)
            if view is None or not group:
                continue
            items: dict[tuple[Audience, str], Item] = {}  # each audience's payload, looked up once per flush
            for listener in list(group):
                key = (listener.audience, listener.language)
                item = items.get(key)
                if item is None:
                    item = items[key] = self.payload(view, listener.audience, listener.language)
                if item[0] <= listener.last:
                    continue
                # A listener whose stream is idle gets the event written at once: no queue, no task to wake.
                direct = listener.direct
                if direct is not None and self._write(direct, self.event(session_id, key[0], item, key[1])):
                    listener.last = item[0]
                    continue
                try:
                    listener.queue.put_nowait(item)
                except asyncio.QueueFull:
                    self._drop(listener)

    @staticmethod
    def _write(direct: Callable[[bytes], bool], event: bytes) -> bool:
        """``direct(event)``; a writer that fails says no, and the event takes the listener's queue instead."""
        try:
            return direct(event)
        except Exception:
            log.exception("writing an event straight to a listener failed; it goes through its queue")
            return False

    def _drop(self, listener: Listener) -> None:
        listener.dropped = True
        self.dropped += 1
        self._detach(listener)  # still counted as open until its stream ends and unsubscribes
        _wake(listener)

    def forget(self, session_id: str) -> None:
        with self._lock:
            self._views.pop(session_id, None)
            self._dirty.discard(session_id)
        self._rendered.pop(session_id, None)

    def close_all(self) -> None:
        for group in list(self._listeners.values()):
            for listener in list(group):
                self._drop(listener)


def _wake(listener: Listener) -> None:
    """Empty the queue and leave the sentinel in it, so the stream wakes up and ends."""
    while not listener.queue.empty():
        listener.queue.get_nowait()
    listener.queue.put_nowait(None)
