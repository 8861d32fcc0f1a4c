"""Sessions, seats and the audit log in the database (SQLAlchemy Core: SQLite or PostgreSQL).

The store reads sessions and writes what the writer hands it: a new session, or the changes a
batch made to its sessions. The writer first locks every session of the batch and reads their
versions in one statement (``lock_many``). Writing the batch takes three statements on SQLite, one on
PostgreSQL, however many sessions and votes it holds: each session's version moves only where it is
still the version the changes were computed from (``UPDATE ... WHERE version = ...``); if fewer rows moved than expected,
another writer (another instance on the same PostgreSQL database) got there first, and the batch is
refused as ``Stale`` to be computed again, never applied on top of a state it did not see.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, or_, select, text

from app.domain.errors import NotFound
from app.domain.meeting import Act, Deed, MotionKind
from app.domain.scenario import Scenario
from app.domain.session import Change, JoinMode, Place, Seat, SessionView, Status, Student, open_meeting
from app.domain.votes import Vote
from app.store.database import writing
from app.store.tables import audit, meeting_acts, seats, sessions, students

NOTIFY_CHANNEL = "unsc_sim_sessions"


class Stale(Exception):
    """A session changed under a batch (another instance wrote first): reload it and try again."""

    def __init__(self, session_id: str, *others: str) -> None:
        super().__init__(session_id, *others)
        self.session_id = session_id
        self.session_ids = (session_id, *others)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def _parse(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _deed(row: Any) -> Deed:
    return Deed(
        act=Act(row["act"]),
        by=row["by"],
        at=_parse(row["at"]) or now(),
        vote=Vote(row["vote"]) if row["vote"] else None,
        motion=MotionKind(row["motion"]) if row["motion"] else None,
        subject=row["subject"],
        text=row["text"],
        order=tuple(json.loads(row["ordering"])) if row["ordering"] else (),
        seconds=row["seconds"],
        part=row["part"],
    )


def _deed_row(session_id: str, number: int, deed: Deed) -> dict[str, Any]:
    return {
        "session_id": session_id,
        "number": number,
        "act": deed.act.value,
        "by": deed.by,
        "at": _iso(deed.at),
        "vote": deed.vote.value if deed.vote else None,
        "motion": deed.motion.value if deed.motion else None,
        "subject": deed.subject,
        "text": deed.text,
        "ordering": json.dumps(list(deed.order)) if deed.order else None,
        "seconds": deed.seconds,
        "part": deed.part,
    }


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Host parameters one statement may carry: SQLite's historical limit, the smallest of the databases served.
MAX_PARAMETERS = 999


@dataclass(frozen=True)
class _Rows:
    """A statement for SQLite that carries many rows in one VALUES list (``head``, one ``row`` per row, ``tail``).

    The writer runs each of these once per batch, however many changes the batch holds: one execution
    instead of one per row. On SQLite that matters beyond the statements saved: the driver lets go of
    the interpreter lock around every step of every statement, and under load the writer thread then
    waits to get it back from the event loop, once per step. (PostgreSQL has ``_POSTGRES_WRITE``.)
    """

    head: str
    row: str  # with ``{p}`` for each parameter; a row's tuple gives them in order
    tail: str = ""

    def run(self, conn: Connection, rows: Sequence[tuple[Any, ...]]) -> int:
        """Execute for ``rows`` (in as few statements as the parameter limit allows); the rows changed."""
        placeholder = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        per = max(1, MAX_PARAMETERS // self.row.count("{p}"))
        changed = 0
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            sql = _statement(self, placeholder, len(chunk))
            changed += conn.exec_driver_sql(sql, tuple(value for row in chunk for value in row)).rowcount
        return changed


@functools.lru_cache(maxsize=512)
def _statement(rows: _Rows, placeholder: str, count: int) -> str:
    return rows.head + ", ".join([rows.row.replace("{p}", placeholder)] * count) + rows.tail


# A session's new version (its row: id, new version, updated at, status, votes hidden, ended at, old version,
# join mode, students per delegation, the presiding student),
# written only where the version is still the one the changes were computed from.
_SESSION_UPDATE = _Rows(
    "UPDATE sessions SET version = v.column2, updated_at = v.column3, status = v.column4, hide_votes = v.column5, "
    "ended_at = v.column6, join_mode = v.column8, seat_size = v.column9, president = v.column10 FROM (VALUES ",
    "({p}, CAST({p} AS INTEGER), {p}, {p}, CAST({p} AS BOOLEAN), {p}, CAST({p} AS INTEGER), {p}, CAST({p} AS INTEGER), "
    "{p})",
    ") AS v WHERE sessions.id = v.column1 AND sessions.version = v.column7",
)
# A changed seat (session id, code, vote, voted at, token hash, holder, reserved for).
_SEAT_UPDATE = _Rows(
    "UPDATE seats SET vote = v.column3, voted_at = v.column4, token_hash = v.column5, holder = v.column6, "
    "reserved_for = v.column7 FROM (VALUES ",
    "({p}, {p}, {p}, {p}, {p}, {p}, {p})",
    ") AS v WHERE seats.session_id = v.column1 AND seats.code = v.column2",
)
_AUDIT_INSERT = _Rows(
    "INSERT INTO audit (session_id, at, version, actor, action, member, detail) VALUES ",
    "({p}, {p}, {p}, {p}, {p}, {p}, {p})",
)
# PostgreSQL takes each column of the rows above as one array (``unnest``), so a statement's text is the same for
# any number of rows: psycopg prepares it once and the server plans it once, instead of once per batch size.
# The sessions of a batch, locked in the order of their ids (two instances never deadlock on them).
_POSTGRES_LOCK = "SELECT id, version FROM sessions WHERE id = ANY(%s::text[]) ORDER BY id FOR UPDATE"
# A whole batch in one statement, so in one round trip: the sessions' new versions (only where still at the
# version the changes were computed from), then, for the sessions that moved, their changed seats, their audit
# rows and a notification to every instance (sent at commit). It answers the ids of the sessions that moved.
_POSTGRES_WRITE = f"""
WITH moved AS (
    UPDATE sessions SET version = v.version, updated_at = v.updated_at, status = v.status,
        hide_votes = v.hide_votes, ended_at = v.ended_at, join_mode = v.join_mode, seat_size = v.seat_size,
        president = v.president
    FROM unnest(%s::text[], %s::int[], %s::text[], %s::text[], %s::boolean[], %s::text[], %s::int[], %s::text[],
        %s::int[], %s::text[])
        AS v(id, version, updated_at, status, hide_votes, ended_at, old_version, join_mode, seat_size, president)
    WHERE sessions.id = v.id AND sessions.version = v.old_version
    RETURNING sessions.id, sessions.version
), seated AS (
    UPDATE seats SET vote = v.vote, voted_at = v.voted_at, token_hash = v.token_hash, holder = v.holder,
        reserved_for = v.reserved_for
    FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[])
        AS v(session_id, code, vote, voted_at, token_hash, holder, reserved_for)
    WHERE seats.session_id = v.session_id AND seats.code = v.code AND v.session_id IN (SELECT id FROM moved)
), audited AS (
    INSERT INTO audit (session_id, at, version, actor, action, member, detail)
    SELECT * FROM unnest(%s::text[], %s::text[], %s::int[], %s::text[], %s::text[], %s::text[], %s::text[])
        AS v(session_id, at, version, actor, action, member, detail)
    WHERE v.session_id IN (SELECT id FROM moved)
)
SELECT moved.id FROM moved CROSS JOIN LATERAL pg_notify('{NOTIFY_CHANNEL}', moved.id || ' ' || moved.version) AS sent
"""


def _columns(rows: Sequence[tuple[Any, ...]], width: int) -> list[list[Any]]:
    """``rows`` as one list per column (``width`` empty lists for no rows)."""
    return [list(column) for column in zip(*rows, strict=True)] or [[] for _ in range(width)]


# SQLite's writer holds the whole database, so there is no row to lock: the versions come back in one row.
_SQLITE_VERSIONS = _Rows("SELECT json_group_object(id, version) FROM sessions WHERE id IN (", "{p}", ")")


def _grouped(rows: Any) -> dict[str, list[Any]]:
    """Rows of several sessions, by session id, in the order read."""
    grouped: dict[str, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row["session_id"], []).append(row)
    return grouped


def _assemble(
    row: Any, scenario: Scenario, seat_rows: Sequence[Any], student_rows: Sequence[Any], act_rows: Sequence[Any]
) -> SessionView:
    """A session as read: its row, its seats, its students and (for a meeting) its acts, each in order."""
    members = {m.code: m for m in scenario.members}
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
    student_views = tuple(
        Student(
            key=s["key"],
            token_hash=s["token_hash"],
            place=Place(s["place"]),
            joined_at=_parse(s["joined_at"]) or now(),
            name=s["name"],
            seat=s["seat"],
            address=s["address"],
        )
        for s in student_rows
    )
    deeds: tuple[Deed, ...] = ()
    meeting = None
    if scenario.is_meeting:
        deeds = tuple(_deed(a) for a in act_rows)
        meeting = open_meeting(scenario, _parse(row["created_at"]) or now(), deeds)
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
        join_mode=JoinMode(row["join_mode"]),
        seat_size=int(row["seat_size"]),
        students=student_views,
        meeting=meeting,
        deeds=deeds,
        president=row["president"],
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
        view = self.load_many(conn, [session_id]).get(session_id)
        if view is None:
            raise NotFound("no such session (it may have ended and expired)")
        return view

    def load_many(self, conn: Connection, session_ids: Sequence[str]) -> dict[str, SessionView]:
        """The sessions of ``session_ids`` that exist, read in one query per table however many they are (a
        batch may find dozens of its sessions changed by another instance)."""
        ids = list(dict.fromkeys(session_ids))  # each once, however often asked for
        found: dict[str, SessionView] = {}
        for start in range(0, len(ids), MAX_PARAMETERS):
            found.update(self._load_chunk(conn, ids[start : start + MAX_PARAMETERS]))
        return found

    def _load_chunk(self, conn: Connection, ids: list[str]) -> dict[str, SessionView]:
        rows = {row["id"]: row for row in conn.execute(select(sessions).where(sessions.c.id.in_(ids))).mappings()}
        if not rows:
            return {}
        ids = [session_id for session_id in ids if session_id in rows]
        seat_rows = _grouped(
            conn.execute(
                select(seats).where(seats.c.session_id.in_(ids)).order_by(seats.c.session_id, seats.c.position)
            ).mappings()
        )
        student_rows = _grouped(
            conn.execute(
                select(students)
                .where(students.c.session_id.in_(ids))
                .order_by(students.c.session_id, students.c.position)
            ).mappings()
        )
        scenarios = {session_id: self._scenario(rows[session_id]) for session_id in ids}
        meetings = [session_id for session_id in ids if scenarios[session_id].is_meeting]
        act_rows = (
            _grouped(
                conn.execute(
                    select(meeting_acts)
                    .where(meeting_acts.c.session_id.in_(meetings))
                    .order_by(meeting_acts.c.session_id, meeting_acts.c.number)
                ).mappings()
            )
            if meetings
            else {}
        )
        return {
            session_id: _assemble(
                rows[session_id],
                scenarios[session_id],
                seat_rows.get(session_id, []),
                student_rows.get(session_id, []),
                act_rows.get(session_id, []),
            )
            for session_id in ids
        }

    def _scenario(self, row: Any) -> Scenario:
        scenario = self._scenarios.get(row["id"])
        if scenario is None:
            scenario = self._scenarios[row["id"]] = Scenario.model_validate_json(row["scenario_json"])
        return scenario

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

    def lock_many(self, conn: Connection, session_ids: Sequence[str]) -> dict[str, int]:
        """Each session's version, its row locked until the transaction ends, for several sessions in one statement, in the order of their ids (so two instances locking
        overlapping sets never deadlock); a session that does not exist is missing from the answer."""
        if not session_ids:
            return {}
        if not self.postgres:
            found: dict[str, int] = {}
            for start in range(0, len(session_ids), MAX_PARAMETERS):
                chunk = tuple(session_ids[start : start + MAX_PARAMETERS])
                answer = conn.exec_driver_sql(_statement(_SQLITE_VERSIONS, "?", len(chunk)), chunk).scalar()
                found.update(json.loads(answer or "{}"))
            return found
        rows = conn.exec_driver_sql(_POSTGRES_LOCK, (list(session_ids),))
        return {session_id: int(version) for session_id, version in rows}

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
                join_mode=view.join_mode.value,
                seat_size=view.seat_size,
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
        """Store what each session's ``changes`` did to it, in three statements for the whole batch on SQLite
        (``_Rows``), one on PostgreSQL (``_POSTGRES_WRITE``): every session's new version (only if it is still the
        version the changes were computed from, else ``Stale``), every changed seat, every audit row. Students
        and meeting acts, which change far less often, take a statement of their own when they do."""
        stamp = _iso(at)
        session_rows: list[tuple[Any, ...]] = []
        seat_rows: list[tuple[Any, ...]] = []
        audit_rows: list[tuple[Any, ...]] = []
        seated: list[SessionView] = []
        for base, changes in batch:
            latest = changes[-1].view
            ended = _iso(latest.ended_at) if latest.ended_at else None
            session_rows.append(
                (
                    base.id,
                    latest.version,
                    stamp,
                    latest.status.value,
                    latest.hide_votes,
                    ended,
                    base.version,
                    latest.join_mode.value,
                    latest.seat_size,
                    latest.president,
                )
            )
            if latest.students is not base.students and latest.students != base.students:
                seated.append(latest)
            seat_rows += [
                (
                    base.id,
                    seat.code,
                    seat.vote.value,
                    _iso(seat.voted_at) if seat.voted_at else None,
                    seat.token_hash,
                    seat.holder,
                    seat.reserved_for,
                )
                for seat, before in zip(latest.seats, base.seats, strict=True)
                if seat is not before and seat != before
            ]
            audit_rows += [
                (base.id, stamp, change.view.version, change.actor, change.action.value, change.member, change.detail)
                for change in changes
            ]
        if self.postgres:
            columns = (*_columns(session_rows, 10), *_columns(seat_rows, 7), *_columns(audit_rows, 7))
            moved = set(conn.exec_driver_sql(_POSTGRES_WRITE, tuple(columns)).scalars())
            if len(moved) != len(session_rows):
                stale = [base.id for base, _ in batch if base.id not in moved]
                raise Stale(*(stale or [base.id for base, _ in batch]))
        else:
            if _SESSION_UPDATE.run(conn, session_rows) != len(session_rows):
                # Only another process writing the same file gets here (the writer holds SQLite's write lock from
                # the batch's first read), and which sessions it changed is not known: all are read again.
                raise Stale(*(base.id for base, _ in batch))
            _SEAT_UPDATE.run(conn, seat_rows)
            _AUDIT_INSERT.run(conn, audit_rows)
        if seated:
            self._write_students(conn, seated)
        acts = [
            _deed_row(base.id, number, deed)
            for base, changes in batch
            for number, deed in enumerate(changes[-1].view.deeds[len(base.deeds) :], len(base.deeds) + 1)
        ]
        if acts:
            conn.execute(insert(meeting_acts), acts)

    def _write_students(self, conn: Connection, views: Sequence[SessionView]) -> None:
        """A session's students, rewritten whole: they change when someone joins or leaves, rarely
        compared with votes, and a session holds a few dozen of them at most."""
        conn.execute(delete(students).where(students.c.session_id.in_([view.id for view in views])))
        rows = [
            {
                "session_id": view.id,
                "key": student.key,
                "position": i,
                "token_hash": student.token_hash,
                "place": student.place.value,
                "seat": student.seat,
                "name": student.name,
                "address": student.address,
                "joined_at": _iso(student.joined_at),
            }
            for view in views
            for i, student in enumerate(view.students)
        ]
        if rows:
            conn.execute(insert(students), rows)

    def notify(self, conn: Connection, view: SessionView) -> None:
        """On PostgreSQL, tell every instance (at commit) that this new session is at its version (a batch's
        changes are announced by ``_POSTGRES_WRITE`` itself)."""
        if self.postgres:
            conn.execute(
                text("SELECT pg_notify(:channel, :payload)"),
                {"channel": NOTIFY_CHANNEL, "payload": f"{view.id} {view.version}"},
            )

    def purge(self, ended_before: dt.datetime, idle_before: dt.datetime) -> list[str]:
        """Delete sessions that ended, or saw no change, before the given moments; return their ids."""
        with writing(self.engine) as conn, conn.begin():
            # Locked first, in the order of their ids, as the writer locks a batch's sessions before their seats:
            # deleting a session's seats before holding its row could deadlock with a batch changing them.
            doomed = (
                select(sessions.c.id)
                .where(or_(sessions.c.ended_at < _iso(ended_before), sessions.c.updated_at < _iso(idle_before)))
                .order_by(sessions.c.id)
                .with_for_update()
            )
            ids = list(conn.execute(doomed).scalars())
            for session_id in ids:
                self._scenarios.pop(session_id, None)
            if ids:
                conn.execute(delete(audit).where(audit.c.session_id.in_(ids)))
                conn.execute(delete(students).where(students.c.session_id.in_(ids)))
                conn.execute(delete(meeting_acts).where(meeting_acts.c.session_id.in_(ids)))
                conn.execute(delete(seats).where(seats.c.session_id.in_(ids)))
                conn.execute(delete(sessions).where(sessions.c.id.in_(ids)))
            return ids
