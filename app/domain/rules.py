"""Article 27 of the Charter: how a vote of the Council is decided, and why.

``decide`` applies the rules. It counts only "yes" votes toward the threshold (nine of fifteen
today); on a substantive matter a permanent member's "no" is a veto, while its abstention,
absence or non-participation is not; on a procedural matter nobody has a veto. A party to a
dispute must abstain only in decisions under Chapter VI or Article 52(3). ``decide`` also says
whether undecided members can still change the result, and which of them could.

Deciding and explaining are separate: ``decide`` records *why* as a tuple of ``Reason`` values
(which rule, which members, which numbers), and ``explain`` turns them into sentences. Every
sentence goes whole through gettext-like callables with named placeholders, so a message
extractor (Babel; keywords ``_``, ``gettext``, ``ngettext``) finds it and a catalog can give it
in another language. By default the text is English.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from app.domain.errors import InvalidScenario, Problem
from app.domain.scenario import CHARTER_THRESHOLD, Member, Scenario
from app.domain.text import ENGLISH, N_, Translator
from app.domain.votes import Chapter, Matter, OutcomeKind, Vote

# The proviso of Art. 27(3): "in decisions under Chapter VI, and under paragraph 3 of Article 52,
# a party to a dispute shall abstain from voting".
OBLIGING_CHAPTERS = frozenset({Chapter.VI, Chapter.ART_52_3})
# Votes that are no vote at all: the member is not there to abstain.
_NOT_VOTING = frozenset({Vote.ABSENT, Vote.NOT_PARTICIPATING})


ReasonKind = Literal[
    "vetoed",
    "adopted",
    "short",
    "bar_not_lowered",
    "pending",
    "permanent_undecided",
    "can_decide",
    "no_veto_on_procedure",
    "abstention_not_veto",
    "absence_not_veto",
    "non_participation_not_veto",
    "party_must_abstain",
    "party_votes_procedural",
    "party_votes_chapter",
    "party_votes_chapter_unknown",
]


@dataclass(frozen=True)
class Reason:
    """One step of the decision as data: which rule applied, to which members, with which numbers."""

    kind: ReasonKind
    members: tuple[str, ...] = ()
    yes: int = 0
    required: int = 0
    needed: int = 0
    matter: Matter = Matter.PROCEDURAL
    chapter: Chapter | None = None


class Counts(BaseModel):
    """How many members stand where, after parties obliged to abstain (Art. 27(3)) are counted as abstaining."""

    model_config = ConfigDict(frozen=True)

    yes: int = 0
    no: int = 0
    abstain: int = 0
    absent: int = 0
    not_participating: int = 0
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
    # Why, as data (see ``explain``); never part of the JSON.
    reasons: SkipJsonSchema[tuple[Reason, ...]] = Field(default=(), exclude=True, repr=False)


def obliged_to_abstain(member: Member, matter: Matter, chapter: Chapter | None) -> bool:
    """Whether the proviso of Art. 27(3) binds this member: a party, a substantive decision, Chapter VI or 52(3)."""
    return member.party_to_dispute and matter is Matter.SUBSTANTIVE and chapter in OBLIGING_CHAPTERS


def effective_votes(
    members: Sequence[Member], votes: Mapping[str, Vote], matter: Matter, chapter: Chapter | None = None
) -> dict[str, Vote]:
    """Each member's vote as the Charter counts it: a party obliged to abstain is counted as abstaining."""
    codes = {m.code for m in members}
    unknown = [code for code in votes if code not in codes]
    if unknown:
        raise InvalidScenario(
            [Problem(("votes", code), N_("is not the code of a member of this council")) for code in unknown]
        )
    result: dict[str, Vote] = {}
    for member in members:
        vote = votes.get(member.code, Vote.UNDECIDED)
        if obliged_to_abstain(member, matter, chapter) and vote not in _NOT_VOTING:
            vote = Vote.ABSTAIN
        result[member.code] = vote
    return result


@dataclass(frozen=True)
class _Ballot:
    """The votes as counted, with the questions the rules ask of them."""

    members: Sequence[Member]
    cast: Mapping[str, Vote]
    matter: Matter
    required: int

    @property
    def substantive(self) -> bool:
        return self.matter is Matter.SUBSTANTIVE

    def having(self, vote: Vote, *, permanent: bool | None = None) -> tuple[str, ...]:
        return tuple(
            m.code
            for m in self.members
            if self.cast[m.code] is vote and (permanent is None or m.permanent == permanent)
        )

    def counts(self) -> Counts:
        return Counts(**{v.value: sum(1 for c in self.cast.values() if c is v) for v in Vote})


