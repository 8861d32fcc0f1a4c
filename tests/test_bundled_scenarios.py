"""Every bundled scenario loads, and where it records what really happened, the engine agrees."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.councils import years
from app.domain.rules import tally
from app.domain.votes import OutcomeKind, Vote
from app.scenario_files import load_file
from tests.conftest import BUNDLED

FILES = sorted(BUNDLED.glob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_bundled_file_is_valid_and_its_record_agrees(path: Path) -> None:
    scenario = load_file(path)
    outcome = tally(scenario)
    record = scenario.record
    if record is None:
        return
    assert record.source
    c = outcome.counts
    for field in ("yes", "no", "abstain", "absent"):
        recorded = getattr(record, field)
        if recorded is not None:
            assert getattr(c, field) == recorded, field
    if record.outcome == "not_held":
        assert outcome.outcome is not OutcomeKind.ADOPTED
    else:
        assert outcome.outcome.value == record.outcome


def test_every_real_vote_is_bundled() -> None:
    names = {p.stem for p in FILES}
    assert {
        "dprk-2019-meeting-not-held",
        "dprk-2014-agenda",
        "dprk-2017-agenda",
        "syria-2018-agenda",
        "venezuela-2019-agenda",
        "venezuela-2019-draft-vetoed",
    } <= names


@pytest.mark.parametrize("year", years())
def test_year_template_matches_the_composition_table(year: int) -> None:
    from tools.write_year_templates import render

    path = BUNDLED / f"council-{year}.yaml"
    assert path.read_text(encoding="utf-8") == render(year), "run python tools/write_year_templates.py"
    scenario = load_file(path)
    assert all(m.vote is Vote.UNDECIDED for m in scenario.members)
    assert sum(m.permanent for m in scenario.members) == 5
    assert scenario.verdict.adopted == "The meeting convenes"


def test_agenda_scenarios_speak_of_the_meeting() -> None:
    for path in FILES:
        scenario = load_file(path)
        if "agenda" in scenario.question.lower():
            assert scenario.verdict.adopted == "The meeting convenes", path.name
            assert scenario.verdict.not_adopted == "The meeting does not convene", path.name
