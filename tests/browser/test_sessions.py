"""A live classroom in real browsers: an instructor, students and a projector, each in its own context."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, serious_violations
from tests.live_server import INSTRUCTOR_TOKEN, LiveServer
from tests.room import Room

pytestmark = pytest.mark.browser


def big_council(live_server: LiveServer, seats: int = 40) -> str:
    """A reformed council of 40 for a class of 40: five permanent members, 21 votes to pass."""
    lines = [
        "title: A council of forty",
        "question: Shall the Council adopt the agenda?",
        f"rules: {{seats: {seats}, threshold: 21}}",
        "members:",
    ]
    for n in range(seats):
        lines.append(f"  - {{code: M{n:02}, name: Member {n:02}{', permanent: true' if n < 5 else ''}}}")
    (live_server.scenarios / "forty.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return "forty"


def instructor_page(browser: Any, live_server: LiveServer) -> Any:
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{live_server.url}/instructor?token={INSTRUCTOR_TOKEN}")
    expect(page).to_have_url(f"{live_server.url}/sessions")
    return page


def test_a_students_vote_reaches_the_projector_without_a_reload(browser: Any, live_server: LiveServer) -> None:
    instructor = instructor_page(browser, live_server)
    instructor.select_option("#scenario-choice", "dprk-2019-meeting-not-held")
    instructor.locator("input[name=from_positions]").check()  # a demonstration: the historical positions in
    instructor.locator("button", has_text="Start a session").click()
    expect(instructor).to_have_url(re.compile(r"/console$"))
    expect(instructor.locator('[data-live="status"]')).to_have_text("Voting has not opened yet")
    instructor.locator('[data-control="open"]').click()
    expect(instructor.locator('[data-live="status"]')).to_have_text("Voting is open")
    session_url = instructor.url.rsplit("/", 1)[0]
    code = instructor.locator(".meta strong.mono").inner_text()

    projector = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    projector.goto(session_url + "/projector")
    expect(projector.locator(".join-code strong")).to_have_text(code)
    expect(projector.locator('[data-live="connection"]')).to_have_text("Live")
    projector.evaluate("window.notReloaded = true")

    alice = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    alice.goto(live_server.url + "/join")
    alice.fill("#join-code", code.lower())
    alice.locator("button", has_text="Join").click()
    alice.fill("#your-name", "Alice")
    alice.locator("button[value=USA]").click()
    expect(alice.locator("h1")).to_contain_text("United States")
    expect(alice.locator('[data-live="connection"]')).to_have_text("Live")

    bob = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    bob.goto(f"{live_server.url}/join/{code}")
    expect(bob.locator("li", has_text="United States")).to_contain_text("taken")
    bob.locator("button[value=CHN]").click()

    alice.locator("button[value=yes]").click()
    expect(alice.locator('[data-live="own-vote"]')).to_have_text("✓ Yes")
    expect(projector.locator('[data-field="headline"]')).to_have_text("The meeting convenes")
    expect(projector.locator('g.seat[data-code="USA"] .symbol')).to_have_text("✓")
    expect(instructor.locator('tr[data-seat="USA"] [data-seat-field="holder"]')).to_contain_text("Alice")
    expect(bob.locator('[data-field="headline"]')).to_have_text("The meeting convenes")
    assert projector.evaluate("window.notReloaded") is True

    # Bob tries to vote for the United States, and to close the vote: both refused.
    status = bob.evaluate(
        """async () => {
            const csrf = document.querySelector('meta[name=csrf-token]').content;
            const post = (url, body) => fetch(url, {method: 'POST', body: new URLSearchParams(body),
                headers: {'X-CSRF-Token': csrf, Accept: 'application/json'}}).then(r => r.status);
            const base = location.pathname.replace('/seat', '');
            return [await post(base + '/vote', {vote: 'no', member: 'USA'}),
                    await post(base + '/seats/USA/vote', {vote: 'no'}),
                    await post(base + '/control', {action: 'close'})];
        }"""
    )
    assert status == [403, 403, 403]
    expect(projector.locator('[data-field="headline"]')).to_have_text("The meeting convenes")

    # The instructor closes the vote: the students' buttons go quiet.
    instructor.locator('[data-control="close"]').click()
    expect(instructor.locator('[data-control="open"]')).to_be_enabled()
    expect(alice.locator("button[value=no]")).to_be_disabled()
    expect(projector.locator('[data-live="status"]')).to_have_text("Voting is closed")
    for page in (instructor, projector, alice, bob):
        page.context.close()


def test_forty_students_voting_in_the_same_second_leave_every_page_agreeing(
    browser: Any, live_server: LiveServer
) -> None:
    scenario = big_council(live_server)
    room = Room(live_server.url, INSTRUCTOR_TOKEN)
    session_id, _ = room.start(scenario)
    members = [f"M{n:02}" for n in range(40)]
    for member in members:
        room.join(member)

    watchers = []
    for path, size in (("projector", (1920, 1080)), ("console", (1280, 900))):
        context = browser.new_context(viewport={"width": size[0], "height": size[1]})
        if path == "console":
            context.add_cookies(
                [
                    {
                        "name": "unsc_instructor",
                        "value": room.instructor.cookies["unsc_instructor"],
                        "url": live_server.url,
                    }
                ]
            )
        page = context.new_page()
        page.goto(f"{live_server.url}/s/{session_id}/{path}")
        expect(page.locator('[data-live="connection"]')).to_have_text("Live")
        watchers.append(page)

    votes = {m: ("yes" if n < 22 else "no" if n < 30 else "abstain") for n, m in enumerate(members)}
    votes["M00"] = "no"  # a permanent member's "no" on a procedural vote: no veto
    barrier = threading.Barrier(len(members))
    errors: list[BaseException] = []

    def cast(member: str) -> None:
        try:
            barrier.wait()
            room.vote(member, votes[member])
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=cast, args=(m,)) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    final = room.export()
    assert final["outcome"]["counts"] == {
        "yes": 21,
        "no": 9,
        "abstain": 10,
        "absent": 0,
        "not_participating": 0,
        "undecided": 0,
    }
    assert final["outcome"]["outcome"] == "adopted"
    for page in watchers:
        expect(page.locator('[data-field="progress"]')).to_have_text("21 of 21")
        expect(page.locator('[data-count="no"]')).to_have_text("9")
        expect(page.locator('[data-count="abstain"]')).to_have_text("10")
        expect(page.locator('[data-field="headline"]')).to_have_text("Adopted")
        page.context.close()
    room.close()


def test_session_pages_are_accessible_and_photographed(browser: Any, live_server: LiveServer) -> None:
    room = Room(live_server.url, INSTRUCTOR_TOKEN)
    session_id, code = room.start("dprk-2019-meeting-not-held")
    student = room.join("USA", "Alice")
    room.vote("USA", "yes")
    instructor = [
        {"name": "unsc_instructor", "value": room.instructor.cookies["unsc_instructor"], "url": live_server.url}
    ]
    seat = [
        {"name": f"unsc_seat_{session_id}", "value": student.cookies[f"unsc_seat_{session_id}"], "url": live_server.url}
    ]
    pages = {
        "join": ("/join", None, (390, 844)),
        "claim": (f"/join/{code}", None, (390, 844)),
        "seat": (f"/s/{session_id}/seat", seat, (390, 844)),
        "projector": (f"/s/{session_id}/projector", None, (1920, 1080)),
        "projector-720": (f"/s/{session_id}/projector", None, (1280, 720)),
        "console": (f"/s/{session_id}/console", instructor, (1280, 800)),
        "links": (f"/s/{session_id}/links", instructor, (1280, 800)),
        "sessions": ("/sessions", instructor, (1280, 800)),
    }
    SCREENSHOTS.mkdir(exist_ok=True)
    for name, (path, cookies, (width, height)) in pages.items():
        assert serious_violations(browser, live_server.url + path, cookies) == [], name
        context = browser.new_context(viewport={"width": width, "height": height})
        if cookies:
            context.add_cookies(cookies)
        page = context.new_page()
        page.goto(live_server.url + path)
        page.screenshot(path=str(SCREENSHOTS / f"session-{name}.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, f"{name} overflows"
        if name.startswith("projector"):  # the wall shows everything at once: no scrolling
            assert page.evaluate("document.documentElement.scrollHeight") <= height + 1, f"{name} scrolls"
        context.close()
    room.close()
