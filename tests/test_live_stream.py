"""Server-Sent Events from a real server: the snapshot at once, each new version, nothing hidden leaks."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.scenarios import load_file
from app.server import chunk_writer
from app.web import sessions as web_sessions
from tests.live_server import INSTRUCTOR_TOKEN, LiveServer
from tests.room import Room
from tests.web.test_editor import form_of


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


def listening(client: httpx.Client, path: str, count: int, received: list[dict[str, Any]]) -> threading.Thread:
    """``events`` on a thread of its own, returned once the first event (the snapshot) has arrived."""
    thread = threading.Thread(target=events, args=(client, path, count, received))
    thread.start()
    while not received:
        threading.Event().wait(0.02)
    return thread


def test_stream_sends_snapshot_then_each_vote(server: LiveServer) -> None:
    room = Room(server.url, INSTRUCTOR_TOKEN)
    session_id, _ = room.start("dprk-2019-meeting-not-held")
    room.join("USA")
    received: list[dict[str, Any]] = []
    with httpx.Client(base_url=server.url, timeout=10) as watcher:
        thread = listening(watcher, f"/s/{session_id}/events", 2, received)
        room.vote("USA", "yes")
        thread.join(timeout=10)
    assert [e["id"] for e in received] == [3, 4]  # created, opened, claimed: then the vote
    assert "Not decided yet" in received[0]["data"]["parts"]["verdict"]
    assert "The meeting convenes" in received[1]["data"]["parts"]["verdict"]
    assert set(received[1]["data"]["parts"]) == {"verdict", "chamber", "status", "join"}  # no console, no seat
    room.close()


@pytest.mark.parametrize("http", ["httptools", "h11"])
def test_events_written_straight_to_the_socket_arrive_whole_and_in_order(
    tmp_path: Path, http: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under httptools the broker writes an idle listener's events itself (one HTTP chunk each); under h11 they go
    through the server's send. Either way a client reads every version once, in order, as valid SSE."""
    written: list[bytes] = []

    def counting(send: Any) -> Any:
        write = chunk_writer(send)
        if write is None:
            return None

        def counted(chunk: bytes) -> bool:
            took = write(chunk)
            if took:
                written.append(chunk)
            return took

        return counted

    monkeypatch.setattr(web_sessions, "chunk_writer", counting)
    with LiveServer(tmp_path, http=http) as live:
        room = Room(live.url, INSTRUCTOR_TOKEN)
        session_id, _ = room.start("dprk-2019-meeting-not-held")
        room.join("USA")
        received: list[dict[str, Any]] = []
        with httpx.Client(base_url=live.url, timeout=10) as watcher:
            thread = listening(watcher, f"/s/{session_id}/events", 7, received)
            broker = live.app.state.broker
            (listener,) = broker._listeners[session_id]
            deadline = time.monotonic() + 5
            while listener.direct is None and http == "httptools" and time.monotonic() < deadline:
                threading.Event().wait(0.01)
            assert (listener.direct is not None) == (http == "httptools")
            for vote in ("yes", "no", "abstain", "yes", "no", "abstain"):
                room.vote("USA", vote)
                threading.Event().wait(0.05)  # one version at a time: none coalesced away
            thread.join(timeout=10)
        assert [e["id"] for e in received] == list(range(3, 10))
        assert all(set(e["data"]["parts"]) == {"verdict", "chamber", "status", "join"} for e in received)
        assert listener.last == 9
        if http == "httptools":  # the votes' events went straight to the socket, each once, in order
            assert [int(chunk.split(b"\n", 1)[0][4:]) for chunk in written] == list(range(4, 10))
        else:
            assert written == []
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
    import os

    from tests.conftest import run_async
    from tests.loadclient import fanout

    result = run_async(fanout(server.port, os.getpid(), 40, 0, 5, 1, token=INSTRUCTOR_TOKEN))
    assert result["lost"] == 0  # every listener that reads got every version, despite the stuck one
    assert result["samples"] == 40 * 5
    assert result["reconnected"] == result["reconnecting"] == 4  # and each came back to the latest version


def test_live_streams_keep_flowing_while_a_large_scenario_is_saved(
    server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Saving runs in a worker thread: a slow disk under a big save never stalls the room's live stream."""
    from app.scenarios.write import write_atomically as real_write

    saving = threading.Event()

    def slow_write(path: Path, text: str) -> None:
        saving.set()
        time.sleep(2.0)  # a slow disk, or a very large file being synced
        real_write(path, text)

    monkeypatch.setattr("app.scenarios.folder.write_atomically", slow_write)
    room = Room(server.url, INSTRUCTOR_TOKEN)
    session_id, _ = room.start("dprk-2019-meeting-not-held")
    room.join("USA")
    big = load_file(server.scenarios / "council-2026.yaml").model_dump(mode="json", exclude_none=True)
    for member in big["members"]:
        member["brief"] = "A long brief for this delegation. " * 240  # 15 x 8 KB: a 120 KB file
    big_text = json.dumps(big)
    (server.scenarios / "big-2026.yaml").write_text(big_text, encoding="utf-8")
    form = form_of(room.instructor, "/scenarios/big-2026/edit") | {"title": "Big council, saved slowly"}

    received: list[dict[str, Any]] = []
    saved_at: list[float] = []
    with httpx.Client(base_url=server.url, timeout=30) as watcher:
        listening = threading.Thread(target=events, args=(watcher, f"/s/{session_id}/events", 2, received))
        listening.start()
        while not received:
            time.sleep(0.02)

        def save() -> None:
            response = room.instructor.post("/editor/save", data=form)
            assert response.status_code == 200 and "Big council" in response.text  # the saved board
            saved_at.append(time.monotonic())

        saver = threading.Thread(target=save)
        saver.start()
        assert saving.wait(10)
        room.vote("USA", "yes")
        listening.join(timeout=10)
        arrived = time.monotonic()
        saver.join(timeout=30)
    assert len(received) == 2 and "The meeting convenes" in received[1]["data"]["parts"]["verdict"]
    assert saved_at and arrived < saved_at[0]  # the vote reached the room while the save was still writing
    assert "Big council, saved slowly" in (server.scenarios / "big-2026.yaml").read_text(encoding="utf-8")
    room.close()