def outcome_from_counts(yes: int, undecided: int, vetoes: int, undecided_vetoers: int, required: int) -> OutcomeKind:
    """The outcome from the counts alone: ``vetoes`` and ``undecided_vetoers`` are permanent members
    voting "no" and undecided on a substantive matter (always 0 on a procedural one)."""
    if not vetoes and yes >= required and not undecided_vetoers:
        return OutcomeKind.ADOPTED
    if vetoes or yes + undecided < required:
        return OutcomeKind.NOT_ADOPTED
    return OutcomeKind.PENDING


def _outcome_kind(ballot: _Ballot, vetoers: tuple[str, ...], yes: int) -> OutcomeKind:
    undecided = ballot.having(Vote.UNDECIDED)
    undecided_permanent = ballot.having(Vote.UNDECIDED, permanent=True) if ballot.substantive else ()
    return outcome_from_counts(yes, len(undecided), len(vetoers), len(undecided_permanent), ballot.required)


def _pivotal(ballot: _Ballot, yes: int) -> tuple[str, ...]:
    # A permanent member's "no" alone would settle a substantive vote; anyone else matters only
    # while the count of "yes" votes can still land on either side of the threshold.
    undecided = ballot.having(Vote.UNDECIDED)
    count_open = yes < ballot.required <= yes + len(undecided)
    permanent = set(ballot.having(Vote.UNDECIDED, permanent=True)) if ballot.substantive else set()
    return tuple(code for code in undecided if code in permanent or count_open)


def _verdict_reasons(
    ballot: _Ballot, kind: OutcomeKind, vetoers: tuple[str, ...], counts: Counts, pivotal: tuple[str, ...]
) -> list[Reason]:
    def reason(kind: ReasonKind, members: tuple[str, ...] = ()) -> Reason:
        required = ballot.required
        return Reason(kind, members, counts.yes, required, max(0, required - counts.yes), ballot.matter)

    if vetoers:
        return [reason("vetoed", vetoers)]
    if kind is OutcomeKind.ADOPTED:
        return [reason("adopted")]
    if kind is OutcomeKind.NOT_ADOPTED:
        reasons = [reason("short")]
        if counts.abstain or counts.absent or counts.not_participating:
            reasons.append(reason("bar_not_lowered"))
        return reasons
    reasons = [reason("pending")]
    undecided_permanent = ballot.having(Vote.UNDECIDED, permanent=True) if ballot.substantive else ()
    if undecided_permanent:
        reasons.append(reason("permanent_undecided", undecided_permanent))
    elif pivotal:
        reasons.append(reason("can_decide", pivotal))
    return reasons


def _veto_reasons(ballot: _Ballot, vetoers: tuple[str, ...], chapter: Chapter | None) -> list[Reason]:
    if not ballot.substantive:
        permanent_no = ballot.having(Vote.NO, permanent=True)
        return [Reason("no_veto_on_procedure", permanent_no)] if permanent_no else []
    if vetoers:
        return []
    obliged = {m.code for m in ballot.members if obliged_to_abstain(m, ballot.matter, chapter)}
    voluntary = tuple(c for c in ballot.having(Vote.ABSTAIN, permanent=True) if c not in obliged)
    candidates: tuple[tuple[ReasonKind, tuple[str, ...]], ...] = (
        ("abstention_not_veto", voluntary),
        ("absence_not_veto", ballot.having(Vote.ABSENT, permanent=True)),
        ("non_participation_not_veto", ballot.having(Vote.NOT_PARTICIPATING, permanent=True)),
    )
    return [Reason(kind, members, matter=ballot.matter) for kind, members in candidates if members]


def _party_reasons(members: Sequence[Member], matter: Matter, chapter: Chapter | None) -> list[Reason]:
    parties = tuple(m.code for m in members if m.party_to_dispute)
    if not parties:
        return []
    if matter is Matter.PROCEDURAL:
        return [Reason("party_votes_procedural", parties, matter=matter)]
    if chapter in OBLIGING_CHAPTERS:
        return [Reason("party_must_abstain", parties, matter=matter, chapter=chapter)]
    if chapter is None:
        return [Reason("party_votes_chapter_unknown", parties, matter=matter)]
    return [Reason("party_votes_chapter", parties, matter=matter, chapter=chapter)]


