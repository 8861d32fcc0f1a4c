"""The seat token is sent only where it is needed: the session's own pages, and its join page."""

from __future__ import annotations

from collections.abc import Iterator
from http.cookiejar import Cookie
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.settings import Settings
from app.web import create_app

TOKEN = "instructor-secret-for-cookie-tests"
HTML = {"Accept": "text/html"}
DOMAIN = "testserver.local"  # where the test client's cookie jar keeps the cookies of http://testserver


@pytest.fixture
def instructor(scenarios: Path, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(scenarios_dir=scenarios, data_dir=tmp_path / "data", instructor_token=TOKEN)
    with TestClient(create_app(settings), headers=HTML) as client:
        assert client.get(f"/instructor?token={TOKEN}", follow_redirects=False).status_code == 303
        yield client


def csrf(client: TestClient) -> str:
    if "unsc_csrf" not in client.cookies:
        client.get("/join")
    return str(client.cookies["unsc_csrf"])


def start(instructor: TestClient) -> tuple[str, str]:
    data = {"scenario_id": "syria-2018-agenda", "csrf": csrf(instructor)}
    response = instructor.post("/sessions", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    session_id = response.headers["location"].split("/")[2]
    code: str = instructor.app.state.store.get(session_id).join_code  # type: ignore[attr-defined]
    return session_id, code


def claim(student: TestClient, code: str, member: str) -> list[str]:
    """Take a seat; the Set-Cookie headers of the answer."""
    response = student.post(f"/join/{code}", data={"member": member, "csrf": csrf(student)}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return [str(value) for value in response.headers.get_list("set-cookie")]


def jar(client: TestClient, name: str) -> list[Cookie]:
    return [cookie for cookie in client.cookies.jar if cookie.name == name]


def test_the_seat_cookie_is_scoped_to_its_session(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    with TestClient(instructor.app, headers=HTML) as student:
        headers = claim(student, code, "USA")
        seat = next(h for h in headers if h.startswith(f"unsc_seat_{session_id}=") and "Max-Age=0" not in h)
        assert f"Path=/s/{session_id}" in seat.split("; ") and "HttpOnly" in seat and "SameSite=lax" in seat
        join = next(h for h in headers if h.startswith(f"unsc_join_{session_id}="))
        assert f"Path=/join/{code}" in join.split("; ") and "HttpOnly" in join
        assert seat.split(";")[0].split("=", 1)[1] == join.split(";")[0].split("=", 1)[1]  # the same token
        # What the browser keeps: one seat cookie, for the session's pages only; one for its join page.
        assert [c.path for c in jar(student, f"unsc_seat_{session_id}")] == [f"/s/{session_id}"]
        assert [c.path for c in jar(student, f"unsc_join_{session_id}")] == [f"/join/{code}"]
        assert student.get(f"/s/{session_id}/seat").status_code == 200


def test_a_student_who_holds_a_seat_is_recognised_at_the_join_page(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    with TestClient(instructor.app, headers=HTML) as student:
        claim(student, code, "USA")
        back = student.get(f"/join/{code}", follow_redirects=False)
        assert back.status_code == 303 and back.headers["location"] == f"/s/{session_id}/seat"
        # The code as typed, in lower case, leads to the address the join cookie is sent to.
        typed = student.get(f"/join/{code.lower()}", follow_redirects=False)
        assert typed.status_code == 303 and typed.headers["location"] == f"/join/{code}"
        again = student.post(f"/join/{code}", data={"member": "CHN", "csrf": csrf(student)}, headers=HTML)
        assert again.status_code == 409 and "already have a place" in again.text
    with TestClient(instructor.app, headers=HTML) as stranger:
        assert stranger.get(f"/join/{code}", follow_redirects=False).status_code == 200


def test_a_seat_in_one_session_means_nothing_at_another(instructor: TestClient) -> None:
    first, first_code = start(instructor)
    second, second_code = start(instructor)
    with TestClient(instructor.app, headers=HTML) as student:
        claim(student, first_code, "USA")
        assert student.get(f"/join/{second_code}", follow_redirects=False).status_code == 200
        assert student.get(f"/s/{second}/seat", follow_redirects=False).headers["location"] == f"/join/{second_code}"
        claim(student, second_code, "CHN")
        assert "China" in student.get(f"/s/{second}/seat").text
        assert "United States" in student.get(f"/s/{first}/seat").text


def test_a_seat_cookie_from_before_the_scoping_still_counts_and_is_replaced(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    with TestClient(instructor.app, headers=HTML) as student:
        claim(student, code, "USA")
        token = jar(student, f"unsc_seat_{session_id}")[0].value
        assert token
    with TestClient(instructor.app, headers=HTML) as older:
        older.cookies.set(f"unsc_seat_{session_id}", token, DOMAIN, "/")  # as the server used to set it
        back = older.get(f"/join/{code}", follow_redirects=False)
        assert back.headers["location"] == f"/s/{session_id}/seat"
        assert "United States" in older.get(f"/s/{session_id}/seat").text
    with TestClient(instructor.app, headers=HTML) as released:
        released.cookies.set(f"unsc_seat_{session_id}", "a-token-that-no-longer-holds-a-seat", DOMAIN, "/")
        headers = claim(released, code, "CHN")
        assert any(h.startswith(f"unsc_seat_{session_id}=") and "Path=/;" in h + ";" for h in headers)
        assert [c.path for c in jar(released, f"unsc_seat_{session_id}")] == [f"/s/{session_id}"]
        assert "China" in released.get(f"/s/{session_id}/seat").text
