"""What the benchmark scripts share: a free port, a server in its own process, a table printer."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-instructor-token-0123456789"
Row = dict[str, Any]


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
) -> subprocess.Popen[bytes]:
    """`unsc-sim serve` in its own process, so the load generator does not share its interpreter."""
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--data", str(data), "--token", token]
    if scenarios is not None:
        command += ["--scenarios", str(scenarios)]
    env = dict(os.environ)
    if database_url is not None:
        env["UNSC_SIM_DATABASE_URL"] = database_url
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
    instructor: httpx.AsyncClient, rooms: int, token: str = TOKEN, scenario_id: str = "council-2026"
) -> tuple[str, list[tuple[str, str]]]:
    """Sign in as the instructor and start ``rooms`` sessions: the CSRF token, and each (session id, join code)."""
    await instructor.get("/instructor", params={"token": token})
    await instructor.get("/join")
    csrf = str(instructor.cookies["unsc_csrf"])
    sessions = []
    for _ in range(rooms):
        response = await instructor.post("/sessions", data={"scenario_id": scenario_id, "csrf": csrf})
        session_id = str(response.url).split("/s/")[1].split("/")[0]
        sessions.append((session_id, response.text.split('class="mono">')[1].split("<")[0]))
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
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def format_table(rows: list[Row]) -> str:
    """Rows of figures as an aligned Markdown table (readable in a terminal and in docs/benchmarks.md)."""
    if not rows:
        return "(no rows)"
    columns = list(rows[0])
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)) + " |",
        "|" + "|".join("-" * (w + 2) for w in widths) + "|",
    ]
    lines += ["| " + " | ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) + " |" for r in cells]
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
