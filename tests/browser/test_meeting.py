"""A whole meeting in real browsers: the instructor presiding, the projector, and fifteen delegations on phones.

The agenda is objected to and adopted by vote, a briefer is invited, three speakers speak against the
clock, a motion to suspend is carried and the meeting resumes, an amendment and two drafts are voted
(one vetoed), and the record is printed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, screenshot, serious_violations, server_of_its_own
from tests.live_server import INSTRUCTOR_TOKEN, LiveServer

pytestmark = pytest.mark.browser

CODES = ["BHR", "CHN", "COL", "COD", "DNK", "FRA", "GRC", "LVA", "LBR", "PAK", "PAN", "RUS", "SOM", "GBR", "USA"]


meeting_server = server_of_its_own("meeting")


def shot(page: Any, name: str) -> None:
    screenshot(page, name, prefix="meeting")


def president(page: Any, act: str) -> None:
    page.locator(f'[data-part="president"] button[data-act="{act}"]').click()


def everyone_votes(phones: dict[str, Any], votes: dict[str, str]) -> None:
    for code, choice in votes.items():
        phones[code].locator(f"button[value={choice}]").click()
        expect(phones[code].locator('[data-live="own-vote"]')).to_contain_text(choice.title())


def test_a_class_runs_a_whole_meeting(browser: Any, meeting_server: LiveServer) -> None:
    base = meeting_server.url
    console = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    console.goto(f"{base}/instructor?token={INSTRUCTOR_TOKEN}")
    console.select_option("#scenario-choice", "class-meeting-2026")
    console.locator("button", has_text="Start a session").click()
    expect(console).to_have_url(re.compile(r"/console$"))
    session_url = console.url.rsplit("/", 1)[0]
    code = console.locator(".meta strong.mono").inner_text()
    console.locator('[data-control="open"]').click()
    expect(console.locator('[data-part="president"] button[data-act="no_objection"]')).to_be_visible()

    projector = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    projector.goto(session_url + "/projector")
    expect(projector.locator('[data-live="connection"]')).to_have_text("Live")

    phones: dict[str, Any] = {}
    for member in CODES:
        phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        phone.goto(f"{base}/join/{code}")
        phone.locator(f"button[value={member}]").click()
        expect(phone.locator('[data-live="connection"]')).to_have_text("Live")
        phones[member] = phone

    # Rule 9: China objects, so the agenda is put to a procedural vote: 11-2-2, no veto.
    phones["CHN"].locator('button[data-act="object"]').click()
    expect(projector.locator(".meeting-question")).to_contain_text("Objection: China")
    president(console, "put")
    expect(projector.locator(".meeting-question")).to_contain_text("Voting now")
    agenda = {c: "yes" for c in CODES} | {"CHN": "no", "RUS": "no", "PAK": "abstain", "SOM": "abstain"}
    everyone_votes(phones, agenda)
    expect(projector.locator('[data-field="progress"]')).to_have_text("11 of 9")
    president(console, "close_vote")
    expect(projector.locator('[data-field="headline"]')).to_have_text("The meeting convenes")

    # Rule 39: the briefer is invited without objection.
    expect(projector.locator(".meeting-question")).to_contain_text("Emergency Relief Coordinator")
    president(console, "no_objection")
    expect(projector.locator(".meeting-phase")).to_contain_text("Debate")

    # Rule 27: three speakers, in the order they asked, against the clock.
    for member in ("FRA", "RUS", "PAK"):
        phones[member].locator('button[data-act="request_floor"]').click()
    expect(projector.locator(".speakers-list li")).to_have_count(3)
    president(console, "next_speaker")
    expect(projector.locator(".speaker")).to_contain_text("France")
    timer = projector.locator(".timer")
    expect(timer).to_have_text(re.compile(r"^-?\d+:\d\d$"))
    first = timer.inner_text()
    expect(timer).not_to_have_text(first, timeout=3000)  # it counts down
    president(console, "extend")
    phones["FRA"].locator('button[data-act="yield"]').click()
    president(console, "next_speaker")
    expect(projector.locator(".speaker")).to_contain_text("Russian Federation")
    shot(projector, "projector-speaker-1920")
    assert projector.evaluate("document.documentElement.scrollHeight") <= 1081
    president(console, "yield")
    president(console, "next_speaker")
    expect(projector.locator(".speaker")).to_contain_text("Pakistan")

    # Rule 33: Greece moves to suspend; decided without debate, carried; then resumed.
    phones["GRC"].locator("summary", has_text="Move a procedural motion").click()
    phones["GRC"].select_option("#motion-kind", "suspend")
    phones["GRC"].locator('button[data-act="move"]').click()
    expect(projector.locator(".meeting-motions")).to_contain_text("to suspend the meeting")
    expect(console.locator('[data-part="president"] button[data-act="next_speaker"]')).to_have_count(0)
    president(console, "put")
    everyone_votes(phones, {c: "yes" for c in CODES[:10]})
    president(console, "close_vote")
    expect(projector.locator(".meeting-phase")).to_contain_text("suspended")
    president(console, "resume")
    expect(projector.locator(".meeting-phase")).to_contain_text("Debate")

    # Rules 32 and 36: the amendment first, then the drafts in order; the Russian Federation vetoes the first.
    president(console, "proceed")
    president(console, "put")
    expect(projector.locator(".meeting-question")).to_contain_text("amendment S/2026/101/A1")
    amendment = {c: "yes" for c in CODES} | {"LVA": "no", "DNK": "abstain", "FRA": "abstain", "GBR": "abstain"}
    everyone_votes(phones, amendment)
    president(console, "close_vote")
    expect(projector.locator('[data-field="headline"]')).to_have_text("The amendment is adopted")
    president(console, "put")
    draft = {c: "yes" for c in CODES} | {"RUS": "no", "CHN": "abstain", "PAK": "abstain"}
    everyone_votes(phones, draft)
    president(console, "close_vote")
    expect(projector.locator('[data-field="headline"]')).to_have_text("The draft resolution is not adopted")
    expect(projector.locator('[data-field="vetoed-names"]')).to_have_text("Russian Federation")
    for phone in phones.values():
        expect(phone.locator('[data-field="headline"]')).to_have_text("The draft resolution is not adopted")
    shot(projector, "projector-veto-1920")
    shot(phones["RUS"], "phone-390")
    projector.set_viewport_size({"width": 1280, "height": 720})
    shot(projector, "projector-veto-1280x720")
    assert projector.evaluate("document.documentElement.scrollHeight") <= 721
    president(console, "put")
    everyone_votes(phones, {c: ("yes" if c in ("RUS", "CHN", "PAK", "BHR") else "no") for c in CODES})
    president(console, "close_vote")
    president(console, "close_meeting")
    expect(projector.locator(".meeting-phase")).to_contain_text("risen")

    # The record, printed.
    record = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    record.goto(session_url + "/record")
    expect(record.locator(".meeting-record > li")).not_to_have_count(0)
    text = record.locator(".meeting-record").inner_text()
    for words in ("objects to the adoption of the agenda", "rule 9", "rule 39", "rule 27", "rule 33(1)", "veto"):
        assert words in text, words
    assert record.locator("table.record-votes").count() == 5
    pdf = record.pdf(path=str(Path(SCREENSHOTS) / "meeting-record.pdf"))
    assert pdf.startswith(b"%PDF")
    shot(record, "record-1280")
    # Every page of the meeting, checked by axe: the console and a phone with their own cookies.
    pages = {
        "record": (session_url + "/record", None),
        "projector": (session_url + "/projector", None),
        "console": (session_url + "/console", console.context.cookies()),
        "phone": (session_url + "/seat", phones["GRC"].context.cookies()),
    }
    for name, (url, cookies) in pages.items():
        assert serious_violations(browser, url, cookies) == [], name
    for page in (console, projector, record, *phones.values()):
        page.context.close()
