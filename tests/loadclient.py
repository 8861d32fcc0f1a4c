"""Real clients over real sockets, shared by the tests and the benchmarks: a server in its own process,
an instructor opening sessions, and Server-Sent Events listeners cheap enough to open by the thousand.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-instructor-token-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    data: Path,
    port: int,
    *,
    token: str = TOKEN,
    scenarios: Path | None = None,
    output: int = subprocess.DEVNULL,
    database_url: str | None = None,
    load: bool = False,
    module: str = "app.cli",
) -> subprocess.Popen[bytes]:
    """`unsc-sim serve` in its own process, so the load generator does not share its interpreter.

    With ``load``, one client address stands in for a whole conference: the per-address limits on
    joins and live streams, and the per-session cap on streams, are lifted for the run. ``module`` is
    the one run with ``-m`` (a benchmark's variant of the server takes the same arguments)."""
    command = [sys.executable, "-m", module, "serve", "--port", str(port), "--data", str(data), "--token", token]
    if scenarios is not None:
        command += ["--scenarios", str(scenarios)]
    env = dict(os.environ)
    if database_url is not None:
        env["UNSC_SIM_DATABASE_URL"] = database_url
    if load:
        for name in ("JOINS_PER_MINUTE", "STREAMS_PER_CLIENT", "STREAMS_PER_SESSION"):
            env[f"UNSC_SIM_{name}"] = "1000000"
    process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.05)
    process.kill()
    process.wait()
    said = process.stdout.read().decode() if process.stdout else ""
    raise RuntimeError(f"the server did not start: {said}")


def wait_for(url: str, method: str = "GET", seconds: float = 20) -> None:
    """Until ``url`` answers at all."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx.request(method, url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing answered at {url}")


async def open_sessions(
    instructor: httpx.AsyncClient,
    rooms: int,
    token: str = TOKEN,
    scenario_id: str = "council-2026",
    *,
    meeting: bool = False,
) -> tuple[str, list[tuple[str, str]]]:
    """Sign in as the instructor and start ``rooms`` sessions: the CSRF token, and each (session id, join code).

    With ``meeting`` (a meeting file), each meeting is opened and a member objects to the agenda, which the
    President puts to the vote: votes then go to that question, and every update carries the meeting's parts."""
    await instructor.get("/instructor", params={"token": token})
    await instructor.get("/join")
    csrf = str(instructor.cookies["unsc_csrf"])
    sessions = []
    for _ in range(rooms):
        response = await instructor.post("/sessions", data={"scenario_id": scenario_id, "csrf": csrf})
        session_id = str(response.url).split("/s/")[1].split("/")[0]
        sessions.append((session_id, response.text.split('class="mono">')[1].split("<")[0]))
        opened = await instructor.post(f"/s/{session_id}/control", data={"action": "open", "csrf": csrf})
        assert opened.status_code in (200, 303), opened.text  # a session starts with voting not yet open
        if meeting:
            for act in ({"act": "object", "as": "CHN"}, {"act": "put"}):
                done = await instructor.post(f"/s/{session_id}/meeting", data=act | {"csrf": csrf})
                assert done.status_code in (200, 303), done.text
    return csrf, sessions


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


EVENT_ID = re.compile(rb"\nid: (\d+)\n")


@dataclass
class Listener:
    session_id: str
    language: str = "en"  # the language its parts are rendered in (``?lang=``)
    version: int = 0
    arrivals: dict[int, float] = field(default_factory=dict)
    ready: asyncio.Event = field(default_factory=asyncio.Event)


def page_cookie() -> str:
    """The Cookie header a page's EventSource sends: the CSRF cookie its page load set, one per browser."""
    return f"Cookie: unsc_csrf={secrets.token_urlsafe(24)}\r\n"


async def stuck(port: int, session_id: str, stop: asyncio.Event) -> None:
    """A client that connects and never reads: it must not delay anyone else."""
    sock = socket.socket()
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
        sock.send(f"GET /s/{session_id}/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{page_cookie()}\r\n".encode())
        await stop.wait()
    finally:
        sock.close()


