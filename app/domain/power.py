"""Voting power on a council: exact Shapley-Shubik and Banzhaf indices, the path to adoption, and what-ifs.

The council is a simple game: a set of members voting "yes" wins when it reaches the threshold
and, on a substantive matter, includes every permanent member (Art. 27(3)). A party that must
abstain (Chapter VI or Art. 52(3)) takes no part in the game: it has no power, and its
concurrence is not needed. Power is a property of the rules, not of the votes cast.

Every member of one kind (permanent or elected) is interchangeable, so coalitions are counted by
how many of each kind they hold, with binomial coefficients, never by listing them: a 60-seat
council takes a few thousand integer operations. All arithmetic is exact (integers, fractions).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import comb, factorial

from pydantic import BaseModel, ConfigDict, Field

from app.domain.rules import (
    decide,
    effective_votes,
    join_names,
    obliged_to_abstain,
    outcome_from_counts,
)
from app.domain.scenario import CHARTER_THRESHOLD, Member, Scenario
from app.domain.text import ENGLISH, Translator
from app.domain.votes import Chapter, Matter, OutcomeKind, Vote


@dataclass(frozen=True)
class Game:
    """Who takes part and what wins: ``permanent`` and ``elected`` voting members, ``required`` "yes"."""

    permanent: int
    elected: int
    required: int
    veto: bool

    @property
    def players(self) -> int:
        return self.permanent + self.elected

    def wins(self, permanent: int, elected: int) -> bool:
        """Whether a coalition with this many permanent and elected members voting "yes" carries it."""
        return permanent + elected >= self.required and (not self.veto or permanent == self.permanent)


@dataclass(frozen=True)
class KindPower:
    """The power of one member of a kind: swings, and the exact indices."""

    swings: int
    shapley_shubik: Fraction
    banzhaf_absolute: Fraction


def game_for(members: Sequence[Member], matter: Matter, required: int, chapter: Chapter | None = None) -> Game:
    """The game a council plays on this matter; members obliged to abstain sit out."""
    voting = [m for m in members if not obliged_to_abstain(m, matter, chapter)]
    permanent = sum(m.permanent for m in voting)
    return Game(permanent, len(voting) - permanent, required, veto=matter is Matter.SUBSTANTIVE)


def kind_power(game: Game, *, permanent: bool) -> KindPower:
    """Swings and indices of one member of the given kind, counting coalitions by their make-up.

    A swing is a coalition without the member that loses, and wins once the member joins. Its
    Shapley-Shubik weight is s!(n-s-1)!/n! for a coalition of s members out of n players.
    """
    if (game.permanent if permanent else game.elected) == 0:
        return KindPower(0, Fraction(0), Fraction(0))
    n = game.players
    other_permanent = game.permanent - permanent
    other_elected = game.elected - (not permanent)
    swings = 0
    weighted = 0
    for p in range(other_permanent + 1):
        for e in range(other_elected + 1):
            joined = (p + 1, e) if permanent else (p, e + 1)
            if game.wins(*joined) and not game.wins(p, e):
                count = comb(other_permanent, p) * comb(other_elected, e)
                swings += count
                weighted += count * factorial(p + e) * factorial(n - p - e - 1)
    return KindPower(swings, Fraction(weighted, factorial(n)), Fraction(swings, 2 ** (n - 1)))


class MemberPower(BaseModel):
    """One member's share of the voting power; the exact values as fractions in ``*_exact``."""

    model_config = ConfigDict(frozen=True)

    code: str
    shapley_shubik: float = Field(description="Chance of casting the deciding vote, members joining in random order.")
    banzhaf: float = Field(description="This member's share of all swings (normalised Banzhaf index).")
    banzhaf_absolute: float = Field(description="Swings divided by the 2^(n-1) coalitions of the other players.")
    swings: int = Field(description="Losing coalitions of the others that this member's 'yes' turns into winning ones.")
    name: str
    permanent: bool
    obliged_to_abstain: bool
    shapley_shubik_exact: str
    banzhaf_exact: str
    banzhaf_absolute_exact: str


