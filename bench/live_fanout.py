"""Live fan-out: time from a vote to its arrival at every listener's Server-Sent Events stream.

Run alone: python bench/live_fanout.py [--listeners 100 1000] [--room-size 0] [--rounds 20]
It starts `unsc-sim serve` in its own process on a free local port, opens N event streams
(raw asyncio sockets, so the client costs little), then casts votes and times each arrival:
from the moment the vote was sent, and from its acknowledgement (the POST's answer, which
comes only after the commit). With --room-size R the listeners are spread over rooms of R
and every room votes at once in each round. Each room also holds --stuck clients that connect
and never read, which must delay nobody. At the end one listener in ten disconnects, a vote
happens while they are away, and they all reconnect at once: each must catch up at once.
Also prints the server's memory per listener. Target: p99 under 250 ms at 1,000 listeners.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import socket
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import TOKEN, Row, format_table, free_port, open_sessions, percentile, rss_kib, start_server  # noqa: E402

EVENT_ID = re.compile(rb"\nid: (\d+)\n")


@dataclass
class Listener:
    session_id: str
    version: int = 0
    arrivals: dict[int, float] = field(default_factory=dict)
    ready: asyncio.Event = field(default_factory=asyncio.Event)


async def stuck(port: int, session_id: str, stop: asyncio.Event) -> None:
    """A client that connects and never reads: it must not delay anyone else."""
    sock = socket.socket()
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
        sock.send(f"GET /s/{session_id}/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        await stop.wait()
    finally:
        sock.close()


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


async def run(
    port: int,
    server_pid: int,
    listeners_wanted: int,
    room_size: int,
    rounds: int,
    stuck_per_room: int,
    token: str = TOKEN,
) -> dict[str, float]:
    base = f"http://127.0.0.1:{port}"
    rooms = 1 if room_size <= 0 else -(-listeners_wanted // room_size)
    async with httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=True) as instructor:
        csrf, opened = await open_sessions(instructor, rooms, token)
        sessions = [session_id for session_id, _ in opened]
        rss_before = rss_kib(server_pid)
        stop = asyncio.Event()
        listeners = [Listener(sessions[i % rooms]) for i in range(listeners_wanted)]
        tasks = [asyncio.create_task(stuck(port, s, stop)) for s in sessions for _ in range(stuck_per_room)]
        listener_tasks: dict[int, asyncio.Task[None]] = {}
        for index, listener in enumerate(listeners):
            listener_tasks[id(listener)] = asyncio.create_task(listen(port, listener, stop))
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
            last_after_ack.append(max(round_after_ack))
            await asyncio.sleep(0.1)
        # One in ten listeners drops its connection; a vote happens meanwhile; all come back at once.
        leaving = listeners[::10]
        for listener in leaving:
            tasks[tasks.index(listener_tasks[id(listener)])].cancel()
        await asyncio.sleep(0.2)
        results = await asyncio.gather(
            *(instructor.post(f"/s/{s}/seats/GBR/vote", data={"vote": "abstain"}, headers=headers) for s in sessions)
        )
        latest = {s: int(r.json()["version"]) for s, r in zip(sessions, results, strict=True)}
        back = time.perf_counter()
        returned = [Listener(listener.session_id) for listener in leaving]
        tasks += [asyncio.create_task(listen(port, listener, stop)) for listener in returned]
        deadline = time.perf_counter() + 20
        while time.perf_counter() < deadline and any(r.version < latest[r.session_id] for r in returned):
            await asyncio.sleep(0.005)
        caught_up = [r.arrivals.get(latest[r.session_id]) for r in returned]
        reconnect_ms = [(t - back) * 1000 for t in caught_up if t is not None]
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
        "ack_last_ms": percentile(last_after_ack, 0.5),
        "ack_p50": statistics.median(from_ack),
        "kib_per_listener": (rss_after - rss_before) / max(1, listeners_wanted),
        "reconnected": len(reconnect_ms),
        "reconnecting": len(leaving),
        "reconnect_p99_ms": percentile(reconnect_ms, 0.99) if reconnect_ms else float("inf"),
    }


TITLE = "Live fan-out: from a vote to its arrival at every listener"
TARGET = (
    "p99 under 250 ms at 1,000 listeners (from the acknowledgement; in one room also from the vote being sent); "
    "nothing lost; every reconnecting listener catches up"
)


def measure(listeners: list[int], room_size: int, rounds: int, stuck_per_room: int = 1) -> list[Row]:
    rows: list[Row] = []
    for count in listeners:
        with tempfile.TemporaryDirectory() as tmp:
            port = free_port()
            server = start_server(Path(tmp), port)
            try:
                r = asyncio.run(run(port, server.pid, count, room_size, rounds, stuck_per_room))
            finally:
                os.kill(server.pid, signal.SIGTERM)
                server.wait(timeout=20)
        # From the acknowledgement (the commit) to arrival: the fan-out itself. From the vote being sent:
        # what a room feels, including the wait for the write lock when many rooms vote at the same moment.
        in_time = r["ack_p99_ms"] < 250 and (r["rooms"] > 1 or r["p99_ms"] < 250)
        good = (count > 1000 or in_time) and not r["lost"] and r["reconnected"] == r["reconnecting"]
        rows.append(
            {
                "listeners": count,
                "rooms": int(r["rooms"]),
                "ack→arrival p50 ms": r["ack_p50"],
                "ack→arrival p99 ms": r["ack_p99_ms"],
                "ack→last arrival ms": r["ack_last_ms"],
                "vote→arrival p50 ms": r["p50_ms"],
                "vote→arrival p99 ms": r["p99_ms"],
                "lost": int(r["lost"]),
                "KiB/listener": r["kib_per_listener"],
                "reconnected": f"{r['reconnected']:.0f}/{r['reconnecting']:.0f}",
                "catch-up p99 ms": r["reconnect_p99_ms"],
                "verdict": "ok" if good else "MISSED",
            }
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=TITLE)
    parser.add_argument("--listeners", type=int, nargs="+", default=[100, 1000])
    parser.add_argument(
        "--room-size", type=int, default=0, help="spread listeners over rooms of this size (0: one room)"
    )
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--stuck", type=int, default=1, help="clients per room that connect and never read")
    args = parser.parse_args()
    rows = measure(args.listeners, args.room_size, args.rounds, args.stuck)
    print(format_table(rows))
    print(f"target: {TARGET}")
    return 0 if all(row["verdict"] == "ok" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