class _Stream(asyncio.Protocol):
    """One listener's connection: the event loop hands it each chunk directly (no task to wake per chunk),
    so that the client's own cost stays far below the server's when thousands listen on the same cores."""

    def __init__(self, listener: Listener, closed: asyncio.Future[None]) -> None:
        self.listener = listener
        self.closed = closed
        self.tail = b"\n"  # the end of the previous chunk: an ``id:`` line may be split between two

    def data_received(self, data: bytes) -> None:
        now = time.perf_counter()
        listener = self.listener
        for match in EVENT_ID.finditer(self.tail + data):
            version = int(match.group(1))
            if version > listener.version:
                listener.version = version
                listener.arrivals[version] = now
                listener.ready.set()
        self.tail = data[-32:]

    def connection_lost(self, exc: Exception | None) -> None:  # noqa: ARG002 (the signature asyncio calls)
        if not self.closed.done():
            self.closed.set_result(None)


async def listen(port: int, listener: Listener) -> None:
    """Hold one Server-Sent Events stream open until the server closes it or the task is cancelled."""
    loop = asyncio.get_running_loop()
    closed: asyncio.Future[None] = loop.create_future()
    transport, _ = await loop.create_connection(lambda: _Stream(listener, closed), "127.0.0.1", port)
    query = "" if listener.language == "en" else f"?lang={listener.language}"
    transport.write(
        f"GET /s/{listener.session_id}/events{query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{page_cookie()}\r\n".encode()
    )
    try:
        await closed
    finally:
        transport.close()


