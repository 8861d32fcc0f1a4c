"""Faults of the session database: a corrupt file at start, an unreachable server, a full disk.

A database that cannot be used at start leaves the library and the boards working and every session
route answering 503 with one line that names the file and what to do. A full disk refuses a change
with 507 and a reason, keeps the connection, saves nothing, damages nothing, and voting resumes once
there is space: once with an injected SQLITE_FULL (always), once on a real, small, full filesystem
(where this process may mount one).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import sqlite3
import subprocess
import threading
import uuid
from collections.abc import Callable, Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from app.settings import Settings
from app.store.database import make_engine
from app.store.faults import DatabaseUnavailable, is_disk_full
from app.web import create_app
from tests.conftest import BUNDLED
from tests.live_server import INSTRUCTOR_TOKEN, LiveServer
from tests.loadclient import free_port, start_server

TOKEN = "faults-instructor-token-0123"
DB = "unsc-sim.sqlite3"


def _good_database(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    make_engine(f"sqlite:///{folder / DB}").dispose()
    for suffix in ("-wal", "-shm"):
        (folder / f"{DB}{suffix}").unlink(missing_ok=True)
    return folder / DB


def _random(path: Path) -> None:
    path.write_bytes(os.urandom(16384))


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:100])


def _bad_header(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(b"NOT AN SQLITE DB" + data[16:])


CORRUPTIONS: dict[str, Callable[[Path], None]] = {"random": _random, "truncated": _truncated, "bad header": _bad_header}


@pytest.fixture(params=list(CORRUPTIONS))
def corrupt_data(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A data folder whose session database has been damaged one way or another."""
    data = tmp_path / "data"
    CORRUPTIONS[request.param](_good_database(data))
    return data


def _one_line(text: str, path: Path) -> None:
    assert "\n" not in text.strip()
    assert str(path) in text
    assert "move it aside or restore a backup, then restart" in text


# A corrupt or unreachable database at start


def test_make_engine_says_in_one_line_which_file_cannot_be_read(corrupt_data: Path) -> None:
    with pytest.raises(DatabaseUnavailable) as raised:
        make_engine(f"sqlite:///{corrupt_data / DB}")
    _one_line(str(raised.value), corrupt_data / DB)


def test_an_unreachable_postgresql_is_named_without_its_password() -> None:
    url = f"postgresql://teacher:hunter2secret@127.0.0.1:{free_port()}/unsc?connect_timeout=3"
    with pytest.raises(DatabaseUnavailable) as raised:
        make_engine(url)
    line = str(raised.value)
    assert "\n" not in line
    assert "hunter2secret" not in line
    assert "postgresql://teacher:***@127.0.0.1" in line
    assert "check that the server is running" in line


def test_a_corrupt_database_leaves_the_library_and_refuses_every_session_route(corrupt_data: Path) -> None:
    settings = Settings(scenarios_dir=BUNDLED, data_dir=corrupt_data, instructor_token=TOKEN)
    with TestClient(create_app(settings), headers={"Accept": "application/json"}) as client:
        assert client.get("/", headers={"Accept": "text/html"}).status_code == 200
        assert client.get("/scenarios/council-2026", headers={"Accept": "text/html"}).status_code == 200
        assert client.get("/api/scenarios").status_code == 200
        assert client.get("/healthz").status_code == 200
        for path in ("/sessions", "/join/ABCDEF", "/join", "/s/abcdef/projector", "/s/abcdef/seat", "/s/abcdef/events"):
            response = client.get(path)
            assert response.status_code == 503, path
            _one_line(response.json()["error"], corrupt_data / DB)
        page = client.get("/join/ABCDEF", headers={"Accept": "text/html"})
        assert page.status_code == 503
        assert "text/html" in page.headers["content-type"]
        assert f"the session database {corrupt_data / DB} cannot be read" in page.text
        # The posts, the students' fast vote road included, refuse the same way.
        csrf = client.cookies["unsc_csrf"]
        form = {"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://testserver"}
        vote = client.post("/s/abcdef/vote", content=f"vote=yes&csrf={csrf}", headers=form)
        assert vote.status_code == 503
        _one_line(vote.json()["error"], corrupt_data / DB)
        assert client.post("/join/ABCDEF", data={"member": "USA", "csrf": csrf}).status_code == 503
        # The instructor still signs in (the editor needs no session database); the sessions page says why not.
        signed_in = client.get(f"/instructor?token={TOKEN}", follow_redirects=False)
        assert signed_in.status_code == 303
        assert client.get("/editor", headers={"Accept": "text/html"}).status_code == 200
        assert client.get("/sessions").status_code == 503
        started = client.post("/sessions", data={"scenario_id": "council-2026", "csrf": csrf})
        assert started.status_code == 503
    # Nothing touched the damaged file: it is there to be rescued.
    assert (corrupt_data / DB).exists()


