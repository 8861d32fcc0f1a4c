"""A class on the school network: `serve --classroom` listens everywhere and links carry the network address."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from app.web.address import is_loopback, network_address
from tests.conftest import ROOT
from tests.loadclient import free_port, wait_for
from tests.room import Room

TOKEN = "classroom-instructor-token-1234"


def test_classroom_mode_prints_and_links_the_network_address_not_loopback(tmp_path: Path) -> None:
    address = network_address()
    if address is None:
        pytest.skip("this machine has no network address besides loopback")
    port = free_port()
    command = [sys.executable, "-m", "app.cli", "serve", "--classroom", "--port", str(port)]
    command += ["--data", str(tmp_path), "--token", TOKEN]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    printed = []
    try:
        assert server.stdout is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            printed.append(line)
            if "Wi-Fi" in line:
                break
        said = "".join(printed)
        assert f"http://{address}:{port}/join" in said and f"http://{address}:{port}/instructor?token=" in said
        assert "same Wi-Fi" in said
        wait_for(f"http://127.0.0.1:{port}/healthz")
        room = Room(f"http://127.0.0.1:{port}", TOKEN)  # the teacher's own browser, on loopback
        session_id, code = room.start("council-2026")
        console = room.instructor.get(f"/s/{session_id}/console").text
        projector = httpx.get(f"http://127.0.0.1:{port}/s/{session_id}/projector").text
        for page in (console, projector):
            assert f"http://{address}:{port}/join/{code}" in page
            assert f"127.0.0.1:{port}/join" not in page
        assert "Phones cannot open" not in console
        room.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
        if server.stdout:
            server.stdout.close()


def test_a_console_whose_links_point_at_loopback_says_so(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from app.settings import Settings
    from app.web import create_app
    from tests.web.test_sessions import start

    settings = Settings(data_dir=tmp_path, instructor_token=TOKEN)  # listens on 127.0.0.1: phones cannot reach it
    with TestClient(create_app(settings), headers={"Accept": "text/html"}) as instructor:
        instructor.get(f"/instructor?token={TOKEN}")
        session_id, _ = start(instructor)
        console = instructor.get(f"/s/{session_id}/console").text
    assert "Phones cannot open" in console and "make classroom" in console
    assert is_loopback("http://127.0.0.1:8000") and is_loopback("http://localhost:8000")
    assert not is_loopback("http://192.168.1.20:8000") and not is_loopback("https://unsc.example.org")
