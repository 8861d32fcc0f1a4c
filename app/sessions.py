"""The session service: the one owner of a live session's life.

Every change to a session goes through here: the service turns a request into an operation for
the store's one writer, which applies the domain's transition table to the session as it stands
when the change is committed (so a seat released a moment ago cannot still vote), commits it with
whatever else is waiting, and only then is the new version published to the listeners. No handler
publishes, and none writes to the store directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, NamedTuple

from app.domain import meeting as meetings
from app.domain.errors import Conflict, Forbidden, NotFound
from app.domain.scenario import Scenario
from app.domain.session import (
    Action,
    Change,
    JoinMode,
    Place,
    Request,
    Role,
    SessionView,
    Student,
    apply,
    clean_name,
    new_join_code,
    new_session,
)
from app.domain.votes import Vote
from app.i18n import N_, gettext
from app.live import Broker
from app.store.notify import Notifications
from app.store.sessions import SessionStore, now, token_hash
from app.store.writer import JoinCodeTaken, Operation, Writer

# Said to a student whose token holds no delegation (any more): English here, translated where it is raised.
NO_DELEGATION = N_("you hold no delegation in this session (it may have been released); join again")

CONTROLS = frozenset({Action.OPEN, Action.CLOSE, Action.END, Action.HIDE, Action.SHOW, Action.RESET, Action.CLEAR})
SEATING = frozenset({Action.APPROVE, Action.REMOVE, Action.BLOCK, Action.UNBLOCK, Action.HAND})


class Seated(NamedTuple):
    """A claimed seat: the session after the claim, and the token that proves it."""

    view: SessionView
    token: str


class SessionService:
    """Reads from memory (or the store, once), and the only way to change a session."""

    def __init__(self, store: SessionStore, broker: Broker) -> None:
        self.store = store
        self.broker = broker
        self.writer = Writer(store, on_commit=self._publish)
        self._join_codes: dict[str, str] = {}
        self.notifications: Notifications | None = None

    def _publish(self, views: Sequence[SessionView]) -> None:
        for view in views:
            self.broker.publish(view)

    def close(self) -> None:
        if self.notifications is not None:
            self.notifications.stop()
        self.writer.stop()

    # Other instances (PostgreSQL): their commits reach this instance's listeners too.

    def follow_other_instances(self) -> None:
        """Listen for commits made by other instances on the same PostgreSQL database."""
        if self.store.postgres and self.notifications is None:
            self.notifications = Notifications(self.store.engine, self._changed_elsewhere, self._catch_up)
            self.notifications.start()

    def _changed_elsewhere(self, session_id: str, version: int) -> None:
        """Another instance committed ``version``: note that the copy in memory is behind, then read it now for
        this instance's listeners, if it has any (with every room voting on the other instances, reading each of
        their sessions at each of their commits would cost this one more than its own votes). Noted first, so
        that a stream opening meanwhile either is counted here or sees the note (``behind``) and reads it."""
        self.writer.behind(session_id, version)
        if self.broker.count(session_id) == 0:
            return
        fresh = self.writer.refresh(session_id, version)
        if fresh is not None:
            self.broker.publish(fresh)

    def behind(self, session_id: str, version: int) -> bool:
        """Whether another instance is known to have committed a version of the session later than ``version``."""
        return self.writer.newer(session_id) > version

    def _catch_up(self) -> None:
        known = self.writer.known()
        if not known:
            return
        versions = self.store.versions(known)
        for session_id in known:
            if session_id not in versions:
                self.writer.forget(session_id)
                self.broker.forget(session_id)
            else:
                self._changed_elsewhere(session_id, versions[session_id])

    # Reading

    def get(self, session_id: str) -> SessionView:
        return self.writer.view(session_id)

    def by_join_code(self, code: str) -> SessionView:
        session_id = self._join_codes.get(code)
        if session_id is None:
            session_id = self._join_codes[code] = self.store.id_for_join_code(code)
        try:
            return self.get(session_id)
        except NotFound:
            self._join_codes.pop(code, None)
            raise

    def all(self) -> list[SessionView]:
        views = []
        for session_id in self.store.ids():
            with contextlib.suppress(NotFound):
                views.append(self.get(session_id))
        return views

    def audit_log(self, session_id: str) -> list[dict[str, Any]]:
        return self.store.audit_log(session_id)

    def seat_for_token(self, session_id: str, token: str | None) -> str | None:
        """The delegation a student's token sits in: looked up in memory, never with a query of its own. The
        writer checks the token again against the state it commits to, so the copy in memory serves even when
        another instance has moved the session on; it is read again only when the token is not found there
        (the student may have just joined through that other instance)."""
        digest = token_hash(token) if token else None
        view = self.writer.view(session_id, latest=False)
        member = view.seat_for_token_hash(digest)
        if member is None and self.behind(session_id, view.version):
            member = self.writer.view(session_id).seat_for_token_hash(digest)
        return member

    def student_for_token(self, session_id: str, token: str | None) -> Student | None:
        """The student a token belongs to, whatever their place (blocked included), or None."""
        return self.get(session_id).student_for_token_hash(token_hash(token) if token else None)

    # Changing: the writer checks the table against the state at commit time, commits, then publishes.

    def _operation(
        self, session_id: str, action: Action, role: Role, request: Request, actor: str, token: str | None = None
    ) -> Operation:
        digest = token_hash(token) if token else None

        def decide(view: SessionView) -> Change:
            return apply(view, action, role, request, actor=actor, at=now(), token_hash=digest)

        return Operation(session_id, decide)

    def create(
        self,
        scenario_id: str,
        scenario: Scenario,
        *,
        from_positions: bool = False,
        join_mode: JoinMode = JoinMode.OPEN,
        seat_size: int = 1,
    ) -> SessionView:
        """A new session keeps its own copy of the scenario: later edits to the file never change it.

        It starts clean (everyone undecided, voting not open) unless ``from_positions``, a demonstration."""
        for _ in range(20):
            view = new_session(
                secrets.token_urlsafe(12),
                new_join_code(),
                scenario_id,
                scenario,
                now(),
                from_positions=from_positions,
                join_mode=join_mode,
                seat_size=seat_size,
            )
            try:
                return self.writer.run(Operation(view.id, created=(view, "instructor", f"from scenario {scenario_id}")))
            except JoinCodeTaken:
                continue
        raise Conflict(gettext("could not find a free join code; try again"))  # pragma: no cover - 22**6 codes

    def control(self, session_id: str, action: Action) -> SessionView:
        """The instructor's session-wide controls: voting open or closed, votes hidden, reset, end."""
        if action not in CONTROLS:
            raise ValueError(f"{action} is not a session control")
        return self.writer.run(self._operation(session_id, action, Role.INSTRUCTOR, Request(), "instructor"))

    def _instructor_vote_operation(self, session_id: str, member: str, vote: Vote) -> Operation:
        request = Request(member=member, vote=vote)
        return self._operation(session_id, Action.VOTE, Role.INSTRUCTOR, request, "instructor")

    async def instructor_vote(self, session_id: str, member: str, vote: Vote) -> SessionView:
        """Cast or withhold any delegation's vote, absence and "undecided" included."""
        return await self.writer.run_async(self._instructor_vote_operation(session_id, member, vote))

    def instructor_vote_sync(self, session_id: str, member: str, vote: Vote) -> SessionView:
        """``instructor_vote`` for callers on a worker thread."""
        return self.writer.run(self._instructor_vote_operation(session_id, member, vote))

    def hand_presidency(self, session_id: str, student: str | None) -> SessionView:
        """Hand the presidency of a meeting to a seated student (their phone becomes the President's console),
        or take it back (``None``)."""
        request = Request(student=student or None)
        return self.writer.run(self._operation(session_id, Action.PRESIDENCY, Role.INSTRUCTOR, request, "instructor"))

    def meeting_act(
        self,
        session_id: str,
        deed: meetings.Deed,
        *,
        token: str | None = None,
        instructor: bool = False,
        chair: bool = False,
    ) -> SessionView:
        """An act of the meeting: the instructor's as President (or for any member), a student's for their own
        delegation (the one whose vote their token casts), or (``chair``) the presiding student's as President.
        The meeting's rules decide whether it may happen now."""
        if instructor:
            return self.writer.run(
                self._operation(session_id, Action.MEETING, Role.INSTRUCTOR, Request(deed=deed), "instructor")
            )
        member = self.seat_for_token(session_id, token)
        if member is None or token is None:
            raise Forbidden(gettext(NO_DELEGATION))
        acted = replace(deed, by=meetings.PRESIDENT if chair else member)
        return self.writer.run(
            self._operation(session_id, Action.MEETING, Role.STUDENT, Request(deed=acted), f"student:{member}", token)
        )

    def _student_operation(
        self, session_id: str, token: str | None, vote: Vote, claimed_member: str | None
    ) -> tuple[Operation, str]:
        member = self.seat_for_token(session_id, token)
        if member is None or token is None:
            raise Forbidden(gettext(NO_DELEGATION))
        if claimed_member is not None and claimed_member != member:
            # Translators: %(member)s is the code of the student's delegation (USA, FRA...).
            raise Forbidden(gettext("you hold %(member)s and may vote only for it") % {"member": member})
        request = Request(member=member, vote=vote)
        return self._operation(session_id, Action.VOTE, Role.STUDENT, request, f"student:{member}", token), member

    async def student_vote(
        self, session_id: str, token: str | None, vote: Vote, claimed_member: str | None
    ) -> tuple[SessionView, str]:
        """A student votes for the delegation their token holds, and only for it; checked again as it is written.

        The seat is looked up on the event loop only when the session's latest version is in memory: otherwise
        (the first vote after a restart, a version another instance committed, an id nobody has opened) it may
        be read, and that happens on a worker thread, so that no vote, and no script sending made-up session
        ids, holds up every other request for a query."""
        if self.writer.holds(session_id):
            operation, member = self._student_operation(session_id, token, vote, claimed_member)
        else:
            operation, member = await asyncio.to_thread(
                self._student_operation, session_id, token, vote, claimed_member
            )
        return await self.writer.run_async(operation), member

    def student_vote_sync(
        self, session_id: str, token: str | None, vote: Vote, claimed_member: str | None
    ) -> tuple[SessionView, str]:
        """``student_vote`` for callers on a worker thread."""
        operation, member = self._student_operation(session_id, token, vote, claimed_member)
        return self.writer.run(operation), member

    def claim(
        self,
        session_id: str,
        member: str | None,
        name: str | None,
        *,
        address: str | None = None,
        device: str | None = None,
        via_link: bool = False,
        per_address: int = 0,
    ) -> Seated:
        """Give a visitor a place: in ``member``'s delegation, seated at once or waiting for the instructor when
        each claim needs approval (a personal link seats directly); or, with no ``member``, as an observer.

        ``device`` is a token this browser already holds here: a device with a place already, or blocked, is
        refused when the claim is committed (the transition table's ``_may_join``)."""
        request = Request(
            member=member,
            name=clean_name(name),
            address=address,
            device=token_hash(device) if device else None,
            via_link=via_link,
            per_address=per_address,
        )
        action = Action.CLAIM if member is not None else Action.OBSERVE
        token = secrets.token_urlsafe(32)
        view = self.writer.run(self._operation(session_id, action, Role.VISITOR, request, "student", token))
        return Seated(view, token)

    def observe(
        self,
        session_id: str,
        name: str | None,
        *,
        address: str | None = None,
        device: str | None = None,
        per_address: int = 0,
    ) -> Seated:
        """Let a visitor watch the session live on their own device, without a delegation."""
        return self.claim(session_id, None, name, address=address, device=device, per_address=per_address)

    def seating(self, session_id: str, action: Action, student: str) -> SessionView:
        """The instructor lets a waiting student in, removes or blocks a student, unblocks a device, or
        makes a student the one who casts their delegation's vote."""
        if action not in SEATING:
            raise ValueError(f"{action} is not a seating action")
        request = Request(student=student)
        return self.writer.run(self._operation(session_id, action, Role.INSTRUCTOR, request, "instructor"))

    def hand_vote(self, session_id: str, token: str | None, to: str) -> SessionView:
        """The student who casts a delegation's vote hands that role to another of its students."""
        me = self.student_for_token(session_id, token)
        if me is None or token is None or me.place is not Place.SEATED:
            raise Forbidden(gettext(NO_DELEGATION))
        request = Request(student=to)
        target = self.get(session_id).student(to)
        if target.seat != me.seat:
            raise Forbidden(gettext("you can hand the vote only to a student of your own delegation"))
        return self.writer.run(
            self._operation(session_id, Action.HAND, Role.STUDENT, request, f"student:{me.seat}", token)
        )

    def set_join_mode(self, session_id: str, mode: JoinMode) -> SessionView:
        request = Request(join_mode=mode)
        return self.writer.run(self._operation(session_id, Action.JOIN_MODE, Role.INSTRUCTOR, request, "instructor"))

    def set_seat_size(self, session_id: str, size: int) -> SessionView:
        request = Request(seat_size=size)
        return self.writer.run(self._operation(session_id, Action.SEAT_SIZE, Role.INSTRUCTOR, request, "instructor"))

    def release(self, session_id: str, member: str) -> SessionView:
        """Free a delegation: its students' tokens stop working and others can take it."""
        request = Request(member=member)
        return self.writer.run(self._operation(session_id, Action.RELEASE, Role.INSTRUCTOR, request, "instructor"))

    def reserve(self, session_id: str, member: str, name: str | None) -> SessionView:
        """Reserve a seat for a named student (no name: no reservation)."""
        request = Request(member=member, name=clean_name(name))
        return self.writer.run(self._operation(session_id, Action.RESERVE, Role.INSTRUCTOR, request, "instructor"))

    def purge(self, at: dt.datetime, ended_ttl: dt.timedelta, idle_ttl: dt.timedelta) -> list[str]:
        """Forget sessions that ended, or saw no change, long enough ago; memory and the broker forget them too."""
        removed = self.store.purge(ended_before=at - ended_ttl, idle_before=at - idle_ttl)
        for session_id in removed:
            self.writer.forget(session_id)
            self.broker.forget(session_id)
        self._join_codes = {code: sid for code, sid in self._join_codes.items() if sid not in removed}
        return removed