def test_serve_on_a_corrupt_database_prints_the_line_and_keeps_serving(tmp_path: Path) -> None:
    import httpx

    data = tmp_path / "data"
    _random(_good_database(data))
    log = tmp_path / "serve.log"
    port = free_port()
    with log.open("wb") as output:
        server = start_server(data, port, token=TOKEN, scenarios=BUNDLED, output=output.fileno())
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
                assert client.get("/", headers={"Accept": "text/html"}).status_code == 200
                refused = client.get("/join/ABCDEF", headers={"Accept": "application/json"})
                assert refused.status_code == 503
                _one_line(refused.json()["error"], (data / DB).resolve())
        finally:
            server.terminate()
            server.wait(timeout=10)
    said = log.read_text()
    assert f"unsc-sim: the session database {(data / DB).resolve()} cannot be read (file is not a database)" in said
    assert "Traceback" not in said
    assert said.count("cannot be read") == 1


# A full disk


def _sqlite_full() -> sqlite3.OperationalError:
    """A genuine SQLITE_FULL, from SQLite itself (a database not allowed to grow)."""
    with contextlib.closing(sqlite3.connect(":memory:")) as db:
        db.execute("CREATE TABLE t (x)")
        db.execute("PRAGMA max_page_count = 2")
        try:
            for _ in range(10):
                db.execute("INSERT INTO t VALUES (zeroblob(4000))")
        except sqlite3.OperationalError as error:
            return error
    raise AssertionError("SQLite did not fill up")


