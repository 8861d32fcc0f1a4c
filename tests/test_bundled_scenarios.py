"""Every bundled scenario loads, and where it records what really happened, the engine agrees."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.meeting import decisions
from app.domain.rules import tally
from app.domain.votes import OutcomeKind, Vote
from app.scenarios import load_file
from app.scenarios.councils import years
from tests.conftest import BUNDLED

FILES = sorted(BUNDLED.glob("*.yaml"))


# Real votes: not the blank year templates, not the illustrative class meetings, and a meeting file only
# where its first question (the agenda) was itself voted on the record.
RECORDED = [
    p
    for p in FILES
    if not p.stem.startswith(("council-", "class-")) and (not load_file(p).is_meeting or load_file(p).record)
]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_bundled_file_is_valid_and_its_record_agrees(path: Path) -> None:
    scenario = load_file(path)
    outcome = tally(scenario)
    record = scenario.record
    if record is None:
        return
    assert record.source
    c = outcome.counts
    for field in ("yes", "no", "abstain", "absent", "not_participating"):
        recorded = getattr(record, field)
        if recorded is not None:
            assert getattr(c, field) == recorded, field
    if record.outcome == "not_held":
        # No vote was taken: the simulated one stays open, with the recorded supporters voting yes.
        assert outcome.outcome is OutcomeKind.PENDING
        assert record.supporters == c.yes
    else:
        assert outcome.outcome.value == record.outcome


@pytest.mark.parametrize("path", RECORDED, ids=lambda p: p.stem)
def test_every_position_in_a_real_vote_is_marked_recorded_or_not(path: Path) -> None:
    scenario = load_file(path)
    assert scenario.record is not None and scenario.record.source
    unmarked = [m.code for m in scenario.members if m.recorded is None]
    assert not unmarked, f"mark recorded: true or false for {unmarked}"
    text = path.read_text(encoding="utf-8")
    if any(m.recorded is False for m in scenario.members):
        assert scenario.record.note, "say in record.note what is illustrative or inferred"
        assert "ILLUSTRATIVE" in text or "INFERRED" in text


@pytest.mark.parametrize("path", RECORDED, ids=lambda p: p.stem)
def test_an_unverified_fact_is_called_unverified_in_the_record(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    scenario = load_file(path)
    if "UNVERIFIED" in text:
        assert scenario.record is not None and "unverified" in (scenario.record.note or "").lower()


def test_every_real_vote_is_bundled() -> None:
    names = {p.stem for p in FILES}
    assert {
        "dprk-2019-meeting-not-held",
        "dprk-2014-agenda",
        "dprk-2015-agenda",
        "dprk-2016-agenda",
        "dprk-2017-agenda",
        "dprk-2024-agenda",
        "syria-2018-agenda",
        "venezuela-2019-agenda",
        "venezuela-2019-draft-vetoed",
        "zimbabwe-2005-agenda",
        "myanmar-2006-agenda",
        "syria-2017-motion-to-adjourn",
        "russia-2018-borders-agenda",
        "syria-2020-bustani-invitation",
        "ukraine-2022-agenda",
        "ukraine-2022-resolution-2623",
        "ukraine-2022-zelenskyy-invitation",
        "ukraine-2023-morozova-invitation",
        "ukraine-2023-rule-37-invitation",
        "nato-2024-agenda-march-25",
        "nato-2024-agenda-march-28",
        "suez-1956-resolution-119",
        "korea-1950-resolution-83",
    } <= names


def test_uniting_for_peace_is_procedural_so_a_permanent_no_is_no_veto() -> None:
    for name in ("ukraine-2022-resolution-2623", "suez-1956-resolution-119"):
        outcome = tally(load_file(BUNDLED / f"{name}.yaml"))
        assert outcome.outcome is OutcomeKind.ADOPTED and outcome.vetoed_by == [], name
        assert "no member has a veto" in outcome.explanation


def test_resolution_83_is_adopted_with_the_ussr_absent_and_two_not_participating() -> None:
    outcome = tally(load_file(BUNDLED / "korea-1950-resolution-83.yaml"))
    assert outcome.outcome is OutcomeKind.ADOPTED and outcome.required == 7
    assert (outcome.counts.yes, outcome.counts.no, outcome.counts.not_participating) == (7, 1, 2)
    assert "The absence of Union of Soviet Socialist Republics is not a veto" in outcome.explanation


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


MEETINGS = [p for p in FILES if load_file(p).is_meeting]


@pytest.mark.parametrize("path", MEETINGS, ids=lambda p: p.stem)
def test_every_recorded_step_of_a_meeting_is_reached_by_its_votes(path: Path) -> None:
    steps = decisions(load_file(path))
    recorded = [step for step in steps if step.record is not None and step.outcome is not None]
    for step in recorded:
        assert step.record is not None and step.outcome is not None and step.record.source, step.step
        assert step.outcome.outcome.value == step.record.outcome, step.step
        for field in ("yes", "no", "abstain", "absent", "not_participating"):
            if getattr(step.record, field) is not None:
                assert getattr(step.outcome.counts, field) == getattr(step.record, field), (step.step, field)


def test_the_bundled_meetings_cover_an_agenda_vote_with_briefings_a_double_veto_and_an_amendment() -> None:
    dprk = decisions(load_file(BUNDLED / "dprk-2014-meeting.yaml"))
    assert [s.kind.value for s in dprk] == ["agenda", "invitation", "invitation"] and dprk[0].outcome is not None
    czech = decisions(load_file(BUNDLED / "czechoslovakia-1948-preliminary-question.yaml"))
    preliminary, draft = czech[1], czech[2]
    assert preliminary.outcome is not None and preliminary.outcome.vetoed_by == ["SUN"]
    assert draft.outcome is not None and draft.outcome.matter.value == "substantive" and draft.outcome.vetoed_by
    kinds = [s.kind.value for s in decisions(load_file(BUNDLED / "class-meeting-2026.yaml"))]
    assert kinds == ["agenda", "invitation", "amendment", "draft", "draft"]
