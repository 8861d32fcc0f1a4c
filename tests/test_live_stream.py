"""Server-Sent Events from a real server: the snapshot at once, each new version, nothing hidden leaks."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.live_server import INSTRUCTOR_TOKEN, LiveServer
from tests.room import Room


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with LiveServer(tmp_path_factory.mktemp("stream")) as live:
        yield live


def events(
    client: httpx.Client, path: str, count: int, received: list[dict[str, Any]], headers: dict[str, str] | None = None
) -> None:
    with client.stream("GET", path, headers=headers or {}) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        event: dict[str, Any] = {}
        for line in response.iter_lines():
            if line.startswith("id: "):
                event["id"] = int(line[4:])
            elif line.startswith("data: "):
                event["data"] = json.loads(line[6:])
            elif line == "" and "data" in event:
                received.append(event)
                event = {}
                if len(received) >= count:
                    return


def test_stream_sends_snapshot_then_each_vote(server: LiveServer) -> None:
    room = Room(server.url, INSTRUCTOR_TOKEN)
    session_id, _ = room.start("dprk-2019-meeting-not-held")
    room.join("USA")
    received: list[dict[str, Any]] = []
    with httpx.Client(base_url=server.url, timeout=10) as watcher:
        thread = threading.Thread(target=events, args=(watcher, f"/s/{session_id}/events", 2, received))
        thread.start()
        while not received:
            threading.Event().wait(0.02)
        room.vote("USA", "yes")
        thread.join(timeout=10)
    assert [e["id"] for e in received] == [2, 3]
    assert "Not decided yet" in received[0]["data"]["parts"]["verdict"]
    assert "The meeting convenes" in received[1]["data"]["parts"]["verdict"]
    assert set(received[1]["data"]["parts"]) == {"verdict", "chamber", "status", "join"}  # no console, no seat
    room.close()


def test_hidden_votes_never_travel_to_students(server: LiveServer) -> None:
    room = Room(server.url, INSTRUCTOR_TOKEN)
    session_id, _ = room.start("syria-2018-agenda")
    room.control("hide")
    received: list[dict[str, Any]] = []
    with httpx.Client(base_url=server.url, timeout=10) as watcher:
        events(watcher, f"/s/{session_id}/events", 1, received)
    text = json.dumps(received[0]["data"])
    assert "vote-yes" not in text and "vote-no" not in text and "Vetoed" not in text
    assert "Votes are hidden until voting closes" in received[0]["data"]["parts"]["verdict"]
    room.close()


def test_unknown_session_stream_is_404(server: LiveServer) -> None:
    assert httpx.get(server.url + "/s/nope/events").status_code == 404


def test_a_stuck_listener_delays_nobody_and_reconnecting_listeners_catch_up(server: LiveServer) -> None:
    """Real sockets: 40 listeners and one that never reads; votes; then 4 drop and come back at once."""
    import asyncio
    import os
    from concurrent.futures import ThreadPoolExecutor

    from tests.loadclient import fanout

    with ThreadPoolExecutor(1) as pool:  # a loop of its own: Playwright may hold this thread's
        result = pool.submit(
            asyncio.run, fanout(server.port, os.getpid(), 40, 0, 5, 1, token=INSTRUCTOR_TOKEN)
        ).result()
    assert result["lost"] == 0  # every listener that reads got every version, despite the stuck one
    assert result["samples"] == 40 * 5
    assert result["reconnected"] == result["reconnecting"] == 4  # and each came back to the latest version
