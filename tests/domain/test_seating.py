"""Seating as a pure function of the session: places, the voter of each delegation, join modes, blocks."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.errors import Conflict, Forbidden
from app.domain.session import (
    Action,
    JoinMode,
    Place,
    Request,
    Role,
    SessionView,
    apply,
    new_session,
)
from app.domain.votes import Vote
from app.scenarios import load_file
from tests.conftest import BUNDLED

SCENARIO = load_file(BUNDLED / "council-2026.yaml")
AT = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)


def fresh(size: int = 2, mode: JoinMode = JoinMode.OPEN) -> SessionView:
    view = new_session("s1", "ACDEFH", "c", SCENARIO, AT, seat_size=size, join_mode=mode)
    return apply(view, Action.OPEN, Role.INSTRUCTOR, Request(), actor="instructor", at=AT).view


def join(view: SessionView, token: str, member: str | None = "USA", **request: object) -> SessionView:
    action = Action.CLAIM if member else Action.OBSERVE
    asked = Request(member=member, name=token[:3].title(), **request)  # type: ignore[arg-type]
    return apply(view, action, Role.VISITOR, asked, actor="student", at=AT, token_hash=token).view


def key(view: SessionView, token: str) -> str:
    student = view.student_for_token_hash(token)
    assert student is not None
    return student.key


def instructor(view: SessionView, action: Action, student: str) -> SessionView:
    return apply(view, action, Role.INSTRUCTOR, Request(student=student), actor="instructor", at=AT).view


def vote(view: SessionView, token: str, choice: Vote = Vote.YES, member: str = "USA") -> SessionView:
    asked = Request(member=member, vote=choice)
    return apply(view, Action.VOTE, Role.STUDENT, asked, actor="student", at=AT, token_hash=token).view


def test_the_first_student_of_a_delegation_casts_its_vote_and_the_others_see_it() -> None:
    view = join(join(fresh(), "ann" * 8), "bob" * 8)
    assert view.seat("USA").holder == "Ann" and [s.name for s in view.delegates("USA")] == ["Ann", "Bob"]
    with pytest.raises(Forbidden, match="casts the vote of United States"):
        vote(view, "bob" * 8)
    assert vote(view, "ann" * 8).seat("USA").vote is Vote.YES
    with pytest.raises(Conflict, match="already has its 2 students"):
        join(view, "cat" * 8)


def test_a_voter_who_leaves_passes_the_vote_to_the_next_and_the_last_frees_the_seat() -> None:
    view = join(join(fresh(3), "ann" * 8), "bob" * 8)
    view = instructor(view, Action.REMOVE, key(view, "ann" * 8))
    assert view.seat("USA").token_hash == "bob" * 8
    view = instructor(view, Action.BLOCK, key(view, "bob" * 8))
    assert not view.seat("USA").claimed and view.room_left("USA") == 3
    assert [s.place for s in view.students] == [Place.BLOCKED]


def test_the_vote_is_handed_only_by_its_voter_within_the_delegation() -> None:
    view = join(join(fresh(), "ann" * 8), "bob" * 8)
    to_bob = Request(student=key(view, "bob" * 8))
    with pytest.raises(Forbidden):
        apply(view, Action.HAND, Role.STUDENT, to_bob, actor="s", at=AT, token_hash="bob" * 8)
    view = apply(view, Action.HAND, Role.STUDENT, to_bob, actor="s", at=AT, token_hash="ann" * 8).view
    assert view.seat("USA").holder == "Bob"
    with pytest.raises(Conflict, match="already casts the vote"):
        apply(view, Action.HAND, Role.INSTRUCTOR, to_bob, actor="i", at=AT)


def test_approval_mode_holds_a_claim_until_the_instructor_lets_it_in() -> None:
    view = join(fresh(1, JoinMode.APPROVE), "ann" * 8)
    assert view.in_place(Place.PENDING) and not view.seat("USA").claimed
    with pytest.raises(Forbidden):
        vote(view, "ann" * 8)
    linked = join(view, "bob" * 8, via_link=True)  # a personal link needs no approval
    assert linked.seat("USA").holder == "Bob"
    with pytest.raises(Conflict, match="no room left"):
        instructor(linked, Action.APPROVE, key(linked, "ann" * 8))
    view = instructor(view, Action.APPROVE, key(view, "ann" * 8))
    assert view.seat("USA").holder == "Ann"


def test_a_locked_session_and_a_reserved_delegation_need_the_personal_link() -> None:
    locked = fresh(1, JoinMode.LOCKED)
    for member in ("USA", None):
        with pytest.raises(Conflict, match="locked"):
            join(locked, "ann" * 8, member)
    assert join(locked, "ann" * 8, via_link=True).seat("USA").claimed
    reserved = apply(
        fresh(), Action.RESERVE, Role.INSTRUCTOR, Request(member="USA", name="Carol"), actor="i", at=AT
    ).view
    with pytest.raises(Conflict, match="personal link"):
        join(reserved, "carol" * 8)
    taken = apply(
        reserved,
        Action.CLAIM,
        Role.VISITOR,
        Request(member="USA", via_link=True),
        actor="s",
        at=AT,
        token_hash="c" * 40,
    ).view
    assert taken.seat("USA").holder == "Carol"  # the reservation names the student who came by the link


def test_a_blocked_device_is_kept_out_by_its_old_token_and_by_its_address() -> None:
    view = join(fresh(), "mal" * 8, address="10.0.0.66")
    view = instructor(view, Action.BLOCK, key(view, "mal" * 8))
    with pytest.raises(Forbidden, match="blocked"):
        join(view, "new" * 8, "CHN", device="mal" * 8)
    with pytest.raises(Forbidden, match="blocked"):
        join(view, "new" * 8, None, address="10.0.0.66", per_address=2)
    # Where addresses do not tell devices apart (no per-address limit), the address keeps nobody out.
    assert join(view, "new" * 8, None, address="10.0.0.66", per_address=0).in_place(Place.OBSERVER)
    assert join(view, "new" * 8, "CHN", address="10.0.0.67", per_address=2).seat("CHN").claimed
    view = instructor(view, Action.UNBLOCK, view.in_place(Place.BLOCKED)[0].key)
    assert join(view, "new" * 8, "CHN", address="10.0.0.66", per_address=2).seat("CHN").claimed


def test_one_address_holds_a_limited_number_of_places() -> None:
    view = join(fresh(1), "one" * 8, "USA", address="10.0.0.9", per_address=2)
    view = join(view, "two" * 8, None, address="10.0.0.9", per_address=2)
    with pytest.raises(Conflict, match="already has 2 places"):
        join(view, "six" * 8, "CHN", address="10.0.0.9", per_address=2)
    assert join(view, "six" * 8, "CHN", address="10.0.0.9", per_address=0).seat("CHN").claimed


def test_students_per_delegation_stay_between_one_and_six_and_above_every_delegation() -> None:
    view = join(join(fresh(2), "ann" * 8), "bob" * 8)
    for size, reason in ((0, "1 to 6"), (7, "1 to 6"), (2, "already holds"), (1, "United States")):
        with pytest.raises(Conflict, match=reason):
            apply(view, Action.SEAT_SIZE, Role.INSTRUCTOR, Request(seat_size=size), actor="i", at=AT)
    assert apply(view, Action.SEAT_SIZE, Role.INSTRUCTOR, Request(seat_size=3), actor="i", at=AT).view.room_left("USA")


def test_a_device_with_a_place_is_refused_at_commit_whatever_the_handler_saw() -> None:
    """Parallel claims from one browser each pass the handler's look at its cookie; the table stops them."""
    view = join(fresh(), "ann" * 8)
    with pytest.raises(Conflict, match="already have a place"):
        join(view, "two" * 8, "CHN", device="ann" * 8)
    with pytest.raises(Conflict, match="already have a place"):
        join(view, "two" * 8, None, device="ann" * 8)


def test_a_non_voter_handing_the_vote_on_hears_who_votes() -> None:
    view = join(join(fresh(), "ann" * 8), "bob" * 8)
    to_ann = Request(student=key(view, "ann" * 8))
    with pytest.raises(Forbidden, match="Ann casts the vote"):
        apply(view, Action.HAND, Role.STUDENT, to_ann, actor="s", at=AT, token_hash="bob" * 8)
