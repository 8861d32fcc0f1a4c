"""The short road for live streams (app/web/fastevents.py) opens them exactly as the full app does.

Over a real server: the same request once by the short road, and once with the short road switched off
(its path pattern made to match nothing); status, headers and the first events must match. A counter on
the full app tells which road each request took.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from app.web import fastevents
from app.web.fastevents import FastEvents
from app.web.fastvote import FastVote
from tests.room import Room
from tests.web.test_stream_caps import TOKEN, Server, until
from tests.web.test_stream_caps import server as server

NEVER = re.compile(r"(?!)")


class Counted:
    """The full app behind the short road, counting the requests it is handed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.calls = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.calls += 1
        await self.app(scope, receive, send)


@pytest.fixture
def room(server: Server) -> Iterator[Room]:
    room = Room(server.url, TOKEN)
    room.start("syria-2018-agenda")
    yield room
    room.close()


def full_app(server: Server) -> Counted:
    """The full app behind the server's short road, now counted (the stack is built by the first request)."""
    stack = server.app.middleware_stack
    assert isinstance(stack, FastVote)  # the votes' short road, in front of the streams'
    short = stack.app
    assert isinstance(short, FastEvents)
    if not isinstance(short.app, Counted):
        short.app = Counted(short.app)
    counted: Counted = short.app
    return counted


def opened(client: httpx.Client, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and what came first of a stream (its retry line and first event), or of a refusal."""
    with client.stream("GET", path, headers=headers) as response:
        first = b""
        if response.status_code == 200:
            for chunk in response.iter_raw():
                first += chunk
                if b"id: " in first and first.endswith(b"\n\n"):
                    break
        else:
            first = response.read()
        kept = {k: v for k, v in response.headers.items() if k not in ("date", "set-cookie")}
        return response.status_code, kept, first


def both_roads(server: Server, client: httpx.Client, path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same stream by the short road and by the full app: the same status, headers and first event."""
    counted = full_app(server)
    calls = counted.calls
    short = opened(client, path)
    assert counted.calls == calls, "the short road should have opened this stream"
    until(lambda: server.broker.open_streams() == 0)  # closed, and its place given back
    with monkeypatch.context() as patched:
        patched.setattr(fastevents, "EVENTS_PATH", NEVER)
        long = opened(client, path)
    assert counted.calls == calls + 1
    until(lambda: server.broker.open_streams() == 0)
    assert short == long


def test_a_stream_opens_by_the_short_road_exactly_as_by_the_full_app(
    server: Server,
    room: Room,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = f"/s/{room.session_id}/events"
    both_roads(server, room.instructor, path, monkeypatch)  # the console: the instructor's parts
    student = room.join("USA", "Una")
    both_roads(server, student, path, monkeypatch)  # a student: their own parts
    both_roads(server, student, path + "?lang=fr", monkeypatch)  # in French
    with httpx.Client(base_url=server.url, timeout=10) as projector:
        projector.get("/join")  # the page's first load gives the browser its CSRF cookie
        both_roads(server, projector, path, monkeypatch)  # the room
        status, headers, first = opened(projector, path)
    assert status == 200 and headers["content-type"].startswith("text/event-stream")
    assert headers["cache-control"] == "no-store" and headers["x-content-type-options"] == "nosniff"
    assert first.startswith(b"retry: 1500\n") and b"event: parts" in first


def test_what_the_short_road_cannot_open_the_full_app_answers(
    server: Server,
    room: Room,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    counted = full_app(server)
    path = f"/s/{room.session_id}/events"
    from_one_address = {"X-Forwarded-For": "10.0.0.1"}  # the test server believes it, as behind a proxy
    with httpx.Client(base_url=server.url, timeout=10) as visitor:
        calls = counted.calls
        status, _, _ = opened(visitor, path)  # no CSRF cookie yet: the full app opens it, and gives one
        assert status == 200 and counted.calls == calls + 1 and "unsc_csrf" in visitor.cookies
        until(lambda: server.broker.open_streams() == 0)
        held = [visitor.send(visitor.build_request("GET", path, headers=from_one_address), stream=True) for _ in "ab"]
        try:
            assert [response.status_code for response in held] == [200, 200]  # the address's cap of two
            for refused, headers, expected in ((f"/s/{'x' * 16}/events", None, 404), (path, from_one_address, 429)):
                calls = counted.calls
                short = opened(visitor, refused, headers)
                assert short[0] == expected and counted.calls == calls + 1  # tried the short road, handed on
                with monkeypatch.context() as patched:
                    patched.setattr(fastevents, "EVENTS_PATH", NEVER)
                    assert opened(visitor, refused, headers) == short
        finally:
            for response in held:
                response.close()
    until(lambda: server.broker.open_streams() == 0)
