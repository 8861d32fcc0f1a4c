"""``evolve`` gives exactly what ``dataclasses.replace`` gives, cached values included, only faster."""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import cached_property
from typing import ClassVar

import pytest

from app.domain.frozen import evolve
from app.domain.rules import tally
from app.domain.session import Seat, Status
from app.domain.votes import Vote
from tests.domain.test_session import view as open_view  # the 2019 meeting, voting open, at its positions

AT = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


def test_a_copy_equals_the_one_dataclasses_replace_makes_and_leaves_the_original_alone() -> None:
    view = open_view()
    copy = evolve(view, version=7, status=Status.CLOSED, hide_votes=True, president="abc")
    assert copy == dataclasses.replace(view, version=7, status=Status.CLOSED, hide_votes=True, president="abc")
    assert type(copy) is type(view)
    assert (view.version, view.status) != (7, Status.CLOSED)
    seat = Seat(code="USA", name="United States", permanent=True, vote=Vote.NO)
    for field in dataclasses.fields(Seat):
        value: object = {"vote": Vote.YES, "permanent": False, "voted_at": AT}.get(field.name, "changed")
        assert evolve(seat, **{field.name: value}) == dataclasses.replace(seat, **{field.name: value})  # type: ignore[arg-type]


def test_what_a_cached_property_computed_from_the_old_fields_is_computed_again() -> None:
    view = open_view()
    before = view.outcome
    usa = next(i for i, seat in enumerate(view.seats) if seat.code == "USA")
    assert view.seats[usa].vote is not Vote.YES
    seats = list(view.seats)
    seats[usa] = evolve(seats[usa], vote=Vote.YES)
    after = evolve(view, seats=tuple(seats))
    assert after.outcome == tally(after.scenario, after.votes)
    assert after.outcome.counts != before.counts
    assert view.outcome is before


def test_a_name_that_is_not_a_field_is_refused_as_replace_refuses_it() -> None:
    seat = Seat(code="USA", name="United States", permanent=True, vote=Vote.NO)
    with pytest.raises(TypeError, match="'colour'"):
        evolve(seat, colour="blue")
    with pytest.raises(TypeError):
        dataclasses.replace(seat, colour="blue")  # type: ignore[call-arg]


@dataclasses.dataclass(frozen=True)
class Checked:
    low: int
    high: int
    width: int = dataclasses.field(init=False, default=0)

    def __post_init__(self) -> None:
        if self.low > self.high:
            raise ValueError("low above high")
        object.__setattr__(self, "width", self.high - self.low)

    @cached_property
    def middle(self) -> float:
        return (self.low + self.high) / 2


def test_a_class_whose_init_does_more_than_store_its_arguments_goes_through_its_init() -> None:
    span = Checked(1, 3)
    assert span.middle == 2
    wider = evolve(span, high=9)
    assert (wider.width, wider.middle) == (8, 5)
    with pytest.raises(ValueError, match="low above high"):
        evolve(span, low=5)


@dataclasses.dataclass(frozen=True, init=False)
class Normalised:
    code: str

    def __init__(self, code: str) -> None:
        object.__setattr__(self, "code", code.upper())


@dataclasses.dataclass(frozen=True)
class Scaled:
    value: int
    factor: dataclasses.InitVar[int] = 1
    unit: ClassVar[str] = "votes"


def test_a_class_with_its_own_init_or_pseudo_fields_gets_what_replace_gives() -> None:
    assert evolve(Normalised("usa"), code="fra").code == "FRA"
    assert evolve(Scaled(3), value=4) == dataclasses.replace(Scaled(3), value=4)
