"""The pages as a browser without JavaScript gets them."""

from __future__ import annotations

import html
from pathlib import Path

from fastapi.testclient import TestClient
from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.domain.rules import tally
from app.scenarios import load_file
from app.web import configure
from app.web.board import chamber_context
from tests.conftest import BUNDLED, GOOD, ROOT

TEMPLATES = configure(Environment(loader=FileSystemLoader(ROOT / "templates"), autoescape=select_autoescape()))


def test_library_lists_scenarios_and_the_broken_file(client: TestClient) -> None:
    page = client.get("/").text
    assert "Human rights in Syria, March 2018" in page
    assert 'href="/scenarios/syria-2018-agenda"' in page
    syria = page.split('href="/scenarios/syria-2018-agenda"')[1].split("</li>")[0]
    assert "A real vote" in syria and "8–4–3" not in syria and "not adopted" not in syria  # no spoiler
    assert "broken.yaml" in page and "line 4" in page and "members[0].code" in page


def test_library_shows_edits_on_reload(client: TestClient, scenarios: Path) -> None:
    (scenarios / "broken.yaml").write_text(GOOD.replace("A test question", "Fixed at last"), encoding="utf-8")
    page = client.get("/").text
    assert "Fixed at last" in page and "to fix" not in page


def test_board_shows_december_2019_pending_with_the_united_states_pivotal(client: TestClient) -> None:
    page = client.get("/scenarios/dprk-2019-meeting-not-held").text
    assert "Not decided yet" in page
    assert "8 of 9" in page and "1 more needed" in page
    assert 'Can still decide it:</strong> <span data-field="pivotal-names">United States' in page
    assert "What really happened" not in page  # a vote is still undecided


def test_votes_in_the_url_convene_the_meeting(client: TestClient) -> None:
    page = client.get("/scenarios/dprk-2019-meeting-not-held?USA=yes").text
    assert "The meeting convenes" in page
    assert 'name="USA" value="yes" checked' in page
    assert "What really happened" in page  # every vote cast: the record shows
    assert "The meeting was not held" in page


def test_board_briefs_first_and_names_the_codes_its_table_shows(client: TestClient) -> None:
    page = client.get("/scenarios/dprk-2019-meeting-not-held").text
    assert page.index('id="context-heading"') < page.index('id="ballots"')  # the briefing before the ballots
    assert '<dt>GNQ</dt><dd dir="auto">Equatorial Guinea</dd>' in page
    assert '<span class="name" dir="auto">Equatorial Guinea</span>' in page


def test_only_the_boards_seats_lead_to_their_votes(client: TestClient) -> None:
    page = client.get("/scenarios/dprk-2019-meeting-not-held").text
    assert page.count('tabindex="0" role="button"') == 15
    assert 'aria-label="France, permanent member: Yes — go to its vote"' in page
    parts = client.get("/scenarios/dprk-2019-meeting-not-held/parts?USA=yes").json()["parts"]
    assert parts["chamber"].count('role="button"') == 15  # redrawn after a vote, still buttons
    assert "The meeting convenes</strong> · 9 of 9 in favour" in parts["tally"]
    # The live pages draw the same table from the same context, for looking at only.
    scenario = load_file(BUNDLED / "dprk-2019-meeting-not-held.yaml")
    outcome = tally(scenario)
    context = chamber_context(scenario, {c: v.value for c, v in scenario.starting_votes.items()}, outcome, "")
    table = TEMPLATES.get_template("scenarios/_table.html").render(context)
    assert 'role="img"' in table and "tabindex" not in table and 'role="button"' not in table


def test_form_post_without_javascript_redirects_to_the_votes_in_the_url(client: TestClient) -> None:
    response = client.post(
        "/scenarios/dprk-2019-meeting-not-held", data={"USA": "yes", "CHN": "abstain"}, follow_redirects=False
    )
    assert response.status_code == 303
    location = response.headers["location"]
    assert "USA=yes" in location and "CHN=abstain" in location and "FRA=yes" in location
    assert "The meeting convenes" in client.get(location).text


def test_bad_votes_in_url_or_form_get_a_clear_4xx(client: TestClient) -> None:
    response = client.get("/scenarios/dprk-2019-meeting-not-held?USA=maybe")
    assert response.status_code == 422 and "&#39;maybe&#39; is not a vote" in response.text
    response = client.post("/scenarios/dprk-2019-meeting-not-held", data={"XYZ": "yes"})
    assert response.status_code == 422 and "XYZ" in response.text


def test_veto_is_named_on_the_board(client: TestClient) -> None:
    page = client.get("/scenarios/venezuela-2019-draft-vetoed").text
    assert "The draft resolution is not adopted" in page
    assert '<span data-field="vetoed-names">China, Russian Federation</span>' in page


def test_missing_and_broken_scenarios_get_pages_not_tracebacks(client: TestClient) -> None:
    response = client.get("/scenarios/nope")
    assert response.status_code == 404 and "<h1>Not found</h1>" in response.text
    response = client.get("/scenarios/broken")
    assert response.status_code == 422 and "members[0].code" in response.text


def test_scenario_text_is_always_escaped(client: TestClient, scenarios: Path) -> None:
    evil = "<script>alert(1)</script>"
    text = (
        GOOD.replace("A test question", f'"{evil}"')
        .replace("Adoption of the agenda", '"<img src=x onerror=alert(2)>"')
        .replace("name: Belgium", f'name: "{evil} Belgium"')
        + f'context: "{evil}"\n'
    )
    (scenarios / "evil.yaml").write_text(text, encoding="utf-8")
    for url in ("/", "/scenarios/evil"):
        page = client.get(url).text
        assert "<script>alert" not in page and "<img src=x" not in page
        assert html.escape(evil) in page or "\\u003cscript\\u003e" in page


def test_page_data_for_the_script_cannot_break_out_of_its_tag(client: TestClient, scenarios: Path) -> None:
    (scenarios / "evil.yaml").write_text(GOOD + 'context: "</script><script>alert(1)</script>"\n', encoding="utf-8")
    page = client.get("/scenarios/evil").text
    assert page.count("</script>") == 3  # the JSON tag and the two scripts, nothing injected
    assert "<script>alert(1)" not in page