def decide(
    members: Sequence[Member],
    votes: Mapping[str, Vote],
    matter: Matter,
    required: int = CHARTER_THRESHOLD,
    chapter: Chapter | None = None,
) -> Outcome:
    """Apply Article 27: ``required`` "yes" votes; on substantive matters a permanent "no" vetoes.

    ``chapter`` matters only for a party to the dispute: it must abstain on a substantive decision
    under Chapter VI or Article 52(3), and votes like any member otherwise. The outcome carries its
    ``reasons`` as data and, in ``explanation``, the same reasons in English.
    """
    ballot = _Ballot(members, effective_votes(members, votes, matter, chapter), matter, required)
    counts = ballot.counts()
    vetoers = ballot.having(Vote.NO, permanent=True) if ballot.substantive else ()
    kind = _outcome_kind(ballot, vetoers, counts.yes)
    pivotal = _pivotal(ballot, counts.yes) if kind is OutcomeKind.PENDING else ()
    reasons = (
        *_verdict_reasons(ballot, kind, vetoers, counts, pivotal),
        *_veto_reasons(ballot, vetoers, chapter),
        *_party_reasons(members, matter, chapter),
    )
    return Outcome(
        outcome=kind,
        matter=matter,
        required=required,
        counts=counts,
        vetoed_by=list(vetoers),
        needed=max(0, required - counts.yes),
        pivotal=list(pivotal),
        explanation=explain(reasons, {m.code: m.name for m in members}),
        reasons=reasons,
    )


def tally(scenario: Scenario, votes: Mapping[str, Vote] | None = None) -> Outcome:
    """Decide a scenario with the votes given, or with each member's starting vote."""
    return decide(
        scenario.members,
        scenario.starting_votes if votes is None else votes,
        scenario.matter,
        scenario.required,
        scenario.chapter,
    )


# Explaining: one function per kind of reason, each sentence a whole message with named placeholders.


def join_names(codes: Sequence[str], names: Mapping[str, str], t: Translator = ENGLISH) -> str:
    """ "A", "A and B", "A, B and C": the members' names (their codes where a name is unknown)."""
    shown = [names.get(code, code) for code in codes]
    if len(shown) <= 1:
        return "".join(shown)
    # Translators: what separates the names of a list ("France, Ghana and Japan"): "、" in Chinese, "، " in Arabic.
    separator = t.gettext(", ")
    return t.gettext("%(names)s and %(last)s") % {"names": separator.join(shown[:-1]), "last": shown[-1]}


def chapter_phrase(chapter: Chapter | None, t: Translator = ENGLISH) -> str:
    """The chapter of a decision as a sentence names it."""
    if chapter is Chapter.VI:
        return t.gettext("Chapter VI")
    if chapter is Chapter.VII:
        return t.gettext("Chapter VII")
    if chapter is Chapter.ART_52_3:
        return t.gettext("Article 52(3)")
    return t.gettext("another part of the Charter")


def _vetoed(r: Reason, who: str, t: Translator) -> str:
    values = {"names": who, "yes": r.yes, "required": r.required}
    if r.yes >= r.required:
        return (
            t.ngettext(
                "Not adopted: %(yes)d vote in favour reaches the %(required)d required, but %(names)s voted against; "
                'on a substantive matter a permanent member\'s "no" is a veto (Art. 27(3)).',
                "Not adopted: %(yes)d votes in favour reach the %(required)d required, but %(names)s voted against; "
                'on a substantive matter a permanent member\'s "no" is a veto (Art. 27(3)).',
                r.yes,
            )
            % values
        )
    return (
        t.ngettext(
            'Not adopted: %(names)s voted against, and on a substantive matter a permanent member\'s "no" is a veto '
            "(Art. 27(3)); %(yes)d vote in favour was in any case short of the %(required)d required.",
            'Not adopted: %(names)s voted against, and on a substantive matter a permanent member\'s "no" is a veto '
            "(Art. 27(3)); %(yes)d votes in favour were in any case short of the %(required)d required.",
            r.yes,
        )
        % values
    )


