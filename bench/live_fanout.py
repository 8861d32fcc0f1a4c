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
import signal
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.i18n import LANGUAGES
from bench.common import Row, format_table, free_port, start_server
from bench.vote_throughput import drop_postgres, fresh_postgres
from tests.loadclient import fanout

TITLE = "Live fan-out: from a vote to its arrival at every listener"
TARGET = (
    "vote→arrival p99 under 250 ms (aim: 150), up to 3,000 listeners in rooms of 40 all voting at once; nothing lost; "
    "every reconnecting listener catches up; under 40 KiB of server memory per listener"
)


MEETING = "class-meeting-2026"


def measure(
    listeners: list[int],
    room_size: int,
    rounds: int,
    stuck_per_room: int = 1,
    postgres: str | None = None,
    meeting: bool = False,
    languages: tuple[str, ...] = ("en",),
) -> list[Row]:
    """With ``postgres`` (an admin URL), two instances share a fresh database: votes on one, listeners on the other."""
    rows: list[Row] = []
    for count in listeners:
        with tempfile.TemporaryDirectory() as tmp:
            database = fresh_postgres(postgres) if postgres else None
            ports = [free_port() for _ in range(2 if postgres else 1)]
            servers = [start_server(Path(tmp), port, database_url=database, load=True) for port in ports]
            try:
                r = asyncio.run(
                    fanout(
                        ports[0],
                        servers[-1].pid,
                        count,
                        room_size,
                        rounds,
                        stuck_per_room,
                        listen_port=ports[-1],
                        scenario_id=MEETING if meeting else "council-2026",
                        meeting=meeting,
                        languages=languages,
                    )
                )
            finally:
                for server in servers:
                    os.kill(server.pid, signal.SIGTERM)
                    server.wait(timeout=20)
                if postgres and database:
                    drop_postgres(postgres, database)
        # From the vote being sent to its arrival: what a room feels. From the acknowledgement (the commit):
        # the fan-out alone.
        good = (
            r["p99_ms"] < 250 and not r["lost"] and r["reconnected"] == r["reconnecting"] and r["kib_per_listener"] < 40
        )
        rows.append(
            {
                "store": ("PostgreSQL, vote on A, listen on B" if postgres else "SQLite, 1 instance")
                + (", a meeting" if meeting else "")
                + (f", listeners in {len(languages)} languages" if len(languages) > 1 else ""),
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
    parser.add_argument(
        "--postgres", default=None, help="admin URL: two instances on PostgreSQL, vote on one, listen on the other"
    )
    parser.add_argument(
        "--meeting", action="store_true", help=f"rooms run a whole meeting ({MEETING}): updates carry its parts"
    )
    parser.add_argument(
        "--languages", nargs="+", default=["en"], choices=LANGUAGES, help="listeners read in these languages, in turn"
    )
    args = parser.parse_args()
    rows = measure(
        args.listeners, args.room_size, args.rounds, args.stuck, args.postgres, args.meeting, tuple(args.languages)
    )
    print(format_table(rows))
    print(f"target: {TARGET}")
    return 0 if all(row["verdict"] == "ok" for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
