"""`make bench`: run every benchmark, print the figures, and write docs/benchmarks.md from them.

Run alone: python bench/run_all.py [--quick] [--no-doc]
Each script under bench/ also runs alone; this one only calls them in turn. The figures are
distributions and ratios taken in one run, because this machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.i18n import LANGUAGES
from bench import engine, live_fanout, page_weight, power, tally_throughput, vote_throughput
from bench.common import ROOT, Row, format_table

DOC = ROOT / "docs" / "benchmarks.md"
POSTGRES_ADMIN = os.environ.get("UNSC_SIM_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def postgres_admin() -> str | None:
    """The PostgreSQL server for the shared-store rows, when one answers; else those rows are left out."""
    try:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN, connect_timeout=3):
            return POSTGRES_ADMIN
    except Exception:  # no server, no driver: the SQLite rows still run
        return None


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory_kib = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    wrk = "wrk installed" if shutil.which("wrk") else "no wrk (asyncio client instead)"
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory_kib / 1024 / 1024:.0f} GiB, {platform.platform()}, "
        f"Python {platform.python_version()}, {wrk}"
    )


def sections(quick: bool) -> list[tuple[str, str, str, Callable[[], list[Row]]]]:
    rounds = 5 if quick else 20
    return [
        (engine.TITLE, "python bench/engine.py", engine.TARGET, engine.measure),
        (power.TITLE, "python bench/power.py", power.TARGET, power.measure),
        (
            tally_throughput.TITLE,
            "python bench/tally_throughput.py",
            tally_throughput.TARGET,
            lambda: tally_throughput.measure(seconds=2 if quick else 5),
        ),
        (
            live_fanout.TITLE + " (one room)",
            f"python bench/live_fanout.py --listeners 100 1000 --rounds {rounds}",
            live_fanout.TARGET,
            lambda: live_fanout.measure([100, 1000], room_size=0, rounds=rounds),
        ),
        (
            live_fanout.TITLE + " (rooms of 40)",
            f"python bench/live_fanout.py --listeners 100 1000 3000 --room-size 40 --rounds {rounds}",
            live_fanout.TARGET,
            lambda: live_fanout.measure([100, 1000, 3000], room_size=40, rounds=rounds),
        ),
        (
            live_fanout.TITLE + " (rooms of 40, each running a whole meeting)",
            f"python bench/live_fanout.py --listeners 1000 3000 --room-size 40 --rounds {rounds} --meeting",
            live_fanout.TARGET,
            lambda: live_fanout.measure([1000, 3000], room_size=40, rounds=rounds, meeting=True),
        ),
        (
            live_fanout.TITLE + " (rooms of 40, listeners reading in the six languages)",
            f"python bench/live_fanout.py --listeners 1000 --room-size 40 --rounds {rounds} --languages ar zh en fr ru es",
            live_fanout.TARGET,
            lambda: live_fanout.measure([1000], room_size=40, rounds=rounds, languages=LANGUAGES),
        ),
        (
            live_fanout.TITLE + " (two instances on PostgreSQL: vote on one, listen on the other)",
            f"python bench/live_fanout.py --listeners 1000 --rounds {rounds} --postgres postgresql://postgres@127.0.0.1/postgres",
            live_fanout.TARGET,
            lambda: (
                live_fanout.measure([1000], room_size=0, rounds=rounds, postgres=postgres_admin())
                if postgres_admin()
                else []
            ),
        ),
        (
            vote_throughput.TITLE,
            "python bench/vote_throughput.py --rooms 100 --postgres postgresql://postgres@127.0.0.1/postgres",
            vote_throughput.TARGET,
            lambda: vote_throughput.measure(
                rooms=100, seconds=3 if quick else 10, concurrency=100, postgres=postgres_admin()
            ),
        ),
        (page_weight.TITLE, "python bench/page_weight.py", page_weight.TARGET, page_weight.rows),
    ]


READING = """\
## Reading the figures

- *ack→arrival* runs from the moment the voter's POST is answered. The server publishes a change
  right after its commit and before it answers, so in a quiet room most listeners hold the new
  snapshot before the voter hears back: those arrivals count as 0 ms.
- *vote→arrival* runs from the moment the vote is sent. Every vote is committed (and fsynced) before
  it is acknowledged; the one writer commits whatever votes are waiting in one transaction (group
  commit). When every room votes in the same instant (25 or 75 votes at once in the rooms-of-40 rows)
  the one event loop renders each room's new parts (under 1 ms a room, once per language read
  there) and writes them to every listener: an idle listener's event is written straight to its
  socket by the delivery itself, one system call of some 8–10 µs here, without waking its stream.
  With 3,000 listeners that is the whole round's cost, so the last room's listeners wait for all
  the others. A classroom never sends that many votes in the same millisecond, but a conference
  could. The store is written with SQLAlchemy
  Core, so a PostgreSQL URL (`UNSC_SIM_DATABASE_URL`) serves instead where a row says so.
