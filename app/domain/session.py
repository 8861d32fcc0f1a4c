"""Live classroom sessions: the state a session is in, who may do what in it, and what each viewer sees.

A session keeps its own copy of the scenario, so editing the file never changes a running vote.
Voting opens and closes; the instructor may hide individual votes until it closes; the session
ends for good. ``TRANSITIONS`` is the one table of which action is allowed, in which state and for
whom: the session service enforces it and every page reads it (``allowed_actions``) instead of
repeating it. ``snapshot`` is the state as data; the pages draw it with server-side templates.
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property
from typing import Any

from app.domain.errors import Conflict, Forbidden, InvalidRequest, NotFound
from app.domain.rules import Outcome, headline, tally
from app.domain.scenario import Scenario
from app.domain.votes import Vote

# No 0/O/Q/G, 1/I/L, 2/Z, 5/S, 8/B: a code read off a projector is typed right the first time.
JOIN_ALPHABET = "ACDEFHJKMNPRTUVWXY3469"
JOIN_CODE_LENGTH = 6
NAME_MAX = 80

HIDDEN_HEADLINE = "Votes are hidden until voting closes"


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(text: str) -> str:
    """What a student typed, as a code: case, spaces and dashes forgiven."""
    return "".join(ch for ch in text.upper() if ch.isalnum())[:16]


def clean_name(text: str | None, field_name: str = "name") -> str | None:
    """A person's name as typed, trimmed; control, NUL and bidi-override characters are refused, not stripped."""
    name = " ".join((text or "").split())
    if not name:
        return None
    if len(name) > NAME_MAX:
        raise InvalidRequest(field_name, f"a name may be at most {NAME_MAX} characters")
    for char in name:
        if unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn"}:
            raise InvalidRequest(
                field_name, f"the name holds an invisible or control character (U+{ord(char):04X}); type it again"
            )
    return name


class Status(StrEnum):
    """Not yet open (waiting), taking votes (open), counting done (closed), or over for good (ended)."""

    WAITING = "waiting"
    OPEN = "open"
    CLOSED = "closed"
    ENDED = "ended"


class Role(StrEnum):
    """Who is acting: the instructor, a student holding a delegation, or anyone with the join code."""

    INSTRUCTOR = "instructor"
    STUDENT = "student"
    VISITOR = "visitor"


class Action(StrEnum):
    """Every change a session can undergo; each is audited under its value."""

    OPEN = "open"
    CLOSE = "close"
    HIDE = "hide"
    SHOW = "show"
    RESET = "reset"
    CLEAR = "clear"
    END = "end"
    VOTE = "vote"
    CLAIM = "claim"
    RELEASE = "release"
    RESERVE = "assign"


# What a student may answer; absence and "undecided" are the instructor's to record.
STUDENT_CHOICES = (Vote.YES, Vote.NO, Vote.ABSTAIN)


@dataclass(frozen=True)
class Seat:
    """One delegation in a session: who holds it, and its vote."""

    code: str
    name: str
    permanent: bool
    vote: Vote
    voted_at: dt.datetime | None = None
    holder: str | None = None
    reserved_for: str | None = None
    # The sha256 of the seat token: the token itself lives only in the student's cookie. Never shown.
    token_hash: str | None = field(default=None, repr=False)

    @property
    def claimed(self) -> bool:
        return self.token_hash is not None

    @property
    def holder_key(self) -> str | None:
        """A short fingerprint of the token's hash: tells a page "my seat" from "the seat I once held"."""
        return self.token_hash[:16] if self.token_hash else None


