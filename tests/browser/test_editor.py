"""An instructor who has never seen the tool writes a scenario in the browser and uses it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, SIZES, serious_violations
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


def signed_in(
    browser: Any, live_server: LiveServer, width: int = 1280, height: int = 800
) -> tuple[Any, Any, list[str]]:
    """An instructor's page, and the errors it reports (which the test checks once it is done)."""
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server.url}/instructor?token={INSTRUCTOR_TOKEN}")
    return context, page, errors


def unexpected(errors: list[str]) -> list[str]:
    """The page's errors but the refusals the test asked for (a form saved with problems is a 422)."""
    return [error for error in errors if "the server responded with a status of 422" not in error]


def page_violations(page: Any) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now (after a post, say)."""
    from importlib import resources

    axe = resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
    page.evaluate(axe)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def page_width(page: Any) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def break_everywhere(page: Any) -> None:
    """Six independent problems: the file's name, two fields, and three that need the whole council."""
    page.fill("#file_name", "Bad Name")
    page.fill("#title", "")
    page.fill("#m3_code", "bad code")
    page.fill("#m5_code", "CHN")  # China's code twice
    page.fill("#president", "XYZ")
    page.fill("#m12_code", "")  # a row cleared: fourteen members
    page.fill("#m12_name", "")


def test_every_problem_shows_at_once_and_each_links_to_its_field(browser: Any, live_server: LiveServer) -> None:
    context, page, errors = signed_in(browser, live_server)
    page.goto(live_server.url + "/editor/new?year=2019")
    expect(page.locator('[data-live="check"]')).to_have_text("✓ Valid")
    summary = page.locator("#error-summary")
    expect(summary).to_be_hidden()

    break_everywhere(page)
    expect(page.locator('[data-live="check"]')).to_have_text("6 problems to fix")
    expect(summary).to_be_visible()
    expect(summary.locator("li")).to_have_count(6)
    for label in ("File name", "Title", "Code, row 4", "Code, row 6", "President (a member's code)", "Members"):
        expect(summary.get_by_role("link", name=label, exact=True)).to_be_visible()
    for field in ("file_name", "title", "m3_code", "m5_code", "president"):
        expect(page.locator(f"#err-{field}")).to_be_visible()
        expect(page.locator(f"#{field}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#err-members")).to_contain_text("14 are listed")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "editor-every-problem.png"), full_page=True)

    summary.get_by_role("link", name="Code, row 4").click()  # the keyboard goes where the problem is
    expect(page.locator("#m3_code")).to_be_focused()
    page.fill("#m3_code", "DOM")  # fixed: the list shrinks as the instructor works through it
    expect(summary.locator("li")).to_have_count(5)

    page.locator("button", has_text="Save").click()  # refused, with everything still wrong listed
    expect(page.locator(".notice")).to_contain_text("Not saved")
    expect(summary).to_be_focused()
    expect(summary.locator("li")).to_have_count(5)
    expect(page.locator("#err-president")).to_contain_text("'XYZ' is not the code of any member")
    assert page_width(page) <= 1280
    assert page_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "editor-refused.png"), full_page=True)
    assert not (live_server.scenarios / "Bad Name.yaml").exists()
    assert unexpected(errors) == []
    context.close()


def test_switching_matter_brings_its_words_or_offers_them(browser: Any, live_server: LiveServer) -> None:
    context, page, errors = signed_in(browser, live_server)
    page.goto(live_server.url + "/editor/new?year=2026")
    adopted, not_adopted = page.locator("#verdict_adopted"), page.locator("#verdict_not_adopted")
    offer = page.locator('[data-usual-words="substantive"]')
    expect(not_adopted).to_have_value("The meeting does not convene")

    page.locator("input[name=matter][value=substantive]").check()  # untouched words follow the matter
    expect(adopted).to_have_value("The draft resolution is adopted")
    expect(not_adopted).to_have_value("The draft resolution is not adopted")
    expect(offer).to_be_hidden()
    page.locator("input[name=matter][value=procedural]").check()
    expect(not_adopted).to_have_value("The meeting does not convene")

    adopted.fill("The Council takes up the item")  # chosen words stay, with the usual ones a click away
    page.locator("input[name=matter][value=substantive]").check()
    expect(adopted).to_have_value("The Council takes up the item")
    expect(offer).to_be_visible()
    button = offer.get_by_role("button", name="Use the usual words for a substantive question")
    expect(button).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "editor-matter-offer.png"), full_page=False, clip=_around(page, offer))
    button.click()
    expect(adopted).to_have_value("The draft resolution is adopted")
    expect(not_adopted).to_have_value("The draft resolution is not adopted")
    expect(offer).to_be_hidden()
    expect(adopted).to_be_focused()
    expect(page.locator('[data-live="check"]')).to_have_text("✓ Valid")

    adopted.fill("Our own words")
    page.locator("input[name=matter][value=procedural]").check()
    expect(page.locator('[data-usual-words="procedural"]')).to_be_visible()
    page.fill("#file_name", "matter-words-2026")
    page.locator("#title").press("Enter")  # Enter saves, even with an offer on the page
    expect(page).to_have_url(re.compile(r"/scenarios/matter-words-2026"))
    saved = (live_server.scenarios / "matter-words-2026.yaml").read_text(encoding="utf-8")
    assert "matter: procedural" in saved and "adopted: Our own words" in saved
    (live_server.scenarios / "matter-words-2026.yaml").unlink()
    assert unexpected(errors) == []
    context.close()


def _around(page: Any, locator: Any) -> dict[str, float]:
    """A clip of the verdict's boxes and the offer beneath them, in view."""
    page.locator("#verdict_adopted").evaluate("element => element.scrollIntoView({block: 'center'})")
    box = locator.bounding_box()
    top = page.locator("#verdict_adopted").bounding_box()
    return {"x": 0, "y": top["y"] - 40, "width": 1280, "height": box["y"] + box["height"] - top["y"] + 60}


@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_editor_pages_fit_the_screen(browser: Any, live_server: LiveServer, size: str) -> None:
    width, height = SIZES[size]
    context, page, errors = signed_in(browser, live_server, width, height)
    widths = {}
    for name, path in (
        ("start", "/editor"),
        ("new", "/editor/new?year=2026"),
        ("edit", "/scenarios/syria-2018-agenda/edit"),
    ):
        page.goto(live_server.url + path)
        expect(page.locator("h1")).to_be_visible()
        widths[name] = page_width(page)
        page.screenshot(path=str(SCREENSHOTS / f"editor-{name}-{size}.png"), full_page=True)

    page.goto(live_server.url + "/editor")  # a refused upload, its problems listed
    bad = (live_server.scenarios / "syria-2018-agenda.yaml").read_bytes().replace(b"vote: no", b"vote: perhaps")
    page.set_input_files(
        "#file", files=[{"name": "a-rather-long-file-name.yaml", "mimeType": "text/yaml", "buffer": bad}]
    )
    page.locator("button", has_text="Upload").click()
    expect(page.locator(".invalid")).to_contain_text("was not added")
    widths["start, refused"] = page_width(page)
    page.screenshot(path=str(SCREENSHOTS / f"editor-start-refused-{size}.png"), full_page=True)

    page.goto(live_server.url + "/editor/new?year=2019")  # every problem listed
    break_everywhere(page)
    expect(page.locator("#error-summary li")).to_have_count(6)
    widths["new, problems"] = page_width(page)
    page.screenshot(path=str(SCREENSHOTS / f"editor-problems-{size}.png"), full_page=True)
    assert all(scroll_width <= width for scroll_width in widths.values()), widths
    assert unexpected(errors) == []
    context.close()
