"""The built wheel is enough to serve: templates, static files and bundled scenarios travel inside it.

The wheel is installed without dependencies into a fresh virtualenv whose only other path is this
project's virtualenv's site-packages (for FastAPI and friends): the app's own code and files can come
from nowhere but the wheel. The server runs from an unrelated folder, so the current directory cannot help.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import sysconfig
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT
from tests.loadclient import free_port

TOKEN = "wheel-test-instructor-token"


def run(*command: str | Path, cwd: Path | None = None) -> None:
    result = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``unsc-sim`` command of a fresh virtualenv holding the wheel."""
    root = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", root / "dist", ROOT)
    (wheel,) = (root / "dist").glob("unsc_sim-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for bundled in ("templates/base.html", "static/style.css", "scenarios/council-2026.yaml"):
        assert f"app/_bundled/{bundled}" in names
    venv = root / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--quiet", "--no-deps", wheel)
    (site,) = (venv / "lib").glob("python3*/site-packages")
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    return venv / "bin" / "unsc-sim"


@contextlib.contextmanager
def serving(installed: Path, cwd: Path, *options: str | Path) -> Iterator[tuple[str, list[str]]]:
    """The installed ``unsc-sim serve`` on a free port: its address, and (once stopped) what it printed."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "UNSC_SIM_", "VIRTUAL_ENV"))}
    command = [installed, "serve", "--port", str(port), "--data", "data", "--token", TOKEN, *options]
    server = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    said: list[str] = []
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            assert server.poll() is None, server.communicate()[0].decode()
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "the installed server did not start"
                time.sleep(0.1)
        yield base, said
    finally:
        server.terminate()
        said.append(server.communicate(timeout=10)[0].decode())
    assert "Traceback" not in said[0], said[0]


def test_the_installed_wheel_serves_from_any_folder(installed: Path, tmp_path: Path) -> None:
    with serving(installed, tmp_path) as (base, said):
        assert "council-2026" in httpx.get(f"{base}/", timeout=5).text
        for page in ("/scenarios/council-2026", "/static/style.css"):
            assert httpx.get(base + page, timeout=5).status_code == 200, page
    assert f"serving the scenarios in {installed.parents[1]}" in said[0], said[0]  # inside the virtualenv


def test_the_installed_wheel_serves_the_users_folder_with_the_bundled_one(installed: Path, tmp_path: Path) -> None:
    mine = tmp_path / "my-scenarios"
    mine.mkdir()
    (mine / "my-question.yaml").write_bytes((ROOT / "scenarios" / "syria-2018-agenda.yaml").read_bytes())
    with serving(installed, tmp_path, "--scenarios", mine) as (base, said):
        library = httpx.get(f"{base}/", timeout=5)
        assert library.status_code == 200
        assert "council-2026" in library.text and "my-question" in library.text
        for page in ("/scenarios/council-2026", "/scenarios/my-question", "/static/style.css"):
            assert httpx.get(base + page, timeout=5).status_code == 200, page
    assert f"serving the scenarios in {mine} and {installed.parents[1]}" in said[0], said[0]
