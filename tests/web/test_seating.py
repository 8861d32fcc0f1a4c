"""Everyone has a place: several students per delegation, one voter who can hand the role on, observers,
join modes, personal links, and removing or blocking a device."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.domain.session import JoinMode, Place
from app.settings import Settings
from app.web import create_app
from app.web.seat_links import link_path
from tests.web.test_session_rules import service_of
from tests.web.test_sessions import HTML, JSON, TOKEN, csrf, join, start

NO_SUCH = "no session has this code, or it has no such delegation"


@pytest.fixture
def instructor(scenarios: Path, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(scenarios_dir=scenarios, data_dir=tmp_path / "data", instructor_token=TOKEN)
    with TestClient(create_app(settings), headers=HTML) as client:
        client.get(f"/instructor?token={TOKEN}")
        yield client


def device(instructor: TestClient, address: str = "10.0.0.2") -> TestClient:
    """A phone on the school network: a browser of its own, at an address of its own."""
    return TestClient(instructor.app, headers=HTML, client=(address, 50000))


def seating(instructor: TestClient, session_id: str, **form: str) -> dict[str, object]:
    response = instructor.post(f"/s/{session_id}/seating", data=form | {"csrf": csrf(instructor)}, headers=JSON)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def act(instructor: TestClient, session_id: str, key: str, what: str) -> int:
    response = instructor.post(
        f"/s/{session_id}/students/{key}/{what}", data={"confirm": "yes", "csrf": csrf(instructor)}, headers=JSON
    )
    return int(response.status_code)


def vote(student: TestClient, session_id: str, choice: str) -> tuple[int, str]:
    response = student.post(f"/s/{session_id}/vote", data={"vote": choice, "csrf": csrf(student)}, headers=JSON)
    return int(response.status_code), response.text


def test_two_students_share_a_delegation_and_the_voter_hands_the_vote_on(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    seating(instructor, session_id, seat_size="2")
    service = service_of(instructor)
    with device(instructor, "10.0.0.2") as ann, device(instructor, "10.0.0.3") as bob, device(instructor) as eve:
        join(ann, code, "FRA", "Ann")
        join(bob, code, "FRA", "Bob")
        full = eve.post(f"/join/{code}", data={"member": "FRA", "csrf": csrf(eve)}, headers=JSON)
        assert full.status_code == 409 and "already has its 2 students" in full.json()["error"]
        # Both see the delegation and its brief; only Ann, who came first, has the buttons.
        ann_page, bob_page = ann.get(f"/s/{session_id}/seat").text, bob.get(f"/s/{session_id}/seat").text
        assert "France" in bob_page and "Ann casts your delegation" in bob_page and 'name="vote"' not in bob_page
        assert 'name="vote" value="yes"' in ann_page and "Hand the vote to" in ann_page
        status, text = vote(bob, session_id, "yes")
        assert status == 403 and "Ann casts the vote of France" in text
        assert vote(ann, session_id, "no")[0] == 200
        bob_key = service.get(session_id).delegates("FRA")[1].key
        handed = ann.post(f"/s/{session_id}/hand", data={"to": bob_key, "csrf": csrf(ann)}, headers=JSON)
        assert handed.status_code == 200, handed.text
        assert vote(ann, session_id, "yes")[0] == 403
        assert vote(bob, session_id, "yes")[0] == 200
    view = service.get(session_id)
    assert view.seat("FRA").holder == "Bob" and [s.name for s in view.delegates("FRA")] == ["Ann", "Bob"]
    console = instructor.get(f"/s/{session_id}/console").text
    row = console.split('data-seat="FRA"')[1].split("</tr>")[0]
    assert "Ann" in row and "Bob" in row and "casts the vote" in row and "2 of 2" in row


def test_a_voter_removed_passes_the_vote_to_the_next_student(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    seating(instructor, session_id, seat_size="3")
    service = service_of(instructor)
    with device(instructor) as ann, device(instructor, "10.0.0.3") as bob:
        join(ann, code, "USA", "Ann")
        join(bob, code, "USA", "Bob")
        ann_key = service.get(session_id).delegates("USA")[0].key
        assert act(instructor, session_id, ann_key, "remove") == 200
        assert service.get(session_id).seat("USA").holder == "Bob"
        assert vote(bob, session_id, "no")[0] == 200
        assert "You are no longer in this session" in ann.get(f"/s/{session_id}/seat", follow_redirects=False).text or (
            ann.get(f"/s/{session_id}/seat", follow_redirects=False).status_code == 303
        )
        assert vote(ann, session_id, "yes")[0] == 403


def test_a_hand_over_goes_only_to_a_student_of_the_same_delegation(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    service = service_of(instructor)
    with device(instructor) as ann, device(instructor, "10.0.0.3") as bob:
        join(ann, code, "USA", "Ann")
        join(bob, code, "CHN", "Bob")
        bob_key = service.get(session_id).delegates("CHN")[0].key
        response = ann.post(f"/s/{session_id}/hand", data={"to": bob_key, "csrf": csrf(ann)}, headers=JSON)
        assert response.status_code == 403 and "your own delegation" in response.json()["error"]
    assert service.get(session_id).seat("CHN").holder == "Bob"


def test_students_beyond_the_seats_watch_as_observers(instructor: TestClient) -> None:
    session_id, code = start(instructor, "council-2026")
    service = service_of(instructor)
    view = service.get(session_id)
    phones = [device(instructor, f"10.0.1.{n}") for n in range(16)]
    try:
        for phone, seat in zip(phones, view.seats, strict=False):
            join(phone, code, seat.code)
        sixteenth = phones[15]
        page = sixteenth.get(f"/join/{code}").text
        assert "Every delegation has its students" in page and "Watch as an observer" in page
        watched = sixteenth.post(
            f"/join/{code}/observe", data={"name": "Olu", "csrf": csrf(sixteenth)}, follow_redirects=False
        )
        assert watched.status_code == 303
        seat_page = sixteenth.get(f"/s/{session_id}/seat").text
        assert "You are watching as an observer" in seat_page and 'data-part="chamber"' in seat_page
        assert vote(sixteenth, session_id, "yes")[0] == 403
        # The join page now sends the observer back to their page, not to a second place.
        again = sixteenth.get(f"/join/{code}", follow_redirects=False)
        assert again.status_code == 303 and again.headers["location"] == f"/s/{session_id}/seat"
    finally:
        for phone in phones:
            phone.close()
    observers = service.get(session_id).in_place(Place.OBSERVER)
    assert [o.name for o in observers] == ["Olu"]
    assert "Olu" in instructor.get(f"/s/{session_id}/console").text


def test_in_approve_mode_a_claim_waits_for_the_instructor(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    seating(instructor, session_id, join_mode="approve")
    service = service_of(instructor)
    with device(instructor) as ann, device(instructor, "10.0.0.3") as mallory:
        join(ann, code, "USA", "Ann")
        join(mallory, code, "USA", "Mallory")
        view = service.get(session_id)
        assert [s.name for s in view.in_place(Place.PENDING)] == ["Ann", "Mallory"] and not view.seat("USA").claimed
        assert "Waiting for your instructor" in ann.get(f"/s/{session_id}/seat").text
        assert vote(ann, session_id, "yes")[0] == 403
        console = instructor.get(f"/s/{session_id}/console").text
        assert "Waiting to be let in" in console and "Mallory" in console
        ann_key, mallory_key = (s.key for s in view.in_place(Place.PENDING))
        assert act(instructor, session_id, mallory_key, "remove") == 200  # refused
        assert act(instructor, session_id, ann_key, "approve") == 200
        assert "Your delegation" in ann.get(f"/s/{session_id}/seat").text
        assert vote(ann, session_id, "yes")[0] == 200
        assert "You are no longer in this session" in mallory.get(f"/s/{session_id}/seat").text or (
            mallory.get(f"/s/{session_id}/seat", follow_redirects=False).status_code == 303
        )
    assert service.get(session_id).seat("USA").holder == "Ann"


def test_letting_in_a_student_needs_room_in_the_delegation(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    seating(instructor, session_id, join_mode="approve")
    service = service_of(instructor)
    with device(instructor) as ann, device(instructor, "10.0.0.3") as bob:
        join(ann, code, "USA", "Ann")
        join(bob, code, "USA", "Bob")
        ann_key, bob_key = (s.key for s in service.get(session_id).in_place(Place.PENDING))
        assert act(instructor, session_id, ann_key, "approve") == 200
        assert act(instructor, session_id, bob_key, "approve") == 409


def test_a_locked_session_seats_only_through_personal_links(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    seating(instructor, session_id, join_mode="locked")
    settings = instructor.app.state.settings  # type: ignore[attr-defined]
    with device(instructor) as ann, device(instructor, "10.0.0.3") as eve:
        assert "Joining is locked" in eve.get(f"/join/{code}").text
        refused = eve.post(f"/join/{code}", data={"member": "USA", "csrf": csrf(eve)}, headers=JSON)
        assert refused.status_code == 409 and "personal link" in refused.json()["error"]
        observed = eve.post(f"/join/{code}/observe", data={"csrf": csrf(eve)}, headers=JSON)
        assert observed.status_code == 409
        link = link_path(settings, session_id, code, "USA")
        page = ann.get(link)
        assert page.status_code == 200 and "United States" in page.text and "Take my seat" in page.text
        taken = ann.post(link, data={"name": "Ann", "csrf": csrf(ann)}, follow_redirects=False)
        assert taken.status_code == 303 and taken.headers["location"] == f"/s/{session_id}/seat"
        # A forged or mistyped link is answered as a wrong code is, and costs a guess.
        forged = eve.get(link[:-3] + "AAA", headers=JSON)
        wrong = eve.get("/join/ZZZZZZ", headers=JSON)
        assert forged.status_code == wrong.status_code == 404
        assert forged.json()["error"] == wrong.json()["error"] and NO_SUCH in forged.json()["error"]
        other = link_path(settings, session_id, code, "FRA").rsplit("/", 1)[1]
        crossed = eve.post(f"/join/{code}/USA/{other}", data={"csrf": csrf(eve)}, headers=JSON)
        assert crossed.status_code == 404  # France's link does not open the United States' seat
    assert service_of(instructor).get(session_id).seat("USA").holder == "Ann"


def test_link_guessing_is_throttled(instructor: TestClient) -> None:
    _, code = start(instructor)
    with device(instructor, "10.0.0.99") as guesser:
        statuses = [guesser.get(f"/join/{code}/USA/AAAAAAAAAAAAAA{n:02}", headers=JSON).status_code for n in range(40)]
    assert statuses[0] == 404 and 429 in statuses


def test_the_printable_page_holds_a_working_link_and_qr_code_per_delegation(instructor: TestClient) -> None:
    session_id, code = start(instructor, "council-2026")
    page = instructor.get(f"/s/{session_id}/links").text
    links = re.findall(rf"http://[^<\s]+/join/{code}/([A-Z]+)/([A-Za-z0-9_-]+)", page)
    assert len(links) == 15 and page.count("<svg") == 15
    with device(instructor) as student:
        assert student.get(f"/s/{session_id}/links").status_code == 403
        member, link = links[3]
        taken = student.post(f"/join/{code}/{member}/{link}", data={"csrf": csrf(student)}, follow_redirects=False)
        assert taken.status_code == 303
    assert service_of(instructor).get(session_id).seat(member).claimed


def test_a_blocked_device_cannot_come_back_by_dropping_its_cookies(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    service = service_of(instructor)
    with device(instructor, "10.0.0.66") as mallory:
        join(mallory, code, "USA", "Mallory")
        key = service.get(session_id).delegates("USA")[0].key
        assert act(instructor, session_id, key, "block") == 200
        assert not service.get(session_id).seat("USA").claimed
        assert vote(mallory, session_id, "yes")[0] == 403
        again = mallory.post(f"/join/{code}", data={"member": "CHN", "csrf": csrf(mallory)}, headers=JSON)
        assert again.status_code == 403 and "blocked" in again.json()["error"]
    with device(instructor, "10.0.0.66") as fresh:  # the same phone, its cookies dropped
        response = fresh.post(f"/join/{code}", data={"member": "CHN", "csrf": csrf(fresh)}, headers=JSON)
        assert response.status_code == 403 and "blocked" in response.json()["error"]
    with device(instructor, "10.0.0.7") as other:  # the rest of the class is not affected
        join(other, code, "CHN", "Chen")
    blocked = service.get(session_id).in_place(Place.BLOCKED)
    assert act(instructor, session_id, blocked[0].key, "unblock") == 200
    with device(instructor, "10.0.0.66") as forgiven:
        join(forgiven, code, "FRA", "Mallory")


def test_removing_and_blocking_ask_first(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    with device(instructor) as ann:
        join(ann, code, "USA", "Ann")
    key = service_of(instructor).get(session_id).delegates("USA")[0].key
    for what in ("remove", "block"):
        asked = instructor.post(f"/s/{session_id}/students/{key}/{what}", data={"csrf": csrf(instructor)})
        assert asked.status_code == 200 and "Are you sure?" in asked.text
        refused = instructor.post(
            f"/s/{session_id}/students/{key}/{what}", data={"csrf": csrf(instructor)}, headers=JSON
        )
        assert refused.status_code == 428
    assert service_of(instructor).get(session_id).seat("USA").holder == "Ann"


def test_only_the_instructor_changes_seating(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    with device(instructor) as ann, device(instructor, "10.0.0.3") as bob:
        join(ann, code, "USA", "Ann")
        key = service_of(instructor).get(session_id).delegates("USA")[0].key
        for path, data in (
            (f"/s/{session_id}/seating", {"join_mode": "locked"}),
            (f"/s/{session_id}/students/{key}/remove", {"confirm": "yes"}),
            (f"/s/{session_id}/students/{key}/block", {"confirm": "yes"}),
        ):
            response = bob.post(path, data=data | {"csrf": csrf(bob)}, headers=JSON)
            assert response.status_code == 403, path
    view = service_of(instructor).get(session_id)
    assert view.join_mode is JoinMode.OPEN and view.seat("USA").holder == "Ann"


def test_students_per_delegation_cannot_drop_below_a_full_delegation(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    seating(instructor, session_id, seat_size="2")
    with device(instructor) as ann, device(instructor, "10.0.0.3") as bob:
        join(ann, code, "USA", "Ann")
        join(bob, code, "USA", "Bob")
    response = instructor.post(
        f"/s/{session_id}/seating", data={"seat_size": "1", "csrf": csrf(instructor)}, headers=JSON
    )
    assert response.status_code == 409 and "United States" in response.json()["error"]
    for bad in ("0", "7", "two"):
        response = instructor.post(
            f"/s/{session_id}/seating", data={"seat_size": bad, "csrf": csrf(instructor)}, headers=JSON
        )
        assert response.status_code == 422, bad


def test_a_session_can_start_with_seats_for_two_and_approval(instructor: TestClient) -> None:
    data = {"scenario_id": "council-2026", "seat_size": "2", "join_mode": "approve", "csrf": csrf(instructor)}
    response = instructor.post("/sessions", data=data, follow_redirects=False)
    session_id = response.headers["location"].split("/")[2]
    view = service_of(instructor).get(session_id)
    assert view.seat_size == 2 and view.join_mode is JoinMode.APPROVE
    assert "Approve each claim" in instructor.get("/sessions").text


def test_a_waiting_students_stream_turns_into_their_seat_when_let_in(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    seating(instructor, session_id, join_mode="approve")
    service = service_of(instructor)
    renderer = instructor.app.state.parts  # type: ignore[attr-defined]
    with device(instructor) as ann:
        join(ann, code, "USA", "Ann")
    key = service.get(session_id).in_place(Place.PENDING)[0].key
    audience = ("student", key)
    assert "Waiting for your instructor" in renderer.payload(service.get(session_id), audience, {})
    act(instructor, session_id, key, "approve")
    after = renderer.payload(service.get(session_id), audience, {})
    assert "United States" in after and 'name=\\"vote\\" value=\\"yes\\"' in after


def test_one_address_dropping_its_cookies_takes_two_places_not_the_council(instructor: TestClient) -> None:
    _, code = start(instructor, "council-2026")
    seats = [s.code for s in service_of(instructor).by_join_code(code).seats]
    answers = []
    for member in seats[:5]:
        with device(instructor, "10.0.0.66") as script:  # a fresh browser each time: no cookies kept
            response = script.post(
                f"/join/{code}", data={"member": member, "csrf": csrf(script)}, headers=JSON, follow_redirects=False
            )
            answers.append((response.status_code, response.text))
    assert [status for status, _ in answers] == [303, 303, 409, 409, 409]
    assert "already has 2 places" in answers[2][1]
    with device(instructor, "10.0.0.67") as classmate:
        join(classmate, code, seats[5])


def test_a_claim_at_a_variant_of_the_code_is_a_miss_so_the_join_cookie_always_counts(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    with device(instructor) as ann:
        join(ann, code, "FRA", "Ann")
        for variant in (code.lower(), f"{code[:3]}-{code[3:]}"):
            response = ann.post(f"/join/{variant}", data={"member": "GBR", "csrf": csrf(ann)}, headers=JSON)
            assert response.status_code == 404 and NO_SUCH in response.json()["error"], variant
            observed = ann.post(f"/join/{variant}/observe", data={"csrf": csrf(ann)}, headers=JSON)
            assert observed.status_code == 404
        settings = instructor.app.state.settings  # type: ignore[attr-defined]
        link = link_path(settings, session_id, code, "GBR").replace(code, code.lower())
        assert ann.post(link, data={"csrf": csrf(ann)}, headers=JSON).status_code == 404
        back = ann.get(link, follow_redirects=False)
        assert back.status_code == 303 and back.headers["location"] == link.replace(code.lower(), code)
    assert not service_of(instructor).get(session_id).seat("GBR").claimed


def test_behind_one_shared_address_blocking_one_student_keeps_out_only_that_device(
    scenarios: Path, tmp_path: Path
) -> None:
    settings = Settings(
        scenarios_dir=scenarios, data_dir=tmp_path / "data", instructor_token=TOKEN, places_per_address=0
    )
    with TestClient(create_app(settings), headers=HTML) as instructor:
        instructor.get(f"/instructor?token={TOKEN}")
        session_id, code = start(instructor)
        with device(instructor, "10.0.0.5") as mallory, device(instructor, "10.0.0.5") as ann:
            join(mallory, code, "USA", "Mallory")
            key = service_of(instructor).get(session_id).delegates("USA")[0].key
            assert act(instructor, session_id, key, "block") == 200
            join(ann, code, "CHN", "Ann")  # the same shared address: not kept out
            again = mallory.post(f"/join/{code}", data={"member": "FRA", "csrf": csrf(mallory)}, headers=JSON)
            assert again.status_code == 403 and "blocked" in again.json()["error"]


def test_a_reserved_link_used_twice_does_not_name_the_second_student_after_the_first(instructor: TestClient) -> None:
    session_id, code = start(instructor)
    seating(instructor, session_id, seat_size="2")
    instructor.post(f"/s/{session_id}/seats/GBR/assign", data={"name": "Mei", "csrf": csrf(instructor)}, headers=JSON)
    link = link_path(instructor.app.state.settings, session_id, code, "GBR")  # type: ignore[attr-defined]
    for address in ("10.0.0.2", "10.0.0.3"):
        with device(instructor, address) as phone:
            assert phone.post(link, data={"csrf": csrf(phone)}, follow_redirects=False).status_code == 303
    names = [s.name for s in service_of(instructor).get(session_id).delegates("GBR")]
    assert names == ["Mei", None]