@dataclass(frozen=True)
class SessionView:
    """A consistent picture of one session at one version."""

    id: str
    join_code: str
    scenario_id: str
    scenario: Scenario
    status: Status
    hide_votes: bool
    version: int
    created_at: dt.datetime
    seats: tuple[Seat, ...] = field(default_factory=tuple)
    ended_at: dt.datetime | None = None

    @property
    def votes(self) -> dict[str, Vote]:
        return {seat.code: seat.vote for seat in self.seats}

    def seat(self, code: str) -> Seat:
        for seat in self.seats:
            if seat.code == code:
                return seat
        raise NotFound(f"no delegation {code!r} in this session")

    def seat_for_token_hash(self, digest: str | None) -> str | None:
        """The delegation a seat token holds, or None: the token is checked without a query."""
        if digest is None:
            return None
        return next((seat.code for seat in self.seats if seat.token_hash == digest), None)

    @cached_property
    def outcome(self) -> Outcome:
        # A view is frozen, so its outcome is computed once, though each change draws it several times.
        return tally(self.scenario, self.votes)

    @property
    def votes_hidden(self) -> bool:
        return self.hide_votes and self.status is Status.OPEN

    @property
    def seats_open(self) -> bool:
        return self.status is not Status.ENDED and any(not s.claimed for s in self.seats)

    @property
    def voted(self) -> int:
        """Votes cast in this session: a position the scenario started a seat with is not a vote cast."""
        return sum(1 for s in self.seats if s.vote is not Vote.UNDECIDED and s.voted_at is not None)


# The transition table. Each rule names who may act and, for a given view and request, why not
# (None: allowed). ``Conflict`` reasons (409) cover a request that the state makes impossible or
# pointless (a no-op is refused and never audited); ``Forbidden`` (403) is about who asks.


@dataclass(frozen=True)
class Request:
    """What an action asks for: the delegation concerned, a vote, a name."""

    member: str | None = None
    vote: Vote | None = None
    name: str | None = None


Check = Callable[[SessionView, Request], str | None]


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    refused: Check


def _live(view: SessionView, _: Request) -> str | None:
    return "this session has ended" if view.status is Status.ENDED else None


def _all(*checks: Check) -> Check:
    def combined(view: SessionView, request: Request) -> str | None:
        return next((reason for check in checks if (reason := check(view, request))), None)

    return combined


def _status_is(status: Status, already: str) -> Check:
    return lambda view, _: None if view.status is status else already


def _seat_exists(view: SessionView, request: Request) -> str | None:
    if request.member is None:
        return None
    view.seat(request.member)  # NotFound for a delegation that is not in the council
    return None


def _vote_changes(view: SessionView, request: Request) -> str | None:
    if view.status is Status.WAITING:
        return "voting has not opened yet; the instructor opens it"
    if view.status is Status.CLOSED:
        return "voting is closed; the instructor can reopen it"
    if request.member is None or request.vote is None:
        return None
    seat = view.seat(request.member)
    if seat.vote is request.vote:
        return f"the vote of {seat.name} is already {request.vote.label.lower()}"
    return None


def _votes_differ(target: Callable[[SessionView], Mapping[str, Vote]], already: str) -> Check:
    return lambda view, _: None if target(view) != view.votes else already


def _seat_free(view: SessionView, request: Request) -> str | None:
    if request.member is None:
        return None
    seat = view.seat(request.member)
    if seat.claimed:
        return f"{seat.name} is already taken; choose another delegation"
    if seat.reserved_for and (request.name or "").casefold() != seat.reserved_for.casefold():
        return f"{seat.name} is reserved for a student by name; type the name your instructor reserved it under"
    return None


def _seat_held(view: SessionView, request: Request) -> str | None:
    if request.member is None:
        return None
    seat = view.seat(request.member)
    return None if seat.claimed else f"{seat.name} is not held by anyone"


def _reservation_changes(view: SessionView, request: Request) -> str | None:
    if request.member is None:
        return None
    seat = view.seat(request.member)
    if seat.reserved_for == request.name:
        return f"{seat.name} is already reserved for {request.name}" if request.name else f"{seat.name} is not reserved"
    return None


def _scenario_votes(view: SessionView) -> dict[str, Vote]:
    return view.scenario.starting_votes


def _no_votes(view: SessionView) -> dict[str, Vote]:
    return {seat.code: Vote.UNDECIDED for seat in view.seats}


