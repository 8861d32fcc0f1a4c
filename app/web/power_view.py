"""What the board's voting-power chart shows: one bar per kind of seat, the plain sentence, the path to nine.

``power_context`` returns the variables ``templates/scenarios/_power.html`` reads, under one key,
``power``, so that it merges into any page's context without clashing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from app import i18n
from app.domain.power import (
    MemberPower,
    obliged_sentence,
    path_sentence,
    power_report,
    power_sentence,
    what_if_sentence,
)
from app.domain.rules import join_names
from app.domain.scenario import Scenario
from app.domain.votes import Vote
from app.i18n import CURRENT, ngettext


@dataclass(frozen=True)
class Bar:
    """One kind of seat in the chart: what each such member holds, as a share and as a bar width."""

    kind: str
    label: str
    members: int
    names: str
    share: Fraction
    banzhaf: Fraction
    width: float

    @property
    def percent(self) -> str:
        return _percent(self.share)

    @property
    def banzhaf_percent(self) -> str:
        return _percent(self.banzhaf)


def _percent(value: Fraction) -> str:
    """A share as the reader writes a percentage, to one decimal ("6.7%", "6,7%")."""
    if value and value < Fraction(1, 1000):
        return "<" + i18n.format_percent(0.001)
    return i18n.format_percent(float(value))


# The kinds of seat, in the chart's order.
_KINDS = ("permanent", "elected", "party")


def _label(kind: str, count: int) -> str:
    """What the chart calls ``count`` members of a kind, in the language being rendered."""
    if kind == "permanent":
        return ngettext("Permanent member", "Permanent members", count)
    if kind == "elected":
        return ngettext("Elected member", "Elected members", count)
    return ngettext("Party obliged to abstain", "Parties obliged to abstain", count)


def _kind(member: MemberPower) -> str:
    if member.obliged_to_abstain:
        return "party"
    return "permanent" if member.permanent else "elected"


def _bars(members: list[MemberPower]) -> list[Bar]:
    groups: dict[str, list[MemberPower]] = {}
    for member in members:
        groups.setdefault(_kind(member), []).append(member)
    top = max((Fraction(m.shapley_shubik_exact) for m in members), default=Fraction(0))
    bars = []
    for kind in _KINDS:
        group = groups.get(kind)
        if not group:
            continue
        share = Fraction(group[0].shapley_shubik_exact)
        bars.append(
            Bar(
                kind=kind,
                label=_label(kind, len(group)),
                members=len(group),
                names=", ".join(m.name for m in group),
                share=share,
                banzhaf=Fraction(group[0].banzhaf_exact),
                width=float(share / top * 100) if top else 0.0,
            )
        )
    return bars


def power_context(scenario: Scenario, votes: Mapping[str, Vote]) -> dict[str, Any]:
    """The chart's context for these votes: ``{"power": {...}}`` for ``scenarios/_power.html``.

    Its sentences are in the language being rendered (the report's own are English): the same sentences
    ``power_report`` writes, asked of the domain with the reader's catalog.
    """
    report = power_report(scenario, votes)
    members, matter, chapter = scenario.members, scenario.matter, scenario.chapter
    names = {m.code: m.name for m in members}
    what_ifs = [what_if_sentence(w, names, CURRENT) for w in report.what_ifs if w.changes]
    sentences = (
        power_sentence(members, scenario.required, chapter, CURRENT),
        obliged_sentence(members, names, matter, chapter, CURRENT),
    )
    return {
        "power": {
            "report": report,
            "bars": _bars(report.members),
            "sentence": " ".join(s for s in sentences if s),
            "path_sentence": path_sentence(report.path, names, CURRENT),
            "pivotal_names": join_names(report.path.pivotal, names, CURRENT),
            "what_ifs": what_ifs,
            "matter": report.matter.value,
        }
    }