def _adopted(r: Reason, _who: str, t: Translator) -> str:
    values = {"yes": r.yes, "required": r.required}
    if r.matter is Matter.SUBSTANTIVE:
        return (
            t.ngettext(
                "Adopted: %(yes)d vote in favour reaches the %(required)d required for a substantive decision, "
                'and no permanent member\'s vote counts as a "no" (Art. 27(3)).',
                "Adopted: %(yes)d votes in favour reach the %(required)d required for a substantive decision, "
                'and no permanent member\'s vote counts as a "no" (Art. 27(3)).',
                r.yes,
            )
            % values
        )
    return (
        t.ngettext(
            "Adopted: %(yes)d vote in favour reaches the %(required)d required for a procedural decision (Art. 27(2)).",
            "Adopted: %(yes)d votes in favour reach the %(required)d required for a procedural decision (Art. 27(2)).",
            r.yes,
        )
        % values
    )


def _short(r: Reason, _who: str, t: Translator) -> str:
    values = {"yes": r.yes, "needed": r.needed, "required": r.required}
    if r.matter is Matter.SUBSTANTIVE:
        return (
            t.ngettext(
                "Not adopted: %(yes)d vote in favour, %(needed)d short of the %(required)d required "
                "for a substantive decision (Art. 27(3)).",
                "Not adopted: %(yes)d votes in favour, %(needed)d short of the %(required)d required "
                "for a substantive decision (Art. 27(3)).",
                r.yes,
            )
            % values
        )
    return (
        t.ngettext(
            "Not adopted: %(yes)d vote in favour, %(needed)d short of the %(required)d required "
            "for a procedural decision (Art. 27(2)).",
            "Not adopted: %(yes)d votes in favour, %(needed)d short of the %(required)d required "
            "for a procedural decision (Art. 27(2)).",
            r.yes,
        )
        % values
    )


def _bar_not_lowered(r: Reason, _who: str, t: Translator) -> str:
    return t.gettext(
        "Abstentions, absences and members not participating are not votes in favour: "
        '%(required)d "yes" votes are needed however many take part.'
    ) % {"required": r.required}


def _pending(r: Reason, _who: str, t: Translator) -> str:
    values = {"yes": r.yes, "needed": r.needed, "required": r.required}
    if r.matter is Matter.SUBSTANTIVE:
        return (
            t.gettext("Pending: %(yes)d of %(required)d votes in favour so far, %(needed)d more needed (Art. 27(3)).")
            % values
        )
    return (
        t.gettext("Pending: %(yes)d of %(required)d votes in favour so far, %(needed)d more needed (Art. 27(2)).")
        % values
    )


def _permanent_undecided(r: Reason, who: str, t: Translator) -> str:
    return t.ngettext(
        '%(names)s (permanent) has not voted: a "no" would be a veto, an abstention would not.',
        '%(names)s (permanent) have not voted: a "no" would be a veto, an abstention would not.',
        len(r.members),
    ) % {"names": who}


def _can_decide(_r: Reason, who: str, t: Translator) -> str:
    return t.gettext("%(names)s can still decide it.") % {"names": who}


def _no_veto_on_procedure(_r: Reason, who: str, t: Translator) -> str:
    return t.gettext(
        "%(names)s voted against, but on a procedural matter no member has a veto: "
        'a permanent member\'s "no" is one vote against, nothing more (Art. 27(2)).'
    ) % {"names": who}


def _abstention_not_veto(_r: Reason, who: str, t: Translator) -> str:
    return t.gettext(
        "The abstention of %(names)s is not a veto: the Council has consistently treated a permanent member's "
        "voluntary abstention as no bar to adoption, as the International Court of Justice confirmed "
        "(Namibia advisory opinion, 1971, para. 22)."
    ) % {"names": who}


def _absence_not_veto(_r: Reason, who: str, t: Translator) -> str:
    return t.gettext(
        "The absence of %(names)s is not a veto: since 1950, when resolutions 82 to 84 were adopted while "
        "the USSR stayed away, the Council has treated a permanent member's absence as no bar to adoption, "
        "though the legal effect of absence was never formally settled."
    ) % {"names": who}


def _non_participation_not_veto(r: Reason, who: str, t: Translator) -> str:
    return t.ngettext(
        "%(names)s did not participate in the vote; like an absence, that is not a veto, a practice of the "
        "Council since 1950 (resolutions 82 to 84) whose legal effect was never formally settled.",
        "%(names)s did not participate in the vote; like an absence, that is not a veto, a practice of the "
        "Council since 1950 (resolutions 82 to 84) whose legal effect was never formally settled.",
        len(r.members),
    ) % {"names": who}


