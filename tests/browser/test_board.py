"""The vote board in a real browser: mouse, keyboard, no JavaScript, accessibility, three screens."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, SIZES, serious_violations
from tests.live_server import LiveServer

pytestmark = pytest.mark.browser
DEC_2019 = "/scenarios/dprk-2019-meeting-not-held"


def verdict(page: Any) -> Any:
    return page.locator('[data-field="headline"]')


def test_ninth_yes_convenes_the_meeting_without_a_reload(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url + DEC_2019)
    expect(verdict(page)).to_have_text("Not decided yet")
    expect(page.locator('[data-field="pivotal-names"]')).to_have_text("United States")
    page.evaluate("window.notReloaded = true")
    page.locator('fieldset[data-code="USA"] label.c-yes').click()
    expect(verdict(page)).to_have_text("The meeting convenes")
    expect(page.locator('[data-field="progress"]')).to_have_text("9 of 9")
    expect(page.locator('g.seat[data-code="USA"] .symbol')).to_have_text("✓")
    assert page.evaluate("window.notReloaded") is True
    expect(page).to_have_url(re.compile(r"USA=yes"))
    expect(page.locator('[data-field="record"]')).to_be_visible()
    # The back button restores the previous configuration.
    page.go_back()
    expect(verdict(page)).to_have_text("Not decided yet")
    expect(page.locator('fieldset[data-code="USA"] input[value="undecided"]')).to_be_checked()


def test_a_shared_link_restores_the_votes(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url + DEC_2019 + "?USA=no")
    expect(verdict(page)).to_have_text("The meeting does not convene")
    page.locator('[data-action="undecided"]').click()
    expect(page.locator('[data-field="progress"]')).to_have_text("0 of 9")
    page.locator('[data-action="reset"]').click()
    expect(page.locator('[data-field="progress"]')).to_have_text("8 of 9")


def test_veto_is_shown_with_its_authors(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url + "/scenarios/venezuela-2019-draft-vetoed")
    expect(page.locator('[data-field="vetoed-names"]')).to_have_text("China, Russian Federation")
    page.locator('fieldset[data-code="CHN"] label.c-abstain').click()
    page.locator('fieldset[data-code="RUS"] label.c-abstain').click()
    expect(verdict(page)).to_have_text("The draft resolution is adopted")
    expect(page.locator('[data-field="vetoed"]')).to_be_hidden()


def test_keyboard_alone_casts_the_ninth_vote(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url + DEC_2019)
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.name") == "USA":
            break
    else:
        pytest.fail("the United States' vote could not be reached with Tab")
    page.keyboard.press("ArrowRight")  # from "undecided", the last choice, to "yes", the first
    expect(page.locator('fieldset[data-code="USA"] input[value="yes"]')).to_be_checked()
    expect(verdict(page)).to_have_text("The meeting convenes")


def in_view(page: Any, selector: str) -> bool:
    """Whether the whole of the element is on the screen."""
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return bool(box) and box["y"] >= 0 and box["y"] + box["height"] <= size["height"] and box["x"] >= 0


def test_the_verdict_stays_in_view_beside_the_ballots_at_1280x800(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url + DEC_2019)
    side, ballots = page.locator(".board-side").bounding_box(), page.locator("#ballots").bounding_box()
    assert ballots["x"] >= side["x"] + side["width"], "the ballots sit beside the result, not under it"
    # The first ballot, two far down the list (the page scrolled: the table comes into view with the verdict),
    # then the ninth vote, which brings the record of the real vote.
    for code, vote, progress in [("BEL", "no", "7 of 9"), ("ZAF", "yes", "8 of 9"), ("POL", "abstain", "7 of 9")]:
        page.locator(f'fieldset[data-code="{code}"] label.c-{vote}').click()
        expect(page.locator('[data-field="progress"]')).to_have_text(progress)
        assert in_view(page, "#verdict"), f"the verdict is out of sight after {code} votes {vote}"
        if code != "BEL":
            assert in_view(page, "svg.chamber"), f"the table is out of sight after {code} votes {vote}"
    page.goto(live_server.url + DEC_2019)
    page.locator('fieldset[data-code="USA"] label.c-yes').click()
    expect(verdict(page)).to_have_text("The meeting convenes")
    assert in_view(page, "#verdict .verdict-head") and in_view(page, '[data-field="progress"]')


def test_clicking_a_seat_focuses_its_delegations_vote(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url + DEC_2019)
    page.locator('g.seat[data-code="GNQ"]').click()
    ballot = page.locator('fieldset[data-code="GNQ"]')
    expect(ballot.locator('input[value="no"]')).to_be_focused()  # its vote as it stands
    expect(ballot).to_have_class(re.compile(r"\bpicked\b"))
    expect(ballot).to_be_in_viewport()
    page.keyboard.press("ArrowRight")  # and the keyboard carries on from there
    expect(ballot.locator('input[value="abstain"]')).to_be_checked()
    expect(page.locator('g.seat[data-code="GNQ"] .symbol')).to_have_text("–")
    # The table was drawn anew by that vote; its new seats lead to their votes just the same.
    page.locator('g.seat[data-code="USA"]').click()
    expect(page.locator('fieldset[data-code="USA"] input[value="undecided"]')).to_be_focused()
    expect(ballot).not_to_have_class(re.compile(r"\bpicked\b"))


def test_a_seat_is_a_button_for_the_keyboard(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url + DEC_2019)
    seat = page.locator('g.seat[data-code="FRA"]')
    expect(seat).to_have_attribute("role", "button")
    expect(seat).to_have_attribute("aria-label", "France, permanent member: Yes — go to its vote")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.code") == "FRA":
            break
    else:
        pytest.fail("France's seat could not be reached with Tab")
    page.keyboard.press("Enter")
    expect(page.locator('fieldset[data-code="FRA"] input[value="yes"]')).to_be_focused()
    page.locator('g.seat[data-code="CHN"]').focus()
    page.keyboard.press(" ")
    expect(page.locator('fieldset[data-code="CHN"] input[value="no"]')).to_be_focused()


def test_the_board_names_every_member_and_briefs_before_the_ballots(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.url + DEC_2019)
    names = page.locator(".ballot .name").all_inner_texts()
    assert len(names) == 15
    key = page.locator(".chamber-wrap .names-key")
    for name in names:  # beside the drawing, whose seats show codes
        expect(key.get_by_text(name, exact=True)).to_be_visible()
    expect(key.locator("div", has_text="GNQ")).to_have_text("GNQEquatorial Guinea")
    briefing, ballots = page.locator(".context").bounding_box(), page.locator("#ballots").bounding_box()
    assert briefing["y"] + briefing["height"] <= ballots["y"]


LONG_NAMES = """\
title: Long and right-to-left names
question: Adoption of the agenda
matter: substantive
chapter: VI
president: GBR
members:
  - {code: CHN, name: China, permanent: true, vote: no}
  - {code: FRA, name: France, permanent: true, vote: yes}
  - {code: RUS, name: Russian Federation, permanent: true, vote: no}
  - {code: GBR, name: The United Kingdom of Great Britain and Northern Ireland, permanent: true, party_to_dispute: true}
  - {code: USA, name: United States, permanent: true}
  - {code: ARE, name: الإمارات العربية المتحدة, vote: yes}
  - {code: LKA, name: Democratic Socialist Republic of Sri Lanka, vote: abstain}
  - {code: VEN, name: The Bolivarian Republic of Venezuela, vote: yes}
  - {code: DOM, name: Dominican Republic, vote: yes}
  - {code: GNQ, name: Equatorial Guinea, vote: no}
  - {code: IDN, name: Indonesia, vote: abstain}
  - {code: KWT, name: Kuwait, vote: yes}
  - {code: PER, name: Peru, vote: yes}
  - {code: POL, name: Poland, vote: yes}
  - {code: ZAF, name: South Africa, vote: abstain}
