"""The short road for students' votes (app/web/fastvote.py) answers exactly as the full app does.

Most cases are checked side by side: the same request once by the short road, and once made to take the
full app (an extra form field that needs decoding sends it there, and the full app ignores it); status,
headers and body must match. A counter on the full app tells which road each request took.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError
from starlette.types import ASGIApp, Receive, Scope, Send

from app.domain.session import Action, Status
from app.sessions import SessionService
from app.settings import Settings
from app.web import create_app
from app.web.fastvote import FastVote
from app.web.security import CSP

TOKEN = "instructor-secret-for-fastvote-tests"
JSON = {"Accept": "application/json"}
HTML = {"Accept": "text/html,application/xhtml+xml"}
DETOUR = {"pad": "needs decoding!"}  # not a plain form: the full app answers, and ignores the field
SECURITY = {
    "content-security-policy": CSP,
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}


class Counted:
    """The full app behind the short road, counting the requests it is handed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.calls = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.calls += 1
        await self.app(scope, receive, send)


class Room:
    """A server with one open session whose fifteen seats are held by students, and a CSRF token."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        state = client.app.state  # type: ignore[attr-defined]
        self.service: SessionService = state.service
        client.get("/join")
        self.csrf = str(client.cookies["unsc_csrf"])
        view = self.service.create("council-2026", state.library.get("council-2026"))
        if view.status is not Status.OPEN:
            view = self.service.control(view.id, Action.OPEN)
        self.session_id = view.id
        self.tokens = {seat.code: self.service.claim(view.id, seat.code, None).token for seat in view.seats}
        self.full = _install_counter(client)

    def vote(
        self,
        member: str | None,
        form: dict[str, str],
        *,
        headers: dict[str, str] | None = None,
        session_id: str | None = None,
        csrf_header: bool = True,
    ) -> httpx.Response:
        """A student's vote with the seat cookie of ``member`` (None: no seat), by whichever road it takes."""
        session_id = session_id or self.session_id
        cookies = {"unsc_csrf": self.csrf}
        if member is not None:
            cookies[f"unsc_seat_{session_id}"] = self.tokens[member]
        sent = {"X-CSRF-Token": self.csrf} if csrf_header else {}
        self.client.cookies.clear()
        for name, value in cookies.items():
            self.client.cookies.set(name, value)
        response: httpx.Response = self.client.post(
            f"/s/{session_id}/vote", data=form, headers=sent | (headers or {}), follow_redirects=False
        )
        return response

    def short(self, member: str | None, form: dict[str, str], **options: Any) -> httpx.Response:
        """A vote the short road must answer itself."""
        before = self.full.calls
        response = self.vote(member, form, **options)
        assert self.full.calls == before, "the full app answered a vote the short road should have"
        return response

    def long(self, member: str | None, form: dict[str, str], **options: Any) -> httpx.Response:
        """A vote the short road must hand to the full app."""
        before = self.full.calls
        response = self.vote(member, form, **options)
        assert self.full.calls == before + 1, "the short road answered a vote it should have handed on"
        return response

    def both(self, member: str | None, form: dict[str, str], **options: Any) -> httpx.Response:
        """The same refused vote by both roads: the answers must be the same, byte for byte."""
        short = self.short(member, form, **options)
        long = self.long(member, form | DETOUR, **options)
        assert short.status_code == long.status_code
        assert short.content == long.content
        assert _headers(short) == _headers(long)
        return short


def _install_counter(client: TestClient) -> Counted:
    """Put a counter between the short road and the rest of the app (the stack is built by the first request)."""
    node: Any = client.app.middleware_stack  # type: ignore[attr-defined]
    while not isinstance(node, FastVote):
        node = node.app
    counted = Counted(node.app)
    node.app = counted
    return counted


def _headers(response: httpx.Response) -> list[tuple[str, str]]:
    return [(name, value) for name, value in response.headers.multi_items() if name not in {"date", "server"}]


@pytest.fixture
def room(scenarios: Path, tmp_path: Path) -> Iterator[Room]:
    settings = Settings(scenarios_dir=scenarios, data_dir=tmp_path / "data", instructor_token=TOKEN)
    with TestClient(create_app(settings), headers=JSON) as client:
        yield Room(client)


def test_a_vote_is_answered_with_the_vote_the_version_and_the_seat(room: Room) -> None:
    before = room.service.get(room.session_id).version
    response = room.short("FRA", {"vote": "yes"})
    assert response.status_code == 200
    assert response.json() == {"vote": "yes", "version": before + 1, "seat": "FRA"}
    assert room.service.get(room.session_id).seat("FRA").vote.value == "yes"
    audit = room.service.audit_log(room.session_id)[-1]
    assert (audit["actor"], audit["action"], audit["member"], audit["detail"]) == ("student:FRA", "vote", "FRA", "yes")


