"""A database written by the first release opens and is upgraded in place, with no session lost."""

from __future__ import annotations

import hashlib

from sqlalchemy import create_engine, insert, inspect, select, text

from app.domain.votes import Vote
from app.scenarios import load_file
from app.store.database import make_engine, normalise_url, upgrade
from tests.conftest import BUNDLED
from tests.store import first_release_tables as old
from tests.store.test_sessions_store import service_over

SCENARIO = load_file(BUNDLED / "dprk-2019-meeting-not-held.yaml")
TOKEN = "a-students-seat-token-from-the-first-release"


def write_first_release_database(url: str) -> None:
    """Tables as the first release made them, holding one session mid-vote with a student seated."""
    engine = create_engine(normalise_url(url))
    old.metadata.create_all(engine)
    at = "2026-11-29T10:00:00.000000+00:00"
    with engine.begin() as conn:
        conn.execute(
            insert(old.sessions).values(
                id="oldsession1",
                join_code="ACDEFH",
                scenario_id="dprk-2019-meeting-not-held",
                scenario_json=SCENARIO.model_dump_json(),
                status="open",
                hide_votes=False,
                version=3,
                created_at=at,
                updated_at=at,
            )
        )
        conn.execute(
            insert(old.seats),
            [
                {
                    "session_id": "oldsession1",
                    "code": m.code,
                    "position": i,
                    "vote": m.vote.value,
                    "voted_at": None,
                    "token_hash": hashlib.sha256(TOKEN.encode()).hexdigest() if m.code == "USA" else None,
                    "holder": "Alice" if m.code == "USA" else None,
                    "reserved_for": None,
                }
                for i, m in enumerate(SCENARIO.members)
            ],
        )
        rows = [(1, "create", None), (2, "claim", "USA"), (3, "vote", "CHN"), (3, "vote", "RUS")]  # a lost update
        conn.execute(
            insert(old.audit),
            [
                {"session_id": "oldsession1", "at": at, "version": v, "actor": "x", "action": a, "member": m}
                for v, a, m in rows
            ],
        )
    engine.dispose()


def test_a_first_release_database_is_upgraded_in_place(database_url: str) -> None:
    write_first_release_database(database_url)
    engine = make_engine(database_url)
    service = service_over(engine)
    try:
        assert {"alembic_version", "rate_limits"} <= set(inspect(engine).get_table_names())
        view = service.get("oldsession1")
        assert view.join_code == "ACDEFH" and view.seat("USA").holder == "Alice"
        assert service.seat_for_token("oldsession1", TOKEN) == "USA"  # the student keeps the seat
        log = service.audit_log("oldsession1")
        assert [e["action"] for e in log] == ["create", "claim", "vote", "vote"]  # nothing of the record dropped
        assert len({e["version"] for e in log}) == 4 and view.version == 4
        after, _ = service.student_vote_sync("oldsession1", TOKEN, Vote.YES, None)
        assert after.version == 5 and after.outcome.outcome.value == "adopted"
    finally:
        service.close()
        engine.dispose()


def test_migrating_twice_changes_nothing(database_url: str) -> None:
    make_engine(database_url).dispose()
    engine = make_engine(database_url)
    with engine.connect() as conn:
        assert conn.execute(select(old.sessions.c.id)).all() == []
    engine.dispose()


def test_a_database_from_before_meetings_is_upgraded_with_its_students_and_sessions(database_url: str) -> None:
    """Revision 0003 (students, before meetings) with a session in it: upgraded in place, nothing lost."""
    engine = make_engine(database_url, migrate=False)
    upgrade(engine, "0003")
    at = "2026-11-30T09:00:00.000000+00:00"
    digest = hashlib.sha256(TOKEN.encode()).hexdigest()
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO sessions (id, join_code, scenario_id, scenario_json, status, hide_votes, version, "
                "created_at, updated_at, join_mode, seat_size) VALUES ('before1', 'ACDEFK', 'dprk', :json, 'open', "
                "false, 2, :at, :at, 'approve', 2)"
            ),
            {
                "json": SCENARIO.model_dump_json(exclude={"agenda", "invitations", "drafts", "speaking_seconds"}),
                "at": at,
            },
        )
        for i, m in enumerate(SCENARIO.members):
            conn.execute(
                text(
                    "INSERT INTO seats (session_id, code, position, vote, token_hash, holder) "
                    "VALUES ('before1', :code, :i, :vote, :hash, :holder)"
                ),
                {
                    "code": m.code,
                    "i": i,
                    "vote": m.vote.value,
                    "hash": digest if m.code == "USA" else None,
                    "holder": "Alice" if m.code == "USA" else None,
                },
            )
        conn.execute(
            text(
                "INSERT INTO students (session_id, key, position, token_hash, place, seat, name, joined_at) "
                "VALUES ('before1', :key, 0, :hash, 'seated', 'USA', 'Alice', :at)"
            ),
            {"key": digest[:16], "hash": digest, "at": at},
        )
    engine.dispose()
    engine = make_engine(database_url)
    service = service_over(engine)
    try:
        assert {"meeting_acts"} <= set(inspect(engine).get_table_names())
        view = service.get("before1")
        assert view.meeting is None and view.president is None and view.deeds == ()
        assert view.seat_size == 2 and view.join_mode.value == "approve"
        assert service.seat_for_token("before1", TOKEN) == "USA" and view.seat("USA").holder == "Alice"
        after, _ = service.student_vote_sync("before1", TOKEN, Vote.YES, None)
        assert after.version == 3
    finally:
        service.close()
        engine.dispose()
