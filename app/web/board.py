"""What the vote board shows: seats around the horseshoe table, votes from the URL, and the verdict."""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import urlencode

from jinja2 import Environment
from markupsafe import Markup

from app import i18n
from app.domain.errors import InvalidScenario, Problem
from app.domain.rules import Outcome, explain, headline, tally
from app.domain.scenario import Member, Scenario
from app.domain.votes import Vote
from app.i18n import N_
from app.i18n import gettext as _
from app.web.power_view import power_context

VIEW_WIDTH = 1000
VIEW_HEIGHT = 610
_CENTRE_X, _CENTRE_Y, _RADIUS, _LEG = 500.0, 360.0, 280.0, 200.0
SEAT_RADIUS = 34.0
_PATH_LENGTH = 2 * _LEG + math.pi * _RADIUS
_LEFT, _RIGHT, _FOOT = _CENTRE_X - _RADIUS, _CENTRE_X + _RADIUS, _CENTRE_Y + _LEG
TABLE_PATH = (
    f"M {_LEFT} {_FOOT} L {_LEFT} {_CENTRE_Y} A {_RADIUS} {_RADIUS} 0 0 1 {_RIGHT} {_CENTRE_Y} L {_RIGHT} {_FOOT}"
)


# How a seat shows its vote: by colour (CSS class) and by a symbol and a word, never by colour alone.
# "hidden" is a live session's vote that the instructor keeps secret until voting closes.
# The words are English here, translated where a seat shows them (``Seat.label``).
# Translators: a delegation has voted, but its vote is kept hidden until voting closes.
DISPLAY = {v.value: (v.symbol, v.label) for v in Vote} | {"hidden": ("•", N_("Voted"))}


@dataclass(frozen=True)
class _Place:
    """Where a seat sits at the table and where its label goes: the same for every vote of a council."""

    code: str
    x: float
    y: float
    presiding: bool
    label_dx: float
    label_dy: float
    anchor: str


@dataclass(frozen=True)
class Seat:
    """One member's place at the table, and how it is drawn."""

    member: Member
    vote: str
    place: _Place  # where it sits and where its label goes

    @property
    def symbol(self) -> str:
        return DISPLAY[self.vote][0]

    @property
    def label(self) -> str:
        """The vote in words, in the language being rendered."""
        return _(DISPLAY[self.vote][1])

    @property
    def who(self) -> str:
        """The seat as a screen reader names it: the member and what it is at the table (plain text)."""
        member = self.member
        who = member.name
        if member.permanent:
            # Translators: a member's seat at the table, then what it is there; e.g. "France, permanent member".
            who = _("%(member)s, permanent member") % {"member": who}
        if self.place.presiding:
            # Translators: a member's seat at the table; it presides over the meeting. E.g. "France, presiding".
            who = _("%(member)s, presiding") % {"member": who}
        if member.party_to_dispute:
            # Translators: a member's seat at the table; it is a party to the dispute (Art. 27(3)).
            who = _("%(member)s, party to the dispute") % {"member": who}
        return who

    @property
    def described(self) -> str:
        """The seat and its vote, as a screen reader names it (plain text: the template escapes it)."""
        # Translators: a member's seat at the table and its vote, e.g. "France, permanent member: Yes".
        return _("%(member)s: %(vote)s") % {"member": self.who, "vote": self.label}


def _point_on_horseshoe(distance: float) -> tuple[float, float]:
    """A point ``distance`` along the U: up the left leg, over the arc, down the right leg."""
    arc = math.pi * _RADIUS
    if distance <= _LEG:
        return _CENTRE_X - _RADIUS, _CENTRE_Y + _LEG - distance
    if distance <= _LEG + arc:
        angle = math.pi - (distance - _LEG) / _RADIUS
        return _CENTRE_X + _RADIUS * math.cos(angle), _CENTRE_Y - _RADIUS * math.sin(angle)
    return _CENTRE_X + _RADIUS, _CENTRE_Y + (distance - _LEG - arc)


def seats(scenario: Scenario, votes: Mapping[str, str]) -> list[Seat]:
    """The members round the table in file order, the presiding member at the head."""
    by_code = {member.code: member for member in scenario.members}
    president = scenario.president if scenario.president in by_code else None
    return [
        Seat(by_code[place.code], votes.get(place.code, Vote.UNDECIDED), place)
        for place in _layout(tuple(by_code), president)
    ]


