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

from app.domain import meeting as meetings
from app.domain.errors import Conflict, Forbidden, InvalidRequest, NotFound
from app.domain.frozen import evolve
from app.domain.meeting import Deed, Meeting
from app.domain.rules import Outcome, headline, tally
from app.domain.scenario import Scenario
from app.domain.text import ENGLISH, N_, Phrase, Translator
from app.domain.votes import Vote

# No 0/O/Q/G, 1/I/L, 2/Z, 5/S, 8/B: a code read off a projector is typed right the first time.
JOIN_ALPHABET = "ACDEFHJKMNPRTUVWXY3469"
JOIN_CODE_LENGTH = 6
NAME_MAX = 80

HIDDEN_HEADLINE = N_("Votes are hidden until voting closes")


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
        raise InvalidRequest(
            field_name,
            Phrase.ngettext(
                "a name may be at most %(count)d character",
                "a name may be at most %(count)d characters",
                NAME_MAX,
                count=NAME_MAX,
            ),
        )
    for char in name:
        if unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn"}:
            raise InvalidRequest(
                field_name,
                Phrase(
                    N_("the name holds an invisible or control character (U+%(code)04X); type it again"), code=ord(char)
                ),
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
    MEETING = "meeting"  # an act of the meeting (an objection, a motion, a vote...): see app/domain/meeting.py
    CLAIM = "claim"
    OBSERVE = "observe"
    APPROVE = "approve"
    REMOVE = "remove"
    BLOCK = "block"
    UNBLOCK = "unblock"
    HAND = "hand"
    PRESIDENCY = "presidency"  # the instructor hands the presidency of a meeting to a student, or takes it back
    JOIN_MODE = "join-mode"
    SEAT_SIZE = "seat-size"
    RELEASE = "release"
    RESERVE = "assign"


class JoinMode(StrEnum):
    """How students get a place: take a free one (open), wait for the instructor (approve), or only
    through their delegation's personal link (locked)."""

    OPEN = "open"
    APPROVE = "approve"
    LOCKED = "locked"


class Place(StrEnum):
    """Where a student is: in a delegation, waiting to be let in, watching, or a device kept out."""

    SEATED = "seated"
    PENDING = "pending"
    OBSERVER = "observer"
    BLOCKED = "blocked"


# Students one delegation may hold, and everyone a session may hold (observers and blocked devices
# included): a script cannot grow a session without bound.
SEAT_SIZE_MAX = 6
STUDENTS_MAX = 400
BLOCKED_MAX = 200  # devices kept out; beyond this, blocking one forgets the oldest


# What a student may answer; absence and "undecided" are the instructor's to record.
STUDENT_CHOICES = (Vote.YES, Vote.NO, Vote.ABSTAIN)


@dataclass(frozen=True)
class Student:
    """One device that joined: its place, the delegation it sits in (or waits for), and how it is known.

    ``key`` is a prefix of the token's hash: the instructor's handle on a student, shown in forms,
    never enough to act as them. ``address`` is where the device joined from, kept only so that
    blocking it keeps that address out too (loopback is not kept: it is the instructor's own machine).
    """

    key: str
    token_hash: str = field(repr=False)
    place: Place
    joined_at: dt.datetime
    name: str | None = None
    seat: str | None = None
    address: str | None = None

    @property
    def label(self) -> str:
        """The student's name, or (a ``Phrase``) "student" and the first characters of their key."""
        # Translators: a student who gave no name, known by the first characters of a code (student 3fa9).
        return self.name or Phrase(N_("student %(key)s"), key=self.key[:4])


def student_key(digest: str) -> str:
    return digest[:16]


@dataclass(frozen=True)
class Seat:
    """One delegation in a session: its vote, and who casts it (``token_hash`` and ``holder`` are the
    voter's: one of the delegation's students, who can hand the role on)."""

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
    join_mode: JoinMode = JoinMode.OPEN
    seat_size: int = 1
    students: tuple[Student, ...] = field(default_factory=tuple)
    # A session on a meeting file runs the whole meeting: its state, and the acts that made it.
    meeting: Meeting | None = None
    deeds: tuple[Deed, ...] = field(default_factory=tuple)
    president: str | None = None  # the student (key) who presides the meeting; None: the instructor

    @property
    def votes(self) -> dict[str, Vote]:
        return {seat.code: seat.vote for seat in self.seats}

    def seat(self, code: str) -> Seat:
        for seat in self.seats:
            if seat.code == code:
                return seat
        raise NotFound(Phrase(N_("no delegation %(code)r in this session"), code=code))

    def seat_for_token_hash(self, digest: str | None) -> str | None:
        """The delegation a student's token sits in (voter or not), or None: checked without a query."""
        student = self.student_for_token_hash(digest)
        return student.seat if student is not None and student.place is Place.SEATED else None

    def student_for_token_hash(self, digest: str | None) -> Student | None:
        """The student a token belongs to, blocked devices included (their token stays refused)."""
        if digest is None:
            return None
        return next((s for s in self.students if s.token_hash == digest), None)

    def student(self, key: str) -> Student:
        for student in self.students:
            if student.key == key:
                return student
        raise NotFound(N_("no such student in this session (they may have left or been removed)"))

    def delegates(self, code: str) -> tuple[Student, ...]:
        """The students seated in a delegation, in the order they joined."""
        return tuple(s for s in self.students if s.place is Place.SEATED and s.seat == code)

    def in_place(self, place: Place) -> tuple[Student, ...]:
        return tuple(s for s in self.students if s.place is place)

    def room_left(self, code: str) -> int:
        return max(0, self.seat_size - len(self.delegates(code)))

    def is_voter(self, student: Student) -> bool:
        return (
            student.place is Place.SEATED
            and student.seat is not None
            and (self.seat(student.seat).token_hash == student.token_hash)
        )

    @cached_property
    def outcome(self) -> Outcome:
        # A view is frozen, so its outcome is computed once, though each change draws it several times.
        return tally(self.scenario, self.votes)

    @property
    def votes_hidden(self) -> bool:
        return self.hide_votes and self.status is Status.OPEN

    @property
    def seats_open(self) -> bool:
        """Whether a student with the join code could still take a place in a delegation."""
        return (
            self.status is not Status.ENDED
            and self.join_mode is not JoinMode.LOCKED
            and any(self.room_left(s.code) for s in self.seats if not s.reserved_for)
        )

    @property
    def full(self) -> bool:
        """Whether the session holds as many students as it can (blocked devices aside)."""
        return sum(1 for s in self.students if s.place is not Place.BLOCKED) >= STUDENTS_MAX

    @property
    def seated(self) -> int:
        return sum(1 for s in self.students if s.place is Place.SEATED)

    @property
    def voted(self) -> int:
        """Votes cast in this session: a position the scenario started a seat with is not a vote cast."""
        return sum(1 for s in self.seats if s.vote is not Vote.UNDECIDED and s.voted_at is not None)


# The transition table. Each rule names who may act and, for a given view and request, why not
# (None: allowed). ``Conflict`` reasons (409) cover a request that the state makes impossible or
# pointless (a no-op is refused and never audited); ``Forbidden`` (403) is about who asks. Every reason
# is English, a sentence marked ``N_`` or a ``Phrase``: ``meeting.translated`` words it for a reader.


@dataclass(frozen=True)
class Request:
    """What an action asks for: the delegation concerned, a vote, a name, the student acted on.

    A joining device brings its ``address`` (None for loopback) and ``device``, the hash of a token it
    already held in this session, so that a blocked device stays out; ``via_link`` says the claim came
    through the delegation's personal link (checked by the web layer).
    """

    member: str | None = None
    vote: Vote | None = None
    name: str | None = None
    student: str | None = None
    join_mode: JoinMode | None = None
    seat_size: int | None = None
    address: str | None = None
    device: str | None = None
    via_link: bool = False
    per_address: int = 0  # places one address may hold (0: no limit)
    deed: Deed | None = None  # an act of the meeting


Check = Callable[[SessionView, Request], str | None]


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    refused: Check


def _live(view: SessionView, _: Request) -> str | None:
    return N_("this session has ended") if view.status is Status.ENDED else None


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
        return N_("voting has not opened yet; the instructor opens it")
    if view.status is Status.CLOSED:
        return N_("voting is closed; the instructor can reopen it")
    if request.member is None or request.vote is None:
        return None
    seat = view.seat(request.member)
    if seat.vote is request.vote:
        return Phrase(_ALREADY_VOTED[request.vote], member=seat.name)
    return None


# A vote asked for again, each in words.
_ALREADY_VOTED = {
    # Translators: a delegation asks for the vote it has already cast; the vote as a word (yes, no, abstain).
    Vote.YES: N_("the vote of %(member)s is already yes"),
    Vote.NO: N_("the vote of %(member)s is already no"),
    Vote.ABSTAIN: N_("the vote of %(member)s is already abstain"),
    Vote.ABSENT: N_("the vote of %(member)s is already absent"),
    Vote.NOT_PARTICIPATING: N_("the vote of %(member)s is already did not participate"),
    Vote.UNDECIDED: N_("the vote of %(member)s is already undecided"),
}


def _meeting_open(view: SessionView, _: Request) -> str | None:
    if view.meeting is None:
        return N_("this session is a single question, not a meeting")
    if view.status is Status.WAITING:
        return N_("the meeting has not opened yet; the instructor opens it")
    return None


def _only_for_questions(view: SessionView, _: Request) -> str | None:
    return N_("a meeting moves on through the President's acts, not this control") if view.meeting is not None else None


def _votes_differ(target: Callable[[SessionView], Mapping[str, Vote]], already: str) -> Check:
    return lambda view, _: None if target(view) != view.votes else already


def _may_join(view: SessionView, request: Request) -> str | None:
    """A new student: not a device that already has a place or was blocked, joining not locked (a personal
    link passes), room in the session.

    Checked when the change is committed, so parallel claims from one browser cannot each pass. An
    address counts only where addresses tell devices apart (``per_address`` set): behind one shared
    address, blocking one student must not keep out the class.
    """
    device = view.student_for_token_hash(request.device) if request.device else None
    if device is not None and device.place is not Place.BLOCKED:
        raise Conflict(N_("you already have a place in this session; ask the instructor to release it first"))
    by_address = bool(request.address and request.per_address)
    for student in view.in_place(Place.BLOCKED):
        if student is device or (by_address and student.address == request.address):
            raise Forbidden(N_("the instructor has blocked this device from joining this session"))
    if by_address:
        held = sum(1 for s in view.students if s.address == request.address and s.place is not Place.BLOCKED)
        if held >= request.per_address:
            return Phrase.ngettext(
                "this device's network address already has %(count)d places in this session; "
                "ask your instructor to remove one you no longer use",
                "this device's network address already has %(count)d places in this session; "
                "ask your instructor to remove one you no longer use",
                held,
                count=held,
            )
    if view.join_mode is JoinMode.LOCKED and not request.via_link:
        return N_("joining is locked; ask your instructor for your delegation's personal link")
    if view.full:
        return N_("this session is full")
    return None


def _seat_free(view: SessionView, request: Request) -> str | None:
    if request.member is None:
        return None
    seat = view.seat(request.member)
    if seat.reserved_for and not request.via_link:
        return Phrase(
            N_("%(member)s is reserved for %(name)s; it is taken through its personal link"),
            member=seat.name,
            name=seat.reserved_for,
        )
    if not view.room_left(seat.code):
        if view.seat_size == 1:
            return Phrase(N_("%(member)s is already taken; choose another delegation"), member=seat.name)
        return Phrase.ngettext(
            "%(member)s already has its %(count)d student; choose another delegation",
            "%(member)s already has its %(count)d students; choose another delegation",
            view.seat_size,
            member=seat.name,
            count=view.seat_size,
        )
    return None


def _student_is(*places: Place) -> Check:
    def check(view: SessionView, request: Request) -> str | None:
        if request.student is None:
            return None
        student = view.student(request.student)  # NotFound for a student who is not (or no longer) here
        if student.place not in places:
            return Phrase(_PLACE_WORDS[student.place], student=student.label)
        return None

    return check


# Where a student already is, when an action needs them elsewhere.
_PLACE_WORDS = {
    Place.SEATED: N_("%(student)s is already seated"),
    Place.PENDING: N_("%(student)s is still waiting to be let in"),
    Place.OBSERVER: N_("%(student)s is an observer"),
    Place.BLOCKED: N_("%(student)s is blocked"),
}


def _student_blocked(view: SessionView, request: Request) -> str | None:
    if request.student is None:
        return None
    student = view.student(request.student)
    return None if student.place is Place.BLOCKED else Phrase(N_("%(student)s is not blocked"), student=student.label)


def _room_for_pending(view: SessionView, request: Request) -> str | None:
    if request.student is None:
        return None
    student = view.student(request.student)
    if student.seat is not None and not view.room_left(student.seat):
        return Phrase(
            N_("%(member)s has no room left; raise the students per delegation or free a place"),
            member=view.seat(student.seat).name,
        )
    return None


def _new_voter(view: SessionView, request: Request) -> str | None:
    if request.student is None:
        return None
    student = view.student(request.student)
    if view.is_voter(student):
        return Phrase(N_("%(student)s already casts the vote"), student=student.label)
    return None


def _presidency_changes(view: SessionView, request: Request) -> str | None:
    if view.meeting is None:
        return N_("only a meeting has a presidency to hand on")
    if request.student == view.president:
        return N_("the presidency is already there")
    if request.student is not None and view.student(request.student).place is not Place.SEATED:
        return N_("the presidency goes to a student seated in a delegation")
    return None


def _mode_changes(view: SessionView, request: Request) -> str | None:
    if request.join_mode is not None and request.join_mode is view.join_mode:
        return _MODE_ALREADY[request.join_mode]
    return None


_MODE_ALREADY = {
    JoinMode.OPEN: N_("joining is already open"),
    # Translators: joining a session already needs the instructor's approval ("approve" is the mode's name).
    JoinMode.APPROVE: N_("joining is already approve"),
    JoinMode.LOCKED: N_("joining is already locked"),
}


def _size_fits(view: SessionView, request: Request) -> str | None:
    size = request.seat_size
    if size is None:
        return None
    if not 1 <= size <= SEAT_SIZE_MAX:
        return _seat_size_range()
    if size == view.seat_size:
        return Phrase(N_("a delegation already holds up to %(size)d"), size=size)
    crowded = [seat.name for seat in view.seats if len(view.delegates(seat.code)) > size]
    if crowded:
        return Phrase.ngettext(
            "%(members)s already seat more than %(size)d; remove students there first",
            "%(members)s already seat more than %(size)d; remove students there first",
            len(crowded),
            members=", ".join(crowded),
            size=size,
        )
    return None


def _seat_size_range() -> Phrase:
    return Phrase.ngettext(
        "a delegation holds 1 to %(count)d student",
        "a delegation holds 1 to %(count)d students",
        SEAT_SIZE_MAX,
        count=SEAT_SIZE_MAX,
    )


def _seat_held(view: SessionView, request: Request) -> str | None:
    if request.member is None:
        return None
    seat = view.seat(request.member)
    return None if view.delegates(seat.code) else Phrase(N_("%(member)s is not held by anyone"), member=seat.name)


def _reservation_changes(view: SessionView, request: Request) -> str | None:
    if request.member is None:
        return None
    seat = view.seat(request.member)
    if seat.reserved_for == request.name:
        if request.name:
            return Phrase(N_("%(member)s is already reserved for %(name)s"), member=seat.name, name=request.name)
        return Phrase(N_("%(member)s is not reserved"), member=seat.name)
    return None


def _scenario_votes(view: SessionView) -> dict[str, Vote]:
    return view.scenario.starting_votes


def _no_votes(view: SessionView) -> dict[str, Vote]:
    return {seat.code: Vote.UNDECIDED for seat in view.seats}


INSTRUCTOR = frozenset({Role.INSTRUCTOR})
TRANSITIONS: dict[Action, Rule] = {
    Action.OPEN: Rule(
        INSTRUCTOR, _all(_live, lambda v, _: N_("voting is already open") if v.status is Status.OPEN else None)
    ),
    Action.CLOSE: Rule(
        INSTRUCTOR, _all(_live, _only_for_questions, _status_is(Status.OPEN, N_("voting is already closed")))
    ),
    Action.HIDE: Rule(
        INSTRUCTOR,
        _all(_live, _only_for_questions, lambda v, _: N_("votes are already hidden") if v.hide_votes else None),
    ),
    Action.SHOW: Rule(INSTRUCTOR, _all(_live, lambda v, _: None if v.hide_votes else N_("votes are already shown"))),
    Action.RESET: Rule(
        INSTRUCTOR,
        _all(
            _live,
            _only_for_questions,
            _votes_differ(_scenario_votes, N_("every vote is already as the scenario has it")),
        ),
    ),
    Action.CLEAR: Rule(
        INSTRUCTOR,
        _all(_live, _only_for_questions, _votes_differ(_no_votes, N_("every delegation is already undecided"))),
    ),
    Action.END: Rule(INSTRUCTOR, _live),
    Action.VOTE: Rule(frozenset({Role.INSTRUCTOR, Role.STUDENT}), _all(_live, _seat_exists, _vote_changes)),
    Action.MEETING: Rule(frozenset({Role.INSTRUCTOR, Role.STUDENT}), _all(_live, _meeting_open)),
    Action.CLAIM: Rule(frozenset({Role.VISITOR}), _all(_live, _may_join, _seat_free)),
    Action.OBSERVE: Rule(frozenset({Role.VISITOR}), _all(_live, _may_join)),
    Action.APPROVE: Rule(INSTRUCTOR, _all(_live, _student_is(Place.PENDING), _room_for_pending)),
    Action.REMOVE: Rule(INSTRUCTOR, _all(_live, _student_is(Place.SEATED, Place.PENDING, Place.OBSERVER))),
    Action.BLOCK: Rule(INSTRUCTOR, _all(_live, _student_is(Place.SEATED, Place.PENDING, Place.OBSERVER))),
    Action.UNBLOCK: Rule(INSTRUCTOR, _all(_live, _student_blocked)),
    Action.HAND: Rule(frozenset({Role.INSTRUCTOR, Role.STUDENT}), _all(_live, _student_is(Place.SEATED), _new_voter)),
    Action.JOIN_MODE: Rule(INSTRUCTOR, _all(_live, _mode_changes)),
    Action.PRESIDENCY: Rule(INSTRUCTOR, _all(_live, _presidency_changes)),
    Action.SEAT_SIZE: Rule(INSTRUCTOR, _all(_live, _size_fits)),
    Action.RELEASE: Rule(INSTRUCTOR, _all(_live, _seat_held)),
    Action.RESERVE: Rule(INSTRUCTOR, _all(_live, _seat_exists, _reservation_changes)),
}


def refusal(
    view: SessionView, action: Action, role: Role, request: Request = Request(), translate: Translator = ENGLISH
) -> str | None:
    """Why ``role`` may not take ``action`` now (None when it may), in the language of ``translate`` (English by
    default: a ``Phrase`` or a sentence marked ``N_``). Raises NotFound for an unknown delegation."""
    rule = TRANSITIONS[action]
    if role not in rule.roles:
        roles = " or ".join(sorted(r.value for r in rule.roles))
        # Translators: %(roles)s and %(action)s are the program's own names: "only instructor may open".
        reason: str | None = Phrase(N_("only %(roles)s may %(action)s"), roles=roles, action=action.value)
    else:
        reason = rule.refused(view, request)
    return reason if reason is None or translate is ENGLISH else meetings.translated(reason, translate)


def check(view: SessionView, action: Action, role: Role, request: Request = Request()) -> None:
    """Raise ``Forbidden`` (wrong role), ``Conflict`` (not now, or nothing would change) or accept."""
    rule = TRANSITIONS[action]
    if role not in rule.roles:
        if role is Role.STUDENT:
            raise Forbidden(N_("only the instructor can do this"))
        raise Forbidden(
            N_(
                "only the instructor can do this: open the instructor link that `unsc-sim serve` printed, on this device"
            )
        )
    if role is Role.STUDENT and action is Action.VOTE and request.vote not in STUDENT_CHOICES:
        raise InvalidRequest("vote", _not_a_student_vote(request.vote))
    reason = rule.refused(view, request)
    if reason:
        raise Conflict(reason)


def allowed_actions(view: SessionView, role: Role) -> frozenset[Action]:
    """The session-wide actions ``role`` may take now: pages show exactly these controls. (As ``refusal`` is None,
    without building the refusal of every action the role may never take: every live page asks this.)"""
    nothing = Request()
    return frozenset(
        action for action, rule in TRANSITIONS.items() if role in rule.roles and rule.refused(view, nothing) is None
    )


def new_session(
    session_id: str,
    join_code: str,
    scenario_id: str,
    scenario: Scenario,
    at: dt.datetime,
    *,
    from_positions: bool = False,
    join_mode: JoinMode = JoinMode.OPEN,
    seat_size: int = 1,
) -> SessionView:
    """A session as it starts: version 1, voting not yet open, every delegation undecided; or, for a
    demonstration (``from_positions``), each with the scenario's starting position."""
    seats = tuple(
        Seat(code=m.code, name=m.name, permanent=m.permanent, vote=m.vote if from_positions else Vote.UNDECIDED)
        for m in scenario.members
    )
    if not 1 <= seat_size <= SEAT_SIZE_MAX:
        raise InvalidRequest("seat_size", _seat_size_range())
    meeting = open_meeting(scenario, at) if scenario.is_meeting else None
    return SessionView(
        session_id,
        join_code,
        scenario_id,
        scenario,
        Status.WAITING,
        False,
        1,
        at,
        seats,
        join_mode=join_mode,
        seat_size=seat_size,
        meeting=meeting,
    )


def open_meeting(scenario: Scenario, at: dt.datetime, deeds: tuple[Deed, ...] = ()) -> Meeting:
    """The meeting a session on a meeting file runs, after ``deeds`` (a restart replays them)."""
    return meetings.replay(meetings.plan_of(scenario), scenario.members, deeds, at, scenario.required)


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
    return evolve(seat, vote=vote, voted_at=None if vote is Vote.UNDECIDED else at)


def _with_seat(view: SessionView, code: str, change: Callable[[Seat], Seat]) -> tuple[Seat, ...]:
    """The seats with only ``code``'s changed (the others are the same objects: the store writes only what moved)."""
    seats = view.seats
    for index, seat in enumerate(seats):
        if seat.code == code:
            return (*seats[:index], change(seat), *seats[index + 1 :])
    return seats


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

    A student's vote, or their handing the vote on, carries the hash of their token, which must still
    cast the delegation's vote at this version: a seat released a moment ago cannot vote. A claim
    carries the new token's hash. In a meeting, a delegation's vote is the meeting's own act: a vote on
    the question the President has put, decided on the session as it stands when it is committed.
    """
    if action is Action.VOTE and view.meeting is not None and request.member is not None:
        view.seat(request.member)  # NotFound for a delegation not on the council, as for a single question
        deed = meetings.Deed(meetings.Act.VOTE, request.member, at, vote=request.vote)
        return apply(view, Action.MEETING, role, Request(deed=deed), actor=actor, at=at, token_hash=token_hash)
    if role is Role.STUDENT:
        _student_may_act(view, action, request, token_hash)  # who acts comes before whether anything changes
    check(view, action, role, request)
    member, vote, name = request.member, request.vote, request.name
    after = evolve(view, version=view.version + 1)
    detail: str | None = None
    if action is Action.VOTE and member is not None and vote is not None:
        after = evolve(after, seats=_with_seat(view, member, lambda s: _vote_cast(s, vote, at)))
        detail = vote.value
    elif action in (Action.CLAIM, Action.OBSERVE) and token_hash is not None:
        after, detail = _joined(view, after, action, request, token_hash, at)
    elif action in _STUDENT_ACTIONS and request.student is not None:
        student = view.student(request.student)
        member = student.seat
        if action is Action.HAND and role is Role.STUDENT and student.seat is not None:
            _must_cast(view, student.seat, token_hash)
        after = _STUDENT_ACTIONS[action](view, after, student)
        detail = student.label
    elif action is Action.RELEASE and member is not None:
        gone = {s.key for s in view.delegates(member)}
        after = replace(after, students=tuple(s for s in view.students if s.key not in gone))
        after = replace(after, seats=_with_voters(after), president=None if view.president in gone else view.president)
    elif action is Action.RESERVE and member is not None:
        after = replace(after, seats=_with_seat(view, member, lambda s: replace(s, reserved_for=name)))
        detail = name
    elif action is Action.MEETING and request.deed is not None and view.meeting is not None:
        after = evolve(after, meeting=meetings.apply(view.meeting, request.deed), deeds=(*view.deeds, request.deed))
        member = request.deed.by if request.deed.by != meetings.PRESIDENT else None
        detail = _deed_words(request.deed)
    else:
        after, detail = _session_wide(view, after, action, request, at)
    return Change(after, action, actor, member, detail)


def _session_wide(
    view: SessionView, after: SessionView, action: Action, request: Request, at: dt.datetime
) -> tuple[SessionView, str | None]:
    """The changes to the session as a whole: how students join, votes shown, reset, the status."""
    if action is Action.JOIN_MODE and request.join_mode is not None:
        return replace(after, join_mode=request.join_mode), request.join_mode.value
    if action is Action.PRESIDENCY:
        chair = view.student(request.student) if request.student else None
        return replace(after, president=chair.key if chair else None), chair.label if chair else "instructor"
    if action is Action.SEAT_SIZE and request.seat_size is not None:
        return replace(after, seat_size=request.seat_size), str(request.seat_size)
    if action in (Action.RESET, Action.CLEAR):
        target = _scenario_votes(view) if action is Action.RESET else _no_votes(view)
        return replace(after, seats=_with_seats(view, lambda s: replace(s, vote=target[s.code], voted_at=None))), None
    if action in (Action.HIDE, Action.SHOW):
        return replace(after, hide_votes=action is Action.HIDE), None
    if action in STATUS_AFTER:
        ended = at if action is Action.END else view.ended_at
        return replace(after, status=STATUS_AFTER[action], ended_at=ended), None
    return after, None


def _student_may_act(view: SessionView, action: Action, request: Request, token_hash: str | None) -> None:
    """A student votes, or hands the vote on, only for the delegation whose vote their token casts."""
    if action is Action.VOTE and request.member is not None:
        _must_cast(view, request.member, token_hash)
    elif action is Action.MEETING and request.deed is not None and request.deed.by == meetings.PRESIDENT:
        chair = view.student_for_token_hash(token_hash)
        if chair is None or chair.key != view.president or chair.place is not Place.SEATED:
            raise Forbidden(N_("only the President may do this; the instructor can hand you the presidency"))
    elif action is Action.MEETING and request.deed is not None:
        if request.deed.by not in view.votes:
            raise Forbidden(N_("a student acts for their own delegation"))
        _must_cast(view, request.deed.by, token_hash)
        if request.deed.act is meetings.Act.VOTE and request.deed.vote not in STUDENT_CHOICES:
            raise InvalidRequest("vote", _not_a_student_vote(request.deed.vote))
    elif action is Action.HAND and request.student is not None:
        target = view.student(request.student)
        if target.seat is not None:
            _must_cast(view, target.seat, token_hash)


def _not_a_student_vote(vote: Vote | None) -> Phrase:
    allowed = ", ".join(v.value for v in STUDENT_CHOICES)
    # Translators: %(allowed)s and %(vote)s are the votes' own names (yes, no, abstain).
    return Phrase(N_("a delegation votes %(allowed)s, not %(vote)s"), allowed=allowed, vote=str(vote))


def _deed_words(deed: Deed) -> str:
    """An act as the audit log records it: the act and what it names."""
    parts = [deed.act.value]
    for value in (deed.vote, deed.motion, deed.subject, deed.part, deed.seconds):
        if value is not None:
            parts.append(str(value))
    if deed.order:
        parts.append(",".join(deed.order))
    if deed.text:
        parts.append(deed.text[:200])
    return " ".join(parts)


def _must_cast(view: SessionView, code: str, token_hash: str | None) -> None:
    """A student acts for a delegation only while their token casts its vote."""
    seat = view.seat(code)
    if seat.token_hash == token_hash and token_hash is not None:
        return
    student = view.student_for_token_hash(token_hash)
    if student is not None and student.place is Place.SEATED and student.seat == code:
        if seat.holder:
            raise Forbidden(
                Phrase(
                    N_("%(student)s casts the vote of %(member)s; they can hand it to you"),
                    student=seat.holder,
                    member=seat.name,
                )
            )
        raise Forbidden(
            Phrase(N_("another student casts the vote of %(member)s; they can hand it to you"), member=seat.name)
        )
    raise Forbidden(N_("you no longer hold this delegation (the instructor released it); join again"))


def _joined(
    view: SessionView, after: SessionView, action: Action, request: Request, token_hash: str, at: dt.datetime
) -> tuple[SessionView, str]:
    """A new student: seated (or waiting, when each claim needs approval), or an observer."""
    seat = view.seat(request.member) if action is Action.CLAIM and request.member else None
    reserved = seat.reserved_for if seat is not None and request.via_link else None
    if reserved and any(s.name == reserved for s in view.delegates(seat.code if seat else "")):
        reserved = None  # the link was used again: a second student is not the one it was reserved for
    name = request.name or reserved
    if seat is None:
        place = Place.OBSERVER
    elif view.join_mode is JoinMode.APPROVE and not request.via_link:
        place = Place.PENDING
    else:
        place = Place.SEATED
    student = Student(
        student_key(token_hash), token_hash, place, at, name, seat.code if seat else None, request.address
    )
    after = replace(after, students=(*view.students, student))
    if place is Place.SEATED:
        after = replace(after, seats=_with_voters(after))
    words = [name or "a student"]
    if place is Place.PENDING:
        words.append("(waiting for approval)")
    if request.via_link:
        words.append("(personal link)")
    return after, " ".join(words)


def _with_voters(view: SessionView) -> tuple[Seat, ...]:
    """Every delegation's voter after students came or went: the voter stays while seated; a delegation
    whose voter left passes the vote to the student who joined it first; one with nobody has no voter."""

    def settle(seat: Seat) -> Seat:
        delegates = view.delegates(seat.code)
        if any(s.token_hash == seat.token_hash for s in delegates):
            return seat
        first = delegates[0] if delegates else None
        return replace(seat, token_hash=first.token_hash if first else None, holder=first.name if first else None)

    return _with_seats(view, settle)


def _without(view: SessionView, after: SessionView, student: Student) -> SessionView:
    after = replace(after, students=tuple(s for s in view.students if s.key != student.key))
    if after.president == student.key:
        after = replace(after, president=None)
    return replace(after, seats=_with_voters(after))


def _blocked(view: SessionView, after: SessionView, student: Student) -> SessionView:
    if after.president == student.key:
        after = replace(after, president=None)
    kept = replace(student, place=Place.BLOCKED, seat=None)
    students = tuple(kept if s.key == student.key else s for s in view.students)
    blocked = [s.key for s in students if s.place is Place.BLOCKED]
    forgotten = set(blocked[: max(0, len(blocked) - BLOCKED_MAX)])
    after = replace(after, students=tuple(s for s in students if s.key not in forgotten))
    return replace(after, seats=_with_voters(after))


def _approved(view: SessionView, after: SessionView, student: Student) -> SessionView:
    seated = replace(student, place=Place.SEATED)
    after = replace(after, students=tuple(seated if s.key == student.key else s for s in view.students))
    return replace(after, seats=_with_voters(after))


def _handed(view: SessionView, after: SessionView, student: Student) -> SessionView:
    code = student.seat or ""
    seats = _with_seat(view, code, lambda s: replace(s, token_hash=student.token_hash, holder=student.name))
    return replace(after, seats=seats)


_STUDENT_ACTIONS: dict[Action, Callable[[SessionView, SessionView, Student], SessionView]] = {
    Action.APPROVE: _approved,
    Action.REMOVE: _without,
    Action.UNBLOCK: _without,
    Action.BLOCK: _blocked,
    Action.HAND: _handed,
}


STATUS_AFTER = {Action.OPEN: Status.OPEN, Action.CLOSE: Status.CLOSED, Action.END: Status.ENDED}


def snapshot(view: SessionView, *, for_instructor: bool, translate: Translator = ENGLISH) -> dict[str, Any]:
    """The state as data. Unless ``for_instructor``, hidden votes stay hidden and holders stay anonymous. The
    headline is in the language of ``translate`` (English by default)."""
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
        item["students"] = len(view.delegates(seat.code))
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
        "join_mode": view.join_mode.value,
        "seat_size": view.seat_size,
        "observers": len(view.in_place(Place.OBSERVER)),
        "actions": sorted(a.value for a in allowed_actions(view, role)),
        "outcome": None if hidden else outcome.model_dump(mode="json"),
        "headline": translate.gettext(HIDDEN_HEADLINE) if hidden else headline(view.scenario, outcome, translate),
    } | ({"students": [_student_data(view, s) for s in view.students]} if for_instructor else {})


def _student_data(view: SessionView, student: Student) -> dict[str, Any]:
    return {
        "key": student.key,
        "name": student.name,
        "place": student.place.value,
        "seat": student.seat,
        "voter": view.is_voter(student),
        "joined_at": student.joined_at.isoformat(),
    }
