"""Live sessions over HTTP: the instructor's authority, the students' seats, CSRF, exports."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.settings import Settings
from app.web import create_app

TOKEN = "instructor-secret-for-tests"
HTML = {"Accept": "text/html"}
JSON = {"Accept": "application/json"}


@pytest.fixture
def app_settings(scenarios: Path, tmp_path: Path) -> Settings:
    return Settings(scenarios_dir=scenarios, data_dir=tmp_path / "data", instructor_token=TOKEN, joins_per_minute=20)


@pytest.fixture
def instructor(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings), headers=HTML) as client:
        response = client.get(f"/instructor?token={TOKEN}", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/sessions"
        yield client


def state(client: TestClient) -> Any:
    """The app's state behind a test client (its ``app`` is typed as any ASGI app)."""
    return client.app.state  # type: ignore[attr-defined]


def student_of(instructor: TestClient) -> TestClient:
    """Another browser on the same server."""
    return TestClient(instructor.app, headers=HTML)


def csrf(client: TestClient) -> str:
    if "unsc_csrf" not in client.cookies:
        client.get("/join")
    return str(client.cookies["unsc_csrf"])


def start(
    instructor: TestClient, scenario: str = "dprk-2019-meeting-not-held", *, demonstration: bool = True
) -> tuple[str, str]:
    """A session from the scenario's positions with voting open (a demonstration), or started clean."""
    data = {"scenario_id": scenario, "csrf": csrf(instructor)} | ({"from_positions": "true"} if demonstration else {})
    response = instructor.post("/sessions", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    session_id = response.headers["location"].split("/")[2]
    code = state(instructor).store.get(session_id).join_code
    if demonstration:
        opened = instructor.post(f"/s/{session_id}/control", data={"action": "open", "csrf": csrf(instructor)})
        assert opened.status_code in (200, 303), opened.text
    return session_id, code


def join(student: TestClient, code: str, member: str, name: str = "") -> None:
    response = student.post(
        f"/join/{code}", data={"member": member, "name": name, "csrf": csrf(student)}, follow_redirects=False
    )
    assert response.status_code == 303, response.text


def test_instructor_link_sets_an_httponly_cookie_and_leaves_a_clean_url(app_settings: Settings) -> None:
    with TestClient(create_app(app_settings), headers=HTML) as client:
        response = client.get(f"/instructor?token={TOKEN}", follow_redirects=False)
        cookie = response.headers["set-cookie"]
        assert "unsc_instructor=" in cookie and "HttpOnly" in cookie and TOKEN not in cookie
        assert response.headers["location"] == "/sessions"
        assert client.get("/sessions").status_code == 200


def test_a_wrong_instructor_token_is_refused(app_settings: Settings) -> None:
    with TestClient(create_app(app_settings), headers=HTML) as client:
        assert client.get("/instructor?token=guess").status_code == 403
        assert client.get("/sessions").status_code == 403
        assert "unsc_instructor" not in client.cookies


def test_student_claims_a_seat_and_votes_for_it(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    with student_of(instructor) as student:
        page = student.get(f"/join/{code.lower()}").text
        assert "United States" in page and 'value="USA"' in page
        join(student, code, "USA", "Alice")
        seat = student.get(f"/s/{session_id}/seat").text
        assert "You are the delegation of" in seat and "You hold the presidency" in seat
        response = student.post(f"/s/{session_id}/vote", data={"vote": "yes", "csrf": csrf(student)}, headers=JSON)
        assert response.json() == {"vote": "yes", "version": 4, "seat": "USA"}  # create, open, claim, vote
        # Rejoining after closing the tab goes straight back to the seat.
        assert student.get(f"/join/{code}", follow_redirects=False).headers["location"] == f"/s/{session_id}/seat"
    view = state(instructor).store.get(session_id)
    assert view.seat("USA").holder == "Alice" and view.outcome.outcome.value == "adopted"


def test_a_student_cannot_vote_for_another_delegation(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    with student_of(instructor) as student:
        join(student, code, "USA")
        response = student.post(
            f"/s/{session_id}/vote", data={"vote": "no", "member": "CHN", "csrf": csrf(student)}, headers=JSON
        )
        assert response.status_code == 403 and "USA" in response.json()["error"]
        response = student.post(
            f"/s/{session_id}/seats/CHN/vote", data={"vote": "yes", "csrf": csrf(student)}, headers=JSON
        )
        assert response.status_code == 403
    assert state(instructor).store.get(session_id).seat("CHN").vote.value == "no"


def test_a_student_cannot_control_the_session_or_read_its_exports(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    with student_of(instructor) as student:
        join(student, code, "USA")
        for action in ("close", "end", "hide", "reset"):
            response = student.post(
                f"/s/{session_id}/control", data={"action": action, "csrf": csrf(student)}, headers=JSON
            )
            assert response.status_code == 403
        for path in ("console", "export.csv", "export.json", "audit.csv"):
            assert student.get(f"/s/{session_id}/{path}").status_code == 403
        assert (
            student.post("/sessions", data={"scenario_id": "syria-2018-agenda", "csrf": csrf(student)}).status_code
            == 403
        )


def test_without_a_seat_there_is_no_vote(instructor: TestClient) -> None:
    session_id, _ = start(instructor)
    with student_of(instructor) as stranger:
        response = stranger.post(f"/s/{session_id}/vote", data={"vote": "yes", "csrf": csrf(stranger)}, headers=JSON)
        assert response.status_code == 403
        assert stranger.get(f"/s/{session_id}/seat", follow_redirects=False).status_code == 303


def test_posts_without_the_csrf_token_or_from_another_site_are_refused(instructor: TestClient) -> None:
    session_id, _ = start(instructor)
    response = instructor.post(f"/s/{session_id}/control", data={"action": "close"}, headers=JSON)
    assert response.status_code == 403 and "form" in response.json()["error"]
    response = instructor.post(
        f"/s/{session_id}/control", data={"action": "close", "csrf": "forged-token-value"}, headers=JSON
    )
    assert response.status_code == 403
    response = instructor.post(
        f"/s/{session_id}/control",
        data={"action": "close", "csrf": csrf(instructor)},
        headers=JSON | {"Origin": "https://evil.example"},
    )
    assert response.status_code == 403 and "another site" in response.json()["error"]
    assert state(instructor).store.get(session_id).status.value == "open"


def test_taken_seats_cannot_be_claimed_twice(instructor: TestClient) -> None:
    _, code = start(instructor)
    with student_of(instructor) as first, student_of(instructor) as second:
        join(first, code, "USA")
        response = second.post(f"/join/{code}", data={"member": "USA", "csrf": csrf(second)}, headers=JSON)
        assert response.status_code == 409 and "taken" in response.json()["error"]
        response = first.post(f"/join/{code}", data={"member": "CHN", "csrf": csrf(first)}, headers=JSON)
        assert response.status_code == 409 and "already have a place" in response.json()["error"]


def test_instructor_controls_votes_seats_and_voting(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    token = csrf(instructor)
    with student_of(instructor) as student:
        join(student, code, "USA")
        snap = instructor.post(
            f"/s/{session_id}/seats/CHN/vote", data={"vote": "abstain", "csrf": token}, headers=JSON
        ).json()
        assert next(s for s in snap["seats"] if s["code"] == "CHN")["vote"] == "abstain"
        instructor.post(f"/s/{session_id}/control", data={"action": "close", "csrf": token}, headers=JSON)
        response = student.post(f"/s/{session_id}/vote", data={"vote": "yes", "csrf": csrf(student)}, headers=JSON)
        assert response.status_code == 409 and "closed" in response.json()["error"]
        instructor.post(f"/s/{session_id}/control", data={"action": "open", "csrf": token}, headers=JSON)
        instructor.post(f"/s/{session_id}/seats/USA/release", data={"csrf": token, "confirm": "yes"}, headers=JSON)
        response = student.post(f"/s/{session_id}/vote", data={"vote": "yes", "csrf": csrf(student)}, headers=JSON)
        assert response.status_code == 403
        snap = instructor.post(
            f"/s/{session_id}/seats/USA/assign", data={"name": "Bob", "csrf": token}, headers=JSON
        ).json()
        assert next(s for s in snap["seats"] if s["code"] == "USA")["reserved_for"] == "Bob"
        response = instructor.post(f"/s/{session_id}/control", data={"action": "explode", "csrf": token}, headers=JSON)
        assert response.status_code == 422


def test_hidden_votes_do_not_reach_the_projector(instructor: TestClient) -> None:
    session_id, _ = start(instructor)
    instructor.post(f"/s/{session_id}/control", data={"action": "hide", "csrf": csrf(instructor)})
    with student_of(instructor) as room:
        page = room.get(f"/s/{session_id}/projector").text
        assert "Votes are hidden until voting closes" in page
        assert "vote-yes" not in page and "vote-no" not in page
        assert "Vetoed by" not in page and "Can still decide it" not in page


def test_exports_for_the_debrief(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    with student_of(instructor) as student:
        join(student, code, "USA", "=HYPERLINK(evil)")
        student.post(f"/s/{session_id}/vote", data={"vote": "yes", "csrf": csrf(student)}, headers=JSON)
    rows = list(csv.reader(io.StringIO(instructor.get(f"/s/{session_id}/export.csv").text)))
    head = {row[0]: row[1] for row in rows[: rows.index([])]}
    assert head["scenario"].startswith("Human rights in the DPRK, December 2019") and head["date"] == "2019-12-10"
    assert head["question"].startswith("Adoption of the provisional agenda")
    assert head["outcome"] == "adopted" and head["votes (yes-no-abstain)"] == "9-3-3" and head["required"] == "9"
    table = rows[rows.index([]) + 1 :]
    assert table[0] == ["code", "delegation", "permanent", "vote", "cast_at", "held_by"]
    usa = next(r for r in table if r[0] == "USA")
    assert usa[3] == "yes" and usa[4] and usa[5] == "'=HYPERLINK(evil)"
    data = json.loads(instructor.get(f"/s/{session_id}/export.json").text)
    assert data["outcome"]["outcome"] == "adopted"
    audit = list(csv.reader(io.StringIO(instructor.get(f"/s/{session_id}/audit.csv").text)))
    assert [r[4] for r in audit[1:]] == ["create", "open", "claim", "vote"]
    assert audit[-1][3] == "student:USA"


def test_joins_are_rate_limited_per_session(instructor: TestClient) -> None:
    session_id, code = start(instructor, "council-2026")
    statuses = []
    for n in range(22):
        with student_of(instructor) as student:
            member = state(instructor).store.get(session_id).seats[n % 15].code
            statuses.append(
                student.post(
                    f"/join/{code}",
                    data={"member": member, "csrf": csrf(student)},
                    headers=JSON,
                    follow_redirects=False,
                ).status_code
            )
    assert statuses.count(429) >= 1 and statuses[:15] == [303] * 15


def test_ended_sessions_cannot_be_joined(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    instructor.post(f"/s/{session_id}/control", data={"action": "end", "confirm": "yes", "csrf": csrf(instructor)})
    with student_of(instructor) as student:
        assert student.get(f"/join/{code}").status_code == 404
        assert student.get("/join/NOSUCH").status_code == 404


def test_qr_code_is_an_svg_of_the_join_link(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    response = instructor.get(f"/s/{session_id}/qr.svg")
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.text.lstrip().startswith("<svg") and code in response.text


def test_a_session_is_unchanged_by_later_edits_to_its_file(instructor: TestClient, scenarios: Path) -> None:
    session_id, _ = start(instructor)
    path = scenarios / "dprk-2019-meeting-not-held.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("the meeting that did not convene", "EDITED"), encoding="utf-8"
    )
    assert "EDITED" not in instructor.get(f"/s/{session_id}/console").text
    assert "EDITED" in instructor.get("/scenarios/dprk-2019-meeting-not-held").text


def test_the_instructor_token_never_reaches_a_page(instructor: TestClient) -> None:
    session_id, _ = start(instructor)
    for path in ("/sessions", f"/s/{session_id}/console", f"/s/{session_id}/projector", "/"):
        assert TOKEN not in instructor.get(path).text
