"""Durable votes per second: 100 rooms voting at once, every vote committed before it is acknowledged.

Run alone: python bench/vote_throughput.py [--rooms 100] [--seconds 10] [--concurrency 100]
Each room is a live session of the 2026 Council with all fifteen seats claimed by students; each
student votes again and again through the same route a phone uses. A vote counts once its POST
has answered, which happens only after the transaction committed (SQLite, WAL, synchronous=FULL).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Row, format_table, free_port, open_sessions, percentile, start_server  # noqa: E402

TITLE = "Durable votes per second with many rooms voting at once"
TARGET = "none set: every acknowledged vote is committed; more than a room of 40 ever needs (40 votes in a second)"
CODES = ["BHR", "CHN", "COL", "COD", "DNK", "FRA", "GRC", "LVA", "LBR", "PAK", "PAN", "RUS", "SOM", "GBR", "USA"]


async def run(base: str, rooms: int, seconds: float, concurrency: int) -> Row:
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=True, limits=limits) as instructor:
        _, sessions = await open_sessions(instructor, rooms)

    # One client per seat would be 1,500 connections; seats share clients by cookie instead.
    seats: list[tuple[str, str]] = []  # (session id, seat cookie value)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as joiner:
        await joiner.get("/join")
        csrf = joiner.cookies["unsc_csrf"]

        async def claim(session_id: str, code: str, member: str) -> tuple[str, str]:
            response = await joiner.post(
                f"/join/{code}", data={"member": member, "csrf": csrf}, cookies={"unsc_csrf": csrf}
            )
            cookie = response.cookies.get(f"unsc_seat_{session_id}")
            assert response.status_code == 303 and cookie, response.text
            return session_id, cookie

        for session_id, code in sessions:
            seats += await asyncio.gather(*(claim(session_id, code, m) for m in CODES))

    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + seconds
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

        async def student(seat: tuple[str, str]) -> None:
            nonlocal failures
            session_id, token = seat
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                response = await client.post(
                    f"/s/{session_id}/vote",
                    data={"vote": random.choice(["yes", "no", "abstain"])},
                    headers={"Accept": "application/json", "X-CSRF-Token": csrf},
                    cookies={"unsc_csrf": csrf, f"unsc_seat_{session_id}": token},
                )
                if response.status_code == 200:
                    latencies.append((time.perf_counter() - start) * 1000)
                else:
                    failures += 1

        random.shuffle(seats)
        began = time.perf_counter()
        await asyncio.gather(*(student(seats[i::concurrency][0]) for i in range(min(concurrency, len(seats)))))
        elapsed = time.perf_counter() - began
    return {
        "rooms": rooms,
        "voters at once": min(concurrency, len(seats)),
        "seconds": round(elapsed, 1),
        "votes committed": len(latencies),
        "votes/s": len(latencies) / elapsed,
        "p50 ms": percentile(latencies, 0.5),
        "p99 ms": percentile(latencies, 0.99),
        "refused": failures,
    }


def measure(rooms: int = 100, seconds: float = 10, concurrency: int = 100) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        server = start_server(Path(tmp), port)
        try:
            row = asyncio.run(run(f"http://127.0.0.1:{port}", rooms, seconds, concurrency))
        finally:
            os.kill(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    row["verdict"] = "ok" if row["refused"] == 0 and row["votes/s"] >= 40 else "MISSED"
    return [row]


def main() -> int:
    parser = argparse.ArgumentParser(description=TITLE)
    parser.add_argument("--rooms", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=100)
    args = parser.parse_args()
    rows = measure(args.rooms, args.seconds, args.concurrency)
    print(format_table(rows))
    print(f"target: {TARGET}")
    return 0 if all(r["verdict"] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
