"""The parts of a live page, rendered on the server for the first load and for every update.

Each part is one Jinja partial. A page embeds the parts it shows (``<div data-part="verdict">``),
and the live stream sends the same parts, rendered by the same function for the same version,
which the page's script swaps in: the page and its updates can never disagree, and no text, icon
or rule is repeated in JavaScript.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from jinja2 import Environment

from app import i18n
from app.domain.meeting import Act
from app.domain.rules import headline
from app.domain.session import (
    HIDDEN_HEADLINE,
    SEAT_SIZE_MAX,
    STUDENT_CHOICES,
    Action,
    JoinMode,
    Place,
    Role,
    SessionView,
    Status,
    allowed_actions,
    refusal,
)
from app.domain.votes import Vote
from app.i18n import N_
from app.i18n import gettext as _
from app.live import INSTRUCTOR, Audience
from app.localize import localized_view
from app.web import meeting_view
from app.web.board import chamber_context

PARTS = {
    "verdict": "scenarios/_verdict.html",
    "chamber": "scenarios/_table.html",
    "status": "sessions/_status.html",
    "join": "sessions/_join_panel.html",
    "controls": "sessions/_controls.html",
    "seats": "sessions/_seat_rows.html",
    "my-vote": "sessions/_my_vote.html",
    "seating": "sessions/_seating.html",
    "meeting": "sessions/_meeting.html",
    "president": "sessions/_president.html",
}
ROOM_PARTS = ("verdict", "chamber", "status", "join")
# Parts are shared by every listener of an audience, so forms in them carry this slot, not a visitor's
# CSRF token: a page fills in its visitor's token when it embeds them, and scripts send it as a header.
CSRF_SLOT = "__csrf__"
INSTRUCTOR_PARTS = ("verdict", "chamber", "status", "controls", "seating", "seats")
SEAT_PARTS = ("verdict", "chamber", "status", "my-vote")
# A session that runs a whole meeting adds where the meeting stands, and for the instructor the President's acts.
MEETING_PARTS = ("meeting",)
PRESIDENT_PARTS = ("meeting", "president")


# What a destructive control asks before it acts: in a dialog (static/live.js reads data-confirm), or on
# a page of its own without JavaScript. English here: ``confirmations()`` gives them in the reader's language.
CONFIRMATIONS = {
    Action.END: N_("End the session? Students can no longer vote or join, and it cannot be reopened."),
    Action.CLEAR: N_("Clear every vote? Every delegation goes back to undecided."),
    Action.RESET: N_("Reset every vote to the scenario's positions? The votes cast in this session are replaced."),
    Action.RELEASE: N_("Release this delegation? Its students can no longer vote here and must join again."),
    Action.REMOVE: N_("Remove this student? They must join again to take part."),
    Action.BLOCK: N_(
        "Block this device? The student is removed, and this device (and, on a network where each device has its own address, its address) cannot join this session again."
    ),
}


def confirmations() -> dict[Action, str]:
    """What each destructive control asks, in the language being rendered."""
    return {action: _(question) for action, question in CONFIRMATIONS.items()}


def student_audience(key: str) -> Audience:
    """One student's own view: their place, their delegation's vote, its other students."""
    return ("student", key)


def _context(view: SessionView, instructor: bool, join_url: str, *, reveal: bool = False) -> dict[str, Any]:
    # Hidden votes stay hidden on the console too (a mirrored laptop is a projector); the instructor
    # looks at them on a page of their own (``revealed``), on their own device.
    hidden = view.votes_hidden and not reveal
    now = dt.datetime.now(dt.UTC)
    extra: dict[str, Any] = {}
    if view.meeting is not None:
        scenario, shown, outcome, words = meeting_view.board(view.scenario, view.meeting)
        hidden = False
        extra = meeting_view.meeting_context(view, now)
        if instructor:
            extra |= meeting_view.president_context(view, now)
    else:
        scenario, outcome = view.scenario, view.outcome
        shown = {
            s.code: ("hidden" if s.vote is not Vote.UNDECIDED else "undecided") if hidden else s.vote.value
            for s in view.seats
        }
        words = _(HIDDEN_HEADLINE) if hidden else headline(view.scenario, view.outcome, i18n.CURRENT)
    role = Role.INSTRUCTOR if instructor else Role.VISITOR
    return (
        chamber_context(scenario, shown, outcome, words, hidden=hidden)
        | extra
        | {
            "current_votes": shown,
            "chair": False,
            "session": view,
            "join_url": join_url,
            "actions": allowed_actions(view, role),
            "Action": Action,
            "Status": Status,
            "csrf": CSRF_SLOT,
            "confirmations": confirmations(),
            "Place": Place,
            "JoinMode": JoinMode,
            "seat_size_max": SEAT_SIZE_MAX,
        }
    )


def _student_context(view: SessionView, key: str) -> dict[str, Any]:
    student = next((s for s in view.students if s.key == key), None)
    if student is not None and student.place is Place.BLOCKED:
        student = None
    seat = view.seat(student.seat) if student is not None and student.seat else None
    voter = student is not None and view.is_voter(student)
    seated = student is not None and student.place is Place.SEATED
    return {
        "student": student,
        "seat": seat,
        "member": view.scenario.member(seat.code) if seat is not None else None,
        "delegates": view.delegates(seat.code) if seated and seat is not None else (),
        "voter": voter,
        "seated": seated,
        "Place": Place,
        "choices": STUDENT_CHOICES,
        "refused": refusal(view, Action.VOTE, Role.STUDENT, translate=i18n.CURRENT) if voter else _("not the voter"),
        "session": view,
        "scenario": view.scenario,
        "csrf": CSRF_SLOT,
    } | (_member_acts(view, seat.code) if view.meeting is not None and seat is not None and seated else {})


def _chair_context(view: SessionView, join_url: str) -> dict[str, Any]:
    """The President's acts for the student who presides: as the instructor's, without acting for others."""
    return _context(view, True, join_url) | {"chair": True}


def _member_acts(view: SessionView, code: str) -> dict[str, Any]:
    """In a meeting: the delegation's acts now, and its vote on the question before the Council."""
    acts = meeting_view.member_context(view, code, dt.datetime.now(dt.UTC))
    if Act.VOTE not in acts["allowed"]:
        acts["refused"] = _("no question is being voted on")
    elif view.status is not Status.OPEN:
        acts["refused"] = _("the meeting is not open")
    else:
        acts["refused"] = None
    return acts


