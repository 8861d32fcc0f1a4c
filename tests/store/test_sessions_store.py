"""The session store: transactions, versions, the audit log, concurrency and expiry."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path

import pytest

from app.domain.errors import Conflict, NotFound
from app.domain.session import Status
from app.domain.votes import Vote
from app.scenario_files import load_file
from app.store.database import make_engine, sqlite_url
from app.store.sessions import SessionStore, export_json
from tests.conftest import BUNDLED

SCENARIO = load_file(BUNDLED / "dprk-2019-meeting-not-held.yaml")


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(make_engine(sqlite_url(tmp_path)))


def test_a_session_keeps_its_own_copy_of_the_scenario(store: SessionStore) -> None:
    session = store.create("dec", SCENARIO)
    assert session.version == 1 and session.status is Status.OPEN
    assert session.scenario == SCENARIO
    assert [s.code for s in session.seats] == [m.code for m in SCENARIO.members]
    assert store.by_join_code(session.join_code).id == session.id


def test_claim_stores_only_a_hash_of_the_seat_token(store: SessionStore, tmp_path: Path) -> None:
    session = store.create("dec", SCENARIO)
    session, token = store.claim(session.id, "USA", "Alice")
    assert store.seat_for_token(session.id, token) == "USA"
    assert store.seat_for_token(session.id, token + "x") is None
    with sqlite3.connect(tmp_path / "unsc-sim.sqlite3") as db:
        assert token not in str(db.execute("select * from seats").fetchall())
    with pytest.raises(Conflict, match="already taken"):
        store.claim(session.id, "USA", "Bob")


def test_each_change_bumps_the_version_and_is_audited(store: SessionStore) -> None:
    session = store.create("dec", SCENARIO)
    session, _ = store.claim(session.id, "USA", "Alice")
    session = store.vote(session.id, "USA", Vote.YES, "student:USA")
    assert session.version == 3
    assert session.outcome.outcome.value == "adopted"
    assert session.seat("USA").voted_at is not None
    log = store.audit_log(session.id)
    assert [(e["action"], e["member"], e["actor"]) for e in log] == [
        ("create", None, "instructor"),
        ("claim", "USA", "student"),
        ("vote", "USA", "student:USA"),
    ]


def test_release_invalidates_the_token(store: SessionStore) -> None:
    session = store.create("dec", SCENARIO)
    session, token = store.claim(session.id, "USA", None)
    store.release(session.id, "USA")
    assert store.seat_for_token(session.id, token) is None
    assert store.claim(session.id, "USA", "Bob")[0].seat("USA").holder == "Bob"


def test_closed_and_ended_sessions_refuse_votes(store: SessionStore) -> None:
    session = store.create("dec", SCENARIO)
    store.set_status(session.id, Status.CLOSED)
    with pytest.raises(Conflict, match="closed"):
        store.vote(session.id, "USA", Vote.YES, "instructor")
    store.set_status(session.id, Status.ENDED)
    with pytest.raises(Conflict, match="ended"):
        store.set_status(session.id, Status.OPEN)


def test_reset_and_clear(store: SessionStore) -> None:
    session = store.create("dec", SCENARIO)
    store.vote(session.id, "USA", Vote.YES, "instructor")
    cleared = store.reset(session.id, to_scenario=False)
    assert all(s.vote is Vote.UNDECIDED for s in cleared.seats)
    reset = store.reset(session.id, to_scenario=True)
    assert reset.votes == SCENARIO.starting_votes


def test_forty_students_voting_at_once_lose_nothing(store: SessionStore) -> None:
    big = load_file(BUNDLED / "council-2026.yaml")
    session = store.create("y", big)
    tokens = {}
    for seat in session.seats:
        tokens[seat.code] = store.claim(session.id, seat.code, None)[1]
    rounds = 3  # 45 transactions racing for the write lock, more than a class of 40
    barrier = threading.Barrier(len(tokens) * rounds)
    errors: list[BaseException] = []

    def vote(code: str, vote: Vote) -> None:
        try:
            barrier.wait()
            store.vote(session.id, code, vote, f"student:{code}")
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=vote, args=(c, Vote.NO)) for c in tokens for _ in range(rounds)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    final = store.get(session.id)
    assert final.version == 1 + len(tokens) + rounds * len(tokens)
    assert all(s.vote is Vote.NO for s in final.seats)
    assert len(store.audit_log(session.id)) == final.version


def test_purge_removes_ended_and_idle_sessions_only(store: SessionStore) -> None:
    ended = store.create("a", SCENARIO)
    store.set_status(ended.id, Status.ENDED)
    live = store.create("b", SCENARIO)
    now = dt.datetime.now(dt.UTC)
    assert store.purge(ended_before=now - dt.timedelta(hours=1), idle_before=now - dt.timedelta(hours=1)) == []
    assert store.purge(ended_before=now + dt.timedelta(seconds=1), idle_before=now - dt.timedelta(hours=1)) == [
        ended.id
    ]
    with pytest.raises(NotFound):
        store.get(ended.id)
    assert store.get(live.id)
    assert store.purge(ended_before=now, idle_before=now + dt.timedelta(seconds=1)) == [live.id]


def test_export_json_has_votes_times_outcome_and_audit(store: SessionStore) -> None:
    import json

    session = store.create("dec", SCENARIO)
    session = store.vote(session.id, "USA", Vote.YES, "instructor")
    data = json.loads(export_json(session, store.audit_log(session.id)))
    usa = next(d for d in data["delegations"] if d["code"] == "USA")
    assert usa["vote"] == "yes" and usa["cast_at"]
    assert data["outcome"]["outcome"] == "adopted"
    assert data["audit"][-1]["action"] == "vote"