def test_its_headers_are_the_full_apps(room: Room) -> None:
    short = room.short("FRA", {"vote": "yes"})
    long = room.long("FRA", {"vote": "no"} | DETOUR)
    assert short.status_code == long.status_code == 200
    lengths = [(name, str(len(r.content))) for r in (short, long) for name in ("content-length",)]
    assert _headers(short) == [lengths[0] if name == "content-length" else (name, v) for name, v in _headers(long)]
    assert {name: short.headers[name] for name in SECURITY} == SECURITY
    assert short.headers["content-type"] == "application/json"
    assert "set-cookie" not in short.headers and "cache-control" not in short.headers


def test_without_json_the_student_is_sent_back_to_the_seat(room: Room) -> None:
    short = room.short("USA", {"vote": "abstain"}, headers={"Accept": "*/*"})
    long = room.long("USA", {"vote": "no"} | DETOUR, headers={"Accept": "*/*"})
    assert short.status_code == long.status_code == 303
    assert short.headers["location"] == f"/s/{room.session_id}/seat"
    assert _headers(short) == _headers(long)
    assert {name: short.headers[name] for name in SECURITY} == SECURITY


def test_the_csrf_token_may_come_in_the_form(room: Room) -> None:
    response = room.short("GBR", {"vote": "no", "csrf": room.csrf}, csrf_header=False)
    assert response.status_code == 200 and response.json()["seat"] == "GBR"


def test_no_seat_is_refused_403(room: Room) -> None:
    response = room.both(None, {"vote": "yes"})
    assert response.status_code == 403 and "hold no delegation" in response.json()["error"]


def test_voting_for_another_delegation_is_refused_403(room: Room) -> None:
    response = room.both("FRA", {"vote": "yes", "member": "USA"})
    assert response.status_code == 403 and "may vote only for it" in response.json()["error"]
    assert room.service.get(room.session_id).seat("USA").vote.value == "undecided"


def test_a_released_seat_is_refused_403(room: Room) -> None:
    room.service.release(room.session_id, "CHN")
    response = room.both("CHN", {"vote": "no"})
    assert response.status_code == 403


def test_an_unknown_session_is_404(room: Room) -> None:
    response = room.both("FRA", {"vote": "yes"}, session_id="no-such-session")
    assert response.status_code == 404 and set(response.json()) == {"error"}


def test_the_same_vote_again_is_a_409(room: Room) -> None:
    assert room.short("RUS", {"vote": "no"}).status_code == 200
    response = room.both("RUS", {"vote": "no"})
    assert response.status_code == 409 and "already" in response.json()["error"]


def test_a_vote_while_voting_is_closed_is_a_409(room: Room) -> None:
    room.service.control(room.session_id, Action.CLOSE)
    response = room.both("FRA", {"vote": "yes"})
    assert response.status_code == 409 and "closed" in response.json()["error"]


def test_a_choice_that_is_not_a_students_is_a_422_with_its_problem(room: Room) -> None:
    response = room.both("FRA", {"vote": "absent"})
    assert response.status_code == 422
    body = response.json()
    assert body["problems"] == [{"field": "vote", "line": None, "message": body["error"].removeprefix("vote: ")}]


def test_a_database_that_fails_is_a_503_and_changes_nothing(room: Room, monkeypatch: pytest.MonkeyPatch) -> None:
    before = room.service.get(room.session_id)

    def fail(*_args: object) -> None:
        raise OperationalError("UPDATE sessions", {}, Exception("disk I/O error"))

    monkeypatch.setattr(room.service.store, "write", fail)
    response = room.both("FRA", {"vote": "yes"})
    assert response.status_code == 503 and "disk I/O error" in response.json()["error"]
    monkeypatch.undo()
    assert room.service.get(room.session_id) == before


def test_a_browser_without_script_gets_the_error_page(room: Room) -> None:
    response = room.both(None, {"vote": "yes"}, headers=HTML)
    assert response.status_code == 403 and response.headers["content-type"].startswith("text/html")
    assert {name: response.headers[name] for name in SECURITY} == SECURITY


# What the short road hands to the full app, unread or with the body it read given back.


def test_a_wrong_csrf_token_is_the_full_apps_403(room: Room) -> None:
    response = room.long("FRA", {"vote": "yes"}, headers={"X-CSRF-Token": "x" * 32})
    assert response.status_code == 403 and "expired" in response.json()["error"]
    assert room.service.get(room.session_id).seat("FRA").vote.value == "undecided"


