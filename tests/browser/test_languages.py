"""Every page in each of the six languages, in a real browser: the right ``lang`` and ``dir``, no serious axe
finding, no text spilling out of its box (Arabic and Russian are the longest), and a live session where each
reader follows the same vote in their own language.

Screenshots at 1280x800 and 390x844 land in screenshots/lang-*.png, to be looked at.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from app.i18n import LANGUAGES
from tests.browser.conftest import screenshot, serious_violations, server_of_its_own
from tests.live_server import INSTRUCTOR_TOKEN, LiveServer

pytestmark = pytest.mark.browser

SEED = "dprk-2019-meeting-not-held"
PUBLIC_PAGES = {"library": "/", "board": f"/scenarios/{SEED}", "join": "/join", "api": "/docs"}
# What the seed vote's headline says in each language once the United States withholds the ninth vote.
NOT_CONVENED = {
    "ar": "لا تُعقد الجلسة",
    "zh": "会议不举行",
    "en": "The meeting does not convene",
    "fr": "La séance n'a pas lieu",
    "ru": "Заседание не состоится",
    "es": "No se celebra la sesión",
}
# Text wider than its box: the box clips or spills it (a long Arabic or Russian word in a narrow button).
OVERFLOWING = """() => {
  const found = [];
  for (const el of document.querySelectorAll('button, a, label, th, td, summary, h1, h2, h3, p, li, legend, span, strong, output')) {
    if (!el.offsetParent || el.clientWidth <= 1 || el.closest('.visually-hidden, .skip')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'inline') continue;
    if (el.scrollWidth > el.clientWidth + 2) found.push(el.tagName + ': ' + el.textContent.trim().slice(0, 60));
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 1) found.push('the page scrolls sideways');
  return found;
}"""


server = server_of_its_own("languages")


def shot(page: Any, name: str) -> None:
    screenshot(page, name, prefix="lang", full_page=True)


def cookie(server: LiveServer, language: str) -> dict[str, str]:
    return {"name": "unsc_lang", "value": language, "url": server.url}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_in_each_language(browser: Any, server: LiveServer, language: str) -> None:
    for size, (width, height) in {"laptop": (1280, 800), "phone": (390, 844)}.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        context.add_cookies([cookie(server, language)])
        page = context.new_page()
        for name, path in PUBLIC_PAGES.items():
            page.goto(server.url + path)
            html = page.locator("html")
            expect(html).to_have_attribute("lang", language)
            expect(html).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
            if language in {"ar", "ru", "en"} or size == "phone":
                assert page.evaluate(OVERFLOWING) == [], f"{language} {name} {size}"
            if language in {"ar", "zh", "ru"} or name == "board":
                shot(page, f"{language}-{name}-{size}")
        context.close()
    for name, path in PUBLIC_PAGES.items():
        found = serious_violations(browser, server.url + path, cookies=[cookie(server, language)])
        assert found == [], f"{language} {name}: {found}"


def test_the_switch_keeps_the_choice_and_the_board_explains_in_it(browser: Any, server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    page = context.new_page()
    page.goto(f"{server.url}/scenarios/{SEED}?USA=abstain")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator('nav.languages a[lang="fr"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page).to_have_url(re.compile(rf"/scenarios/{SEED}\?USA=abstain$"))  # back where the reader was
    expect(page.locator('[data-field="headline"]')).to_have_text(NOT_CONVENED["fr"])
    expect(page.locator(".explanation")).to_contain_text("27(2)")
    expect(page.locator("h1")).to_contain_text("RPDC")
    expect(page.locator("main")).to_contain_text("États-Unis")
    # The choice stays for the next page.
    page.goto(f"{server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.locator('nav.languages a[lang="ar"]').click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    context.close()


def test_a_live_session_speaks_each_readers_language(browser: Any, server: LiveServer) -> None:
    console = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US").new_page()
    console.goto(f"{server.url}/instructor?token={INSTRUCTOR_TOKEN}")
    console.select_option("#scenario-choice", SEED)
    console.locator('input[name="from_positions"]').check()  # everyone but the United States has voted
    console.locator("button", has_text="Start a session").click()
    expect(console).to_have_url(re.compile(r"/console$"))
    session_url = console.url.rsplit("/", 1)[0]
    code = console.locator(".meta strong.mono").inner_text()
    console.locator('[data-control="open"]').click()

    # The projector in French, as the instructor chose it; phones in Arabic, Chinese and Russian, by their browsers.
    projector = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    projector.goto(session_url + "/projector?lang=fr")
    expect(projector.locator("html")).to_have_attribute("lang", "fr")
    phones: dict[str, Any] = {}
    for member, language in {"USA": "ar", "CHN": "zh", "RUS": "ru"}.items():
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale=language)
        phone = context.new_page()
        phone.goto(f"{server.url}/join/{code}")
        expect(phone.locator("html")).to_have_attribute("lang", language)
        phone.locator(f"button[value={member}]").click()
        expect(phone.locator("html")).to_have_attribute("lang", language)
        phones[member] = phone

    phones["USA"].locator("button[value=abstain]").click()
    for reader, language in ((projector, "fr"), (phones["CHN"], "zh"), (phones["RUS"], "ru"), (console, "en")):
        expect(reader.locator('[data-field="headline"]').first).to_have_text(NOT_CONVENED[language])
    assert phones["USA"].evaluate(OVERFLOWING) == []
    assert phones["RUS"].evaluate(OVERFLOWING) == []
    shot(phones["USA"], "ar-seat-phone")
    shot(phones["CHN"], "zh-seat-phone")
    shot(projector, "fr-projector-laptop")
    for member, language in (("USA", "ar"), ("RUS", "ru")):
        found = serious_violations(browser, phones[member].url, cookies=phones[member].context.cookies())
        assert found == [], f"{language} seat: {found}"
    found = serious_violations(browser, session_url + "/projector?lang=ar")
    assert found == [], f"ar projector: {found}"
    for page in (console, projector, *phones.values()):
        page.context.close()
