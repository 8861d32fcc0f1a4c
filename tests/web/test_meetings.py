"""A whole meeting in one live session, through the web routes: who may act, what happens, the record."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.domain.meeting import ItemStatus, Phase
from app.live import INSTRUCTOR, PUBLIC
from app.settings import Settings
from app.web import create_app
from app.web.live_parts import embed, student_audience
from tests.web.test_session_rules import service_of
from tests.web.test_sessions import HTML, JSON, TOKEN, csrf, join

CODES = ["BHR", "CHN", "COL", "COD", "DNK", "FRA", "GRC", "LVA", "LBR", "PAK", "PAN", "RUS", "SOM", "GBR", "USA"]


@pytest.fixture
def instructor(scenarios: Path, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(scenarios_dir=scenarios, data_dir=tmp_path / "data", instructor_token=TOKEN)
    with TestClient(create_app(settings), headers=HTML) as client:
        client.get(f"/instructor?token={TOKEN}")
        yield client


def start_meeting(instructor: TestClient) -> tuple[str, str]:
    data = {"scenario_id": "class-meeting-2026", "csrf": csrf(instructor)}
    response = instructor.post("/sessions", data=data, follow_redirects=False)
    session_id = response.headers["location"].split("/")[2]
    code = service_of(instructor).get(session_id).join_code
    opened = instructor.post(
        f"/s/{session_id}/control", data={"action": "open", "csrf": csrf(instructor)}, headers=JSON
    )
    assert opened.status_code == 200, opened.text
    return session_id, code


def act(client: TestClient, session_id: str, what: str, **fields: str) -> tuple[int, str]:
    data = {"act": what, "csrf": csrf(client)} | fields
    response = client.post(f"/s/{session_id}/meeting", data=data, headers=JSON)
    return response.status_code, response.text


def vote_all(instructor: TestClient, session_id: str, votes: dict[str, str]) -> None:
    for code, choice in votes.items():
        response = instructor.post(
            f"/s/{session_id}/seats/{code}/vote", data={"vote": choice, "csrf": csrf(instructor)}, headers=JSON
        )
        assert response.status_code == 200, response.text


def test_a_class_runs_a_meeting_from_the_agenda_to_the_record(instructor: TestClient) -> None:
    session_id, code = start_meeting(instructor)
    service = service_of(instructor)
    with TestClient(instructor.app, headers=HTML) as china, TestClient(instructor.app, headers=HTML) as pakistan:
        join(china, code, "CHN", "Chen")
        join(pakistan, code, "PAK", "Parveen")
        assert act(china, session_id, "object")[0] == 200
        status, text = act(china, session_id, "put")
        assert status == 403 and "only the President" in text
        assert act(instructor, session_id, "put")[0] == 200
        assert (
            china.post(f"/s/{session_id}/vote", data={"vote": "no", "csrf": csrf(china)}, headers=JSON).status_code
            == 200
        )
        vote_all(instructor, session_id, {c: "yes" for c in CODES[:10] if c != "CHN"} | {"RUS": "no"})
        assert act(instructor, session_id, "close_vote")[0] == 200
        meeting = service.get(session_id).meeting
        assert meeting is not None and meeting.phase is Phase.INVITATIONS and meeting.questions[0].adopted
        assert act(instructor, session_id, "no_objection")[0] == 200  # the Emergency Relief Coordinator
        assert act(china, session_id, "request_floor")[0] == 200
        assert act(pakistan, session_id, "request_floor")[0] == 200
        assert act(instructor, session_id, "next_speaker")[0] == 200
        assert "Has the floor" in instructor.get(f"/s/{session_id}/projector").text
        assert act(china, session_id, "yield")[0] == 200
        status, text = act(pakistan, session_id, "move", motion="suspend")
        assert status == 200, text
        status, text = act(instructor, session_id, "next_speaker")
        assert status == 409 and "without debate" in text
        assert act(instructor, session_id, "put")[0] == 200
        vote_all(instructor, session_id, {c: "no" for c in CODES[:10]})
        assert act(instructor, session_id, "close_vote")[0] == 200
        status, text = act(pakistan, session_id, "submit_amendment", subject="S/2026/101", text="Calls upon")
        assert status == 200, text
        assert act(instructor, session_id, "accept_amendment", subject="S/2026/101/A2")[0] == 200
        assert act(instructor, session_id, "proceed")[0] == 200
        for _ in range(3):  # the file's amendment, the one from the floor, then the draft
            assert act(instructor, session_id, "put")[0] == 200
            vote_all(instructor, session_id, {c: "yes" for c in CODES if c != "RUS"} | {"RUS": "no"})
            assert act(instructor, session_id, "close_vote")[0] == 200
    meeting = service.get(session_id).meeting
    assert meeting is not None
    assert meeting.item("S/2026/101").status is ItemStatus.NOT_ADOPTED  # the Russian Federation's veto
    record = instructor.get(f"/s/{session_id}/record").text
    assert "objects to the adoption of the agenda" in record and "rule 9" in record and "veto" in record
    rows = list(csv.reader(io.StringIO(instructor.get(f"/s/{session_id}/record.csv").text)))
    header = rows[2]
    assert header[:4] == ["at", "by", "what", "rule"] and header[-15:] == CODES
    voted = [r for r in rows[3:] if len(r) > 4]
    assert len(voted) == 5 and all(len(r) == len(header) for r in voted)
    data = json.loads(instructor.get(f"/s/{session_id}/record.json").text)
    assert data["record"][-1]["question"]["outcome"]["vetoed_by"] == ["RUS"]


def test_only_a_delegations_voter_acts_for_it_and_nobody_acts_for_another(instructor: TestClient) -> None:
    session_id, code = start_meeting(instructor)
    instructor.post(f"/s/{session_id}/seating", data={"seat_size": "2", "csrf": csrf(instructor)}, headers=JSON)
    with TestClient(instructor.app, headers=HTML) as ann, TestClient(instructor.app, headers=HTML) as bob:
        join(ann, code, "CHN", "Ann")
        join(bob, code, "CHN", "Bob")
        status, text = act(bob, session_id, "object")
        assert status == 403 and "Ann casts the vote" in text
        status, text = act(ann, session_id, "object", **{"as": "USA"})
        assert status == 403 and "on a member's behalf" in text
        with TestClient(instructor.app, headers=HTML) as visitor:
            assert act(visitor, session_id, "object")[0] == 403
        assert act(ann, session_id, "dance")[0] == 422
        assert act(ann, session_id, "vote", vote="yes")[0] == 409  # nothing has been put to the vote
    assert service_of(instructor).get(session_id).meeting.objectors == ()  # type: ignore[union-attr]
    with TestClient(instructor.app, headers=HTML) as other:
        assert other.get(f"/s/{session_id}/record.csv").status_code == 403


def test_a_meeting_waits_to_be_opened_and_a_single_question_has_no_meeting(instructor: TestClient) -> None:
    response = instructor.post(
        "/sessions", data={"scenario_id": "class-meeting-2026", "csrf": csrf(instructor)}, follow_redirects=False
    )
    session_id = response.headers["location"].split("/")[2]
    status, text = act(instructor, session_id, "no_objection")
    assert status == 409 and "has not opened" in text
    single = instructor.post(
        "/sessions", data={"scenario_id": "council-2026", "csrf": csrf(instructor)}, follow_redirects=False
    )
    single_id = single.headers["location"].split("/")[2]
    assert act(instructor, single_id, "no_objection")[0] == 409
    assert instructor.get(f"/s/{single_id}/record").status_code == 404


def test_the_live_payload_of_a_meeting_carries_exactly_the_parts_the_page_shows(instructor: TestClient) -> None:
    session_id, code = start_meeting(instructor)
    service = service_of(instructor)
    with TestClient(instructor.app, headers=HTML) as china:
        join(china, code, "CHN", "Chen")
        act(china, session_id, "object")
        view = service.get(session_id)
        renderer = instructor.app.state.parts  # type: ignore[attr-defined]
        key = view.delegates("CHN")[0].key
        pages = {
            PUBLIC: china.get(f"/s/{session_id}/projector").text,
            INSTRUCTOR: instructor.get(f"/s/{session_id}/console").text,
            student_audience(key): china.get(f"/s/{session_id}/seat").text,
        }
        for audience, page in pages.items():
            who = instructor if audience == INSTRUCTOR else china
            payload = json.loads(renderer.payload(view, audience, {}))
            assert "meeting" in payload["parts"], audience
            for name, html in embed(payload["parts"], csrf(who)).items():
                assert html in page, f"{audience} {name}: the page and the live part differ"


def test_the_instructor_hands_the_presidency_to_a_student_and_takes_it_back(instructor: TestClient) -> None:
    session_id, code = start_meeting(instructor)
    service = service_of(instructor)
    with TestClient(instructor.app, headers=HTML) as dana, TestClient(instructor.app, headers=HTML) as chen:
        join(dana, code, "DNK", "Dana")
        join(chen, code, "CHN", "Chen")
        assert act(dana, session_id, "no_objection", chair="true")[0] == 403  # not yet the President
        key = service.get(session_id).delegates("DNK")[0].key
        handed = instructor.post(
            f"/s/{session_id}/presidency", data={"student": key, "csrf": csrf(instructor)}, headers=JSON
        )
        assert handed.status_code == 200, handed.text
        page = dana.get(f"/s/{session_id}/seat").text
        assert "You preside the meeting" in page and 'name="chair" value="true"' in page
        assert "You preside" not in chen.get(f"/s/{session_id}/seat").text
        assert act(chen, session_id, "no_objection", chair="true")[0] == 403  # another student: no
        assert act(dana, session_id, "no_objection", chair="true")[0] == 200
        assert service.get(session_id).meeting.phase is Phase.INVITATIONS  # type: ignore[union-attr]
        assert act(dana, session_id, "object")[0] == 200  # as a delegate, Denmark may still object
        instructor.post(f"/s/{session_id}/presidency", data={"student": "", "csrf": csrf(instructor)}, headers=JSON)
        assert act(dana, session_id, "put", chair="true")[0] == 403
        assert act(instructor, session_id, "put")[0] == 200
    log = [e for e in service.audit_log(session_id) if e["action"] == "presidency"]
    assert [e["detail"] for e in log] == ["Dana", "instructor"]


def test_a_refused_control_answers_409_before_asking_and_an_unknown_delegation_404(instructor: TestClient) -> None:
    session_id, _ = start_meeting(instructor)
    response = instructor.post(
        f"/s/{session_id}/control", data={"action": "reset", "csrf": csrf(instructor)}, headers=JSON
    )
    assert response.status_code == 409 and "not this control" in response.json()["error"]
    response = instructor.post(
        f"/s/{session_id}/seats/XXX/vote", data={"vote": "yes", "csrf": csrf(instructor)}, headers=JSON
    )
    assert response.status_code == 404