- The listeners and the timed votes are raw sockets (asyncio protocols, keep-alive connections), so
  the client costs far less than the server it measures. Each listener sends the CSRF cookie its page
  load would have set, as a browser's EventSource does, so its stream takes the short road a page's
  does (`app/web/fastevents.py`); `UNSC_SIM_BENCH_ROUNDS=1` prints each round,
  where a stall shows as one bad round. The server takes the garbage collector's full passes at quiet
  moments (a second without a delivery, or every two minutes at the latest): with 3,000 streams a
  full pass takes some 300 ms, and the benchmark's rounds, 0.1 s apart, leave it no quiet moment.
- Each vote is a student's (`POST /s/{id}/vote`, the phone's own path), as a class sends them:
  the United States' delegate in every room. An instructor's vote from the console is answered with
  the console's parts (about 41 KB of HTML, some 4 ms of the one event loop each), which a room of
  students never waits for. The meeting rows run the class meeting of 2026 with the agenda put to the
  vote: every update then also carries where the meeting stands.
- *catch-up* runs from the moment one listener in ten reconnects (all at once, each opening a new
  TCP connection) to the moment each holds the latest version.
- The durable-votes figure is the whole vote path a phone uses (cookie, CSRF check, seat lookup,
  commit, fan-out), saturated by 100 clients at once, so its latency is queueing, not a single vote:
  one vote alone takes about 2 ms in the store. Two bare endpoints run under the same uvicorn in the
  same run: a bare ASGI callable (the least a Python server does for a request) and one trivial route
  of a FastAPI app (what the framework costs before any work). The target's ratio is to the bare
  ASGI callable; a durable vote costs about twice the trivial FastAPI route.
- *votes answered but not stored* is the same server with the writer's work left out
  (`bench/unstored.py`): each vote is read, checked (cookie, CSRF, seat) and handed to the writer
  thread, which answers it at once without applying or storing it. It is the most a durable vote
  could reach in this design with a store that cost nothing, and it stays under 0.4 of the bare ASGI
  callable: the HTTP road, the checks and the hand-off between threads under one interpreter lock
  cost more than that on their own, so the target's ratio is out of reach of any store here.
- Two PostgreSQL instances are measured twice: with each room's votes through one instance, as a
  proxy that routes by session sends them (`docs/deploy.md`), and with every room's votes spread over
  both, as a proxy that cannot. Spread, each batch waits for the other instance's row locks and reads
  back what the other wrote; routed, each instance commits its own rooms, and on 2 cores the two
  together commit more than one SQLite process. Their target is judged on the routed row.
"""

RELIABILITY = """\
## Reliability checks

These run in `make test` (quick) and are listed here because they are part of the evidence:

| check | where |
|---|---|
| Schemathesis against the app's own OpenAPI description: no 500, every status and body as documented | `tests/web/test_openapi_fuzz.py` |
| Fuzzing the scenario loader with generated bytes, YAML documents, spliced YAML syntax and replaced fields: only the documented error, never a crash or a hang (2 s deadline per example) | `tests/scenarios/test_parse_fuzz.py` |
| SIGKILL in the middle of a burst of votes, then a restart: every acknowledged vote is present, none twice, on SQLite and on PostgreSQL | `tests/test_durability.py` |
| Eight instances writing one session on PostgreSQL: exactly 400 versions for 400 votes; a vote on one instance reaches another, which catches up after its notification link is cut | `tests/store/test_instances.py` |
| A database from the first release opens and is upgraded in place, seats and record intact | `tests/store/test_migrations.py` |
| A listener that stops reading is dropped and delays nobody; listeners reconnecting at once all catch up | `tests/test_live.py`, `tests/test_live_stream.py` |
| Forty students voting in the same second leave every page showing the same tally | `tests/browser/test_sessions.py` |
"""


def main() -> int:
    parser = argparse.ArgumentParser(description="Run every benchmark and write docs/benchmarks.md")
    parser.add_argument("--quick", action="store_true", help="shorter runs, for a smoke test")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    started = dt.datetime.now(dt.UTC)
    parts = [
        "# Benchmarks\n",
        "Generated by `make bench` (`python bench/run_all.py`); do not edit by hand, run it again.\n",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC",
        f"- Machine: {machine()}",
        "- The server runs in its own process (`unsc-sim serve`, one uvicorn worker, SQLite in WAL mode with",
        "  synchronous=FULL, or PostgreSQL 15 on this machine where a row says so); load generators run beside",
        "  it on the same cores, so absolute figures are",
        "  modest and vary between runs of a shared machine. Ratios and distributions are the steadier guide.\n",
    ]
    ok = True
    for title, command, target, run in sections(args.quick):
        began = time.perf_counter()
        print(f"\n== {title}\n   {command}", flush=True)
        try:
            rows = run()
        except Exception as error:
            rows = [{"error": f"{type(error).__name__}: {error}", "verdict": "FAILED"}]
        table = format_table(rows)
        print(table)
        print(f"   target: {target}  ({time.perf_counter() - began:.0f} s)", flush=True)
        ok = ok and all(row.get("verdict", "ok") in ("ok", "") for row in rows)  # "": a row for comparison
        parts += [f"## {title}\n", f"Command: `{command}`  \nTarget: {target}\n", table, ""]
    parts.append(READING)
    parts.append(RELIABILITY)
    if not args.no_doc:
        DOC.write_text("\n".join(parts), encoding="utf-8")
        print(f"\nwrote {DOC.relative_to(ROOT)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
