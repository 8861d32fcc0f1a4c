"""The vote board in a real browser: mouse, keyboard, no JavaScript, accessibility, three screens."""

from __future__ import annotations

import re
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