class _Room:
    """An instructor and students on one keep-alive connection each (http.client: one socket, reused)."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.connections: list[http.client.HTTPConnection] = []
        self.instructor = self._connection()
        self.cookies: dict[str, dict[tuple[str, str], str]] = {}  # each visitor's cookies, by name and path
        self._request(self.instructor, "GET", f"/instructor?token={token}", who="instructor")
        self._request(self.instructor, "GET", "/join", who="instructor")

    def _connection(self) -> http.client.HTTPConnection:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        self.connections.append(connection)
        return connection

    def close(self) -> None:
        for connection in self.connections:
            connection.close()

    def _request(
        self, connection: http.client.HTTPConnection, method: str, path: str, *, who: str, form: str | None = None
    ) -> tuple[int, str, dict[str, str]]:
        jar = self.cookies.setdefault(who, {})
        sent = [f"{name}={value}" for (name, where), value in jar.items() if _within(path, where)]
        headers = {"Accept": "application/json", "Cookie": "; ".join(sent)}
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        connection.request(method, path, body=form, headers=headers)
        response = connection.getresponse()
        body = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                for morsel in SimpleCookie(value).values():
                    key = (morsel.key, morsel["path"] or "/")
                    if morsel["max-age"] in ("0", 0):
                        jar.pop(key, None)
                    else:
                        jar[key] = morsel.value
        return response.status, body, dict(response.getheaders())

    def post(self, connection: http.client.HTTPConnection, path: str, who: str, **fields: str) -> tuple[int, str]:
        fields["csrf"] = self.cookies[who][("unsc_csrf", "/")]
        form = "&".join(f"{k}={v}" for k, v in fields.items())
        status, body, _ = self._request(connection, "POST", path, who=who, form=form)
        return status, body

    def get(self, connection: http.client.HTTPConnection, path: str, who: str) -> tuple[int, str]:
        status, body, _ = self._request(connection, "GET", path, who=who)
        return status, body

    def start(self) -> str:
        status, _, headers = self._request(
            self.instructor,
            "POST",
            "/sessions",
            who="instructor",
            form=f"scenario_id=council-2026&csrf={self.cookies['instructor'][('unsc_csrf', '/')]}",
        )
        assert status == 303, status
        session_id = headers["location"].split("/s/")[1].split("/")[0]
        assert self.post(self.instructor, f"/s/{session_id}/control", "instructor", action="open")[0] == 200
        return session_id

    def join(self, session_id: str, member: str) -> http.client.HTTPConnection:
        student = self._connection()
        self.get(student, "/join", who=member)
        _, page = self.get(self.instructor, f"/s/{session_id}/console", who="instructor")
        code = page.split('class="mono">')[1].split("<")[0]
        status, body = self.post(student, f"/join/{code}", member, member=member)
        assert status == 303, body
        return student


def _within(path: str, where: str) -> bool:
    return where == "/" or path == where or path.startswith(where.rstrip("/") + "/")


def _votes(room: _Room, session_id: str) -> dict[str, str]:
    status, body = room.get(room.instructor, f"/s/{session_id}/export.json", who="instructor")
    assert status == 200, body
    return {d["code"]: d["vote"] for d in json.loads(body)["delegations"]}


def _full_disk_scenario(room: _Room, session_id: str, fill: Callable[[], None], free: Callable[[], None]) -> None:
    """Vote, fill the disk, vote (507, same connection still fine), free it, vote again."""
    student = room.join(session_id, "USA")
    status, body = room.post(student, f"/s/{session_id}/vote", "USA", vote="yes")
    assert status == 200, body
    socket_before = student.sock
    fill()
    try:
        for vote in ("no", "abstain"):
            status, body = room.post(student, f"/s/{session_id}/vote", "USA", vote=vote)
            assert status == 507, body
            error = json.loads(body)["error"]
            assert "\n" not in error
            assert "disk holding the session database is full (database or disk is full)" in error
            assert "the change was not saved" in error
            # The next request on the very same connection is answered.
            assert room.get(student, f"/s/{session_id}/seat", who="USA")[0] == 200
            assert student.sock is socket_before
        status, body = room.post(room.instructor, f"/s/{session_id}/control", "instructor", action="close")
        assert status == 507, body
        assert _votes(room, session_id)["USA"] == "yes"  # nothing in memory ran ahead of the database
    finally:
        free()
    status, body = room.post(student, f"/s/{session_id}/vote", "USA", vote="no")
    assert status == 200, body
    assert student.sock is socket_before
    assert _votes(room, session_id)["USA"] == "no"


def test_an_injected_sqlite_full_is_a_507_and_voting_resumes(tmp_path: Path) -> None:
    full = threading.Event()
    error = _sqlite_full()
    assert is_disk_full(error)
    with LiveServer(tmp_path) as server:
        engine: Engine = server.app.state.store.engine

        @event.listens_for(engine, "before_cursor_execute")
        def _no_space(*args: Any) -> None:
            statement = str(args[2]).lstrip().upper()
            if full.is_set() and statement.startswith(("INSERT", "UPDATE", "DELETE")):
                raise error

        room = _Room(server.port, INSTRUCTOR_TOKEN)
        try:
            session_id = room.start()
            _full_disk_scenario(room, session_id, full.set, full.clear)
        finally:
            room.close()
    _check_intact(tmp_path / "data" / DB, session_id)


def _check_intact(path: Path, session_id: str) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT vote FROM seats WHERE session_id = ? AND code = 'USA'", (session_id,)).fetchone() == (
            "no",
        )


@pytest.fixture
def small_filesystem(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs of this test's own; skipped where this process may not mount one."""
    if shutil.which("mount") is None or not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root and mount(8); the injected-error test covers the rest")
    where = tmp_path / f"small-{uuid.uuid4().hex[:6]}"
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(where)], capture_output=True, text=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here ({mounted.stderr.strip() or mounted.returncode})")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def test_a_really_full_disk_is_a_507_and_voting_resumes_when_space_returns(small_filesystem: Path) -> None:
    data = small_filesystem / "data"
    port = free_port()
    server = start_server(data, port, token=TOKEN, scenarios=BUNDLED)
    filler = small_filesystem / "filler"

    def fill() -> None:
        with contextlib.suppress(OSError), filler.open("wb", buffering=0) as handle:
            while True:
                handle.write(b"\0" * 4096)

    room = None
    try:
        room = _Room(port, TOKEN)
        session_id = room.start()
        _full_disk_scenario(room, session_id, fill, lambda: filler.unlink(missing_ok=True))
    finally:
        if room is not None:
            room.close()
        server.terminate()
        server.wait(timeout=10)
    _check_intact(data / DB, session_id)