@functools.lru_cache(maxsize=256)
def _layout(codes: tuple[str, ...], president: str | None) -> tuple[_Place, ...]:
    """Where each seat sits and where its label goes: the same for every vote of a council, so worked out once."""
    order = list(codes)
    if president is not None:
        order.remove(president)
        order.insert(len(order) // 2, president)
    count = len(order)
    radius = seat_radius(count)
    result = []
    for index, code in enumerate(order):
        # Spread the seats evenly; with an odd count the middle seat lands exactly at the head.
        x, y = _point_on_horseshoe(_PATH_LENGTH * (index + 0.5) / count)
        # Labels sit outside the table, pointing away from its centre.
        if y > _CENTRE_Y:
            ux, uy = (-1.0 if x < _CENTRE_X else 1.0), 0.0
        else:
            ux, uy = (x - _CENTRE_X) / _RADIUS, (y - _CENTRE_Y) / _RADIUS
        gap = radius + 12
        anchor = "end" if ux < -0.35 else "start" if ux > 0.35 else "middle"
        result.append(
            _Place(
                code,
                round(x, 1),
                round(y, 1),
                code == president,
                label_dx=round(ux * gap, 1),
                label_dy=round(uy * gap + (8 if anchor != "middle" else (-6 if uy < 0 else 20)), 1),
                anchor=anchor,
            )
        )
    return tuple(result)


class _KeptMarkup:
    """A template's markup, rendered once for each set of values it sees (a NamedTuple, its fields named as the
    template names them) and then kept: the template sees nothing else, so a kept fragment is always what
    rendering again would give."""

    TEMPLATE: str

    def __init__(self, env: Environment, size: int) -> None:
        self.env = env
        self._kept = functools.lru_cache(maxsize=size)(self._render)

    def _render(self, values: NamedTuple) -> Markup:
        return Markup(self.env.get_template(self.TEMPLATE).render(values._asdict()))


class SeatMarkup(_KeptMarkup):
    """Each seat's markup (scenarios/_seat.html), rendered once for what it shows and then kept.

    A vote changes one seat of fifteen, yet the whole table is drawn again for every version of every
    room: with 75 rooms voting at once the seats were most of the event loop's rendering. The key holds
    the language, since the template translates.
    """

    TEMPLATE = "scenarios/_seat.html"

    def __init__(self, env: Environment, size: int = 8192) -> None:
        super().__init__(env, size)

    def __call__(self, seat: Seat, seat_r: float, interactive: bool) -> Markup:
        member, place = seat.member, seat.place
        return self._kept(
            _SeatLook(
                language=i18n.current(),
                code=member.code,
                permanent=member.permanent,
                presiding=place.presiding,
                vote=seat.vote,
                symbol=seat.symbol,
                described=seat.described,
                x=place.x,
                y=place.y,
                label_dx=place.label_dx,
                label_dy=place.label_dy,
                anchor=place.anchor,
                seat_r=seat_r,
                interactive=bool(interactive),
            )
        )


class ProgressMarkup(_KeptMarkup):
    """The verdict's bar of votes in favour (scenarios/_progress.html), rendered once for each (members, votes in
    favour, votes needed): a council of fifteen has a few dozen of them, and every version of every room drew one."""

    TEMPLATE = "scenarios/_progress.html"

    def __init__(self, env: Environment, size: int = 1024) -> None:
        super().__init__(env, size)

    def __call__(self, members: int, filled: int, required: int) -> Markup:
        return self._kept(_Progress(members, filled, required))


class _SeatLook(NamedTuple):
    """Everything scenarios/_seat.html sees, by name: the key a seat's markup is kept under."""

    language: str
    code: str
    permanent: bool
    presiding: bool
    vote: str
    symbol: str
    described: str
    x: float
    y: float
    label_dx: float
    label_dy: float
    anchor: str
    seat_r: float
    interactive: bool


class _Progress(NamedTuple):
    """Everything scenarios/_progress.html sees (it has no words to translate)."""

    members: int
    filled: int
    required: int


def seat_radius(count: int) -> float:
    """As large as fits: seats shrink only when a big council would make them touch."""
    return round(min(SEAT_RADIUS, _PATH_LENGTH / count * 0.36), 1)


def as_seen_by(scenario: Scenario, *, instructor: bool) -> Scenario:
    """The scenario as a visitor may see it: each delegation's brief only for the instructor, unless
    the file says ``briefs_public``. A student reads their own brief on their seat page, never here."""
    translated = any(t.briefs for t in scenario.translations.values())
    if instructor or scenario.briefs_public or not (translated or any(m.brief is not None for m in scenario.members)):
        return scenario
    members = [m.model_copy(update={"brief": None}) if m.brief is not None else m for m in scenario.members]
    translations = {
        language: t.model_copy(update={"briefs": {}}) if t.briefs else t
        for language, t in scenario.translations.items()
    }
    return scenario.model_copy(update={"members": members, "translations": translations})


def votes_from_params(scenario: Scenario, params: Mapping[str, str]) -> dict[str, Vote]:
    """Votes kept in the URL (``?USA=yes&CHN=no``); members not named keep their starting vote."""
    votes = scenario.starting_votes
    problems = []
    allowed = ", ".join(v.value for v in Vote)
    for key, value in params.items():
        if key not in votes:
            if key.isupper():
                # Translators: follows the name of the field it is about ("votes.XYZ: is not the code of ...").
                problems.append(Problem(("votes", key), _("is not the code of a member of this council")))
            continue
        try:
            votes[key] = Vote(value)
        except ValueError:
            # Translators: %(value)s is what the address gave; %(allowed)s lists the votes (yes, no, ...) as written.
            message = _("%(value)s is not a vote; expected one of %(allowed)s")
            problems.append(Problem(("votes", key), message % {"value": repr(value), "allowed": allowed}))
    if problems:
        # Translators: where the votes came from: the page's address (URL), which holds them.
        raise InvalidScenario(problems, _("the address"))
    return votes


def votes_query(votes: Mapping[str, Vote]) -> str:
    return urlencode({code: vote.value for code, vote in votes.items()})


def chamber_context(
    scenario: Scenario,
    shown_votes: Mapping[str, str],
    outcome: Outcome,
    headline_text: str,
    *,
    hidden: bool = False,
    interactive: bool = False,
) -> dict[str, Any]:
    """What the verdict panel and the horseshoe need; the board and the live pages share it.

    ``interactive`` makes each seat a button that leads to its delegation's vote: only the board has
    votes to lead to, so a projector's or a student's table stays a picture. ``explanation`` is the
    outcome's reasons in the language being rendered (``outcome.explanation`` is always English).
    """
    names = {m.code: m.name for m in scenario.members}
    return {
        "scenario": scenario,
        "outcome": outcome,
        "explanation": explain(outcome.reasons, names, i18n.CURRENT) if outcome.reasons else _(outcome.explanation),
        "hidden": hidden,
        "interactive": interactive,
        "headline": headline_text,
        "seats": seats(scenario, shown_votes),
        "seat_r": seat_radius(len(scenario.members)),
        "names": names,
        "vetoed_names": [names[code] for code in outcome.vetoed_by],
        "pivotal_names": [names[code] for code in outcome.pivotal],
        "vote_choices": list(Vote),
        "view": {"width": VIEW_WIDTH, "height": VIEW_HEIGHT, "cx": _CENTRE_X, "cy": _CENTRE_Y, "path": TABLE_PATH},
        "show_record": scenario.record is not None and outcome.counts.undecided == 0,
    }


BOARD_PARTS = {
    "verdict": "scenarios/_verdict.html",
    "chamber": "scenarios/_table.html",
    "power": "scenarios/_power.html",
    "tally": "scenarios/_tally.html",
}


def board_parts(env: Environment, scenario: Scenario, votes: Mapping[str, Vote]) -> dict[str, str]:
    """The board's verdict, chamber, power and one-line tally for these votes: the page embeds them, and its
    script asks for them again. Its seats are buttons that lead to their votes."""
    outcome = tally(scenario, votes)
    shown = {c: v.value for c, v in votes.items()}
    context = chamber_context(scenario, shown, outcome, headline(scenario, outcome, i18n.CURRENT), interactive=True)
    context |= power_context(scenario, votes)
    return {name: env.get_template(template).render(context) for name, template in BOARD_PARTS.items()}


def board_context(
    env: Environment, ident: str, scenario: Scenario, votes: Mapping[str, Vote], page_language: str | None = None
) -> dict[str, Any]:
    """Everything the board template needs. ``page_language`` is a ``?lang=`` the page was opened with: its
    form, links and updates keep it, so a board shared in Arabic stays in Arabic."""
    names = [m.code for m in scenario.members]
    keep = f"&lang={page_language}" if page_language else ""
    return {
        "id": ident,
        "scenario": scenario,
        "votes": votes,
        "vote_choices": list(Vote),
        "parts": board_parts(env, scenario, votes),
        "starting_query": votes_query(scenario.starting_votes) + keep,
        "all_undecided_query": votes_query({code: Vote.UNDECIDED for code in names}) + keep,
        "page_language": page_language,
        "page_data": {"id": ident, "parts": f"/scenarios/{ident}/parts"},
    }


def page_language(params: Mapping[str, str]) -> str | None:
    """The ``?lang=`` a page was opened with, when it names one of the six languages."""
    language = params.get("lang")
    return language if language in i18n.LANGUAGES else None
