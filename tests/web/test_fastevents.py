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

from app.web import fastevents
from app.web.fastevents import FastEvents
from app.web.fastvote import FastVote
from tests.room import Room
from tests.web.test_fastvote import Counted
from tests.web.test_stream_caps import TOKEN, Server, until
from tests.web.test_stream_caps import server as server

NEVER = re.compile(r"(?!)")


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
        kept = {k: v for k, v in response.headers.items() if k != "date"}
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


def test_a_refusal_is_the_full_apps_answer_given_once(
    server: Server,
    room: Room,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No such session (404), or one stream too many from an address (429): the short road answers with the app's
    own error handler and headers, without handing the request on (which would read the session twice)."""
    counted = full_app(server)
    path = f"/s/{room.session_id}/events"
    from_one_address = {"X-Forwarded-For": "10.0.0.1"}  # the test server believes it, as behind a proxy
    reads: list[str] = []
    read = server.app.state.service.store.get

    def get(session_id: str) -> object:
        reads.append(session_id)
        return read(session_id)

    monkeypatch.setattr(server.app.state.service.store, "get", get)
    with httpx.Client(base_url=server.url, timeout=10, headers={"Accept": "application/json"}) as visitor:
        visitor.get("/join")  # the page's first load gives the browser its CSRF cookie
        held = [visitor.send(visitor.build_request("GET", path, headers=from_one_address), stream=True) for _ in "ab"]
        try:
            assert [response.status_code for response in held] == [200, 200]  # the address's cap of two
            for refused, headers, expected in ((f"/s/{'x' * 16}/events", None, 404), (path, from_one_address, 429)):
                calls, read_before = counted.calls, len(reads)
                short = opened(visitor, refused, headers)
                assert short[0] == expected and counted.calls == calls  # answered by the short road itself
                assert len(reads) - read_before <= 1  # the session was looked for once at most
                with monkeypatch.context() as patched:
                    patched.setattr(fastevents, "EVENTS_PATH", NEVER)
                    assert opened(visitor, refused, headers) == short
                assert counted.calls == calls + 1
        finally:
            for response in held:
                response.close()
    # The instructor's refusal is not to be stored either (no-store), as the full app's middleware makes it.
    unknown = f"/s/{'y' * 16}/events"
    short = opened(room.instructor, unknown)
    assert short[0] == 404 and short[1]["cache-control"] == "no-store"
    with monkeypatch.context() as patched:
        patched.setattr(fastevents, "EVENTS_PATH", NEVER)
        assert opened(room.instructor, unknown) == short
    until(lambda: server.broker.open_streams() == 0)


def test_what_the_short_road_is_not_sure_of_goes_to_the_full_app(
    server: Server,
    room: Room,
) -> None:
    """A visitor without a CSRF cookie (the full app gives one), and a GET that announces a body (the full app's
    limit refuses one too large, 413)."""
    counted = full_app(server)
    path = f"/s/{room.session_id}/events"
    with httpx.Client(base_url=server.url, timeout=10) as visitor:
        calls = counted.calls
        status, headers, _ = opened(visitor, path)
        assert status == 200 and counted.calls == calls + 1 and "unsc_csrf" in headers.get("set-cookie", "")
        until(lambda: server.broker.open_streams() == 0)
        calls = counted.calls
        with visitor.stream("GET", path, content=b"x" * (600 * 1024)) as response:
            assert response.status_code == 413
        assert counted.calls == calls + 1
    until(lambda: server.broker.open_streams() == 0)
