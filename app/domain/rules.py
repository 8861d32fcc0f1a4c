"""Article 27 of the Charter: how a vote of the Council is decided, and why.

``decide`` is the whole engine. It counts only "yes" votes toward the threshold (nine of
fifteen today); on a substantive matter a permanent member's "no" is a veto, while its
abstention or absence is not; on a procedural matter nobody has a veto. It also says
whether undecided members can still change the result, and which of them could.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from app.domain.errors import InvalidScenario, Problem
from app.domain.scenario import CHARTER_THRESHOLD, Member, Scenario
from app.domain.votes import Matter, OutcomeKind, Vote


class Counts(BaseModel):
    """How many members stand where, after Art. 27(3) parties are counted as abstaining."""

    model_config = ConfigDict(frozen=True)

    yes: int = 0
    no: int = 0
    abstain: int = 0
    absent: int = 0
    undecided: int = 0


class Outcome(BaseModel):
    """The result of a vote, in the shape the CLI, the API and the pages share."""

    model_config = ConfigDict(frozen=True)

    outcome: OutcomeKind
    matter: Matter
    required: int
    counts: Counts
    vetoed_by: list[str]
    needed: int
    pivotal: list[str]
    explanation: str


def _names(members: Sequence[Member]) -> str:
    names = [m.name for m in members]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _votes_word(n: int) -> str:
    return f"{n} vote{'' if n == 1 else 's'} in favour"


def effective_votes(members: Sequence[Member], votes: Mapping[str, Vote], matter: Matter) -> dict[str, Vote]:
    """Each member's vote as the Charter counts it: a party to the dispute abstains on substantive matters."""
    codes = {m.code for m in members}
    unknown = [code for code in votes if code not in codes]
    if unknown:
        raise InvalidScenario(
            [Problem(("votes", code), "is not the code of a member of this council") for code in unknown]
        )
    result: dict[str, Vote] = {}
    for member in members:
        vote = votes.get(member.code, Vote.UNDECIDED)
        if member.party_to_dispute and matter is Matter.SUBSTANTIVE:
            vote = Vote.ABSTAIN
        result[member.code] = vote
    return result


