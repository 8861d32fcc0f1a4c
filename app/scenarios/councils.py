"""The Council's real membership by year, from the data file shipped in the package."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from app.domain.errors import NotFound
from app.domain.scenario import Member, Scenario
from app.domain.votes import Matter
from app.scenarios.verdicts import USUAL

AGENDA_VERDICT = USUAL[Matter.PROCEDURAL]


@cache
def _data() -> dict[str, Any]:
    text = resources.files("app").joinpath("data/councils.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def years() -> list[int]:
    return sorted(_data()["elected"])


def members(year: int) -> list[Member]:
    """The fifteen members of ``year``, in English alphabetical order, the order of the presidency (rule 18)."""
    data = _data()
    if year not in data["elected"]:
        raise NotFound(f"no composition recorded for {year}; known years: {years()[0]}-{years()[-1]}")
    permanent = [Member(code=m["code"], name=m["name"], permanent=True) for m in data["permanent"]]
    elected = [Member(code=code, name=data["names"][code]) for code in data["elected"][year]]
    return sorted(permanent + elected, key=lambda m: m.name)


def blank(year: int) -> Scenario:
    """A blank agenda vote for ``year``'s Council, everyone undecided."""
    return Scenario(
        title=f"Security Council {year}: blank agenda vote",
        question="Adoption of the provisional agenda (rule 9): shall the meeting take up the item?",
        verdict=AGENDA_VERDICT,
        context=(
            f"The fifteen members of the Council in {year}, everyone undecided. "
            "Change the title, question and briefs to suit your class."
        ),
        members=members(year),
    )
