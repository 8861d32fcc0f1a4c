"""The server as a hostile client meets it: idle sockets, half-sent headers, an open-file limit of 1,024."""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import resource
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from uvicorn.protocols.http.h11_impl import H11Protocol

from app.server import AcceptErrorLog, GuardedConfig, GuardedH11Protocol, GuardedServer, protocol_class
from tests.conftest import ROOT, run_async
from tests.loadclient import free_port, open_sessions

TOKEN = "connections-test-instructor-token"
HEADER_TIMEOUT = 2.0
MARGIN = 3.0
PARTIAL = b"GET / HTTP/1.1\r\nHost: x\r\n"


@pytest.fixture(scope="module", autouse=True)
def enough_descriptors() -> Iterator[None]:
    """This process holds a few thousand sockets at once."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 4096:
        pytest.skip(f"the hard open-file limit is {hard}; these tests need 4,096")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


class Server:
    """``unsc-sim serve`` in a subprocess, its stdout and stderr in files."""

    def __init__(self, root: Path, open_files: int | None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.stdout, self.stderr = root / "stdout.log", root / "stderr.log"
        command = [sys.executable, "-m", "app.cli", "serve", "--port", str(self.port), "--data", str(root / "data")]
        env = os.environ | {
            "UNSC_SIM_HEADER_TIMEOUT_SECONDS": str(HEADER_TIMEOUT),
            "UNSC_SIM_HEARTBEAT_SECONDS": "0.5",
        }

        def limit() -> None:
            if open_files is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))

        with self.stdout.open("wb") as out, self.stderr.open("wb") as err:
            self.process = subprocess.Popen(
                [*command, "--token", TOKEN], cwd=ROOT, env=env, stdout=out, stderr=err, preexec_fn=limit
            )
        deadline = time.monotonic() + 20
        while not self.healthy():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not start: {self.stderr.read_text()}")
            time.sleep(0.1)

    def healthy(self) -> bool:
        try:
            return httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = Server(tmp_path_factory.mktemp("limited"), open_files=1024)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def roomy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = Server(tmp_path_factory.mktemp("roomy"), open_files=None)
    yield server
    server.stop()


def connect(port: int, count: int, send: bytes = b"") -> list[socket.socket]:
    sockets = []
    try:
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            if send:
                sock.sendall(send)
            sock.setblocking(False)
            sockets.append(sock)
    except BaseException:
        close(sockets)
        raise
    return sockets


def close(sockets: list[socket.socket]) -> None:
    for sock in sockets:
        sock.close()


def closing_times(sockets: list[socket.socket], deadline: float) -> dict[socket.socket, float]:
    """When the server closed each socket (its end of file), watching until ``deadline``."""
    poller = select.poll()
    by_fd = {sock.fileno(): sock for sock in sockets}
    for fd in by_fd:
        poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    closed: dict[socket.socket, float] = {}
    while len(closed) < len(sockets) and time.monotonic() < deadline:
        for fd, _ in poller.poll(100):
            sock = by_fd[fd]
            try:
                data = sock.recv(65536)
            except BlockingIOError:
                continue
            except ConnectionError:
                data = b""
            if not data:
                closed[sock] = time.monotonic()
                poller.unregister(fd)
    return closed


def test_idle_sockets_at_the_open_file_limit_do_not_lock_out_requests(limited: Server) -> None:
    assert "open-file limit 1,024" in limited.stdout.read_text()
    logged = limited.stderr.stat().st_size
    idle = connect(limited.port, 1100)
    try:
        time.sleep(0.5)
        for _ in range(5):
            started = time.monotonic()
            assert httpx.get(f"{limited.base}/healthz", timeout=3).status_code == 200
            assert time.monotonic() - started < 1.0
    finally:
        close(idle)
    assert limited.process.poll() is None
    assert limited.stderr.stat().st_size - logged < 1024, limited.stderr.read_text()[-2000:]


def test_slow_and_silent_clients_are_closed_but_event_streams_stay(roomy: Server) -> None:
    with httpx.Client(base_url=roomy.base, timeout=5) as client:
        session_id = run_async(_one_session(roomy.base))[0]
        stream = connect(roomy.port, 1, f"GET /s/{session_id}/events HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        kept_alive = connect(roomy.port, 1, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        hostile: list[socket.socket] = []
        try:
            _read_until(kept_alive[0], b'"ok"')
            kept_alive[0].sendall(PARTIAL)  # then half of the next request on the same connection
            started = time.monotonic()
            hostile = connect(roomy.port, 2800, PARTIAL) + connect(roomy.port, 200)  # 3,000 in all
            everyone = hostile + kept_alive
            closed = closing_times(everyone, time.monotonic() + HEADER_TIMEOUT + MARGIN)
            assert len(closed) == len(everyone), f"{len(everyone) - len(closed)} sockets still open"
            assert min(closed.values()) - started > HEADER_TIMEOUT - 0.3, "closed before the header timeout"
            assert client.get("/healthz").status_code == 200
            assert _drain(stream[0]).startswith(b"HTTP/1.1 200 ")
            time.sleep(0.7)
            assert b"heartbeat" in _drain(stream[0]), "the event stream was closed with the idle connections"
        finally:
            close(stream + kept_alive + hostile)


async def _one_session(base: str) -> list[str]:
    async with httpx.AsyncClient(base_url=base, timeout=10, follow_redirects=True) as instructor:
        _, sessions = await open_sessions(instructor, 1, token=TOKEN)
    return [session_id for session_id, _ in sessions]


def _drain(sock: socket.socket) -> bytes:
    """What the server has sent so far; the stream must still be open."""
    received = b""
    while True:
        try:
            data = sock.recv(65536)
        except BlockingIOError:
            return received
        assert data, "the server closed the event stream"
        received += data


def _read_until(sock: socket.socket, marker: bytes) -> bytes:
    received = b""
    deadline = time.monotonic() + 5
    while marker not in received and time.monotonic() < deadline:
        select.select([sock], [], [], 0.1)
        try:
            received += sock.recv(65536)
        except BlockingIOError:
            continue
    assert marker in received, received
    return received


# The protocol classes in-process, with a streaming app standing in for an event stream.


async def slow_stream(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope.get("method") == "POST":  # read the whole body first, as a form handler does
        while (await receive()).get("more_body"):
            pass
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    for part in range(4):
        await send({"type": "http.response.body", "body": f"part {part}\n".encode(), "more_body": True})
        await asyncio.sleep(0.25)
    await send({"type": "http.response.body", "body": b"end\n"})


@pytest.fixture(params=["h11", "httptools"])
def guarded(request: pytest.FixtureRequest) -> Iterator[int]:
    protocol = GuardedH11Protocol if request.param == "h11" else protocol_class()
    if request.param == "httptools" and issubclass(protocol, H11Protocol):
        pytest.skip("httptools is not installed")
    port = free_port()
    config = GuardedConfig(
        slow_stream,
        header_timeout=0.5,
        body_timeout=1.5,
        max_connections=8,
        protocol=protocol,
        host="127.0.0.1",
        port=port,
        loop="asyncio",
        lifespan="off",
        log_level="warning",
    )
    server = GuardedServer(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    yield port
    server.should_exit = True
    thread.join(5)


def test_half_sent_headers_are_closed_after_the_timeout(guarded: int) -> None:
    sockets = connect(guarded, 3, PARTIAL) + connect(guarded, 2)
    try:
        started = time.monotonic()
        closed = closing_times(sockets, started + 2.5)
        assert len(closed) == len(sockets)
        assert all(0.3 < at - started < 1.5 for at in closed.values())
    finally:
        close(sockets)


def test_a_body_trickled_a_byte_at_a_time_is_closed_after_the_body_timeout(guarded: int) -> None:
    sockets = connect(guarded, 3, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nx")
    try:
        started = time.monotonic()
        closed = closing_times(sockets, started + 4)
        assert len(closed) == len(sockets)
        assert all(1.2 < at - started < 3.0 for at in closed.values())  # not at the header timeout, but soon after
    finally:
        close(sockets)


def test_a_body_sent_in_time_is_answered(guarded: int) -> None:
    response = httpx.post(f"http://127.0.0.1:{guarded}/", content=b"x" * 100_000, timeout=5)
    assert response.status_code == 200


def test_a_response_longer_than_the_header_timeout_is_not_cut(guarded: int) -> None:
    response = httpx.get(f"http://127.0.0.1:{guarded}/", timeout=5)
    assert response.text == "part 0\npart 1\npart 2\npart 3\nend\n"


def test_the_oldest_waiting_connections_make_room_for_new_ones(guarded: int) -> None:
    sockets = connect(guarded, 12)
    try:
        closed = closing_times(sockets, time.monotonic() + 0.3)  # well before the header timeout
        assert set(closed) == set(sockets[:4])
        assert httpx.get(f"http://127.0.0.1:{guarded}/", timeout=5).status_code == 200
    finally:
        close(sockets)


class _Loop:
    def __init__(self) -> None:
        self.passed_on: list[dict[str, Any]] = []

    def default_exception_handler(self, context: dict[str, Any]) -> None:
        self.passed_on.append(context)


def test_running_out_of_descriptors_is_logged_once_a_second() -> None:
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign,assignment]
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(handler)
    now = [0.0]
    report = AcceptErrorLog(clock=lambda: now[0])
    loop: Any = _Loop()
    try:
        for step in range(20_000):
            now[0] = step / 10_000  # two seconds of a busy accept loop
            report(loop, {"message": "socket.accept() out of system resource", "exception": OSError(errno.EMFILE, "x")})
        report(loop, {"message": "something else", "exception": ValueError()})
    finally:
        logger.removeHandler(handler)
    assert len(records) == 2
    assert "9999 more" in records[1].getMessage()
    assert [c["message"] for c in loop.passed_on] == ["something else"]