def decide(
    members: Sequence[Member],
    votes: Mapping[str, Vote],
    matter: Matter,
    required: int = CHARTER_THRESHOLD,
) -> Outcome:
    """Apply Article 27: ``required`` "yes" votes; on substantive matters a permanent "no" vetoes."""
    cast = effective_votes(members, votes, matter)
    counts = Counts(**{v.value: sum(1 for c in cast.values() if c is v) for v in Vote})
    substantive = matter is Matter.SUBSTANTIVE

    def having(vote: Vote, *, permanent: bool | None = None) -> list[Member]:
        return [m for m in members if cast[m.code] is vote and (permanent is None or m.permanent == permanent)]

    vetoers = having(Vote.NO, permanent=True) if substantive else []
    undecided = having(Vote.UNDECIDED)
    undecided_permanent = [m for m in undecided if m.permanent] if substantive else []
    yes = counts.yes
    needed = max(0, required - yes)

    can_pass = not vetoers and yes + len(undecided) >= required
    sure_to_pass = not vetoers and yes >= required and not undecided_permanent
    if sure_to_pass:
        kind = OutcomeKind.ADOPTED
    elif not can_pass:
        kind = OutcomeKind.NOT_ADOPTED
    else:
        kind = OutcomeKind.PENDING

    pivotal: list[Member] = []
    if kind is OutcomeKind.PENDING:
        # A permanent member's "no" alone would settle it; anyone else matters only while
        # the count of "yes" votes can still land on either side of the threshold.
        count_open = yes < required <= yes + len(undecided)
        pivotal = [m for m in undecided if (m.permanent and substantive) or count_open]

    article = "Art. 27(3)" if substantive else "Art. 27(2)"
    kind_of = "a substantive decision" if substantive else "a procedural decision"
    sentences: list[str] = []
    if vetoers:
        verb = "was" if len(vetoers) == 1 else "were"
        if yes >= required:
            sentences.append(
                f"Not adopted: {_votes_word(yes)} reach the {required} required, but {_names(vetoers)} voted against; "
                f'on a substantive matter a permanent member\'s "no" is a veto ({article}).'
            )
        else:
            sentences.append(
                f"Not adopted: {_names(vetoers)} voted against, and on a substantive matter a permanent member's "
                f'"no" is a veto ({article}); {_votes_word(yes)} {verb} in any case short of the {required} required.'
            )
    elif kind is OutcomeKind.ADOPTED:
        sentences.append(f"Adopted: {_votes_word(yes)} reach the {required} required for {kind_of} ({article}).")
    elif kind is OutcomeKind.NOT_ADOPTED:
        sentences.append(
            f"Not adopted: {_votes_word(yes)}, {needed} short of the {required} required for {kind_of} ({article})."
        )
        if counts.abstain or counts.absent:
            sentences.append(
                f'Abstentions and absences are not votes in favour: {required} "yes" votes are needed however many attend.'
            )
    else:
        sentences.append(f"Pending: {yes} of {required} votes in favour so far, {needed} more needed ({article}).")
        if undecided_permanent:
            sentences.append(
                f"{_names(undecided_permanent)} (permanent) {'has' if len(undecided_permanent) == 1 else 'have'} not voted: "
                'a "no" would be a veto, an abstention would not.'
            )
        elif pivotal:
            sentences.append(f"{_names(pivotal)} can still decide it.")

    permanent_no = having(Vote.NO, permanent=True)
    if not substantive and permanent_no:
        sentences.append(
            f"{_names(permanent_no)} voted against, but on a procedural matter no member has a veto: "
            'a permanent member\'s "no" is one vote against, nothing more.'
        )
    if substantive and not vetoers:
        abstaining = having(Vote.ABSTAIN, permanent=True)
        absent = having(Vote.ABSENT, permanent=True)
        if abstaining or absent:
            sentences.append(
                f"The {'abstention' if abstaining else 'absence'} of {_names(abstaining + absent)} is not a veto: "
                "the Council has always treated a permanent member's abstention or absence as no bar to adoption "
                "(ICJ, Namibia advisory opinion, 1971)."
            )
    parties = [m for m in members if m.party_to_dispute]
    if parties:
        are = "is a party" if len(parties) == 1 else "are parties"
        if substantive:
            sentences.append(
                f"{_names(parties)} {are} to the dispute and must abstain under Art. 27(3), so {'it is' if len(parties) == 1 else 'they are'} counted as abstaining."
            )
        else:
            sentences.append(
                f"{_names(parties)} {are} to the dispute, but the duty to abstain in Art. 27(3) concerns substantive decisions, so {'its vote counts' if len(parties) == 1 else 'their votes count'} as cast."
            )

    return Outcome(
        outcome=kind,
        matter=matter,
        required=required,
        counts=counts,
        vetoed_by=[m.code for m in vetoers],
        needed=needed,
        pivotal=[m.code for m in pivotal],
        explanation=" ".join(sentences),
    )


def tally(scenario: Scenario, votes: Mapping[str, Vote] | None = None) -> Outcome:
    """Decide a scenario with the votes given, or with each member's starting vote."""
    return decide(
        scenario.members, scenario.starting_votes if votes is None else votes, scenario.matter, scenario.required
    )


PENDING_HEADLINE = "Not decided yet"


def headline(scenario: Scenario, outcome: Outcome) -> str:
    """The result in the scenario's own words ("The meeting convenes"), or that it is still open."""
    if outcome.outcome is OutcomeKind.ADOPTED:
        return scenario.verdict.adopted
    if outcome.outcome is OutcomeKind.NOT_ADOPTED:
        return scenario.verdict.not_adopted
    return PENDING_HEADLINE