INSTRUCTOR = frozenset({Role.INSTRUCTOR})
TRANSITIONS: dict[Action, Rule] = {
    Action.OPEN: Rule(
        INSTRUCTOR, _all(_live, lambda v, _: "voting is already open" if v.status is Status.OPEN else None)
    ),
    Action.CLOSE: Rule(INSTRUCTOR, _all(_live, _status_is(Status.OPEN, "voting is already closed"))),
    Action.HIDE: Rule(INSTRUCTOR, _all(_live, lambda v, _: "votes are already hidden" if v.hide_votes else None)),
    Action.SHOW: Rule(INSTRUCTOR, _all(_live, lambda v, _: None if v.hide_votes else "votes are already shown")),
    Action.RESET: Rule(
        INSTRUCTOR, _all(_live, _votes_differ(_scenario_votes, "every vote is already as the scenario has it"))
    ),
    Action.CLEAR: Rule(INSTRUCTOR, _all(_live, _votes_differ(_no_votes, "every delegation is already undecided"))),
    Action.END: Rule(INSTRUCTOR, _live),
    Action.VOTE: Rule(frozenset({Role.INSTRUCTOR, Role.STUDENT}), _all(_live, _seat_exists, _vote_changes)),
    Action.CLAIM: Rule(frozenset({Role.VISITOR}), _all(_live, _seat_free)),
    Action.RELEASE: Rule(INSTRUCTOR, _all(_live, _seat_held)),
    Action.RESERVE: Rule(INSTRUCTOR, _all(_live, _seat_exists, _reservation_changes)),
}


def refusal(view: SessionView, action: Action, role: Role, request: Request = Request()) -> str | None:
    """Why ``role`` may not take ``action`` now (None when it may). Raises NotFound for an unknown delegation."""
    rule = TRANSITIONS[action]
    if role not in rule.roles:
        return f"only {' or '.join(sorted(r.value for r in rule.roles))} may {action.value}"
    return rule.refused(view, request)


def check(view: SessionView, action: Action, role: Role, request: Request = Request()) -> None:
    """Raise ``Forbidden`` (wrong role), ``Conflict`` (not now, or nothing would change) or accept."""
    rule = TRANSITIONS[action]
    if role not in rule.roles:
        if role is Role.STUDENT:
            raise Forbidden("only the instructor can do this")
        raise Forbidden(
            "only the instructor can do this: open the instructor link that `unsc-sim serve` printed, on this device"
        )
    if role is Role.STUDENT and action is Action.VOTE and request.vote not in STUDENT_CHOICES:
        allowed = ", ".join(v.value for v in STUDENT_CHOICES)
        raise InvalidRequest("vote", f"a delegation votes {allowed}, not {request.vote}")
    reason = rule.refused(view, request)
    if reason:
        raise Conflict(reason)


def allowed_actions(view: SessionView, role: Role) -> frozenset[Action]:
    """The session-wide actions ``role`` may take now: pages show exactly these controls."""
    return frozenset(action for action in TRANSITIONS if refusal(view, action, role) is None)


def new_session(
    session_id: str,
    join_code: str,
    scenario_id: str,
    scenario: Scenario,
    at: dt.datetime,
    *,
    from_positions: bool = False,
) -> SessionView:
    """A session as it starts: version 1, voting not yet open, every delegation undecided; or, for a
    demonstration (``from_positions``), each with the scenario's starting position."""
    seats = tuple(
        Seat(code=m.code, name=m.name, permanent=m.permanent, vote=m.vote if from_positions else Vote.UNDECIDED)
        for m in scenario.members
    )
    return SessionView(session_id, join_code, scenario_id, scenario, Status.WAITING, False, 1, at, seats)


@dataclass(frozen=True)
class Change:
    """One accepted action: the session after it, and what the audit log records of it."""

    view: SessionView
    action: Action
    actor: str
    member: str | None = None
    detail: str | None = None


def _with_seats(view: SessionView, change: Callable[[Seat], Seat]) -> tuple[Seat, ...]:
    return tuple(change(seat) for seat in view.seats)