"""


@pytest.fixture
def long_names(live_server: LiveServer) -> Iterator[str]:
    path = live_server.scenarios / "long-names.yaml"
    path.write_text(LONG_NAMES, encoding="utf-8")
    yield "/scenarios/long-names"
    path.unlink()


@pytest.mark.parametrize("size", SIZES)
def test_long_and_right_to_left_names_fit_their_cards(
    browser: Any, live_server: LiveServer, long_names: str, size: str
) -> None:
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(live_server.url + long_names)
    expect(page.locator('fieldset[data-code="ARE"] .name')).to_have_attribute("dir", "auto")
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll("fieldset.ballot, .names-key div")]
            .filter((card) => card.scrollWidth > card.clientWidth)
            .map((card) => card.dataset.code || card.textContent)"""
    )
    assert overflowing == []
    # The United Kingdom's name and tags sit inside its card, not on its border, the tags below the name if they must.
    card = page.locator('fieldset[data-code="GBR"]').bounding_box()
    assert page.locator('fieldset[data-code="GBR"] legend').bounding_box()["y"] > card["y"]
    for tag in page.locator('fieldset[data-code="GBR"] .tag').all():
        box = tag.bounding_box()
        assert card["x"] <= box["x"] and box["x"] + box["width"] <= card["x"] + card["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    context.close()
    if size == "laptop":
        assert serious_violations(browser, live_server.url + long_names) == []


def test_without_javascript_the_form_posts_and_the_page_answers(browser: Any, live_server: LiveServer) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + DEC_2019)
    page.locator('fieldset[data-code="USA"] label.c-yes').click()
    page.locator("button", has_text="Count the votes").first.click()
    expect(verdict(page)).to_have_text("The meeting convenes")
    assert "USA=yes" in page.url
    context.close()


PAGES = ["/", DEC_2019, "/scenarios/venezuela-2019-draft-vetoed", "/scenarios/council-2026", "/docs", "/scenarios/nope"]


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violations(browser: Any, live_server: LiveServer, path: str) -> None:
    assert serious_violations(browser, live_server.url + path) == []


@pytest.mark.parametrize("size", SIZES)
def test_screenshots_for_people_to_look_at(browser: Any, live_server: LiveServer, size: str) -> None:
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    SCREENSHOTS.mkdir(exist_ok=True)
    for name, path in [("library", "/"), ("board-dec-2019", DEC_2019), ("board-convenes", DEC_2019 + "?USA=yes")]:
        page.goto(live_server.url + path)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{size}.png"))
        # Nothing may be wider than the screen: a phone must not scroll sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, f"{name} overflows at {size}"
    context.close()
