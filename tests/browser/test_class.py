"""A class of thirty in real browsers: an instructor, a projector and every student in a context of its own.

Fifteen delegations of two; joining by approval, with one claim refused; one student seated by a
personal link; two observers; a voter hands the vote on; everyone votes; and every screen agrees.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, server_of_its_own
from tests.live_server import INSTRUCTOR_TOKEN, LiveServer

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


# A server of its own: thirty joins from one address would eat into other tests' join limits.
class_server = server_of_its_own("class")


def phone(browser: Any) -> Any:
    page = browser.new_context(viewport=PHONE).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    return page


def shot(page: Any, name: str) -> None:
    screenshot(page, name, prefix="class")


def test_a_class_of_thirty_runs_a_vote(browser: Any, class_server: LiveServer) -> None:
    base = class_server.url
    instructor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    instructor.goto(f"{base}/instructor?token={INSTRUCTOR_TOKEN}")
    instructor.select_option("#scenario-choice", "council-2026")
    instructor.select_option("#seat-size", "2")
    instructor.select_option("#join-mode", "approve")
    instructor.locator("button", has_text="Start a session").click()
    expect(instructor).to_have_url(re.compile(r"/console$"))
    session_url = instructor.url.rsplit("/", 1)[0]
    code = instructor.locator(".meta strong.mono").inner_text()

    projector = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    projector.goto(session_url + "/projector")
    expect(projector.locator('[data-live="connection"]')).to_have_text("Live")

    claim_page = phone(browser)
    claim_page.goto(f"{base}/join/{code}")
    codes = [b.get_attribute("value") for b in claim_page.locator("button.seat-button").all()]
    assert len(codes) == 15
    claim_page.context.close()

    # The personal links page: one card per delegation; the first student of one delegation uses its link.
    linked = codes[0]
    links = browser.new_context(viewport={"width": 1280, "height": 800})
    links.add_cookies(instructor.context.cookies())
    links_page = links.new_page()
    links_page.goto(session_url + "/links")
    expect(links_page.locator(".link-card")).to_have_count(15)
    shot(links_page, "links")
    link = links_page.locator(".link-url", has_text=f"/{linked}/").inner_text()
    links.close()

    students: dict[str, list[Any]] = {c: [] for c in codes}
    for round_number in range(2):
        for member in codes:
            page = phone(browser)
            name = f"{member.title()} {round_number + 1}"
            if member == linked and round_number == 0:
                page.goto(link)
                page.fill("#your-name", name)
                page.locator("button", has_text="Take my seat").click()
            else:
                page.goto(f"{base}/join/{code}")
                page.fill("#your-name", name)
                page.locator(f"button[value={member}]").click()
            expect(page).to_have_url(re.compile(r"/seat$"))
            students[member].append(page)

    # An intruder asks for a seat too: refused by the instructor. Two more watch as observers.
    intruder = phone(browser)
    intruder.goto(f"{base}/join/{code}")
    intruder.fill("#your-name", "Intruder")
    intruder.locator(f"button[value={codes[1]}]").click()
    expect(intruder.locator("#my-vote-heading")).to_have_text("Waiting for your instructor")
    shot(intruder, "waiting-390")
    observers = []
    for n in range(2):
        page = phone(browser)
        page.goto(f"{base}/join/{code}")
        page.fill("#your-name", f"Observer {n + 1}")
        page.locator("button", has_text="Watch as an observer").click()
        expect(page.locator("#my-vote-heading")).to_have_text("You are watching as an observer")
        observers.append(page)

    # The instructor lets in everyone but the intruder: Brazil's first student needed no approval.
    waiting = instructor.locator('[data-part="seating"] li', has_text="asks for")
    expect(waiting).to_have_count(30)  # 29 of the class and the intruder
    instructor.locator('[data-part="seating"] li', has_text="Intruder").locator("button", has_text="Refuse").click()
    expect(waiting).to_have_count(29)
    for left in range(28, -1, -1):
        waiting.first.locator("button", has_text="Let in").click()
        expect(waiting).to_have_count(left)
    expect(instructor.locator('[data-part="seating"] .meta').first).to_contain_text("30 seated")
    expect(intruder.locator("#my-vote-heading")).to_have_text("You are no longer in this session")
    shot(instructor, "console-1280")

    # The students' pages turned into their seats without a reload; the voter hands Brazil's vote on.
    first, second = students[linked]
    expect(first.locator("#my-vote-heading")).not_to_have_text("Waiting for your instructor")
    expect(second.locator(".vote-message")).to_contain_text("casts your delegation")
    instructor.locator('[data-control="open"]').click()
    first.select_option("#hand-to", label=f"{linked.title()} 2")
    first.locator("button", has_text="Hand it on").click()
    expect(second.locator("button[value=yes]")).to_be_enabled()
    expect(first.locator("button[value=yes]")).to_have_count(0)
    shot(second, "seat-voter-390")
    shot(first, "seat-partner-390")

    # Everyone votes: nine in favour, four against (a permanent member among them), two abstain: 9-4-2.
    permanent_no = next(c for c in ("USA", "CHN", "RUS", "FRA", "GBR") if c in codes)
    order = [permanent_no, *[c for c in codes if c != permanent_no]]
    ballots = dict(zip(order, ["no"] + ["yes"] * 9 + ["no"] * 3 + ["abstain"] * 2, strict=True))
    for member, choice in ballots.items():
        voter = students[member][1] if member == linked else students[member][0]
        voter.locator(f"button[value={choice}]").click()
        expect(voter.locator('[data-live="own-vote"]')).to_contain_text(choice.title())

    headline = projector.locator('[data-field="headline"]')
    expect(projector.locator('[data-live="voted"]')).to_have_text("15")
    expect(headline).not_to_have_text("")
    result = headline.inner_text()
    for pages in students.values():
        for page in pages:
            expect(page.locator('[data-field="headline"]')).to_have_text(result)
            assert page.errors == []
    for page in observers:
        expect(page.locator('[data-field="headline"]')).to_have_text(result)
    # A procedural question: nine in favour carry it, a permanent member's "no" is no veto (Art. 27(2)).
    outcome = instructor.request.get(session_url + "/export.json").json()["outcome"]
    assert outcome["outcome"] == "adopted" and outcome["counts"]["yes"] == 9 and "Veto" not in result
    shot(projector, "projector-1920")
    assert projector.evaluate("document.documentElement.scrollHeight") <= 1081
    projector.set_viewport_size({"width": 1280, "height": 720})
    shot(projector, "projector-1280x720")
    assert projector.evaluate("document.documentElement.scrollHeight") <= 721
    shot(observers[0], "observer-390")
    assert students[codes[0]][0].evaluate("document.documentElement.scrollWidth") <= 391
    browser_contexts = [p.context for pages in students.values() for p in pages] + [o.context for o in observers]
    for context in [*browser_contexts, intruder.context, projector.context, instructor.context]:
        context.close()
