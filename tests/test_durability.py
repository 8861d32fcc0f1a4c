"""A real server killed with SIGKILL mid-session loses no acknowledged vote and no session."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx

from tests.conftest import BUNDLED
from tests.loadclient import free_port, start_server
from tests.room import Room

TOKEN = "durability-instructor-token"


def _serve(data: Path, port: int, database_url: str) -> subprocess.Popen[bytes]:
    url = None if database_url.startswith("sqlite") else database_url  # SQLite: the data folder's own file
    return start_server(data, port, token=TOKEN, scenarios=BUNDLED, output=subprocess.PIPE, database_url=url)


def test_sigkill_mid_session_loses_no_acknowledged_vote(tmp_path: Path, database_url: str) -> None:
    port = free_port()
    server = _serve(tmp_path, port, database_url)
    acknowledged: dict[str, str] = {}
    try:
        room = Room(f"http://127.0.0.1:{port}", TOKEN)
        session_id, code = room.start("council-2026")
        members = [m["code"] for m in room.export()["delegations"]]
        for index, member in enumerate(members):
            room.join(member, f"Student {index}")
            vote = ("yes", "no", "abstain")[index % 3]
            assert room.vote(member, vote)["vote"] == vote
            acknowledged[member] = vote
        room.close()
    finally:
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        if server.stdout:
            log = server.stdout.read().decode()
            server.stdout.close()
            assert log.count(TOKEN) == 1  # printed once in the instructor link, never logged

    restarted = _serve(tmp_path, port, database_url)
    try:
        room = Room(f"http://127.0.0.1:{port}", TOKEN)
        data = room.export(session_id)
        assert {d["code"]: d["vote"] for d in data["delegations"]} == acknowledged
        assert [e["action"] for e in data["audit"]].count("vote") == len(acknowledged)
        # The session, and its join code, survived the kill too.
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as stranger:
            assert stranger.get(f"/join/{code}").status_code == 200
        room.close()
    finally:
        restarted.terminate()
        restarted.wait(timeout=10)
        if restarted.stdout:
            restarted.stdout.close()


def test_sigkill_during_a_burst_keeps_every_acknowledged_vote_exactly_once(tmp_path: Path, database_url: str) -> None:
    import threading

    port = free_port()
    server = _serve(tmp_path, port, database_url)
    room = Room(f"http://127.0.0.1:{port}", TOKEN)
    session_id, _ = room.start("council-2026")
    members = [m["code"] for m in room.export()["delegations"]]
    for member in members:
        room.join(member)
    acknowledged: list[tuple[int, str, str]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def voter(member: str) -> None:
        for turn in range(10_000):
            if stop.is_set():
                return
            vote = ("yes", "no", "abstain")[turn % 3]
            try:
                answer = room.vote(member, vote)
            except httpx.HTTPError:
                return  # the server died mid-request: this vote was never acknowledged
            with lock:
                acknowledged.append((answer["version"], member, vote))

    threads = [threading.Thread(target=voter, args=(m,)) for m in members]
    for thread in threads:
        thread.start()
    while len(acknowledged) < 60:
        time.sleep(0.01)
    os.kill(server.pid, signal.SIGKILL)
    server.wait(timeout=10)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    if server.stdout:
        server.stdout.close()
    room.close()

    restarted = _serve(tmp_path, port, database_url)
    try:
        after = Room(f"http://127.0.0.1:{port}", TOKEN)
        data = after.export(session_id)
        after.close()
    finally:
        restarted.terminate()
        restarted.wait(timeout=10)
        if restarted.stdout:
            restarted.stdout.close()
    votes = [(e["version"], e["member"], e["detail"]) for e in data["audit"] if e["action"] == "vote"]
    assert set(acknowledged) <= set(votes)  # every acknowledged vote survived the kill
    versions = [e["version"] for e in data["audit"]]
    assert len(versions) == len(set(versions)) and len(votes) == len(set(votes))  # and none is there twice
    latest = {member: "undecided" for member in members} | {member: vote for _, member, vote in sorted(votes)}
    assert {d["code"]: d["vote"] for d in data["delegations"]} == latest  # each seat shows its last committed vote
