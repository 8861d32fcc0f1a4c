"""Sessions, seats and the audit log in the database (SQLAlchemy Core: SQLite or PostgreSQL).

The store reads sessions and writes what the writer hands it: a new session, or the changes a
batch made to one session. Writing a batch bumps the session's version with one
``UPDATE ... RETURNING``: if the version it returns is not the one the batch was computed from,
another writer (another instance on the same PostgreSQL database) got there first, and the
batch is refused as ``Stale`` to be computed again, never applied on top of a state it did not see.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine, and_, bindparam, delete, func, insert, or_, select, text, update

from app.domain.errors import NotFound
from app.domain.scenario import Scenario
from app.domain.session import Change, Seat, SessionView, Status
from app.domain.votes import Vote
from app.store.database import writing
from app.store.tables import audit, seats, sessions

NOTIFY_CHANNEL = "unsc_sim_sessions"


class Stale(Exception):
    """A session changed under a batch (another instance wrote first): reload it and try again."""

    def __init__(self, session_id: str) -> None:
        super().__init__(session_id)
        self.session_id = session_id


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def _parse(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_SEAT_UPDATE = (
    update(seats)
    .where(and_(seats.c.session_id == bindparam("sid"), seats.c.code == bindparam("seat_code")))
    .values(
        vote=bindparam("vote"),
        voted_at=bindparam("voted_at"),
        token_hash=bindparam("seat_token"),
        holder=bindparam("seat_holder"),
        reserved_for=bindparam("seat_reserved"),
    )
)


class SessionStore:
    """All reads of live sessions, and the writes the writer hands over."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        # A session's copy of its scenario never changes, so it is parsed once, not on every load.
        self._scenarios: dict[str, Scenario] = {}

    # Reading

    def load(self, conn: Connection, session_id: str) -> SessionView:
        row = conn.execute(select(sessions).where(sessions.c.id == session_id)).mappings().first()
        if row is None:
            raise NotFound("no such session (it may have ended and expired)")
        scenario = self._scenarios.get(session_id)
        if scenario is None:
            scenario = self._scenarios[session_id] = Scenario.model_validate_json(row["scenario_json"])
        members = {m.code: m for m in scenario.members}
        seat_rows = conn.execute(
            select(seats).where(seats.c.session_id == session_id).order_by(seats.c.position)
        ).mappings()
        seat_views = tuple(
            Seat(
                code=s["code"],
                name=members[s["code"]].name,
                permanent=members[s["code"]].permanent,
                vote=Vote(s["vote"]),
                voted_at=_parse(s["voted_at"]),
                holder=s["holder"],
                reserved_for=s["reserved_for"],
                token_hash=s["token_hash"],
            )
            for s in seat_rows
        )
        return SessionView(
            id=row["id"],
            join_code=row["join_code"],
            scenario_id=row["scenario_id"],
            scenario=scenario,
            status=Status(row["status"]),
            hide_votes=bool(row["hide_votes"]),
            version=row["version"],
            created_at=_parse(row["created_at"]) or now(),
            seats=seat_views,
            ended_at=_parse(row["ended_at"]),
        )

    def get(self, session_id: str) -> SessionView:
        with self.engine.connect() as conn:
            return self.load(conn, session_id)

    def id_for_join_code(self, code: str) -> str:
        with self.engine.connect() as conn:
            session_id = conn.execute(select(sessions.c.id).where(sessions.c.join_code == code)).scalar()
        if session_id is None:
            raise NotFound(f"no session has the code {code!r}; check it on the projector")
        return str(session_id)

    def ids(self) -> list[str]:
        """Every session, newest first."""
        with self.engine.connect() as conn:
            return list(conn.execute(select(sessions.c.id).order_by(sessions.c.created_at.desc())).scalars())

    def versions(self, session_ids: Sequence[str]) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(sessions.c.id, sessions.c.version).where(sessions.c.id.in_(session_ids)))
            return {row.id: row.version for row in rows}

    def lock(self, conn: Connection, session_id: str) -> int:
        """The session's version, its row locked until the transaction ends (SQLite's writer holds the file)."""
        version = conn.execute(select(sessions.c.version).where(sessions.c.id == session_id).with_for_update()).scalar()
        if version is None:
            raise NotFound("no such session (it may have ended and expired)")
        return int(version)

    def join_code_taken(self, conn: Connection, code: str) -> bool:
        return bool(conn.execute(select(func.count()).where(sessions.c.join_code == code)).scalar())

    def audit_log(self, session_id: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            if conn.execute(select(sessions.c.id).where(sessions.c.id == session_id)).first() is None:
                raise NotFound("no such session (it may have ended and expired)")
            rows = conn.execute(select(audit).where(audit.c.session_id == session_id).order_by(audit.c.id)).mappings()
            return [{k: row[k] for k in ("id", "at", "version", "actor", "action", "member", "detail")} for row in rows]

    # Writing: only the writer calls these, inside its transaction.

    def insert(self, conn: Connection, view: SessionView, actor: str, detail: str) -> None:
        """A new session at version 1, its seats, and the first line of its audit log."""
        at = _iso(view.created_at)
        conn.execute(
            insert(sessions).values(
                id=view.id,
                join_code=view.join_code,
                scenario_id=view.scenario_id,
                scenario_json=view.scenario.model_dump_json(),
                status=view.status.value,
                hide_votes=view.hide_votes,
                version=view.version,
                created_at=at,
                updated_at=at,
            )
        )
        conn.execute(
            insert(seats),
            [
                {
                    "session_id": view.id,
                    "code": seat.code,
                    "position": i,
                    "vote": seat.vote.value,
                    "voted_at": None,
                    "token_hash": None,
                    "holder": None,
                    "reserved_for": None,
                }
                for i, seat in enumerate(view.seats)
            ],
        )
        conn.execute(
            insert(audit).values(
                session_id=view.id, at=at, version=view.version, actor=actor, action="create", detail=detail
            )
        )
        self._scenarios[view.id] = view.scenario
        self.notify(conn, view)

    def write(self, conn: Connection, batch: Sequence[tuple[SessionView, Sequence[Change]]], at: dt.datetime) -> None:
        """Store what each session's ``changes`` did to it: one version bump each, then every changed seat
        and every audit row of the batch in two statements."""
        stamp = _iso(at)
        seat_rows: list[dict[str, Any]] = []
        audit_rows: list[dict[str, Any]] = []
        for base, changes in batch:
            latest = changes[-1].view
            returned = conn.execute(
                update(sessions)
                .where(sessions.c.id == base.id)
                .values(
                    version=sessions.c.version + len(changes),
                    updated_at=stamp,
                    status=latest.status.value,
                    hide_votes=latest.hide_votes,
                    ended_at=_iso(latest.ended_at) if latest.ended_at else None,
                )
                .returning(sessions.c.version)
            ).scalar()
            if returned is None:
                raise NotFound("no such session (it may have ended and expired)")
            if returned != latest.version:
                raise Stale(base.id)
            before = {seat.code: seat for seat in base.seats}
            seat_rows += [
                {
                    "sid": base.id,
                    "seat_code": seat.code,
                    "vote": seat.vote.value,
                    "voted_at": _iso(seat.voted_at) if seat.voted_at else None,
                    "seat_token": seat.token_hash,
                    "seat_holder": seat.holder,
                    "seat_reserved": seat.reserved_for,
                }
                for seat in latest.seats
                if seat != before[seat.code]
            ]
            audit_rows += [
                {
                    "session_id": base.id,
                    "at": stamp,
                    "version": change.view.version,
                    "actor": change.actor,
                    "action": change.action.value,
                    "member": change.member,
                    "detail": change.detail,
                }
                for change in changes
            ]
            self.notify(conn, latest)
        if seat_rows:
            conn.execute(_SEAT_UPDATE, seat_rows)
        if audit_rows:
            conn.execute(insert(audit), audit_rows)

    def notify(self, conn: Connection, view: SessionView) -> None:
        """On PostgreSQL, tell every instance (at commit) that this session reached this version."""
        if self.postgres:
            conn.execute(
                text("SELECT pg_notify(:channel, :payload)"),
                {"channel": NOTIFY_CHANNEL, "payload": f"{view.id} {view.version}"},
            )

    def purge(self, ended_before: dt.datetime, idle_before: dt.datetime) -> list[str]:
        """Delete sessions that ended, or saw no change, before the given moments; return their ids."""
        with writing(self.engine) as conn, conn.begin():
            doomed = select(sessions.c.id).where(
                or_(sessions.c.ended_at < _iso(ended_before), sessions.c.updated_at < _iso(idle_before))
            )
            ids = list(conn.execute(doomed).scalars())
            for session_id in ids:
                self._scenarios.pop(session_id, None)
            if ids:
                conn.execute(delete(audit).where(audit.c.session_id.in_(ids)))
                conn.execute(delete(seats).where(seats.c.session_id.in_(ids)))
                conn.execute(delete(sessions).where(sessions.c.id.in_(ids)))
            return ids
