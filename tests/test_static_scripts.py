"""Scripts send actions and swap in what the server drew: no text, icon or rule of the domain lives in static/."""

from __future__ import annotations

import re

import pytest

from app.domain.rules import headline
from app.domain.session import HIDDEN_HEADLINE
from app.domain.votes import OutcomeKind, Vote
from app.scenarios import load_file
from tests.conftest import BUNDLED, ROOT

SCRIPTS = sorted((ROOT / "static").glob("*.js"))
SCENARIO = load_file(BUNDLED / "dprk-2019-meeting-not-held.yaml")


def domain_words() -> list[str]:
    words = {HIDDEN_HEADLINE, "Art. 27", "veto", "Veto", "in favour", "more needed", "threshold reached"}
    words |= {"hidden until voting closes", "have voted", "Voting is open", "Voting is closed", "has ended"}
    words |= {"a student", "reserved for", "Your vote", " UTC"}
    words |= {v.label for v in Vote} | {v.symbol for v in Vote if not v.symbol.isascii()} | {"✓", "✗", "…"}
    words |= {SCENARIO.verdict.adopted, SCENARIO.verdict.not_adopted}
    outcome_text = {OutcomeKind.PENDING: "Not decided yet"}
    words |= set(outcome_text.values())
    return sorted(words)


def test_the_pending_headline_is_the_one_the_scripts_do_not_repeat() -> None:
    from app.domain.rules import tally

    assert headline(SCENARIO, tally(SCENARIO)) == "Not decided yet"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_no_domain_text_in_scripts(script: object) -> None:
    text = script.read_text(encoding="utf-8")  # type: ignore[attr-defined]
    code = re.sub(r"^\s*//.*$", "", text, flags=re.M)  # comments may describe, code may not say
    found = [word for word in domain_words() if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", code)]
    assert found == [], f"{script}: {found}"