@dataclass(frozen=True)
class Indices:
    """The indices of every member of a council, exactly."""

    game: Game
    permanent: KindPower
    elected: KindPower

    @property
    def total_swings(self) -> int:
        return self.game.permanent * self.permanent.swings + self.game.elected * self.elected.swings

    def of(self, member: Member, voting: bool) -> KindPower:
        if not voting:
            return KindPower(0, Fraction(0), Fraction(0))
        return self.permanent if member.permanent else self.elected

    def banzhaf(self, power: KindPower) -> Fraction:
        return Fraction(power.swings, self.total_swings) if self.total_swings else Fraction(0)


def indices(
    members: Sequence[Member], matter: Matter, required: int = CHARTER_THRESHOLD, chapter: Chapter | None = None
) -> Indices:
    """Shapley-Shubik and Banzhaf power of each kind of member on this council and matter."""
    game = game_for(members, matter, required, chapter)
    return Indices(game, kind_power(game, permanent=True), kind_power(game, permanent=False))


def member_powers(
    members: Sequence[Member], matter: Matter, required: int = CHARTER_THRESHOLD, chapter: Chapter | None = None
) -> list[MemberPower]:
    """Each member's power, in council order; a member obliged to abstain has none."""
    found = indices(members, matter, required, chapter)
    result = []
    for member in members:
        voting = not obliged_to_abstain(member, matter, chapter)
        power = found.of(member, voting)
        banzhaf = found.banzhaf(power)
        result.append(
            MemberPower(
                code=member.code,
                shapley_shubik=float(power.shapley_shubik),
                banzhaf=float(banzhaf),
                banzhaf_absolute=float(power.banzhaf_absolute),
                swings=power.swings,
                name=member.name,
                permanent=member.permanent,
                obliged_to_abstain=not voting,
                shapley_shubik_exact=str(power.shapley_shubik),
                banzhaf_exact=str(banzhaf),
                banzhaf_absolute_exact=str(power.banzhaf_absolute),
            )
        )
    return result


# The path to adoption, given the votes already cast.


class PathToAdoption(BaseModel):
    """What the undecided members can still do: the fewest "yes" votes that adopt, the fewest that block."""

    model_config = ConfigDict(frozen=True)

    outcome: OutcomeKind
    needed: int
    undecided: list[str]
    pivotal: list[str]
    # Adoption: any ``needed`` of ``undecided`` voting "yes", while no member of ``must_not_veto`` votes "no".
    must_not_veto: list[str]
    # Defeat: any ``blocking`` of ``undecided`` withholding "yes", or any one of ``must_not_veto`` voting "no".
    blocking: int


def path_to_adoption(
    members: Sequence[Member],
    votes: Mapping[str, Vote],
    matter: Matter,
    required: int = CHARTER_THRESHOLD,
    chapter: Chapter | None = None,
) -> PathToAdoption:
    """The smallest sets of undecided members that would settle the vote either way."""
    outcome = decide(members, votes, matter, required, chapter)
    cast = effective_votes(members, votes, matter, chapter)
    undecided = [m for m in members if cast[m.code] is Vote.UNDECIDED]
    open_ = outcome.outcome is OutcomeKind.PENDING
    vetoers = [m.code for m in undecided if m.permanent and matter is Matter.SUBSTANTIVE] if open_ else []
    can_fall_short = open_ and outcome.needed > 0
    return PathToAdoption(
        outcome=outcome.outcome,
        needed=outcome.needed if open_ else 0,
        undecided=[m.code for m in undecided],
        pivotal=outcome.pivotal,
        must_not_veto=vetoers,
        blocking=len(undecided) - outcome.needed + 1 if can_fall_short else 0,
    )


# What would have happened had each member voted otherwise.

ALTERNATIVES = (Vote.YES, Vote.NO, Vote.ABSTAIN)


class Alternative(BaseModel):
    """One other way a member could have voted, and the outcome it would have given."""

    model_config = ConfigDict(frozen=True)

    vote: Vote
    outcome: OutcomeKind


class WhatIf(BaseModel):
    """For a member that has voted: the outcome had it voted each other way."""

    model_config = ConfigDict(frozen=True)

    code: str
    cast: Vote
    outcome: OutcomeKind
    alternatives: list[Alternative]
    changes: bool


