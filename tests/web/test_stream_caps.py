"""Live streams are capped per session (503) and per client address (429), refused before they start."""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from starlette.requests import ClientDisconnect
from starlette.types import Message

from app.live import PUBLIC, Broker, TooManyStreams
from app.settings import Settings
from app.web import create_app
from app.web.sessions import EventStream
from tests.conftest import run_async
from tests.loadclient import free_port
from tests.room import Room

TOKEN = "instructor-secret-for-stream-caps"
HTML = {"Accept": "text/html"}


def csrf(client: TestClient) -> str:
    if "unsc_csrf" not in client.cookies:
        client.get("/join")
    return str(client.cookies["unsc_csrf"])


def broker_of(client: TestClient) -> Broker:
    broker: Broker = client.app.state.broker  # type: ignore[attr-defined]
    return broker


@pytest.fixture
def instructor(scenarios: Path, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        scenarios_dir=scenarios,
        data_dir=tmp_path / "data",
        instructor_token=TOKEN,
        streams_per_session=3,
        streams_per_client=2,
    )
    with TestClient(create_app(settings), headers=HTML) as client:
        assert client.get(f"/instructor?token={TOKEN}", follow_redirects=False).status_code == 303
        yield client


def start(instructor: TestClient) -> str:
    data = {"scenario_id": "syria-2018-agenda", "csrf": csrf(instructor)}
    response = instructor.post("/sessions", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    return str(response.headers["location"]).split("/")[2]


def test_one_stream_too_many_from_an_address_is_429_before_it_starts(instructor: TestClient) -> None:
    session_id = start(instructor)
    broker = broker_of(instructor)
    held = [broker.subscribe(session_id, PUBLIC, "10.0.0.1") for _ in range(2)]  # streams already open
    with TestClient(instructor.app, client=("10.0.0.1", 1)) as phone:
        response = phone.get(f"/s/{session_id}/events", headers={"Accept": "text/event-stream"})
    assert response.status_code == 429
    assert response.headers["retry-after"] == "30"
    assert not response.headers["content-type"].startswith("text/event-stream")
    reason = response.json()["error"]
    assert "\n" not in reason and "too many live streams from your address (at most 2)" in reason
    assert broker.open_streams(client="10.0.0.1") == 2 and broker.open_streams(session_id=session_id) == 2
    for listener in held:
        broker.unsubscribe(listener)
    assert broker.open_streams() == 0


def test_one_stream_too_many_for_a_session_is_503_before_it_starts(instructor: TestClient) -> None:
    session_id, other_session = start(instructor), start(instructor)
    broker = broker_of(instructor)
    held = [broker.subscribe(session_id, PUBLIC, f"10.0.0.{n}") for n in (1, 2, 3)]
    with TestClient(instructor.app, client=("10.0.0.9", 1), headers=HTML) as phone:
        response = phone.get(f"/s/{session_id}/events")
    assert response.status_code == 503 and response.headers["retry-after"] == "30"
    assert "this session has as many live streams as it can take (3)" in response.text
    assert broker.open_streams(session_id=session_id) == 3 and broker.open_streams(client="10.0.0.9") == 0
    # An address over its own cap hears about that first; another session is not full.
    more = broker.subscribe(other_session, PUBLIC, "10.0.0.1")
    with TestClient(instructor.app, client=("10.0.0.1", 1)) as phone:
        assert phone.get(f"/s/{session_id}/events").status_code == 429
    for listener in [*held, more]:
        broker.unsubscribe(listener)


def test_the_broker_counts_a_stream_until_it_unsubscribes() -> None:
    broker = Broker(lambda _view, _audience, _memo: "")
    first = broker.subscribe("s", PUBLIC, "a", per_session=2, per_client=1)
    with pytest.raises(TooManyStreams) as refused:
        broker.subscribe("t", PUBLIC, "a", per_session=2, per_client=1)
    assert refused.value.scope == "client" and refused.value.limit == 1
    second = broker.subscribe("s", PUBLIC, "b", per_session=2, per_client=1)
    with pytest.raises(TooManyStreams) as refused:
        broker.subscribe("s", PUBLIC, "c", per_session=2, per_client=1)
    assert refused.value.scope == "session"
    assert broker.open_streams(session_id="s") == 2 and broker.open_streams(client="c") == 0
    broker.close_all()  # dropped, but their streams have not ended yet: still counted
    assert broker.count("s") == 0 and broker.open_streams(session_id="s") == 2
    for listener in (first, second, first):  # a second unsubscribe of one listener changes nothing
        broker.unsubscribe(listener)
    assert broker.open_streams() == 0 and broker.open_streams(client="a") == 0
    broker.subscribe("s", PUBLIC, "c", per_session=2, per_client=1)


# Over real sockets: streams that really start, really end, and give their place back.


class Server:
    """The app on a port, believing X-Forwarded-For from 127.0.0.1 as a deployment behind a proxy does."""

    def __init__(self, root: Path) -> None:
        settings = Settings(
            scenarios_dir=Path(__file__).resolve().parents[2] / "scenarios",
            data_dir=root / "data",
            instructor_token=TOKEN,
            streams_per_session=3,
            streams_per_client=2,
        )
        self.app = create_app(settings)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            proxy_headers=True,
            forwarded_allow_ips="127.0.0.1",
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def broker(self) -> Broker:
        broker: Broker = self.app.state.broker
        return broker


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    live = Server(tmp_path)
    live.thread.start()
    deadline = time.monotonic() + 10
    while not live.server.started:
        assert time.monotonic() < deadline, "the test server did not start"
        time.sleep(0.02)
    yield live
    live.server.should_exit = True
    live.thread.join(timeout=10)


def until(condition: Callable[[], bool], seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_streams_over_a_real_server_are_capped_and_released(server: Server) -> None:
    room = Room(server.url, TOKEN)
    session_id, _ = room.start("syria-2018-agenda")
    path = f"/s/{session_id}/events"
    with httpx.Client(base_url=server.url, timeout=10) as client:

        def open_from(address: str) -> httpx.Response:
            request = client.build_request("GET", path, headers={"X-Forwarded-For": address})
            return client.send(request, stream=True)

        first, second = open_from("10.0.0.1"), open_from("10.0.0.1")
        assert first.status_code == second.status_code == 200
        refused = open_from("10.0.0.1")
        refused.read()
        assert refused.status_code == 429 and refused.headers["retry-after"] == "30"
        third = open_from("10.0.0.2")
        assert third.status_code == 200
        full = open_from("10.0.0.3")
        full.read()
        assert full.status_code == 503 and full.headers["retry-after"] == "30"
        assert server.broker.open_streams(session_id=session_id) == 3
        console = room.instructor.send(room.instructor.build_request("GET", path), stream=True)
        assert console.status_code == 200  # the instructor's stream counts, but is never refused
        assert server.broker.open_streams(session_id=session_id) == 4
        console.close()
        until(lambda: server.broker.open_streams(session_id=session_id) == 3)

        first.close()  # the student closes the tab: the place is given back
        until(lambda: server.broker.open_streams(session_id=session_id) == 2)
        assert server.broker.open_streams(client="10.0.0.1") == 1
        fourth = open_from("10.0.0.3")
        assert fourth.status_code == 200
        for response in (second, third, fourth):
            response.close()
        until(lambda: server.broker.open_streams() == 0)
    room.close()


def test_a_stream_that_never_started_still_gives_its_place_back() -> None:
    """The client left before the first byte: the generator's ``finally`` never runs, the response's does."""
    released: list[bool] = []

    async def body() -> AsyncIterator[str]:
        yield "never sent"

    async def scenario() -> None:
        async def gone(_message: Message) -> None:
            raise OSError("the client closed the connection")

        async def receive() -> Message:
            return {"type": "http.disconnect"}

        response = EventStream(body(), lambda: released.append(True), {})
        with pytest.raises(ClientDisconnect):
            await response({"type": "http", "asgi": {"spec_version": "2.4"}}, receive, gone)

    run_async(scenario())
    assert released == [True]
