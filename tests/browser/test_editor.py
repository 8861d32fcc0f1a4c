"""An instructor who has never seen the tool writes a scenario in the browser and uses it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, SIZES, serious_violations
from tests.live_server import INSTRUCTOR_TOKEN, LiveServer

pytestmark = pytest.mark.browser
MEETING_SHOTS = Path("/tmp/editor-meeting-shots")


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
        ("meeting", "/scenarios/class-meeting-2026/edit"),
    ):
        page.goto(live_server.url + path)
        expect(page.locator("h1")).to_be_visible()
        widths[name] = page_width(page)
        page.screenshot(path=str(SCREENSHOTS / f"editor-{name}-{size}.png"), full_page=True)
    MEETING_SHOTS.mkdir(exist_ok=True)
    page.locator("#meeting").screenshot(path=str(MEETING_SHOTS / f"meeting-{size}.png"))
    page.fill("#d0_sponsors", "DNK, XYZ GRC")  # a problem in the meeting, listed with the others
    expect(page.locator("#err-d0_sponsors")).to_contain_text("'XYZ' is not the code of any member")
    widths["meeting, problems"] = page_width(page)
    page.locator("#d_list > fieldset").first.screenshot(path=str(MEETING_SHOTS / f"meeting-problem-{size}.png"))

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


def test_a_whole_meeting_is_edited_in_the_form(browser: Any, live_server: LiveServer) -> None:
    path = live_server.scenarios / "class-meeting-2026.yaml"
    before = path.read_text(encoding="utf-8")
    context, page, errors = signed_in(browser, live_server)
    page.goto(live_server.url + "/scenarios/class-meeting-2026/edit")
    expect(page.locator('[data-live="check"]')).to_have_text("✓ Valid")
    meeting = page.locator("#meeting")
    expect(meeting).to_have_attribute("open", "")
    expect(page.get_by_label("Symbol, draft 1", exact=True)).to_have_value("S/2026/101")
    expect(page.get_by_label("Summary, amendment 1 to draft 1", exact=True)).to_have_value(
        'In paragraph 1, replace "Demands" by "Calls upon".'
    )
    expect(meeting.locator("[data-kept-note]").first).to_contain_text("votes")

    page.locator("#agenda").press("End")
    page.locator("#agenda").press("Enter")
    page.keyboard.type("Protection of humanitarian workers")
    page.get_by_role("button", name="Add an amendment to draft 2").click()  # draft 2 has none yet: a second blank row
    expect(page.locator("#d1a1_symbol")).to_be_focused()
    page.get_by_label("Symbol, amendment 2 to draft 2", exact=True).fill("S/2026/102/A1")
    page.get_by_label("Sponsors (codes), amendment 2 to draft 2", exact=True).fill("usa")  # a typo, caught
    expect(page.locator("#err-d1a1_sponsors")).to_contain_text("'usa' is not a valid code")
    expect(page.locator("#error-summary")).to_contain_text("Sponsors (codes), amendment 2 to draft 2")
    page.get_by_label("Sponsors (codes), amendment 2 to draft 2", exact=True).fill("USA, GBR")
    page.get_by_label("Summary, amendment 2 to draft 2", exact=True).fill("Adds a call for a ceasefire.")
    page.get_by_role("button", name="Add a draft").click()  # a third draft, with its own blank amendment
    expect(page.locator("#d3_symbol")).to_be_focused()
    expect(page.locator("#d3_symbol")).to_have_value("")
    expect(page.get_by_label("Symbol, amendment 1 to draft 4", exact=True)).to_be_visible()
    page.get_by_role("button", name="Add a member").click()  # the members' table grows as before
    expect(page.get_by_label("Name, row 17", exact=True)).to_be_focused()
    expect(page.locator("#m16_vote")).to_have_value("undecided")
    page.get_by_role("button", name="Add an invitation").click()
    expect(page.locator("#i2_rule")).to_be_focused()
    page.get_by_label("Who, invitation 3", exact=True).fill("A representative of the affected State")
    page.get_by_label("Rule, invitation 3", exact=True).select_option("37")
    expect(page.locator('[data-live="check"]')).to_have_text("✓ Valid")
    assert page_width(page) <= 1280
    assert page_violations(page) == []
    MEETING_SHOTS.mkdir(exist_ok=True)
    meeting.screenshot(path=str(MEETING_SHOTS / "meeting-edited-1280.png"))

    page.locator("button", has_text="Save").click()
    expect(page).to_have_url(re.compile(r"/scenarios/class-meeting-2026"))
    after = path.read_text(encoding="utf-8")
    assert "  - Humanitarian access in a cross-border crisis\n  - Protection of humanitarian workers\n" in after
    assert "      - symbol: S/2026/102/A1\n        sponsors: [USA, GBR]\n" in after
    assert "        summary: Adds a call for a ceasefire.\n" in after
    assert "  - {rule: 37, who: A representative of the affected State}\n" in after
    assert after.count("votes: {") == before.count("votes: {")  # the recorded positions are all still there
    assert "# A whole meeting for a class" in after
    path.write_text(before, encoding="utf-8")
    assert unexpected(errors) == []
    context.close()


def test_a_problem_in_a_closed_meeting_opens_it(browser: Any, live_server: LiveServer) -> None:
    context, page, errors = signed_in(browser, live_server, 390, 844)
    page.goto(live_server.url + "/scenarios/syria-2018-agenda/edit")
    meeting = page.locator("#meeting")
    expect(meeting).not_to_have_attribute("open", "")
    page.locator("#meeting > summary").focus()
    page.keyboard.press("Enter")  # the keyboard opens it
    expect(meeting).to_have_attribute("open", "")
    page.fill("#d0_symbol", "S/2018/1")
    page.fill("#d0_sponsors", "XYZ")
    page.locator("#meeting > summary").click()  # closed again, with a problem inside
    expect(meeting).not_to_have_attribute("open", "")
    summary = page.locator("#error-summary")
    link = summary.get_by_role("link", name="Sponsors (codes), draft 1")
    expect(link).to_be_visible()
    link.click()
    expect(meeting).to_have_attribute("open", "")
    expect(page.locator("#d0_sponsors")).to_be_focused()
    assert page_width(page) <= 390
    MEETING_SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(MEETING_SHOTS / "meeting-problem-opened-390.png"), full_page=False)
    assert unexpected(errors) == []
    context.close()


def test_rows_added_within_added_rows_are_numbered_and_saved(browser: Any, live_server: LiveServer) -> None:
    context, page, errors = signed_in(browser, live_server)
    page.goto(live_server.url + "/editor/new?year=2026")
    page.locator("#meeting > summary").click()
    page.fill("#d0_symbol", "S/2026/1")
    add_to_first = page.get_by_role("button", name="Add an amendment to draft 1")
    add_to_first.click()
    add_to_first.click()  # the blank row, then two more: three amendment rows
    expect(page.locator("[name=d0a_rows]")).to_have_value("3")
    page.fill("#d0a2_symbol", "S/2026/1/A3")
    page.get_by_role("button", name="Add a draft").click()  # a copy of the last draft, with one blank amendment
    expect(page.locator("#d1_symbol")).to_be_focused()
    expect(page.locator("[name=d1a_rows]")).to_have_value("1")
    expect(page.locator("#d1a_list > [data-row]")).to_have_count(1)
    page.keyboard.type("S/2026/2")
    page.get_by_role("button", name="Add an amendment to draft 2").click()
    amendment = page.get_by_label("Symbol, amendment 2 to draft 2", exact=True)
    expect(amendment).to_be_focused()
    page.keyboard.type("S/2026/2/A2")
    page.keyboard.press("Tab")  # the keyboard goes on to the amendment's sponsors
    expect(page.get_by_label("Sponsors (codes), amendment 2 to draft 2", exact=True)).to_be_focused()
    page.keyboard.type("FRA")
    expect(page.locator('[data-live="check"]')).to_have_text("✓ Valid")
    page.fill("#file_name", "nested-rows-2026")
    page.locator("button", has_text="Save").click()
    expect(page).to_have_url(re.compile(r"/scenarios/nested-rows-2026"))
    saved = (live_server.scenarios / "nested-rows-2026.yaml").read_text(encoding="utf-8")
    assert "  - symbol: S/2026/1\n    matter: substantive\n    amendments:\n      - symbol: S/2026/1/A3\n" in saved
    assert "      - symbol: S/2026/2/A2\n        sponsors: [FRA]\n" in saved
    (live_server.scenarios / "nested-rows-2026.yaml").unlink()
    assert unexpected(errors) == []
    context.close()
