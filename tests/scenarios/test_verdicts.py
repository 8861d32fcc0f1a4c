"""The verdict's words follow the Matter while nobody chose them, and are offered when somebody did."""

from __future__ import annotations

from app.domain.votes import Matter
from app.scenarios import load_file
from app.scenarios.councils import blank
from app.scenarios.verdicts import follow, suggestion, untouched, usual
from tests.conftest import BUNDLED

PROCEDURAL, SUBSTANTIVE = Matter.PROCEDURAL, Matter.SUBSTANTIVE
MINE = {"adopted": "We meet", "not_adopted": "We go home"}


def test_the_usual_words_are_those_the_bundled_scenarios_use() -> None:
    agenda = load_file(BUNDLED / "syria-2018-agenda.yaml")
    draft = load_file(BUNDLED / "venezuela-2019-draft-vetoed.yaml")
    assert (agenda.matter, agenda.verdict.model_dump()) == (PROCEDURAL, usual(PROCEDURAL))
    assert (draft.matter, draft.verdict.model_dump()) == (SUBSTANTIVE, usual(SUBSTANTIVE))
    assert blank(2026).verdict.model_dump() == usual(PROCEDURAL)


def test_words_nobody_chose_follow_the_matter() -> None:
    assert follow(usual(PROCEDURAL), PROCEDURAL, SUBSTANTIVE) == usual(SUBSTANTIVE)
    assert follow(usual(SUBSTANTIVE), SUBSTANTIVE, PROCEDURAL) == usual(PROCEDURAL)
    assert follow({}, PROCEDURAL, SUBSTANTIVE) == usual(SUBSTANTIVE)  # blank boxes
    assert follow({"adopted": "Adopted", "not_adopted": "Not adopted"}, PROCEDURAL, SUBSTANTIVE) == usual(SUBSTANTIVE)


def test_words_someone_chose_stay_and_the_usual_ones_are_offered() -> None:
    assert follow(MINE, PROCEDURAL, SUBSTANTIVE) == MINE
    assert suggestion(MINE, PROCEDURAL, SUBSTANTIVE) is SUBSTANTIVE
    half = usual(PROCEDURAL) | {"not_adopted": "We go home"}
    assert follow(half, PROCEDURAL, SUBSTANTIVE) == half and not untouched(half, PROCEDURAL)


def test_nothing_is_offered_for_a_scenarios_own_words_or_the_usual_ones() -> None:
    assert suggestion(MINE, None, PROCEDURAL) is None  # an invitation's own words, matter unchanged
    assert suggestion(MINE, PROCEDURAL, PROCEDURAL) is None
    assert suggestion(usual(SUBSTANTIVE), PROCEDURAL, SUBSTANTIVE) is None
    assert suggestion({}, None, SUBSTANTIVE) is None


def test_the_other_matters_words_are_offered_to_be_replaced() -> None:
    """A substantive draft that would "convene": the words of an agenda vote, left behind."""
    assert suggestion(usual(PROCEDURAL), None, SUBSTANTIVE) is SUBSTANTIVE
    assert suggestion(usual(SUBSTANTIVE), None, PROCEDURAL) is PROCEDURAL
