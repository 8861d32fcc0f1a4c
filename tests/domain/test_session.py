"""Session state as the domain sees it: join codes, who sees what, when votes are accepted."""

from __future__ import annotations

import datetime as dt

import pytest

from app.domain.errors import Conflict
from app.domain.session import (
    JOIN_ALPHABET,
    TRANSITIONS,
    Action,
    Request,
    Role,
    Seat,
    SessionView,
    Status,
    allowed_actions,
    check,
    new_join_code,
    normalise_join_code,
    refusal,
    snapshot,
)
from app.domain.votes import Vote
from app.scenarios import load_file
from tests.conftest import BUNDLED

SCENARIO = load_file(BUNDLED / "dprk-2019-meeting-not-held.yaml")


def view(status: Status = Status.OPEN, hide: bool = False) -> SessionView:
    seats = tuple(
        Seat(
            code=m.code,
            name=m.name,
            permanent=m.permanent,
            vote=m.vote,
            token_hash="ab" * 32 if m.code == "USA" else None,
            holder="Alice" if m.code == "USA" else None,
        )
        for m in SCENARIO.members
    )
    return SessionView("s1", "ACDEFH", "dec", SCENARIO, status, hide, 3, dt.datetime.now(dt.UTC), seats)


def test_join_codes_avoid_look_alike_characters() -> None:
    for confusing in "0O1IL2Z5S8BQG":
        assert confusing not in JOIN_ALPHABET
    codes = {new_join_code() for _ in range(200)}
    assert all(len(c) == 6 and set(c) <= set(JOIN_ALPHABET) for c in codes)
    assert len(codes) > 190


def test_typed_codes_are_forgiven_case_spaces_and_dashes() -> None:
    assert normalise_join_code(" acd-efh ") == "ACDEFH"


def test_voting_is_refused_unless_open() -> None:
    cast = Request(member="USA", vote=Vote.NO)
    check(view(), Action.VOTE, Role.INSTRUCTOR, cast)
    for status in (Status.WAITING, Status.CLOSED, Status.ENDED):
        with pytest.raises(Conflict):
            check(view(status), Action.VOTE, Role.INSTRUCTOR, cast)


def test_hidden_votes_stay_hidden_from_students_and_projector_until_closed() -> None:
    public = snapshot(view(hide=True), for_instructor=False)
    assert public["hidden"] is True
    assert public["outcome"] is None
    assert {s["vote"] for s in public["seats"]} <= {"hidden", "undecided"}
    assert "holder" not in public["seats"][0]
    instructor = snapshot(view(hide=True), for_instructor=True)
    assert instructor["outcome"]["counts"]["yes"] == 8
    assert next(s for s in instructor["seats"] if s["code"] == "USA")["holder"] == "Alice"
    closed = snapshot(view(Status.CLOSED, hide=True), for_instructor=False)
    assert closed["hidden"] is False and closed["outcome"]["outcome"] == "pending"


def test_public_snapshot_names_no_student() -> None:
    public = snapshot(view(), for_instructor=False)
    assert "Alice" not in str(public)
    assert public["seats_open"] is True
    assert public["voted"] == 0  # the scenario's positions are not votes cast in this session


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("hide", [False, True])
def test_allowed_actions_are_exactly_those_without_a_refusal(status: Status, hide: bool) -> None:
    v = view(status, hide)
    for role in Role:
        assert allowed_actions(v, role) == {a for a in TRANSITIONS if refusal(v, a, role) is None}, role
