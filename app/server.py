"""uvicorn, hardened for a classroom server on the open internet.

* A connection must send its request headers within ``header_timeout`` seconds; uvicorn only times out
  idle keep-alive connections, so a client that connects and sends nothing (or half a request) would
  otherwise hold a file descriptor for ever. Once the headers are in, there is no deadline: a
  Server-Sent Events stream stays open for hours.
* The request body then has ``body_timeout`` seconds (30 by default) to arrive in full: a client that
  sends its headers and then trickles its body, a byte now and then, is closed too.
* When the connections come close to the open-file limit, the oldest ones still waiting for their
  headers are closed to make room, so a flood of idle sockets cannot lock out real requests.
* "Too many open files" while accepting is logged at most once a second, in one line. asyncio (3.11)
  reports it with a traceback for each of up to ``backlog`` (2,048) attempts per wake-up, and wakes
  up again and again: 147,243 reports in 17 seconds were seen.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import sys
import time
from collections.abc import Callable
from typing import Any, Protocol, cast

import uvicorn
from starlette.types import Send
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("uvicorn.error")
_OUT_OF_RESOURCES = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}


class _Connection(Protocol):
    transport: asyncio.Transport

    def busy(self) -> bool: ...

    def receiving_body(self) -> bool: ...


class Doorman:
    """The connections still waiting for request headers, oldest first, each with its deadline."""

    def __init__(self, header_timeout: float, max_connections: int, body_timeout: float = 30.0) -> None:
        self.header_timeout = header_timeout
        self.body_timeout = max(body_timeout, header_timeout)
        self.max_connections = max_connections
        self._waiting: dict[_Connection, asyncio.TimerHandle] = {}
        self._body_grace: set[_Connection] = set()  # headers in, body still arriving: given the body deadline
        self._closing: set[_Connection] = set()  # closed here, still counted by uvicorn until connection_lost

    def wait(self, connection: _Connection, loop: asyncio.AbstractEventLoop) -> None:
        self.forget(connection)
        self._body_grace.discard(connection)
        self._waiting[connection] = loop.call_later(self.header_timeout, self._expire, connection, loop)

    def forget(self, connection: _Connection) -> None:
        timer = self._waiting.pop(connection, None)
        if timer is not None:
            timer.cancel()

    def left(self, connection: _Connection) -> None:
        self.forget(connection)
        self._closing.discard(connection)
        self._body_grace.discard(connection)

    def make_room(self, open_connections: int, newcomer: _Connection) -> None:
        """Close the oldest waiting connections while there are more than ``max_connections``."""
        excess = open_connections - len(self._closing) - self.max_connections
        while excess > 0 and self._waiting:
            oldest = next(iter(self._waiting))
            if oldest is newcomer:
                break
            self.forget(oldest)
            if self._close(oldest):
                excess -= 1

    def _expire(self, connection: _Connection, loop: asyncio.AbstractEventLoop) -> None:
        self._waiting.pop(connection, None)
        if connection.receiving_body() and connection not in self._body_grace:
            # The headers came in time; the body gets the rest of its own, longer deadline.
            self._body_grace.add(connection)
            delay = self.body_timeout - self.header_timeout
            self._waiting[connection] = loop.call_later(delay, self._expire, connection, loop)
            return
        self._close(connection)

    def _close(self, connection: _Connection) -> bool:
        trickling = connection.receiving_body() and connection in self._body_grace
        if (connection.busy() and not trickling) or connection.transport.is_closing():
            return False
        connection.transport.close()
        self._closing.add(connection)
        return True


class GuardedConfig(uvicorn.Config):
    def __init__(
        self,
        app: Any,
        *,
        header_timeout: float,
        max_connections: int,
        body_timeout: float = 30.0,
        protocol: type[asyncio.Protocol] | None = None,
        **options: Any,
    ) -> None:
        super().__init__(app, http=protocol or protocol_class(), **options)
        self.doorman = Doorman(header_timeout, max_connections, body_timeout)


def _doorman(config: uvicorn.Config) -> Doorman:
    return cast(GuardedConfig, config).doorman


class Guarded:
    """The guards both HTTP implementations share: a deadline for the headers, then one for the body."""

    config: uvicorn.Config
    connections: set[Any]
    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    cycle: Any

    def connection_made(self, transport: asyncio.Transport) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        doorman = _doorman(self.config)
        doorman.wait(self, self.loop)
        doorman.make_room(len(self.connections), self)

    def connection_lost(self, exc: Exception | None) -> None:
        _doorman(self.config).left(self)
        super().connection_lost(exc)  # type: ignore[misc]

    def on_response_complete(self) -> None:
        if not self.transport.is_closing():
            _doorman(self.config).wait(self, self.loop)  # for the next request on this keep-alive connection
        super().on_response_complete()  # type: ignore[misc]

    def busy(self) -> bool:
        return self.cycle is not None and not self.cycle.response_complete

    def receiving_body(self) -> bool:
        return self.cycle is not None and self.cycle.more_body and not self.cycle.response_complete


class GuardedH11Protocol(Guarded, H11Protocol):  # type: ignore[misc]  # uvicorn narrows the transport too
    pass


def protocol_class() -> type[asyncio.Protocol]:
    """httptools when it is installed (as uvicorn itself prefers), else h11; both get the same guards."""
    try:
        from app.server_httptools import GuardedHttpToolsProtocol
    except ImportError:
        return GuardedH11Protocol
    return GuardedHttpToolsProtocol


class AcceptErrorLog:
    """A loop exception handler: running out of file descriptors is said once a second, in one line."""

    def __init__(self, every: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.every = every
        self.clock = clock
        self._last = -float("inf")
        self._quiet = 0

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        accepting = "accept" in str(context.get("message", ""))
        if not (accepting and isinstance(error, OSError) and error.errno in _OUT_OF_RESOURCES):
            loop.default_exception_handler(context)
            return
        now = self.clock()
        if now - self._last < self.every:
            self._quiet += 1
            return
        more = f" ({self._quiet} more since the last report)" if self._quiet else ""
        log.error("cannot accept a connection: %s; open-file limit %d%s", error.strerror, open_file_limit(), more)
        self._last, self._quiet = now, 0


class GuardedServer(uvicorn.Server):
    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        asyncio.get_running_loop().set_exception_handler(AcceptErrorLog())
        await super().serve(sockets)


def open_file_limit() -> int:
    if sys.platform == "win32":
        return 16_384  # no per-process descriptor limit to read there
    import resource

    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def raise_open_file_limit(ceiling: int = 1 << 20) -> str:
    """Raise the soft open-file limit to the hard one; a sentence saying what the limit now is."""
    if sys.platform == "win32":
        return "no open-file limit to raise on Windows"
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = ceiling if hard == resource.RLIM_INFINITY else min(hard, ceiling)
    if soft >= target:
        return f"open-file limit {soft:,} (the hard limit; see docs/deploy.md to raise it)"
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError) as error:
        return f"open-file limit {soft:,} (could not raise it to {target:,}: {error})"
    return f"open-file limit raised from {soft:,} to {target:,}"


def connection_budget(limit: int) -> int:
    """Connections allowed before idle ones are shed: the limit, less room for the database, logs and listeners."""
    return max(16, limit - min(256, limit // 8))


def chunk_writer(send: Send) -> Callable[[bytes], bool] | None:
    """A writer of body chunks straight to the client's socket, for the server's own ``send`` of a streamed
    (chunked) response under uvicorn's httptools protocol; None for any other server, which keeps ``send``.

    It writes what ``send`` would (one HTTP chunk) without a task switch, a message dict or a copy, and says
    False instead when ``send`` would wait or do nothing: the client is gone, or not reading (the socket's
    buffer is full and the server has paused writing). The broker then queues the event for ``send``.
    """
    try:
        from uvicorn.protocols.http.httptools_impl import RequestResponseCycle
    except ImportError:  # no httptools: uvicorn serves with h11, whose own state the writes must go through
        return None
    cycle = getattr(send, "__self__", None)
    if type(cycle) is not RequestResponseCycle or getattr(send, "__func__", None) is not RequestResponseCycle.send:
        return None
    transport, flow = cycle.transport, cycle.flow
    if not cycle.chunked_encoding or not cycle.response_started or cycle.response_complete:
        return None

    def write(chunk: bytes) -> bool:
        if cycle.disconnected or cycle.response_complete or flow.write_paused or transport.is_closing():
            return False
        transport.writelines((b"%x\r\n" % len(chunk), chunk, b"\r\n"))
        return True

    return write
