"""Live fan-out: time from a vote to its arrival at every listener's Server-Sent Events stream.

Run alone: python bench/live_fanout.py [--listeners 100 1000] [--room-size 0] [--rounds 20]
It starts `unsc-sim serve` in its own process on a free local port, opens N event streams
(raw asyncio sockets, so the client costs little), then casts votes and times each arrival:
from the moment the vote was sent, and from its acknowledgement (the POST's answer, which
comes only after the commit). With --room-size R the listeners are spread over rooms of R
and every room votes at once in each round. Also prints the server's memory per listener.
Target: p99 under 250 ms at 1,000 listeners.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TOKEN = "bench-instructor-token-0123456789"
EVENT_ID = re.compile(rb"\nid: (\d+)\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@dataclass
class Listener:
    session_id: str
    version: int = 0
    arrivals: dict[int, float] = field(default_factory=dict)
    ready: asyncio.Event = field(default_factory=asyncio.Event)


async def listen(port: int, listener: Listener, stop: asyncio.Event) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET /s/{listener.session_id}/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    await writer.drain()
    buffer = b""
    try:
        while not stop.is_set():
            chunk = await reader.read(65536)
            if not chunk:
                break
            now = time.perf_counter()
            buffer = (buffer + chunk)[-4096:]
            for match in EVENT_ID.finditer(b"\n" + chunk):
                version = int(match.group(1))
                if version > listener.version:
                    listener.version = version
                    listener.arrivals[version] = now
                    listener.ready.set()
    finally:
        writer.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


async def run(port: int, server_pid: int, listeners_wanted: int, room_size: int, rounds: int) -> dict[str, float]:
    base = f"http://127.0.0.1:{port}"
    rooms = 1 if room_size <= 0 else -(-listeners_wanted // room_size)
    async with httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=True) as instructor:
        await instructor.get("/instructor", params={"token": TOKEN})
        await instructor.get("/join")
        csrf = instructor.cookies["unsc_csrf"]
        sessions = []
        for _ in range(rooms):
            response = await instructor.post("/sessions", data={"scenario_id": "council-2026", "csrf": csrf})
            sessions.append(str(response.url).split("/s/")[1].split("/")[0])
        rss_before = rss_kib(server_pid)
        stop = asyncio.Event()
        listeners = [Listener(sessions[i % rooms]) for i in range(listeners_wanted)]
        tasks = []
        for index, listener in enumerate(listeners):
            tasks.append(asyncio.create_task(listen(port, listener, stop)))
            if index % 100 == 99:
                await asyncio.sleep(0.05)  # open connections in waves, as a room does
        await asyncio.wait_for(asyncio.gather(*(listener.ready.wait() for listener in listeners)), 120)
        await asyncio.sleep(0.5)
        rss_after = rss_kib(server_pid)

        from_sent: list[float] = []
        from_ack: list[float] = []
        last_arrival: list[float] = []
        headers = {"Accept": "application/json", "X-CSRF-Token": csrf}
        for round_number in range(rounds):
            vote = ("yes", "no")[round_number % 2]

            async def cast(session_id: str, vote: str) -> tuple[str, float, float, int]:
                sent = time.perf_counter()
                response = await instructor.post(
                    f"/s/{session_id}/seats/USA/vote", data={"vote": vote}, headers=headers
                )
                response.raise_for_status()
                return session_id, sent, time.perf_counter(), int(response.json()["version"])

            results = await asyncio.gather(*(cast(s, vote) for s in sessions))
            deadline = time.perf_counter() + 10
            expected = {session_id: version for session_id, _, _, version in results}
            while time.perf_counter() < deadline and any(lst.version < expected[lst.session_id] for lst in listeners):
                await asyncio.sleep(0.005)
            timing = {session_id: (sent, acked) for session_id, sent, acked, _ in results}
            round_arrivals = []
            for listener in listeners:
                version = expected[listener.session_id]
                arrived = listener.arrivals.get(version)
                if arrived is None:
                    arrived = float("inf")
                sent, acked = timing[listener.session_id]
                from_sent.append((arrived - sent) * 1000)
                from_ack.append(max(0.0, arrived - acked) * 1000)
                round_arrivals.append((arrived - sent) * 1000)
            last_arrival.append(max(round_arrivals))
            await asyncio.sleep(0.1)
        stop.set()
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
        "kib_per_listener": (rss_after - rss_before) / max(1, listeners_wanted),
    }


def start_server(data: Path, port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--data", str(data), "--token", TOKEN],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("the server did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--listeners", type=int, nargs="+", default=[100, 1000])
    parser.add_argument(
        "--room-size", type=int, default=0, help="spread listeners over rooms of this size (0: one room)"
    )
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    print(
        f"{'listeners':>9} {'rooms':>5} {'p50 ms':>7} {'p99 ms':>7} {'last ms':>8} {'ack→p50':>8} {'ack→p99':>8} "
        f"{'lost':>5} {'KiB/listener':>12}  target p99 < 250 ms at 1,000"
    )
    ok = True
    for count in args.listeners:
        with tempfile.TemporaryDirectory() as tmp:
            port = free_port()
            server = start_server(Path(tmp), port)
            try:
                r = asyncio.run(run(port, server.pid, count, args.room_size, args.rounds))
            finally:
                os.kill(server.pid, signal.SIGTERM)
                server.wait(timeout=20)
        if count >= 1000 and r["p99_ms"] >= 250 or r["lost"]:
            ok = False
        print(
            f"{count:>9} {r['rooms']:>5.0f} {r['p50_ms']:>7.1f} {r['p99_ms']:>7.1f} {r['last_ms']:>8.1f} "
            f"{r['ack_p50_ms']:>8.1f} {r['ack_p99_ms']:>8.1f} {r['lost']:>5.0f} {r['kib_per_listener']:>12.1f}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