def _party_must_abstain(r: Reason, who: str, t: Translator) -> str:
    return t.ngettext(
        "%(names)s is a party to the dispute, and in decisions under %(chapter)s a party to a dispute shall "
        "abstain (Art. 27(3), proviso): its vote is shown as cast but counted as an abstention.",
        "%(names)s are parties to the dispute, and in decisions under %(chapter)s a party to a dispute shall "
        "abstain (Art. 27(3), proviso): their votes are shown as cast but counted as abstentions.",
        len(r.members),
    ) % {"names": who, "chapter": chapter_phrase(r.chapter, t)}


def _party_votes_procedural(r: Reason, who: str, t: Translator) -> str:
    return t.ngettext(
        "%(names)s is a party to the dispute, but the duty to abstain (Art. 27(3), proviso) concerns only "
        "substantive decisions under Chapter VI or Article 52(3): on this procedural matter its vote counts as cast.",
        "%(names)s are parties to the dispute, but the duty to abstain (Art. 27(3), proviso) concerns only "
        "substantive decisions under Chapter VI or Article 52(3): on this procedural matter their votes count as cast.",
        len(r.members),
    ) % {"names": who}


def _party_votes_chapter(r: Reason, who: str, t: Translator) -> str:
    return t.ngettext(
        "%(names)s is a party to the dispute, but the duty to abstain (Art. 27(3), proviso) applies only to "
        "decisions under Chapter VI or Article 52(3), not to this decision under %(chapter)s: "
        "its vote counts as cast.",
        "%(names)s are parties to the dispute, but the duty to abstain (Art. 27(3), proviso) applies only to "
        "decisions under Chapter VI or Article 52(3), not to this decision under %(chapter)s: "
        "their votes count as cast.",
        len(r.members),
    ) % {"names": who, "chapter": chapter_phrase(r.chapter, t)}


def _party_votes_chapter_unknown(r: Reason, who: str, t: Translator) -> str:
    return t.ngettext(
        "%(names)s is a party to the dispute, but the duty to abstain (Art. 27(3), proviso) applies only to "
        "decisions under Chapter VI or Article 52(3), and the scenario does not say this decision is one "
        "(its chapter field is not set): its vote counts as cast.",
        "%(names)s are parties to the dispute, but the duty to abstain (Art. 27(3), proviso) applies only to "
        "decisions under Chapter VI or Article 52(3), and the scenario does not say this decision is one "
        "(its chapter field is not set): their votes count as cast.",
        len(r.members),
    ) % {"names": who}


_SENTENCES: dict[ReasonKind, Callable[[Reason, str, Translator], str]] = {
    "vetoed": _vetoed,
    "adopted": _adopted,
    "short": _short,
    "bar_not_lowered": _bar_not_lowered,
    "pending": _pending,
    "permanent_undecided": _permanent_undecided,
    "can_decide": _can_decide,
    "no_veto_on_procedure": _no_veto_on_procedure,
    "abstention_not_veto": _abstention_not_veto,
    "absence_not_veto": _absence_not_veto,
    "non_participation_not_veto": _non_participation_not_veto,
    "party_must_abstain": _party_must_abstain,
    "party_votes_procedural": _party_votes_procedural,
    "party_votes_chapter": _party_votes_chapter,
    "party_votes_chapter_unknown": _party_votes_chapter_unknown,
}


def explain(reasons: Sequence[Reason], names: Mapping[str, str], translate: Translator = ENGLISH) -> str:
    """The reasons as sentences, in the language of ``translate`` (English by default); pure."""
    sentences = [_SENTENCES[r.kind](r, join_names(r.members, names, translate), translate) for r in reasons]
    # Sentences follow each other after a space, except after a full-width stop (Chinese), which has its own.
    return "".join(
        s + ("" if s.endswith(("。", "！", "？")) or i == len(sentences) - 1 else " ") for i, s in enumerate(sentences)
    )


PENDING_HEADLINE = "Not decided yet"


def headline(scenario: Scenario, outcome: Outcome, translate: Translator = ENGLISH) -> str:
    """The result in the scenario's own words ("The meeting convenes"), or that it is still open.

    The one wording of the result for every surface: the pages, the live sessions and the CLI. The usual
    words ("The meeting convenes") are in the catalog (app/localize.py), so they read in every language; a
    scenario's own words pass through unchanged.
    """
    usual = translate.gettext  # a scenario's own words: the catalog has them only if they are the usual ones
    if outcome.outcome is OutcomeKind.ADOPTED:
        return usual(scenario.verdict.adopted)
    if outcome.outcome is OutcomeKind.NOT_ADOPTED:
        return usual(scenario.verdict.not_adopted)
    return translate.gettext("Not decided yet")