@dataclass(frozen=True)
class _Tally:
    """The four numbers an outcome depends on (see ``outcome_from_counts``)."""

    yes: int = 0
    undecided: int = 0
    vetoes: int = 0
    undecided_vetoers: int = 0

    def add(self, vote: Vote, vetoer: bool, sign: int = 1) -> _Tally:
        return _Tally(
            self.yes + sign * (vote is Vote.YES),
            self.undecided + sign * (vote is Vote.UNDECIDED),
            self.vetoes + sign * (vetoer and vote is Vote.NO),
            self.undecided_vetoers + sign * (vetoer and vote is Vote.UNDECIDED),
        )

    def outcome(self, required: int) -> OutcomeKind:
        return outcome_from_counts(self.yes, self.undecided, self.vetoes, self.undecided_vetoers, required)


def what_ifs(
    members: Sequence[Member],
    votes: Mapping[str, Vote],
    matter: Matter,
    required: int = CHARTER_THRESHOLD,
    chapter: Chapter | None = None,
) -> list[WhatIf]:
    """Each member with a cast vote, voting yes, no or abstaining instead (absence counts as abstention).

    One count of the council, then each change applied to it: linear in the number of members.
    """
    cast = effective_votes(members, votes, matter, chapter)
    substantive = matter is Matter.SUBSTANTIVE
    total = _Tally()
    for member in members:
        total = total.add(cast[member.code], substantive and member.permanent)
    actual = total.outcome(required)
    result = []
    for member in members:
        given = votes.get(member.code, Vote.UNDECIDED)
        if given is Vote.UNDECIDED:
            continue
        vetoer = substantive and member.permanent
        without = total.add(cast[member.code], vetoer, -1)
        alternatives = []
        for other in ALTERNATIVES:
            if other is given:
                continue
            counted = Vote.ABSTAIN if obliged_to_abstain(member, matter, chapter) else other
            alternatives.append(Alternative(vote=other, outcome=without.add(counted, vetoer).outcome(required)))
        changes = any(a.outcome is not actual for a in alternatives)
        result.append(WhatIf(code=member.code, cast=given, outcome=actual, alternatives=alternatives, changes=changes))
    return result


# In words.


def _ratio_words(ratio: Fraction) -> str:
    return str(round(ratio)) if ratio >= 10 else f"{float(ratio):.1f}".removesuffix(".0")


def power_sentence(
    members: Sequence[Member],
    required: int = CHARTER_THRESHOLD,
    chapter: Chapter | None = None,
    translate: Translator = ENGLISH,
) -> str:
    """A plain comparison of the two kinds of seat on a draft resolution and on a procedural vote."""
    t = translate
    substantive = indices(members, Matter.SUBSTANTIVE, required, chapter)
    procedural = t.gettext("on a procedural vote all %(count)d members are equal.") % {"count": len(members)}
    permanent, elected = substantive.permanent.shapley_shubik, substantive.elected.shapley_shubik
    if not substantive.game.permanent or not substantive.game.elected:
        first = t.gettext("On a draft resolution every member who may vote holds the same voting power, and")
    elif elected == 0:
        first = t.gettext("On a draft resolution an elected member holds no voting power at all;")
    else:
        first = t.gettext(
            "On a draft resolution a permanent member holds about %(ratio)s times the voting power of an elected one;"
        ) % {"ratio": _ratio_words(permanent / elected)}
    return f"{first} {procedural}"


def obliged_sentence(
    members: Sequence[Member],
    names: Mapping[str, str],
    matter: Matter,
    chapter: Chapter | None,
    translate: Translator = ENGLISH,
) -> str:
    """Who holds no power because the proviso of Art. 27(3) obliges it to abstain; empty if nobody."""
    obliged = [m.code for m in members if obliged_to_abstain(m, matter, chapter)]
    if not obliged:
        return ""
    return translate.ngettext(
        "%(names)s, a party to the dispute, must abstain (Art. 27(3), proviso) and holds no voting power here.",
        "%(names)s, parties to the dispute, must abstain (Art. 27(3), proviso) and hold no voting power here.",
        len(obliged),
    ) % {"names": join_names(obliged, names, translate)}