def _vote_cast(seat: Seat, vote: Vote, at: dt.datetime) -> Seat:
    return replace(seat, vote=vote, voted_at=None if vote is Vote.UNDECIDED else at)


def _one(code: str, change: Callable[[Seat], Seat]) -> Callable[[Seat], Seat]:
    return lambda seat: change(seat) if seat.code == code else seat


def apply(
    view: SessionView,
    action: Action,
    role: Role,
    request: Request,
    *,
    actor: str,
    at: dt.datetime,
    token_hash: str | None = None,
) -> Change:
    """Check ``action`` against the transition table and return the session after it (pure: nothing is written).

    A student's vote carries the hash of their seat token, which must still hold the seat at this
    version: a seat released a moment ago cannot vote. A claim carries the new token's hash.
    """
    check(view, action, role, request)
    member, vote, name = request.member, request.vote, request.name
    after = replace(view, version=view.version + 1)
    detail: str | None = None
    if action is Action.VOTE and member is not None and vote is not None:
        if role is Role.STUDENT and view.seat(member).token_hash != token_hash:
            raise Forbidden("you no longer hold this delegation (the instructor released it); join again")
        after = replace(after, seats=_with_seats(view, _one(member, lambda s: _vote_cast(s, vote, at))))
        detail = vote.value
    elif action is Action.CLAIM and member is not None:
        holder = name or view.seat(member).reserved_for
        after = replace(
            after, seats=_with_seats(view, _one(member, lambda s: replace(s, token_hash=token_hash, holder=holder)))
        )
        detail = holder
    elif action is Action.RELEASE and member is not None:
        after = replace(
            after, seats=_with_seats(view, _one(member, lambda s: replace(s, token_hash=None, holder=None)))
        )
    elif action is Action.RESERVE and member is not None:
        after = replace(after, seats=_with_seats(view, _one(member, lambda s: replace(s, reserved_for=name))))
        detail = name
    elif action in (Action.RESET, Action.CLEAR):
        target = _scenario_votes(view) if action is Action.RESET else _no_votes(view)
        after = replace(after, seats=_with_seats(view, lambda s: replace(s, vote=target[s.code], voted_at=None)))
    elif action in (Action.HIDE, Action.SHOW):
        after = replace(after, hide_votes=action is Action.HIDE)
    elif action in STATUS_AFTER:
        after = replace(after, status=STATUS_AFTER[action], ended_at=at if action is Action.END else view.ended_at)
    return Change(after, action, actor, member, detail)


STATUS_AFTER = {Action.OPEN: Status.OPEN, Action.CLOSE: Status.CLOSED, Action.END: Status.ENDED}


def snapshot(view: SessionView, *, for_instructor: bool) -> dict[str, Any]:
    """The state as data. Unless ``for_instructor``, hidden votes stay hidden and holders stay anonymous."""
    hidden = view.votes_hidden and not for_instructor
    outcome = view.outcome
    seats = []
    for seat in view.seats:
        voted = seat.vote is not Vote.UNDECIDED
        item: dict[str, Any] = {
            "code": seat.code,
            "vote": ("hidden" if voted else "undecided") if hidden else seat.vote.value,
            "claimed": seat.claimed,
        }
        if for_instructor:
            item["holder"] = seat.holder
            item["reserved_for"] = seat.reserved_for
            item["voted_at"] = seat.voted_at.isoformat() if seat.voted_at else None
        seats.append(item)
    role = Role.INSTRUCTOR if for_instructor else Role.VISITOR
    return {
        "session": view.id,
        "version": view.version,
        "status": view.status.value,
        "hidden": hidden,
        "hide_votes": view.hide_votes,
        "seats_open": view.seats_open,
        "voted": view.voted,
        "seats": seats,
        "actions": sorted(a.value for a in allowed_actions(view, role)),
        "outcome": None if hidden else outcome.model_dump(mode="json"),
        "headline": HIDDEN_HEADLINE if hidden else headline(view.scenario, outcome),
    }
