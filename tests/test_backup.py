"""``unsc-sim backup PATH``: a consistent copy of the session database while the writer is busy."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.cli import main
from app.domain.session import Action
from app.domain.votes import Vote
from app.sessions import SessionService
from app.settings import Settings
from app.web import create_app
from tests.conftest import BUNDLED

VOTES = (Vote.YES, Vote.NO, Vote.ABSTAIN)


def _copy(path: Path) -> tuple[dict[str, str], int, int]:
    """The copy's votes for its one session, its version, and how many votes its audit log holds."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
        (version,) = db.execute("SELECT version FROM sessions").fetchone()
        votes = dict(db.execute("SELECT code, vote FROM seats").fetchall())
        (audited,) = db.execute("SELECT count(*) FROM audit WHERE action = 'vote'").fetchone()
    return votes, int(version), int(audited)


def test_a_backup_taken_while_the_writer_is_busy_holds_every_committed_vote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    app = create_app(Settings(scenarios_dir=BUNDLED, data_dir=data))
    with TestClient(app):
        service: SessionService = app.state.service
        view = service.create("council-2026", app.state.library.get("council-2026"))
        service.control(view.id, Action.OPEN)
        members = [seat.code for seat in view.seats]
        acknowledged: list[tuple[int, str, str]] = []  # (version, member, vote), as each commit answered
        stop = threading.Event()

        def vote_forever() -> None:
            turn = 0
            while not stop.is_set():
                member, vote = members[turn % len(members)], VOTES[(turn // len(members)) % 3]  # never a no-op
                done = service.instructor_vote_sync(view.id, member, vote)
                acknowledged.append((done.version, member, vote.value))
                turn += 1

        voter = threading.Thread(target=vote_forever)
        voter.start()
        try:
            copies = []
            for index in range(5):
                while len(acknowledged) < 20 * (index + 1):
                    assert voter.is_alive()
                    stop.wait(0.005)
                before = list(acknowledged)
                target = tmp_path / f"backup-{index}.sqlite3"
                assert main(["backup", str(target), "--data", str(data)]) == 0
                copies.append((target, before))
        finally:
            stop.set()
            voter.join(timeout=30)
        for target, before in copies:
            votes, version, audited = _copy(target)
            # Every vote acknowledged before the backup began is in it, and it is the state of one commit.
            assert version >= before[-1][0]
            assert audited >= len(before)
            expected: dict[str, str] = {}
            for done_version, member, vote in sorted(acknowledged):
                if done_version <= version:
                    expected[member] = vote
            assert {code: vote for code, vote in votes.items() if code in expected} == expected
        # With the writer at rest, the copy is the database: every committed vote.
        final = tmp_path / "final.sqlite3"
        assert main(["backup", str(final), "--data", str(data)]) == 0
        votes, version, audited = _copy(final)
        assert audited == len(acknowledged)
        assert version == service.get(view.id).version
        last = {member: vote for _, member, vote in sorted(acknowledged)}
        assert {code: vote for code, vote in votes.items() if code in last} == last
    said = capsys.readouterr().out
    assert f"unsc-sim: backed up {data / 'unsc-sim.sqlite3'} to {final} (1 session)" in said


def test_backup_never_overwrites_and_says_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    assert main(["backup", str(tmp_path / "copy.sqlite3"), "--data", str(data)]) == 2
    assert f"there is no session database at {data / 'unsc-sim.sqlite3'}" in capsys.readouterr().err
    create_app(Settings(scenarios_dir=BUNDLED, data_dir=data)).state.store.engine.dispose()
    existing = tmp_path / "existing.sqlite3"
    existing.write_text("keep me", encoding="utf-8")
    assert main(["backup", str(existing), "--data", str(data)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert existing.read_text(encoding="utf-8") == "keep me"


def test_backup_of_a_corrupt_database_fails_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "unsc-sim.sqlite3").write_bytes(b"not a database, not at all" * 100)
    target = tmp_path / "copy.sqlite3"
    assert main(["backup", str(target), "--data", str(data)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "could not be copied (file is not a database); nothing was written" in err
    assert not target.exists()
    assert list(tmp_path.glob(".copy*")) == []


def test_backup_of_postgresql_points_to_pg_dump(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("UNSC_SIM_DATABASE_URL", "postgresql://teacher:hunter2secret@db.example.org/unsc")
    assert main(["backup", str(tmp_path / "copy.dump")]) == 2
    err = capsys.readouterr().err
    assert "back them up with pg_dump" in err
    assert "hunter2secret" not in err
    assert not (tmp_path / "copy.dump").exists()