class RawPoster:
    """A keep-alive HTTP/1.1 connection that POSTs forms and reads JSON answers, at a fraction of httpx's cost
    per request: the timed votes then measure the server, not the client that sends them."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        self.headers = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, form: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        body = form.encode()
        self.writer.write(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n{self.headers}"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = re.search(rb"(?im)^content-length: *(\d+)", head)
        if length is None:
            raise RuntimeError(f"no Content-Length in {head!r}")
        return status, await self.reader.readexactly(int(length.group(1)))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def fanout(
    port: int,
    server_pid: int,
    listeners_wanted: int,
    room_size: int,
    rounds: int,
    stuck_per_room: int,
    token: str = TOKEN,
    listen_port: int | None = None,
    scenario_id: str = "council-2026",
    meeting: bool = False,
    languages: tuple[str, ...] = ("en",),
) -> dict[str, float]:
    """Votes go to ``port``; listeners connect to ``listen_port`` (another instance), or to ``port`` too. Each
    listener reads in one of ``languages``, in turn: a room of several languages renders each once per version."""
    base = f"http://127.0.0.1:{port}"
    listen_port = listen_port or port
    rooms = 1 if room_size <= 0 else -(-listeners_wanted // room_size)
    async with (
        httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=True) as instructor,
        httpx.AsyncClient(base_url=base, timeout=60) as student,
    ):
        csrf, opened = await open_sessions(instructor, rooms, token, scenario_id, meeting=meeting)
        sessions = [session_id for session_id, _ in opened]
        # The votes are a student's, as a class sends them: the United States' delegate in every room (one
        # browser may sit in many sessions; loopback is not held to the per-address limit).
        await student.get("/join")
        student_csrf = str(student.cookies["unsc_csrf"])
        for _, code in opened:
            claimed = await student.post(f"/join/{code}", data={"member": "USA", "csrf": student_csrf})
            assert claimed.status_code == 303, claimed.text
        rss_before = rss_kib(server_pid)
        stop = asyncio.Event()
        listeners = [Listener(sessions[i % rooms], languages[i % len(languages)]) for i in range(listeners_wanted)]
        tasks = [asyncio.create_task(stuck(listen_port, s, stop)) for s in sessions for _ in range(stuck_per_room)]
        listener_tasks: dict[int, asyncio.Task[None]] = {}
        for index, listener in enumerate(listeners):
            listener_tasks[id(listener)] = asyncio.create_task(listen(listen_port, listener))
            tasks.append(listener_tasks[id(listener)])
            if index % 100 == 99:
                await asyncio.sleep(0.05)  # open connections in waves, as a room does
        await asyncio.wait_for(asyncio.gather(*(listener.ready.wait() for listener in listeners)), 120)
        await asyncio.sleep(0.5)
        rss_after = rss_kib(server_pid)

        from_sent: list[float] = []
        from_ack: list[float] = []
        last_arrival: list[float] = []
        last_after_ack: list[float] = []
        headers = {"Accept": "application/json", "X-CSRF-Token": csrf}
        # Each room's voter holds its own keep-alive connection, with the cookies a browser sends to that path.
        posters = {
            session_id: RawPoster(
                port,
                {
                    "Accept": "application/json",
                    "X-CSRF-Token": student_csrf,
                    "Cookie": f"unsc_csrf={student_csrf}; unsc_seat_{session_id}="
                    + str(student.cookies.get(f"unsc_seat_{session_id}", path=f"/s/{session_id}")),
                },
            )
            for session_id in sessions
        }
        for round_number in range(rounds):
            vote = ("yes", "no")[round_number % 2]

            async def cast(session_id: str, vote: str) -> tuple[str, float, float, int]:
                sent = time.perf_counter()
                status, body = await posters[session_id].post(f"/s/{session_id}/vote", f"vote={vote}")
                if status != 200:
                    raise RuntimeError(f"the vote was refused ({status}): {body!r}")
                return session_id, sent, time.perf_counter(), int(json.loads(body)["version"])

            results = await asyncio.gather(*(cast(s, vote) for s in sessions))
            deadline = time.perf_counter() + 10
            expected = {session_id: version for session_id, _, _, version in results}
            while time.perf_counter() < deadline and any(lst.version < expected[lst.session_id] for lst in listeners):
                await asyncio.sleep(0.005)
            timing = {session_id: (sent, acked) for session_id, sent, acked, _ in results}
            round_arrivals = []
            round_after_ack = []
            for listener in listeners:
                version = expected[listener.session_id]
                arrived = listener.arrivals.get(version)
                if arrived is None:
                    arrived = float("inf")
                sent, acked = timing[listener.session_id]
                from_sent.append((arrived - sent) * 1000)
                from_ack.append(max(0.0, arrived - acked) * 1000)
                round_arrivals.append((arrived - sent) * 1000)
                round_after_ack.append(max(0.0, arrived - acked) * 1000)
            last_arrival.append(max(round_arrivals))
            if os.environ.get("UNSC_SIM_BENCH_ROUNDS"):  # each round on its own line: a stall shows as one bad round
                slowest_ack = max(acked - sent for _, sent, acked, _ in results) * 1000
                print(
                    f"round {round_number}: arrival p50 {statistics.median(round_arrivals):.0f} ms, "
                    f"last {max(round_arrivals):.0f} ms, slowest acknowledgement {slowest_ack:.0f} ms",
                    file=sys.stderr,
                )
            last_after_ack.append(max(round_after_ack))
            await asyncio.sleep(0.1)
        # One in ten listeners drops its connection; a vote happens meanwhile; all come back at once.
        leaving = listeners[::10]
        for listener in leaving:
            tasks[tasks.index(listener_tasks[id(listener)])].cancel()
        await asyncio.sleep(0.2)
        answers = await asyncio.gather(
            *(instructor.post(f"/s/{s}/seats/GBR/vote", data={"vote": "abstain"}, headers=headers) for s in sessions)
        )
        latest = {s: int(r.json()["version"]) for s, r in zip(sessions, answers, strict=True)}
        back = time.perf_counter()
        returned = [Listener(listener.session_id, listener.language) for listener in leaving]
        tasks += [asyncio.create_task(listen(listen_port, listener)) for listener in returned]
        deadline = time.perf_counter() + 20
        while time.perf_counter() < deadline and any(r.version < latest[r.session_id] for r in returned):
            await asyncio.sleep(0.005)
        caught_up = [r.arrivals.get(latest[r.session_id]) for r in returned]
        reconnect_ms = [(t - back) * 1000 for t in caught_up if t is not None]
        stop.set()
        for poster in posters.values():
            poster.close()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    lost = sum(1 for value in from_sent if value == float("inf"))
    finite = [v for v in from_sent if v != float("inf")] or [float("inf")]
    return {
        "listeners": listeners_wanted,
        "rooms": rooms,
        "samples": len(from_sent),
        "lost": lost,
        "p50_ms": statistics.median(finite),
        "p99_ms": percentile(finite, 0.99),
        "ack_p50_ms": statistics.median(from_ack),
        "ack_p99_ms": percentile(from_ack, 0.99),
        "last_ms": percentile(last_arrival, 0.5),
        "ack_last_ms": percentile(last_after_ack, 0.5),
        "ack_p50": statistics.median(from_ack),
        "kib_per_listener": (rss_after - rss_before) / max(1, listeners_wanted),
        "reconnected": len(reconnect_ms),
        "reconnecting": len(leaving),
        "reconnect_p99_ms": percentile(reconnect_ms, 0.99) if reconnect_ms else float("inf"),
    }
