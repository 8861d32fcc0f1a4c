"""Deciding and explaining are separate: reasons as data, sentences as whole translatable messages."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from app.domain.rules import Reason, decide, explain, headline
from app.domain.scenario import Scenario
from app.domain.votes import Chapter, Matter, Vote
from tests.councils import E10, P5, council, votes

DOMAIN = Path(__file__).resolve().parents[2] / "app" / "domain"
NAMES = {m.code: m.name for m in council()}


def test_a_veto_is_recorded_as_a_reason_with_its_members_and_numbers() -> None:
    out = decide(council(), votes(yes=(*E10[:6], "FRA", "GBR", "USA"), no=("CHN", "RUS", "E07")), Matter.SUBSTANTIVE)
    assert out.reasons[0] == Reason("vetoed", ("CHN", "RUS"), yes=9, required=9, needed=0, matter=Matter.SUBSTANTIVE)
    assert explain(out.reasons, NAMES) == out.explanation


def test_the_reasons_stay_out_of_the_json() -> None:
    out = decide(council(), votes(yes=P5 + E10[:4]), Matter.SUBSTANTIVE)
    assert out.reasons and "reasons" not in out.model_dump() and "reasons" not in out.model_dump_json()


class Bracketing:
    """A stand-in catalog: every message it translates comes back in brackets."""

    def gettext(self, message: str, /) -> str:
        return f"[{message}]"

    def ngettext(self, singular: str, plural: str, n: int, /) -> str:
        return f"[{singular if n == 1 else plural}]"


@pytest.mark.parametrize(
    ("ballot", "matter", "chapter"),
    [
        (votes(yes=E10[:9], no=("RUS",)), Matter.SUBSTANTIVE, None),
        (votes(yes=E10[:9], no=("RUS",), absent=("CHN",), abstain=("USA",)), Matter.PROCEDURAL, None),
        (votes(yes=E10[:8], abstain=("RUS",), absent=("CHN",)), Matter.SUBSTANTIVE, Chapter.VI),
        ({**votes(yes=E10[:9]), "FRA": Vote.NOT_PARTICIPATING}, Matter.SUBSTANTIVE, Chapter.VII),
        (votes(yes=E10[:5]), Matter.SUBSTANTIVE, Chapter.OTHER),
    ],
)
def test_every_sentence_goes_whole_through_the_translator(
    ballot: dict[str, Vote], matter: Matter, chapter: Chapter | None
) -> None:
    out = decide(council(parties=("GBR",)), ballot, matter, chapter=chapter)
    text = explain(out.reasons, NAMES, Bracketing())
    # Outside the brackets only the spaces between sentences remain.
    bare = text
    while (inner := re.sub(r"\[[^\[\]]*\]", "", bare)) != bare:  # brackets nest: a list's separator is a message too
        bare = inner
    assert bare.strip() == ""
    assert text.count("[") >= len(out.reasons)


def _message_calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (getattr(node.func, "attr", None) or getattr(node.func, "id", None)) in {"_", "gettext", "ngettext"}
    ]


@pytest.mark.parametrize("module", ["rules.py", "power.py"])
def test_every_message_is_a_literal_with_named_placeholders(module: str) -> None:
    calls = _message_calls(DOMAIN / module)
    assert calls
    for call in calls:
        literals = [a for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        expected = 2 if (getattr(call.func, "attr", None) or getattr(call.func, "id", None)) == "ngettext" else 1
        assert len(literals) == expected, ast.unparse(call)  # no f-strings, no variables: an extractor sees them
        for literal in literals:
            assert not re.search(r"%[sdf]", str(literal.value)), literal.value  # only %(name)s placeholders


def test_the_pending_headline_is_the_one_wording_of_an_open_vote() -> None:
    scenario = Scenario(title="t", question="q", members=council())
    out = decide(council(), {}, Matter.PROCEDURAL)
    assert headline(scenario, out) == "Not decided yet"
    assert headline(scenario, out, Bracketing()) == "[Not decided yet]"
