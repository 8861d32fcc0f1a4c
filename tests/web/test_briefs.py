"""Each delegation's brief reaches the instructor and the students of that delegation, nobody else,
unless the scenario makes the briefs public."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.live import INSTRUCTOR, PUBLIC
from app.settings import Settings
from app.web import create_app
from app.web.live_parts import student_audience
from tests.conftest import GOOD

TOKEN = "instructor-secret-for-brief-tests"
HTML = {"Accept": "text/html"}


def brief_of(code: str) -> str:
    return f"Secret instructions for {code}: hold firm"


CODES = re.findall(r"\{code: ([A-Z]+),", GOOD)


def write_scenario(folder: Path, name: str, *, public: bool) -> None:
    """The test council of conftest, each member with a brief of its own."""
    text = re.sub(r"\{code: ([A-Z]+),(.*)\}", lambda m: f'{{code: {m[1]},{m[2]}, brief: "{brief_of(m[1])}"}}', GOOD)
    (folder / f"{name}.yaml").write_text(text + ("briefs_public: true\n" if public else ""), encoding="utf-8")


@pytest.fixture
def app_settings(scenarios: Path, tmp_path: Path) -> Settings:
    write_scenario(scenarios, "secret", public=False)
    write_scenario(scenarios, "open-briefs", public=True)
    return Settings(scenarios_dir=scenarios, data_dir=tmp_path / "data", instructor_token=TOKEN)


@pytest.fixture
def visitor(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings), headers=HTML) as client:
        yield client


@pytest.fixture
def instructor(visitor: TestClient) -> TestClient:
    """Another browser on the same server, signed in as the instructor."""
    client = TestClient(visitor.app, headers=HTML)
    assert client.get(f"/instructor?token={TOKEN}", follow_redirects=False).status_code == 303
    return client


def no_brief_in(text: str) -> bool:
    return not any(brief_of(code) in text for code in CODES) and "Secret instructions" not in text


def csrf(client: TestClient) -> str:
    if "unsc_csrf" not in client.cookies:
        client.get("/join")
    return str(client.cookies["unsc_csrf"])


def test_the_api_leaves_briefs_out_for_visitors(visitor: TestClient, instructor: TestClient) -> None:
    response = visitor.get("/api/scenarios/secret")
    assert response.status_code == 200
    members = response.json()["members"]
    assert len(members) == 15 and all("brief" not in m for m in members)
    assert response.json()["briefs_public"] is False
    assert no_brief_in(response.text)
    # The instructor, signed in, gets every brief.
    members = instructor.get("/api/scenarios/secret").json()["members"]
    assert [m["brief"] for m in members] == [brief_of(code) for code in CODES]


def test_the_api_gives_briefs_to_everyone_when_the_scenario_says_so(visitor: TestClient) -> None:
    data = visitor.get("/api/scenarios/open-briefs").json()
    assert data["briefs_public"] is True
    assert [m["brief"] for m in data["members"]] == [brief_of(code) for code in CODES]


def test_the_board_shows_briefs_only_to_the_instructor(visitor: TestClient, instructor: TestClient) -> None:
    page = visitor.get("/scenarios/secret").text
    assert "China" in page and no_brief_in(page) and 'class="brief"' not in page
    parts = visitor.get("/scenarios/secret/parts?USA=yes")
    assert parts.status_code == 200 and no_brief_in(parts.text)
    page = instructor.get("/scenarios/secret").text
    assert all(brief_of(code) in page for code in CODES)


def test_the_board_shows_public_briefs_to_everyone(visitor: TestClient) -> None:
    page = visitor.get("/scenarios/open-briefs").text
    assert all(brief_of(code) in page for code in CODES)


def test_a_bundled_scenario_keeps_its_briefs_private(visitor: TestClient) -> None:
    for path in ("/api/scenarios/dprk-2019-meeting-not-held", "/scenarios/dprk-2019-meeting-not-held"):
        text = visitor.get(path).text
        assert "Human Rights Council, not the Security Council" not in text, path


def test_a_student_sees_their_own_brief_and_no_other(instructor: TestClient) -> None:
    response = instructor.post(
        "/sessions", data={"scenario_id": "secret", "csrf": csrf(instructor)}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    session_id = response.headers["location"].split("/")[2]
    app_state = instructor.app.state  # type: ignore[attr-defined]
    view = app_state.store.get(session_id)
    with TestClient(instructor.app, headers=HTML) as student:
        claimed = student.post(
            f"/join/{view.join_code}", data={"member": "USA", "csrf": csrf(student)}, follow_redirects=False
        )
        assert claimed.status_code == 303, claimed.text
        seat = student.get(f"/s/{session_id}/seat").text
        assert "Your brief" in seat and brief_of("USA") in seat
        assert not any(brief_of(code) in seat for code in CODES if code != "USA")
        projector = student.get(f"/s/{session_id}/projector").text
        assert no_brief_in(projector)
    # What the live streams carry: the room's and a stranger's no brief at all; a student's, their own only
    # (it appears on their page the moment the instructor lets them in).
    view = app_state.store.get(session_id)
    renderer = app_state.parts
    for audience in (PUBLIC, student_audience("nobody")):
        assert no_brief_in(renderer.payload(view, audience, {})), audience
    own = renderer.payload(view, student_audience(view.delegates("USA")[0].key), {})
    assert brief_of("USA") in own
    assert not any(brief_of(code) in own for code in CODES if code != "USA")
    assert no_brief_in(renderer.payload(view, INSTRUCTOR, {}))  # the console shows seats and votes, not briefs
