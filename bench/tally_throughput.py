"""Tally throughput: POST /api/tally against the bare /healthz endpoint of the same server, same load.

Run alone: python bench/tally_throughput.py [--seconds 5] [--connections 32]
Uses wrk (Debian package `wrk`) when installed, else a small asyncio client (which costs the
server more CPU, so its figures are lower). The server runs in its own process. Figures taken in
one run on a shared machine are noisy; the ratio of the two endpoints is the steadier figure, and
the endpoints take turns three times, each keeping its median pass.
Target: the tally at no less than half the bare rate.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.scenarios import load_file
from bench.common import Row, format_table, free_port, percentile, start_server

TITLE = "Tally throughput: the engine over HTTP against a bare endpoint"
TARGET = "POST /api/tally at no less than half the rate of the bare endpoint"
PASSES = 3  # of each endpoint, taking turns; the median counts
BODY = load_file(
    Path(__file__).resolve().parents[1] / "scenarios" / "dprk-2019-meeting-not-held.yaml"
).model_dump_json()


def _wrk(url: str, seconds: int, connections: int, body: str | None) -> tuple[float, float, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if body is not None:
            script.write(
                f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\nwrk.headers["Content-Type"] = "application/json"\n'
            )
        path = script.name
    try:
        out = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", path, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(path)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def latency(label: str) -> float:
        value, unit = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return rate, latency("50"), latency("99")


async def _asyncio_client(url: str, seconds: int, connections: int, body: str | None) -> tuple[float, float, float]:
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=connections)) as client:

        async def worker() -> None:
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                if body is None:
                    response = await client.get(url)
                else:
                    response = await client.post(url, content=body, headers={"Content-Type": "application/json"})
                response.raise_for_status()
                latencies.append((time.perf_counter() - start) * 1000)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - began
    return len(latencies) / elapsed, percentile(latencies, 0.5), percentile(latencies, 0.99)


def measure(seconds: int = 5, connections: int = 32) -> list[Row]:
    tool = "wrk" if shutil.which("wrk") else "asyncio client"
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        server = start_server(Path(tmp), port)
        try:
            base = f"http://127.0.0.1:{port}"
            assert (
                httpx.post(base + "/api/tally", content=BODY, headers={"Content-Type": "application/json"}).status_code
                == 200
            )
            passes: dict[str, list[tuple[float, float, float]]] = {}
            endpoints = (("bare GET /healthz", "/healthz", None), ("POST /api/tally", "/api/tally", BODY))
            # One short pass each first, so neither pays for start-up; then the two endpoints take turns, PASSES
            # times each, and each keeps its median pass: a shared machine's slow moments fall on both alike.
            for turn in range(PASSES + 1):
                for name, path, body in endpoints:
                    duration = 1 if turn == 0 else seconds
                    if tool == "wrk":
                        result = _wrk(base + path, duration, connections, body)
                    else:
                        result = asyncio.run(_asyncio_client(base + path, duration, connections, body))
                    if turn:
                        passes.setdefault(name, []).append(result)
        finally:
            os.kill(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
    results = {name: sorted(taken)[len(taken) // 2] for name, taken in passes.items()}
    bare = results["bare GET /healthz"][0]
    for name, (rate, p50, p99) in results.items():
        ratio = rate / bare
        rows.append(
            {
                "endpoint": name,
                "load generator": f"{tool}, {connections} connections, median of {PASSES} × {seconds} s",
                "requests/s": rate,
                "p50 ms": p50,
                "p99 ms": p99,
                "ratio to bare": f"{ratio:.2f}",
                "verdict": "ok" if ratio >= 0.5 else "MISSED",
            }
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=TITLE)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    rows = measure(args.seconds, args.connections)
    print(format_table(rows))
    print(f"target: {TARGET}")
    return 0 if all(r["verdict"] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
