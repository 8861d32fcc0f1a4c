"""Sessions, seats and the audit log in the database.

Every change is one transaction that also bumps the session's version and appends to the audit
log; the view returned is read inside that same transaction, so it is exactly what was committed.
Nothing is acknowledged before the commit returns.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, delete, func, insert, or_, select, update

from app.domain.errors import Conflict, NotFound
from app.domain.scenario import Scenario
from app.domain.session import Seat as SeatView
from app.domain.session import SessionView, Status, ensure_can_vote, ensure_not_ended, new_join_code
from app.domain.votes import Vote
from app.store.tables import audit, seats, sessions

T = TypeVar("T")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def _parse(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionStore:
    """All reads and writes of live sessions."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # A session's copy of its scenario never changes, so it is parsed once, not on every vote.
        self._scenarios: dict[str, Scenario] = {}

    # Reading

    def _load(self, conn: Connection, session_id: str) -> SessionView:
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
            SeatView(
                code=s["code"],
                name=members[s["code"]].name,
                permanent=members[s["code"]].permanent,
                vote=Vote(s["vote"]),
                voted_at=_parse(s["voted_at"]),
                claimed=s["token_hash"] is not None,
                holder=s["holder"],
                reserved_for=s["reserved_for"],
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
            created_at=_parse(row["created_at"]) or _now(),
            seats=seat_views,
        )

    def get(self, session_id: str) -> SessionView:
        with self.engine.connect() as conn:
            return self._load(conn, session_id)

    def by_join_code(self, code: str) -> SessionView:
        with self.engine.connect() as conn:
            session_id = conn.execute(select(sessions.c.id).where(sessions.c.join_code == code)).scalar()
            if session_id is None:
                raise NotFound(f"no session has the code {code!r}; check it on the projector")
            return self._load(conn, session_id)

    def all(self) -> list[SessionView]:
        with self.engine.connect() as conn:
            ids = conn.execute(select(sessions.c.id).order_by(sessions.c.created_at.desc())).scalars().all()
            return [self._load(conn, i) for i in ids]

    def seat_for_token(self, session_id: str, token: str | None) -> str | None:
        if not token:
            return None
        with self.engine.connect() as conn:
            return conn.execute(
                select(seats.c.code).where(seats.c.session_id == session_id, seats.c.token_hash == token_hash(token))
            ).scalar()

    def audit_log(self, session_id: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            self._load(conn, session_id)
            rows = conn.execute(select(audit).where(audit.c.session_id == session_id).order_by(audit.c.id)).mappings()
            return [{k: row[k] for k in ("id", "at", "version", "actor", "action", "member", "detail")} for row in rows]

    # Writing: each change is one transaction that bumps the version and writes the audit log.

    def _change(
        self,
        session_id: str,
        actor: str,
        action: str,
        apply: Callable[[Connection, SessionView, str], T],
        member: str | None = None,
        detail: Callable[[T], str | None] = lambda _: None,
    ) -> tuple[SessionView, T]:
        with self.engine.begin() as conn:
            view = self._load(conn, session_id)
            now = _iso(_now())
            result = apply(conn, view, now)
            version = view.version + 1
            conn.execute(update(sessions).where(sessions.c.id == session_id).values(version=version, updated_at=now))
            conn.execute(
                insert(audit).values(
                    session_id=session_id,
                    at=now,
                    version=version,
                    actor=actor,
                    action=action,
                    member=member,
                    detail=detail(result),
                )
            )
            return self._load(conn, session_id), result

    def create(self, scenario_id: str, scenario: Scenario) -> SessionView:
        session_id = secrets.token_urlsafe(12)
        now = _iso(_now())
        with self.engine.begin() as conn:
            for _ in range(20):
                code = new_join_code()
                if conn.execute(select(func.count()).where(sessions.c.join_code == code)).scalar() == 0:
                    break
            else:  # pragma: no cover - 22**6 codes make this practically impossible
                raise Conflict("could not find a free join code; try again")
            conn.execute(
                insert(sessions).values(
                    id=session_id,
                    join_code=code,
                    scenario_id=scenario_id,
                    scenario_json=scenario.model_dump_json(),
                    status=Status.OPEN.value,
                    hide_votes=False,
                    version=1,
                    created_at=now,
                    updated_at=now,
                )
            )
            conn.execute(
                insert(seats),
                [
                    {
                        "session_id": session_id,
                        "code": m.code,
                        "position": i,
                        "vote": m.vote.value,
                        "voted_at": None,
                        "token_hash": None,
                        "holder": None,
                        "reserved_for": None,
                    }
                    for i, m in enumerate(scenario.members)
                ],
            )
            conn.execute(
                insert(audit).values(
                    session_id=session_id,
                    at=now,
                    version=1,
                    actor="instructor",
                    action="create",
                    detail=f"from scenario {scenario_id}",
                )
            )
            return self._load(conn, session_id)

    def claim(self, session_id: str, code: str, holder: str | None) -> tuple[SessionView, str]:
        """Give ``code`` to a student; the returned token, kept only in their cookie, is their right to vote."""
        token = secrets.token_urlsafe(32)

        def apply(conn: Connection, view: SessionView, now: str) -> str:
            ensure_not_ended(view)
            seat = view.seat(code)
            if seat.claimed:
                raise Conflict(f"{seat.name} is already taken; choose another delegation")
            name = (holder or seat.reserved_for or "").strip()[:80] or None
            conn.execute(
                update(seats)
                .where(seats.c.session_id == session_id, seats.c.code == code)
                .values(token_hash=token_hash(token), holder=name)
            )
            return name or ""

        view, name = self._change(session_id, "student", "claim", apply, member=code, detail=lambda n: n or None)
        return view, token

    def vote(self, session_id: str, code: str, vote: Vote, actor: str) -> SessionView:
        def apply(conn: Connection, view: SessionView, now: str) -> None:
            ensure_can_vote(view)
            view.seat(code)
            conn.execute(
                update(seats)
                .where(seats.c.session_id == session_id, seats.c.code == code)
                .values(vote=vote.value, voted_at=None if vote is Vote.UNDECIDED else now)
            )

        return self._change(session_id, actor, "vote", apply, member=code, detail=lambda _: vote.value)[0]

    def release(self, session_id: str, code: str) -> SessionView:
        def apply(conn: Connection, view: SessionView, now: str) -> None:
            ensure_not_ended(view)
            view.seat(code)
            conn.execute(
                update(seats)
                .where(seats.c.session_id == session_id, seats.c.code == code)
                .values(token_hash=None, holder=None)
            )

        return self._change(session_id, "instructor", "release", apply, member=code)[0]

    def reserve(self, session_id: str, code: str, name: str | None) -> SessionView:
        cleaned = (name or "").strip()[:80] or None

        def apply(conn: Connection, view: SessionView, now: str) -> None:
            ensure_not_ended(view)
            view.seat(code)
            conn.execute(
                update(seats).where(seats.c.session_id == session_id, seats.c.code == code).values(reserved_for=cleaned)
            )

        return self._change(session_id, "instructor", "assign", apply, member=code, detail=lambda _: cleaned)[0]

    def set_status(self, session_id: str, status: Status) -> SessionView:
        def apply(conn: Connection, view: SessionView, now: str) -> None:
            ensure_not_ended(view)
            values: dict[str, Any] = {"status": status.value}
            if status is Status.ENDED:
                values["ended_at"] = now
            conn.execute(update(sessions).where(sessions.c.id == session_id).values(**values))

        action = {Status.OPEN: "open", Status.CLOSED: "close", Status.ENDED: "end"}[status]
        return self._change(session_id, "instructor", action, apply)[0]

    def set_hidden(self, session_id: str, hidden: bool) -> SessionView:
        def apply(conn: Connection, view: SessionView, now: str) -> None:
            ensure_not_ended(view)
            conn.execute(update(sessions).where(sessions.c.id == session_id).values(hide_votes=hidden))

        return self._change(session_id, "instructor", "hide" if hidden else "show", apply)[0]

    def reset(self, session_id: str, to_scenario: bool) -> SessionView:
        def apply(conn: Connection, view: SessionView, now: str) -> None:
            ensure_not_ended(view)
            for member in view.scenario.members:
                vote = member.vote if to_scenario else Vote.UNDECIDED
                conn.execute(
                    update(seats)
                    .where(seats.c.session_id == session_id, seats.c.code == member.code)
                    .values(vote=vote.value, voted_at=None)
                )

        action = "reset" if to_scenario else "clear"
        return self._change(session_id, "instructor", action, apply)[0]

    def purge(self, ended_before: dt.datetime, idle_before: dt.datetime) -> list[str]:
        """Delete sessions that ended, or saw no change, before the given moments; return their ids."""
        with self.engine.begin() as conn:
            doomed = select(sessions.c.id).where(
                or_(sessions.c.ended_at < _iso(ended_before), sessions.c.updated_at < _iso(idle_before))
            )
            ids = conn.execute(doomed).scalars().all()
            for session_id in ids:
                self._scenarios.pop(session_id, None)
            if ids:
                conn.execute(delete(audit).where(audit.c.session_id.in_(ids)))
                conn.execute(delete(seats).where(seats.c.session_id.in_(ids)))
                conn.execute(delete(sessions).where(sessions.c.id.in_(ids)))
            return list(ids)


def export_json(view: SessionView, log: list[dict[str, Any]]) -> str:
    """The result for the debrief: every delegation's vote and when it was cast, the outcome, the audit log."""
    outcome = view.outcome
    return json.dumps(
        {
            "session": view.id,
            "scenario": {"id": view.scenario_id, "title": view.scenario.title, "question": view.scenario.question},
            "status": view.status.value,
            "version": view.version,
            "delegations": [
                {
                    "code": s.code,
                    "name": s.name,
                    "permanent": s.permanent,
                    "vote": s.vote.value,
                    "cast_at": s.voted_at.isoformat() if s.voted_at else None,
                    "holder": s.holder,
                }
                for s in view.seats
            ],
            "outcome": outcome.model_dump(mode="json"),
            "audit": log,
        },
        indent=2,
        ensure_ascii=False,
    )
