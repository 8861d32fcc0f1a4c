"""Live classroom sessions: the state a session is in, who may do what, and what each viewer sees.

A session keeps its own copy of the scenario, so editing the file never changes a running vote.
Voting opens and closes; the instructor may hide individual votes until it closes; the session
ends for good. ``public_view`` is what students and the projector see; the instructor sees all.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from app.domain.errors import Conflict, NotFound
from app.domain.rules import Outcome, headline, tally
from app.domain.scenario import Scenario
from app.domain.votes import Vote

# No 0/O/Q/G, 1/I/L, 2/Z, 5/S, 8/B: a code read off a projector is typed right the first time.
JOIN_ALPHABET = "ACDEFHJKMNPRTUVWXY3469"
JOIN_CODE_LENGTH = 6


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(text: str) -> str:
    """What a student typed, as a code: case, spaces and dashes forgiven."""
    return "".join(ch for ch in text.upper() if ch.isalnum())[:16]


class Status(StrEnum):
    """Waiting for votes (open), counting done (closed), or over for good (ended)."""

    OPEN = "open"
    CLOSED = "closed"
    ENDED = "ended"


@dataclass(frozen=True)
class Seat:
    """One delegation in a session: who holds it, and its vote."""

    code: str
    name: str
    permanent: bool
    vote: Vote
    voted_at: dt.datetime | None = None
    claimed: bool = False
    holder: str | None = None
    reserved_for: str | None = None


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

    @property
    def votes(self) -> dict[str, Vote]:
        return {seat.code: seat.vote for seat in self.seats}

    def seat(self, code: str) -> Seat:
        for seat in self.seats:
            if seat.code == code:
                return seat
        raise NotFound(f"no delegation {code!r} in this session")

    @cached_property
    def outcome(self) -> Outcome:
        # A view is frozen, so its outcome is computed once, though each change serialises it several times.
        return tally(self.scenario, self.votes)

    @property
    def votes_hidden(self) -> bool:
        return self.hide_votes and self.status is Status.OPEN

    @property
    def seats_open(self) -> bool:
        return self.status is not Status.ENDED and any(not s.claimed for s in self.seats)


def ensure_can_vote(view: SessionView) -> None:
    if view.status is Status.ENDED:
        raise Conflict("this session has ended")
    if view.status is Status.CLOSED:
        raise Conflict("voting is closed; the instructor can reopen it")


def ensure_not_ended(view: SessionView) -> None:
    if view.status is Status.ENDED:
        raise Conflict("this session has ended")


def snapshot(view: SessionView, *, for_instructor: bool) -> dict[str, Any]:
    """What a live page receives. Unless ``for_instructor``, hidden votes stay hidden and holders stay anonymous."""
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
    return {
        "session": view.id,
        "version": view.version,
        "status": view.status.value,
        "hidden": hidden,
        "hide_votes": view.hide_votes,
        "seats_open": view.seats_open,
        "voted": sum(1 for s in view.seats if s.vote is not Vote.UNDECIDED),
        "seats": seats,
        "outcome": None if hidden else outcome.model_dump(mode="json"),
        "headline": "Votes are hidden until voting closes" if hidden else headline(view.scenario, outcome),
    }