def test_a_missing_csrf_token_is_the_full_apps_403(room: Room) -> None:
    response = room.long("FRA", {"vote": "yes"}, csrf_header=False)
    assert response.status_code == 403


def test_another_sites_origin_is_the_full_apps_403(room: Room) -> None:
    response = room.long("FRA", {"vote": "yes"}, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403 and "another site" in response.json()["error"]
    assert room.service.get(room.session_id).seat("FRA").vote.value == "undecided"


@pytest.mark.parametrize("origin", ["http://testserver", "null"])
def test_this_sites_own_origin_and_a_browsers_null_take_the_short_road(room: Room, origin: str) -> None:
    response = room.short("FRA", {"vote": "yes"}, headers={"Origin": origin})
    assert response.status_code == 200 and response.json()["seat"] == "FRA"


def test_the_same_host_under_another_scheme_is_another_site(room: Room) -> None:
    response = room.long("FRA", {"vote": "yes"}, headers={"Origin": "https://testserver"})
    assert response.status_code == 403 and "another site" in response.json()["error"]


def test_the_header_token_counts_before_the_forms_as_in_the_full_app(room: Room) -> None:
    wrong_header = room.long("FRA", {"vote": "yes", "csrf": room.csrf}, headers={"X-CSRF-Token": "x" * 32})
    assert wrong_header.status_code == 403
    right_header = room.short("FRA", {"vote": "yes", "csrf": "x" * 32})
    assert right_header.status_code == 200


@pytest.mark.parametrize("form", [{}, {"vote": ""}, {"vote": "maybe"}])
def test_a_form_that_does_not_validate_is_the_full_apps_422(room: Room, form: dict[str, str]) -> None:
    response = room.long("FRA", form)
    assert response.status_code == 422 and response.json()["problems"][0]["field"] == "vote"
    assert room.service.get(room.session_id).seat("FRA").vote.value == "undecided"


def test_an_empty_delegation_is_the_full_apps_to_read(room: Room) -> None:
    response = room.long("FRA", {"vote": "yes", "member": ""})
    assert response.status_code == 200 and response.json()["seat"] == "FRA"  # empty: no delegation named


def test_a_repeated_field_is_the_full_apps_to_read(room: Room) -> None:
    room.client.cookies.set("unsc_csrf", room.csrf)
    room.client.cookies.set(f"unsc_seat_{room.session_id}", room.tokens["FRA"])
    before = room.full.calls
    response = room.client.post(
        f"/s/{room.session_id}/vote",
        content=b"vote=no&vote=yes",
        headers={"Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": room.csrf},
    )
    assert room.full.calls == before + 1
    assert response.status_code == 200 and response.json()["vote"] == "yes"


def test_a_body_over_the_limit_is_the_full_apps_413(room: Room) -> None:
    response = room.long("FRA", {"vote": "yes", "pad": "x" * (600 * 1024)})
    assert response.status_code == 413 and response.json()["error"] == "the request body is too large"


def test_a_long_body_the_app_accepts_is_handed_on_whole(room: Room) -> None:
    response = room.long("FRA", {"vote": "yes", "pad": "x" * 10_000})
    assert response.status_code == 200 and response.json()["vote"] == "yes"


def test_a_visitor_without_a_csrf_cookie_gets_one_from_the_full_app(room: Room) -> None:
    room.client.cookies.clear()
    before = room.full.calls
    response = room.client.post(f"/s/{room.session_id}/vote", data={"vote": "yes"}, headers={"X-CSRF-Token": "x"})
    assert room.full.calls == before + 1
    assert response.status_code == 403 and "unsc_csrf=" in response.headers["set-cookie"]


def test_the_instructor_is_answered_by_the_full_app_and_never_cached(room: Room) -> None:
    room.client.cookies.clear()
    assert room.client.get(f"/instructor?token={TOKEN}", follow_redirects=False).status_code == 303
    room.client.cookies.set("unsc_csrf", room.csrf)
    room.client.cookies.set(f"unsc_seat_{room.session_id}", room.tokens["FRA"])
    before = room.full.calls
    response = room.client.post(f"/s/{room.session_id}/vote", data={"vote": "yes"}, headers={"X-CSRF-Token": room.csrf})
    assert room.full.calls == before + 1
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"


def test_other_requests_pass_untouched(room: Room) -> None:
    before = room.full.calls
    assert room.client.get(f"/s/{room.session_id}/vote").status_code == 405
    assert room.client.get("/healthz").status_code == 200
    assert room.full.calls == before + 2
