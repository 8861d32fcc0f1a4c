"""In a real browser: the seat token goes only to the session's pages and its join page."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.live_server import INSTRUCTOR_TOKEN, LiveServer
from tests.room import Room


def test_chromium_sends_the_seat_cookie_only_where_it_is_needed(browser: Any, live_server: LiveServer) -> None:
    room = Room(live_server.url, INSTRUCTOR_TOKEN)
    session_id, code = room.start("syria-2018-agenda")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/join/{code}")
    page.locator("button[value=USA]").click()
    expect(page).to_have_url(re.compile(rf"/s/{session_id}/seat$"))
    expect(page.locator('[data-live="connection"]')).to_have_text("Live")

    seat, join = f"unsc_seat_{session_id}", f"unsc_join_{session_id}"
    kept = {c["name"]: c for c in context.cookies() if c["name"] in {seat, join}}
    assert kept[seat]["path"] == f"/s/{session_id}" and kept[seat]["httpOnly"]
    assert kept[join]["path"] == f"/join/{code}" and kept[join]["value"] == kept[seat]["value"]

    def sent_to(path: str) -> set[str]:
        return {c["name"] for c in context.cookies(live_server.url + path)} & {seat, join}

    assert sent_to(f"/s/{session_id}/events") == {seat}
    assert sent_to(f"/join/{code}") == {join}
    assert sent_to("/") == sent_to("/scenarios/syria-2018-agenda") == sent_to("/join") == set()
    assert sent_to(f"/s/{session_id}x/seat") == sent_to(f"/join/{code}X") == set()

    # Back to the join page, as a student who closed the tab: straight to the seat they hold.
    page.goto(f"{live_server.url}/join/{code.lower()}")
    expect(page).to_have_url(re.compile(rf"/s/{session_id}/seat$"))
    expect(page.locator("h1")).to_contain_text("United States")
    context.close()
    room.close()