class PartRenderer:
    """Renders parts with the app's Jinja environment; the join URL comes from the app's public address."""

    def __init__(self, env: Environment, join_url: Callable[[SessionView], str]) -> None:
        self.env = env
        self.join_url = join_url

    def part(self, name: str, context: dict[str, Any]) -> str:
        return self._render(name, self._namespace(context))

    def _namespace(self, context: dict[str, Any]) -> dict[str, Any]:
        """What a part's template sees: the environment's globals, then ``context``; built once for all the
        parts rendered from one context (``Template.render`` builds it again for each, through a ChainMap)."""
        return {**self.env.globals, **context}

    def _render(self, name: str, namespace: dict[str, Any]) -> str:
        """``Template.render`` on a namespace from ``_namespace``, which the template only reads (its own
        ``{% set %}`` go to a context of their own), so that several parts share it."""
        template = self.env.get_template(PARTS[name])
        try:
            return self.env.concat(template.root_render_func(template.new_context(namespace, shared=True)))
        except Exception:
            self.env.handle_exception()
            raise  # (handle_exception always raises: this line only reassures the type checker)

    def parts(self, view: SessionView, audience: Audience, memo: dict[str, str] | None = None) -> dict[str, str]:
        """Every part ``audience`` sees, keyed by name; ``memo`` shares the room's parts between audiences."""
        memo = {} if memo is None else memo
        view = localized_view(view)  # the scenario's own text in the reader's language, where it has it
        instructor = audience == INSTRUCTOR
        names: tuple[str, ...] = (
            INSTRUCTOR_PARTS if instructor else SEAT_PARTS if audience[0] == "student" else ROOM_PARTS
        )
        if view.meeting is not None:
            names = names + (PRESIDENT_PARTS if instructor else MEETING_PARTS)
            if audience[0] == "student":  # empty unless this student presides: the presidency can move at any time
                names = (*names, "president")
        variant = "instructor" if instructor else "room"
        namespace: dict[str, Any] | None = None
        result: dict[str, str] = {}
        for name in names:
            if name == "my-vote":
                result[name] = self.part(name, _student_context(view, audience[1]))
                continue
            if name == "president" and not instructor:  # a presiding student's console: rendered for them alone
                chair = view.president is not None and audience[1] == view.president
                result[name] = self.part(name, _chair_context(view, self.join_url(view))) if chair else ""
                continue
            key = f"{name}:{variant}:{i18n.current()}"  # audiences in other languages share no text
            if key not in memo:
                namespace = namespace or self._namespace(_context(view, instructor, self.join_url(view)))
                memo[key] = self._render(name, namespace)
            result[name] = memo[key]
        return result

    def revealed(self, view: SessionView) -> dict[str, str]:
        """The verdict and the chamber with every vote shown, hidden or not: for the instructor's eyes only."""
        view = localized_view(view)
        namespace = self._namespace(_context(view, True, self.join_url(view), reveal=True))
        return {name: self._render(name, namespace) for name in ("verdict", "chamber")}

    def payload(self, view: SessionView, audience: Audience, memo: dict[str, str]) -> str:
        """The live stream's message: the version and the rendered parts."""
        body = {"version": view.version, "status": view.status.value, "parts": self.parts(view, audience, memo)}
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False)


def embed(parts: dict[str, str], csrf: str) -> dict[str, str]:
    """The parts as a page embeds them for one visitor: their CSRF token in each form.

    Only the attribute is filled in (``value="__csrf__"``): text a user typed is escaped, so it can
    never hold the quote, and a name that reads ``__csrf__`` stays just that.
    """
    slot = f'value="{CSRF_SLOT}"'
    return {name: html.replace(slot, f'value="{csrf}"') for name, html in parts.items()}
