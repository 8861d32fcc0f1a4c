"""An instructor who has never seen the tool writes a scenario in the browser and uses it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, serious_violations
from tests.live_server import INSTRUCTOR_TOKEN, LiveServer

pytestmark = pytest.mark.browser


def test_build_save_vote_download_break_and_see_the_error(browser: Any, live_server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/instructor?token={INSTRUCTOR_TOKEN}")
    page.goto(live_server.url + "/")
    page.locator("a", has_text="Write or upload a scenario").click()
    page.select_option("#year", "2026")
    page.locator("section", has_text="From a year's Council").locator("button").click()
    expect(page.locator('[data-live="check"]')).to_have_text("✓ Valid")

    page.fill("#file_name", "climate-2026")
    page.fill("#title", "Climate and security, 2026")
    page.fill("#question", "Draft resolution on climate-related security risks")
    page.locator("input[name=matter][value=substantive]").check()
    page.fill("#verdict_adopted", "The draft is adopted")
    page.fill("#verdict_not_adopted", "The draft is not adopted")
    page.fill("#m0_code", "bah")  # a typo, caught beside the field while typing
    expect(page.locator("#err-m0_code")).to_contain_text("is not a valid code")
    expect(page.locator("#m0_code")).to_have_attribute("aria-invalid", "true")
    page.fill("#m0_code", "BHR")
    expect(page.locator("#err-m0_code")).to_be_hidden()
    page.select_option("#m1_vote", "no")  # China: a permanent member against
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "editor.png"), full_page=True)
    page.locator("button", has_text="Save").click()

    expect(page).to_have_url(re.compile(r"/scenarios/climate-2026"))
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Climate and security, 2026", exact=True).click()
    for code in ("BHR", "COL", "COD", "DNK", "FRA", "GRC", "LVA", "LBR", "PAK", "PAN"):
        page.locator(f'fieldset[data-code="{code}"] label.c-yes').click()
    expect(page.locator('[data-field="vetoed-names"]')).to_have_text("China")
    page.locator('fieldset[data-code="CHN"] label.c-abstain').click()
    expect(page.locator('[data-field="headline"]')).to_have_text("Not decided yet")  # three permanent members undecided
    expect(page.locator('[data-field="pivotal-names"]')).to_have_text(
        "Russian Federation, United Kingdom, United States"
    )
    page.locator('fieldset[data-code="RUS"] label.c-abstain').click()
    page.locator('fieldset[data-code="GBR"] label.c-yes').click()
    page.locator('fieldset[data-code="USA"] label.c-absent').click()
    expect(page.locator('[data-field="headline"]')).to_have_text("The draft is adopted")

    with page.expect_download() as download_info:
        page.locator("a", has_text="Download").first.click()
    download = download_info.value
    assert download.suggested_filename == "climate-2026.yaml"
    saved = (live_server.scenarios / "climate-2026.yaml").read_text(encoding="utf-8")
    assert "title: Climate and security, 2026" in saved

    # Broken on purpose in a text editor: a misspelt key.
    (live_server.scenarios / "climate-2026.yaml").write_text(saved.replace("question:", "questoin:"), encoding="utf-8")
    page.goto(live_server.url + "/")
    broken = page.locator(".invalid")
    expect(broken).to_contain_text("climate-2026.yaml")
    expect(broken).to_contain_text("questoin")
    expect(broken).to_contain_text("line 3")
    expect(
        page.get_by_role("link", name="Human rights in Syria, March 2018: eight is not nine", exact=True)
    ).to_be_visible()
    cookie = next(c for c in context.cookies() if c["name"] == "unsc_instructor")
    for path in ("/editor", "/editor/new?year=2026"):
        assert (
            serious_violations(
                browser,
                live_server.url + path,
                [{"name": cookie["name"], "value": cookie["value"], "url": live_server.url}],
            )
            == []
        )
    (live_server.scenarios / "climate-2026.yaml").unlink()
    context.close()