def _adoption_sentences(path: PathToAdoption, names: Mapping[str, str], t: Translator) -> list[str]:
    count = len(path.undecided)
    values = {"needed": path.needed, "count": count, "names": join_names(path.undecided, names, t)}
    if path.needed == count:
        return [
            t.ngettext(
                'The path to adoption: %(names)s voting "yes" would adopt it; without that vote it fails.',
                'The path to adoption: all %(count)d of %(names)s would have to vote "yes"; '
                "if any of them does not, it fails.",
                count,
            )
            % values
        ]
    return [
        t.ngettext(
            'The path to adoption: any %(needed)d of these %(count)d voting "yes" would adopt it: %(names)s.',
            'The path to adoption: any %(needed)d of these %(count)d voting "yes" would adopt it: %(names)s.',
            path.needed,
        )
        % values,
        t.ngettext(
            'Any %(blocking)d of them not voting "yes" would defeat it.',
            'Any %(blocking)d of them not voting "yes" would defeat it.',
            path.blocking,
        )
        % {"blocking": path.blocking},
    ]


def path_sentence(path: PathToAdoption, names: Mapping[str, str], translate: Translator = ENGLISH) -> str:
    """The path to adoption in words: "any 1 of these 6 voting yes would adopt it"."""
    t = translate
    if path.outcome is not OutcomeKind.PENDING:
        return t.gettext("The result is settled: no undecided member can change it.")
    sentences = _adoption_sentences(path, names, t) if path.needed else [t.gettext("Enough votes in favour are there.")]
    if path.must_not_veto:
        sentences.append(
            t.gettext('A "no" from %(names)s would be a veto.') % {"names": join_names(path.must_not_veto, names, t)}
        )
    return " ".join(sentences)


def _had_voted(name: str, way: str, outcome: OutcomeKind, t: Translator) -> str:
    values = {"name": name, "way": way}
    if outcome is OutcomeKind.ADOPTED:
        return t.gettext("had %(name)s %(way)s, it would have been adopted") % values
    if outcome is OutcomeKind.NOT_ADOPTED:
        return t.gettext("had %(name)s %(way)s, it would not have been adopted") % values
    return t.gettext("had %(name)s %(way)s, it would still be open") % values


def what_if_sentence(what_if: WhatIf, names: Mapping[str, str], translate: Translator = ENGLISH) -> str:
    """The alternatives that would have changed the outcome, in words; empty if none would."""
    t = translate
    ways = {Vote.YES: t.gettext('voted "yes"'), Vote.NO: t.gettext('voted "no"'), Vote.ABSTAIN: t.gettext("abstained")}
    name = names.get(what_if.code, what_if.code)
    parts = [
        _had_voted(name, ways[a.vote], a.outcome, t) for a in what_if.alternatives if a.outcome is not what_if.outcome
    ]
    if not parts:
        return ""
    text = t.gettext("%(clauses)s.") % {"clauses": "; ".join(parts)}
    return text[:1].upper() + text[1:]


class PowerReport(BaseModel):
    """Voting power on the scenario's council and matter, and what the votes so far leave open."""

    model_config = ConfigDict(frozen=True)

    matter: Matter
    seats: int
    required: int
    members: list[MemberPower]
    chapter: Chapter | None
    outcome: OutcomeKind
    sentence: str
    path: PathToAdoption
    path_sentence: str
    what_ifs: list[WhatIf]


def power_report(
    scenario: Scenario, votes: Mapping[str, Vote] | None = None, translate: Translator = ENGLISH
) -> PowerReport:
    """Everything about power for a scenario, with its starting votes unless ``votes`` is given; its sentences
    in the language of ``translate`` (English by default)."""
    cast = scenario.starting_votes if votes is None else dict(votes)
    members, matter, required, chapter = scenario.members, scenario.matter, scenario.required, scenario.chapter
    names = {m.code: m.name for m in members}
    path = path_to_adoption(members, cast, matter, required, chapter)
    sentence = " ".join(
        s
        for s in (
            power_sentence(members, required, chapter, translate),
            obliged_sentence(members, names, matter, chapter, translate),
        )
        if s
    )
    return PowerReport(
        matter=matter,
        seats=len(members),
        required=required,
        members=member_powers(members, matter, required, chapter),
        chapter=chapter,
        outcome=path.outcome,
        sentence=sentence,
        path=path,
        path_sentence=path_sentence(path, names, translate),
        what_ifs=what_ifs(members, cast, matter, required, chapter),
    )
