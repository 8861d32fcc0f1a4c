"""The session service owns every change: the transition table, no-ops, students' choices, races, one renderer."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.domain.errors import Forbidden
from app.domain.votes import Vote
from app.live import INSTRUCTOR, PUBLIC
from app.sessions import SessionService
from app.settings import Settings
from app.web import create_app
from app.web.live_parts import embed, student_audience
from app.web.seat_links import link_path
from tests.web.test_sessions import JSON, TOKEN, csrf, join, start, student_of


@pytest.fixture
def instructor(scenarios: Path, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(scenarios_dir=scenarios, data_dir=tmp_path / "data", instructor_token=TOKEN)
    with TestClient(create_app(settings), headers={"Accept": "text/html"}) as client:
        client.get(f"/instructor?token={TOKEN}")
        yield client


def service_of(client: TestClient) -> SessionService:
    service: SessionService = client.app.state.service  # type: ignore[attr-defined]
    return service


def test_a_student_may_cast_only_yes_no_or_abstain(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    with student_of(instructor) as student:
        join(student, code, "USA")
        for choice in ("absent", "undecided"):
            response = student.post(f"/s/{session_id}/vote", data={"vote": choice, "csrf": csrf(student)}, headers=JSON)
            assert response.status_code == 422, choice
            assert "yes, no, abstain" in response.json()["error"]
    assert service_of(instructor).get(session_id).seat("USA").vote is Vote.UNDECIDED


def test_a_change_that_changes_nothing_is_refused_and_not_audited(instructor: TestClient) -> None:
    session_id, _ = start(instructor)
    before = len(service_of(instructor).audit_log(session_id))
    token = csrf(instructor)
    for action in ("open", "show"):  # a new session is open, its votes shown
        response = instructor.post(f"/s/{session_id}/control", data={"action": action, "csrf": token}, headers=JSON)
        assert response.status_code == 409, action
    response = instructor.post(
        f"/s/{session_id}/control", data={"action": "reset", "confirm": "yes", "csrf": token}, headers=JSON
    )
    assert response.status_code == 409 and "already" in response.json()["error"]
    response = instructor.post(f"/s/{session_id}/seats/CHN/vote", data={"vote": "no", "csrf": token}, headers=JSON)
    assert response.status_code == 409  # China already votes no in this scenario
    view = service_of(instructor).get(session_id)
    assert len(service_of(instructor).audit_log(session_id)) == before and view.version == before


def test_every_snapshot_lists_the_actions_the_table_allows(instructor: TestClient) -> None:
    session_id, _ = start(instructor)
    token = csrf(instructor)
    closed = instructor.post(f"/s/{session_id}/control", data={"action": "close", "csrf": token}, headers=JSON).json()
    assert "open" in closed["actions"] and "close" not in closed["actions"]
    ended = instructor.post(
        f"/s/{session_id}/control", data={"action": "end", "confirm": "yes", "csrf": token}, headers=JSON
    ).json()
    assert ended["actions"] == []
    assert 'value="open">' in ended["parts"]["controls"] and "disabled" in ended["parts"]["controls"]


def test_a_vote_racing_a_release_lands_before_it_or_is_refused(instructor: TestClient) -> None:
    service = service_of(instructor)
    session_id, _ = start(instructor, "council-2026")
    for round_number in range(12):
        token = service.claim(session_id, "USA", None).token
        vote = (Vote.YES, Vote.NO)[round_number % 2]
        barrier = threading.Barrier(2)
        refused: list[bool] = []

        def cast(
            token: str = token, vote: Vote = vote, barrier: threading.Barrier = barrier, refused: list[bool] = refused
        ) -> None:
            barrier.wait()
            try:
                service.student_vote_sync(session_id, token, vote, None)
            except Forbidden:
                refused.append(True)

        def release(barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            service.release(session_id, "USA")

        threads = [threading.Thread(target=cast), threading.Thread(target=release)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        log = service.audit_log(session_id)
        released_at = max(e["version"] for e in log if e["action"] == "release")
        votes_after = [e for e in log if e["action"] == "vote" and e["version"] > released_at]
        assert votes_after == []
        voted = any(
            e["action"] == "vote" and e["version"] < released_at and e["detail"] == vote.value for e in log[-3:]
        )
        assert voted or refused, "the vote was neither recorded before the release nor refused"


def test_the_live_payload_carries_exactly_the_parts_the_page_shows(instructor: TestClient) -> None:
    service = service_of(instructor)
    session_id, code = start(instructor)
    with student_of(instructor) as student:
        join(student, code, "USA", "Alice")
        view = service.get(session_id)
        renderer = instructor.app.state.parts  # type: ignore[attr-defined]
        pages = {
            PUBLIC: student.get(f"/s/{session_id}/projector").text,
            INSTRUCTOR: instructor.get(f"/s/{session_id}/console").text,
            student_audience(view.delegates("USA")[0].key): student.get(f"/s/{session_id}/seat").text,
        }
        for audience, page in pages.items():
            who = instructor if audience == INSTRUCTOR else student
            payload = json.loads(renderer.payload(view, audience, {}))
            assert payload["version"] == view.version
            for name, html in embed(payload["parts"], csrf(who)).items():
                assert f'data-part="{name}"' in page
                assert html in page, f"{audience} {name}: the page and the live part differ"


def test_the_public_payload_never_names_a_student(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    with student_of(instructor) as student:
        join(student, code, "USA", "Alice Liddell")
    view = service_of(instructor).get(session_id)
    payload = instructor.app.state.parts.payload(view, PUBLIC, {})  # type: ignore[attr-defined]
    assert "Alice" not in payload
    assert "Alice" in instructor.app.state.parts.payload(view, INSTRUCTOR, {})  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["a\x00b", "evil\u202etxt", "tab\tbed\x07", "x" * 81])
def test_names_with_control_or_bidi_characters_are_refused(instructor: TestClient, name: str) -> None:
    session_id, code = start(instructor)
    with student_of(instructor) as student:
        response = student.post(
            f"/join/{code}", data={"member": "USA", "name": name, "csrf": csrf(student)}, headers=JSON
        )
        assert response.status_code == 422, response.text
        assert response.json()["problems"][0]["field"] == "name"
    assert not service_of(instructor).get(session_id).seat("USA").claimed


def test_a_forged_host_header_never_reaches_the_join_link(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    with TestClient(instructor.app, headers={"Host": "unsc-sim.evil.example"}) as stranger:
        stranger.get(f"/s/{session_id}/qr.svg")
        stranger.get(f"/s/{session_id}/projector")
    view = service_of(instructor).get(session_id)
    public = instructor.app.state.parts.payload(view, PUBLIC, {})  # type: ignore[attr-defined]
    assert "evil" not in public and f"/join/{code}" in public
    assert "evil" not in instructor.get(f"/s/{session_id}/projector", headers={"Host": "evil.example"}).text


def test_a_reserved_seat_is_not_for_whoever_asks_first(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    token = csrf(instructor)
    instructor.post(f"/s/{session_id}/seats/FRA/assign", data={"name": "Carol", "csrf": token}, headers=JSON)
    with student_of(instructor) as mallory, student_of(instructor) as carol:
        page = mallory.get(f"/join/{code}").text
        assert "Carol" not in page and "reserved" in page
        response = mallory.post(f"/join/{code}", data={"member": "FRA", "csrf": csrf(mallory)}, headers=JSON)
        assert response.status_code == 409 and "reserved" in response.json()["error"]
        # Typing her name is not enough: a reserved seat is taken only through its personal link.
        response = mallory.post(
            f"/join/{code}", data={"member": "FRA", "name": "Carol", "csrf": csrf(mallory)}, headers=JSON
        )
        assert response.status_code == 409 and "personal link" in response.json()["error"]
        settings = instructor.app.state.settings  # type: ignore[attr-defined]
        link = link_path(settings, session_id, code, "FRA")
        assert "Carol" in carol.get(link).text
        taken = carol.post(link, data={"name": "", "csrf": csrf(carol)}, follow_redirects=False)
        assert taken.status_code == 303, taken.text
    assert service_of(instructor).get(session_id).seat("FRA").holder == "Carol"


def test_a_flood_from_one_address_locks_out_nobody_else(instructor: TestClient) -> None:
    _, code = start(instructor, "council-2026")
    with TestClient(instructor.app, client=("10.0.0.66", 4000), headers={"Accept": "application/json"}) as flood:
        token = csrf(flood)
        answers = {flood.post(f"/join/{code}", data={"member": "NOPE", "csrf": token}).status_code for _ in range(150)}
        assert answers == {404, 429}
    with TestClient(instructor.app, client=("10.0.0.7", 4001), headers={"Accept": "text/html"}) as student:
        join(student, code, "USA")


def test_guessing_codes_is_throttled_and_every_miss_reads_the_same(instructor: TestClient) -> None:
    _, code = start(instructor)
    with TestClient(instructor.app, client=("10.0.0.99", 4000), headers={"Accept": "application/json"}) as guesser:
        token = csrf(guesser)
        wrong_code = guesser.post("/join/ZZZZZZ", data={"member": "USA", "csrf": token}).json()["error"]
        wrong_member = guesser.post(f"/join/{code}", data={"member": "XXX", "csrf": token}).json()["error"]
        assert wrong_code == wrong_member
        statuses = [guesser.get(f"/join/AAAA{n:02}").status_code for n in range(40)]
        statuses += [
            guesser.post(f"/join/BBBB{n:02}", data={"member": "USA", "csrf": token}).status_code for n in range(10)
        ]
        assert 429 in statuses and set(statuses) <= {404, 429}


def test_a_name_that_spells_the_csrf_slot_reveals_no_token(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    with student_of(instructor) as student:
        join(student, code, "USA", "__csrf__")
    console = instructor.get(f"/s/{session_id}/console").text
    row = console.split('data-seat="USA"')[1].split("</tr>")[0]
    assert '<span dir="auto">__csrf__</span>' in row and f">{csrf(instructor)}<" not in row


@pytest.mark.parametrize("action", ["end", "clear", "reset"])
def test_destructive_controls_ask_first(instructor: TestClient, action: str) -> None:
    session_id, _ = start(instructor)
    instructor.post(f"/s/{session_id}/seats/USA/vote", data={"vote": "yes", "csrf": csrf(instructor)}, headers=JSON)
    before = service_of(instructor).get(session_id).version
    asked = instructor.post(f"/s/{session_id}/control", data={"action": action, "csrf": csrf(instructor)})
    assert asked.status_code == 200 and "Are you sure?" in asked.text and 'name="confirm" value="yes"' in asked.text
    refused = instructor.post(
        f"/s/{session_id}/control", data={"action": action, "csrf": csrf(instructor)}, headers=JSON
    )
    assert refused.status_code == 428 and "confirm=yes" in refused.json()["error"]
    assert service_of(instructor).get(session_id).version == before  # nothing happened yet
    done = instructor.post(
        f"/s/{session_id}/control", data={"action": action, "confirm": "yes", "csrf": csrf(instructor)}, headers=JSON
    )
    assert done.status_code == 200 and done.json()["version"] == before + 1
    console = instructor.get(f"/s/{session_id}/console").text
    assert "data-confirm=" in console


def test_releasing_a_seat_asks_first(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    with student_of(instructor) as student:
        join(student, code, "USA")
    asked = instructor.post(f"/s/{session_id}/seats/USA/release", data={"csrf": csrf(instructor)})
    assert "Release this delegation?" in asked.text and service_of(instructor).get(session_id).seat("USA").claimed
    instructor.post(f"/s/{session_id}/seats/USA/release", data={"csrf": csrf(instructor), "confirm": "yes"})
    assert not service_of(instructor).get(session_id).seat("USA").claimed


def test_hidden_votes_stay_hidden_on_the_console_and_show_on_the_instructors_own_page(instructor: TestClient) -> None:
    session_id, _ = start(instructor, "venezuela-2019-draft-vetoed")
    instructor.post(f"/s/{session_id}/control", data={"action": "hide", "csrf": csrf(instructor)}, headers=JSON)
    console = instructor.get(f"/s/{session_id}/console").text
    assert "Vetoed by" not in console and "vote-no" not in console and "(hidden)" in console
    assert "See them on this device only" in console
    revealed = instructor.get(f"/s/{session_id}/votes").text
    assert "Vetoed by" in revealed and "China, Russian Federation" in revealed
    with student_of(instructor) as student:
        assert student.get(f"/s/{session_id}/votes").status_code == 403
