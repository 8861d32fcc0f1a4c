"""The voting-power partial: one bar per kind of seat, the values written out, the path to nine."""

from __future__ import annotations

from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.domain.votes import Chapter, Matter, Vote
from app.scenarios import load_file
from app.web import configure
from app.web.power_view import power_context
from tests.conftest import BUNDLED, ROOT

TEMPLATES = configure(Environment(loader=FileSystemLoader(ROOT / "templates"), autoescape=select_autoescape()))


def render(context: dict[str, object]) -> str:
    return TEMPLATES.get_template("scenarios/_power.html").render(**context)


def test_a_draft_resolution_shows_each_kind_of_seat_with_its_share_in_words() -> None:
    scenario = load_file(BUNDLED / "venezuela-2019-draft-vetoed.yaml")
    html = render(power_context(scenario, scenario.starting_votes))
    assert "Permanent members" in html and "19.6%" in html and "(421/2145)" in html
    assert "Elected members" in html and "0.2%" in html and "(4/2145)" in html
    assert "about 105 times" in html
    assert "style=" not in html  # the CSP allows no inline styles
    assert 'aria-hidden="true"' in html  # the bars are decoration; the numbers carry the meaning


def test_the_path_to_nine_names_who_can_still_decide_it() -> None:
    scenario = load_file(BUNDLED / "dprk-2019-meeting-not-held.yaml")
    context = power_context(scenario, scenario.starting_votes)
    assert context["power"]["pivotal_names"] == "United States"
    assert "United States voting &#34;yes&#34; would adopt it" in render(context)


def test_a_party_obliged_to_abstain_gets_its_own_empty_bar() -> None:
    scenario = load_file(BUNDLED / "venezuela-2019-draft-vetoed.yaml")
    members = [m.model_copy(update={"party_to_dispute": m.code == "RUS"}) for m in scenario.members]
    scenario = scenario.model_copy(update={"members": members, "chapter": Chapter.VI, "matter": Matter.SUBSTANTIVE})
    context = power_context(scenario, {m.code: Vote.UNDECIDED for m in members})
    kinds = [bar.kind for bar in context["power"]["bars"]]
    assert kinds == ["permanent", "elected", "party"]
    assert "Party obliged to abstain" in render(context)
