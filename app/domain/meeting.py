"""A meeting of the Council, from the provisional agenda to the last draft: pure, like ``decide``.

A meeting is its plan (the provisional agenda, the invitations asked for, the drafts and their
amendments) and the acts done in it, in order. ``apply`` takes a meeting and one act and returns the
meeting after it, or refuses the act with the reason; the state (where the meeting stands, the
question before the Council, the speakers list, the motions pending, the record) is a fold over the
acts (``replay``), so the live view, the record and a replay after a restart come from one place.

What a meeting says (the record's lines, the questions put, the reasons an act is refused) is English,
each sentence marked for the catalog: a ``Phrase`` keeps its untranslated template and named parameters,
so ``translated`` words it in a reader's language where it is shown.

The rules, each cited in the record where it applies:

- Rule 9: the first item is the adoption of the agenda. It is adopted without a vote unless a member
  objects; then it is a procedural vote (nine in favour, no veto, Art. 27(2)). Not adopted, the
  meeting does not convene.
- Rules 37 and 39 (Arts. 31, 32): an invitation is agreed without a vote unless a member objects;
  then a procedural vote.
- Rule 27: the President calls speakers in the order they asked for the floor.
- Rule 30: a point of order is ruled on at once; a challenged ruling is put to the Council and
  stands unless overruled (nine votes to overrule: a procedural decision).
- Rule 33: motions to suspend, adjourn, adjourn to a day or hour, refer, postpone and to introduce
  an amendment take precedence in that order over principal motions and drafts; a motion of higher
  precedence is decided first; the first two are put without debate. All are procedural.
- Rules 32, 35, 36: drafts are voted in the order submitted, each after its amendments, the one
  furthest removed in substance first (the President may rule another order); a draft or an
  amendment may be withdrawn until it is voted on; parts are voted separately on request unless the
  sponsor objects, and then the request is a procedural vote.
- The preliminary question: when members disagree whether a question is procedural, that question
  is itself decided as a substantive matter (a permanent member's "no" keeps the main question
  substantive: the "double veto", Czechoslovak question, 24 May 1948); then the main question is
  voted under the rule that came out.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.domain.errors import Conflict, Forbidden, InvalidRequest
from app.domain.frozen import evolve
from app.domain.rules import Outcome, decide
from app.domain.scenario import CHARTER_THRESHOLD, Draft, DraftMatter, Invitation, Member, Record, Scenario, Text
from app.domain.text import ENGLISH, N_, Translator
from app.domain.text import Phrase as Phrase  # defined beside N_; still importable from here
from app.domain.text import translated as translated
from app.domain.votes import Chapter, Matter, OutcomeKind, Vote

Code = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9]{1,7}$")]
PRESIDENT = "president"
DEFAULT_SPEAKING_SECONDS = 180
# Bounds a scripted delegation cannot push past: every act is stored and every pending motion is shown
# on every phone, so neither may grow without limit.
MAX_ACTS = 3000
MOTION_TEXT_MAX = 200
PENDING_AMENDMENTS_PER_MEMBER = 3


# The plan: what a scenario file says the meeting will take up.


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MeetingPlan(_Strict):
    """What the meeting will take up. A plan with no drafts is a meeting on its agenda alone."""

    agenda: list[Text] = Field(default_factory=list, description="The provisional agenda, after its adoption.")
    invitations: list[Invitation] = Field(default_factory=list)
    drafts: list[Draft] = Field(default_factory=list)
    speaking_seconds: int = Field(default=DEFAULT_SPEAKING_SECONDS, ge=10, le=3600)


def plan_of(scenario: Scenario) -> MeetingPlan:
    """The meeting a scenario file describes (a one-question file: a meeting on its agenda alone)."""
    return MeetingPlan(
        agenda=scenario.agenda,
        invitations=scenario.invitations,
        drafts=scenario.drafts,
        speaking_seconds=scenario.speaking_seconds,
    )


# What can be put to the vote, and the motions of rule 33.


class QuestionKind(StrEnum):
    AGENDA = "agenda"
    INVITATION = "invitation"
    MOTION = "motion"
    CHALLENGE = "challenge"
    PRELIMINARY = "preliminary"
    AMENDMENT = "amendment"
    SEPARATE_REQUEST = "separate_request"
    PART = "part"
    DRAFT = "draft"


class MotionKind(StrEnum):
    """Rule 33's motions, in their order of precedence."""

    SUSPEND = "suspend"
    ADJOURN = "adjourn"
    ADJOURN_TO = "adjourn_to"
    REFER = "refer"
    POSTPONE = "postpone"
    AMEND = "amend"

    @property
    def precedence(self) -> int:
        """1 (to suspend) comes before 6 (to introduce an amendment)."""
        return list(MotionKind).index(self) + 1

    @property
    def without_debate(self) -> bool:
        return self in (MotionKind.SUSPEND, MotionKind.ADJOURN)


# Each motion by what it proposes; sentences name it with these words ("the motion to suspend the meeting").
MOTION_WORDS = {
    # Translators: a motion of rule 33 by what it proposes, as in "X moves to suspend the meeting."
    MotionKind.SUSPEND: Phrase(N_("to suspend the meeting")),
    MotionKind.ADJOURN: Phrase(N_("to adjourn the meeting")),
    MotionKind.ADJOURN_TO: Phrase(N_("to adjourn the meeting to a certain day or hour")),
    MotionKind.REFER: Phrase(N_("to refer the matter to a committee, the Secretary-General or a rapporteur")),
    MotionKind.POSTPONE: Phrase(N_("to postpone discussion of the question")),
    MotionKind.AMEND: Phrase(N_("to introduce an amendment")),
}


class Phase(StrEnum):
    AGENDA = "agenda"  # the provisional agenda is before the Council
    INVITATIONS = "invitations"
    DEBATE = "debate"
    VOTING = "voting"
    SUSPENDED = "suspended"
    NOT_CONVENED = "not_convened"
    ADJOURNED = "adjourned"
    CLOSED = "closed"


ENDED = frozenset({Phase.NOT_CONVENED, Phase.ADJOURNED, Phase.CLOSED})


class Act(StrEnum):
    """Everything that can happen in a meeting; each is recorded under its value."""

    NO_OBJECTION = "no_objection"  # the President: adopted (agreed) without objection
    OBJECT = "object"  # a member objects to what is proposed without a vote
    PUT = "put"  # the President puts the next question to the vote
    VOTE = "vote"
    CLOSE_VOTE = "close_vote"
    PROCEED = "proceed"  # the President moves on: to the debate, to the voting, to the next draft
    REQUEST_FLOOR = "request_floor"
    NEXT_SPEAKER = "next_speaker"
    EXTEND = "extend"
    YIELD = "yield"
    MOVE = "move"  # a rule 33 motion
    WITHDRAW = "withdraw"
    POINT_OF_ORDER = "point_of_order"
    RULE = "rule"  # the President's ruling on a point of order
    CHALLENGE = "challenge"
    SUBMIT_AMENDMENT = "submit_amendment"
    ACCEPT_AMENDMENT = "accept_amendment"  # the President (the instructor) lets it be put
    ORDER_AMENDMENTS = "order_amendments"
    REQUEST_SEPARATE = "request_separate"
    SKIP = "skip"
    RESUME = "resume"
    CLOSE_MEETING = "close_meeting"


@dataclass(frozen=True)
class Deed:
    """One act: who did it (a member's code, or ``PRESIDENT``), when, and what it names."""

    act: Act
    by: str
    at: dt.datetime
    vote: Vote | None = None
    motion: MotionKind | None = None
    subject: str | None = None  # a draft's or amendment's symbol, a motion's id, a part's number
    text: str | None = None  # what a member says: a point of order, a ruling, an amendment, a day
    order: tuple[str, ...] = ()  # amendments in the order the President rules
    seconds: int | None = None
    part: int | None = None  # a draft's operative paragraph, counted from 1


@dataclass(frozen=True)
class Question:
    """Something put to the vote: what, under which rule, as which matter, and (once closed) the outcome.

    ``text`` and ``rule`` are English (a ``Phrase`` or a sentence marked ``N_``): see ``translated``."""

    number: int
    kind: QuestionKind
    text: str
    rule: str
    matter: Matter
    opened_at: dt.datetime
    subject: str | None = None
    chapter: Chapter | None = None
    votes: Mapping[str, Vote] = field(default_factory=dict)
    outcome: Outcome | None = None
    closed_at: dt.datetime | None = None

    @property
    def adopted(self) -> bool:
        return self.outcome is not None and self.outcome.outcome is OutcomeKind.ADOPTED


@dataclass(frozen=True)
class Motion:
    id: str
    kind: MotionKind
    by: str
    at: dt.datetime
    text: str | None = None


@dataclass(frozen=True)
class PointOfOrder:
    by: str
    text: str
    at: dt.datetime
    ruling: str | None = None


@dataclass(frozen=True)
class Speaker:
    member: str
    started_at: dt.datetime
    seconds: int


@dataclass(frozen=True)
class Entry:
    """One line of the record: when, who, what happened, the rule applied, and the vote if there was one.

    ``what`` and ``rule`` are English, each a ``Phrase`` or a sentence marked ``N_``: ``translated`` words them
    in a reader's language."""

    at: dt.datetime
    by: str
    what: str
    rule: str = ""
    question: Question | None = None


class ItemStatus(StrEnum):
    PENDING = "pending"
    WITHDRAWN = "withdrawn"
    ADOPTED = "adopted"
    NOT_ADOPTED = "not_adopted"


@dataclass(frozen=True)
class Item:
    """A draft or an amendment as the meeting knows it: where it stands."""

    symbol: str
    kind: Literal["draft", "amendment"]
    sponsors: tuple[str, ...]
    summary: str | None
    draft: str | None = None  # the draft an amendment amends
    status: ItemStatus = ItemStatus.PENDING
    accepted: bool = True  # an amendment submitted from the floor waits for the President


@dataclass(frozen=True)
class Meeting:
    """Where a meeting stands. Build one with ``start`` and change it only with ``apply``."""

    plan: MeetingPlan
    members: tuple[Member, ...]
    required: int
    phase: Phase
    invitation: int = 0  # the next invitation to settle
    objection_open: bool = True  # the President has asked "is there any objection?" on the current step
    objectors: tuple[str, ...] = ()
    question: Question | None = None
    questions: tuple[Question, ...] = ()  # every question closed, in order
    motions: tuple[Motion, ...] = ()
    point: PointOfOrder | None = None
    speakers: tuple[str, ...] = ()
    speaker: Speaker | None = None
    items: tuple[Item, ...] = ()
    amendment_order: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    separate: tuple[tuple[str, int, str], ...] = ()  # (draft, paragraph, requested by) granted
    separate_asked: tuple[str, int, str] | None = None  # a request the sponsor may still object to
    matter_of: Mapping[str, Matter] = field(default_factory=dict)  # a contested draft's matter, once decided
    invited: tuple[str, ...] = ()  # who was invited to take part, by vote or without objection
    challengers: tuple[str, ...] = ()  # members who challenged the President's ruling on the point of order
    resume_to: Phase | None = None  # where a suspended meeting goes on
    record: tuple[Entry, ...] = ()
    acts: int = 0

    # Reading

    @property
    def ended(self) -> bool:
        return self.phase in ENDED

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(m.code for m in self.members)

    def member(self, code: str) -> Member:
        for member in self.members:
            if member.code == code:
                return member
        raise InvalidRequest("member", Phrase(N_("no member %(code)r on this council"), code=code))

    def item(self, symbol: str) -> Item:
        for item in self.items:
            if item.symbol == symbol:
                return item
        raise InvalidRequest(
            "subject", Phrase(N_("no draft or amendment %(symbol)r before the Council"), symbol=symbol)
        )

    def pending_motion(self) -> Motion | None:
        """The motion the President must put first: the highest precedence, then the first moved (rule 33)."""
        if not self.motions:
            return None
        return min(self.motions, key=lambda m: (m.kind.precedence, self.motions.index(m)))

    def next_vote(self) -> tuple[QuestionKind, str] | None:
        """In the voting phase, the next draft, amendment, part or preliminary question to put, by rules 32 and 36."""
        for draft in (i for i in self.items if i.kind == "draft" and i.status is ItemStatus.PENDING):
            plan = self._draft_plan(draft.symbol)
            if plan is not None and plan.matter is DraftMatter.CONTESTED and draft.symbol not in self.matter_of:
                return QuestionKind.PRELIMINARY, draft.symbol
            for amendment in self.amendments_in_order(draft.symbol):
                if amendment.status is ItemStatus.PENDING:
                    return QuestionKind.AMENDMENT, amendment.symbol
            for drafted, paragraph, _ in self.separate:
                if drafted == draft.symbol and not self._part_voted(drafted, paragraph):
                    return QuestionKind.PART, f"{drafted}#{paragraph}"
            return QuestionKind.DRAFT, draft.symbol
        return None

    def amendments_in_order(self, draft: str) -> list[Item]:
        """A draft's accepted amendments in the order the President ruled, else in the order submitted."""
        mine = [i for i in self.items if i.kind == "amendment" and i.draft == draft and i.accepted]
        ruled = self.amendment_order.get(draft, ())
        return sorted(mine, key=lambda i: (ruled.index(i.symbol) if i.symbol in ruled else len(ruled), mine.index(i)))

    def _part_voted(self, draft: str, paragraph: int) -> bool:
        return any(q.kind is QuestionKind.PART and q.subject == f"{draft}#{paragraph}" for q in self.questions)

    def draft_paragraphs(self, symbol: str) -> list[str]:
        plan = self._draft_plan(symbol)
        return list(plan.paragraphs) if plan else []

    def _draft_plan(self, symbol: str) -> Draft | None:
        return next((d for d in self.plan.drafts if d.symbol == symbol), None)

    def matter_for(self, symbol: str) -> Matter:
        """The matter a draft (and its amendments and parts) is voted as."""
        plan = self._draft_plan(symbol)
        if plan is None:
            return Matter.PROCEDURAL
        if plan.matter is DraftMatter.CONTESTED:
            return self.matter_of.get(symbol, Matter.SUBSTANTIVE)
        return Matter(plan.matter.value)

    def remaining(self, now: dt.datetime) -> int | None:
        """Seconds the current speaker has left (negative: over time), or None when nobody speaks."""
        if self.speaker is None:
            return None
        return self.speaker.seconds - int((now - self.speaker.started_at).total_seconds())

    def outcomes(self) -> list[tuple[Question, Outcome]]:
        return [(q, q.outcome) for q in self.questions if q.outcome is not None]


def start(plan: MeetingPlan, members: Sequence[Member], at: dt.datetime, required: int = CHARTER_THRESHOLD) -> Meeting:
    """The meeting as the President opens it: the provisional agenda is before the Council (rule 9)."""
    items: list[Item] = []
    for draft in plan.drafts:
        items.append(Item(draft.symbol, "draft", tuple(draft.sponsors), draft.summary))
        items += [
            Item(a.symbol, "amendment", tuple(a.sponsors), a.summary, draft=draft.symbol) for a in draft.amendments
        ]
    opening = Entry(
        at,
        PRESIDENT,
        N_("The President opens the meeting: the provisional agenda is before the Council."),
        # Translators: a citation of the Provisional Rules of Procedure of the Security Council.
        N_("rule 9"),
    )
    return Meeting(plan, tuple(members), required, Phase.AGENDA, items=tuple(items), record=(opening,))


def replay(
    plan: MeetingPlan,
    members: Sequence[Member],
    deeds: Iterable[Deed],
    at: dt.datetime,
    required: int = CHARTER_THRESHOLD,
) -> Meeting:
    """The meeting after ``deeds``: how the live view, the record and a restart all get their state."""
    meeting = start(plan, members, at, required)
    for deed in deeds:
        meeting = apply(meeting, deed)
    return meeting


# Changing


def apply(meeting: Meeting, deed: Deed) -> Meeting:
    """The meeting after ``deed``, or ``Conflict`` (not now), ``Forbidden`` (not by whom) with the reason."""
    if meeting.ended:
        raise Conflict(N_("the meeting is over"))
    if deed.by != PRESIDENT and deed.by not in meeting.codes:
        raise Forbidden(Phrase(N_("%(by)r is neither the President nor a member of the Council"), by=deed.by))
    if meeting.phase is Phase.SUSPENDED and deed.act not in (Act.RESUME, Act.CLOSE_MEETING):
        raise Conflict(N_("the meeting is suspended: the President resumes it first"))
    if meeting.acts >= MAX_ACTS:
        raise Conflict(
            Phrase.ngettext(
                "this meeting has recorded %(count)d act, as many as it can; the President can close it",
                "this meeting has recorded %(count)d acts, as many as it can; the President can close it",
                MAX_ACTS,
                count=MAX_ACTS,
            )
        )
    if deed.text is not None:
        _plain_text(deed.text)
    point = meeting.point
    if point is not None and point.ruling is not None and not meeting.challengers and deed.by == PRESIDENT:
        meeting = replace(meeting, point=None)  # an unchallenged ruling stands once the President moves on
    after = _HANDLERS[deed.act](meeting, deed)
    return evolve(after, acts=meeting.acts + 1)


def _plain_text(text: str) -> None:
    """What a member or the President writes: no control or invisible formatting characters (a right-to-left
    override would turn the rest of a record line around on the projector); line breaks are fine."""
    for char in text:
        if char not in "\n\t" and unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn"}:
            raise InvalidRequest(
                "text",
                Phrase(
                    N_("the text holds an invisible or control character (U+%(code)04X); type it again"), code=ord(char)
                ),
            )


def _president(deed: Deed) -> None:
    if deed.by != PRESIDENT:
        raise Forbidden(N_("only the President may do this"))


def _member(deed: Deed) -> None:
    if deed.by == PRESIDENT:
        raise Forbidden(N_("a member does this, from their seat"))


def _no_vote_under_way(meeting: Meeting, refused: str) -> None:
    """Refuse with ``refused`` ("a vote is under way; ... waits until it is over") while a vote is under way."""
    if meeting.question is not None:
        raise Conflict(refused)


def _log(
    meeting: Meeting, deed: Deed, what: str, rule: str = "", question: Question | None = None
) -> tuple[Entry, ...]:
    return (*meeting.record, Entry(deed.at, deed.by, what, rule, question))


def _who(meeting: Meeting, code: str) -> str:
    """Who did something, as a record line names them: the member's name, or the President."""
    # Translators: the subject of a sentence in the record, as in "The President gives the floor to France."
    return Phrase(N_("The President")) if code == PRESIDENT else meeting.member(code).name


# What is proposed without a vote: the agenda, an invitation, a request for separate votes.


def _without_vote(meeting: Meeting) -> str | None:
    """What the President proposes to settle without a vote right now, if anything."""
    if meeting.question is not None:
        return None
    if meeting.phase is Phase.AGENDA:
        return "agenda"
    if meeting.phase is Phase.INVITATIONS and meeting.invitation < len(meeting.plan.invitations):
        return "invitation"
    if meeting.separate_asked is not None:
        return "separate"
    return None


def _objection(meeting: Meeting, deed: Deed) -> Meeting:
    _member(deed)
    what = _without_vote(meeting)
    if what is None:
        raise Conflict(N_("nothing is proposed without a vote just now"))
    if what == "separate":
        assert meeting.separate_asked is not None
        draft, _, _ = meeting.separate_asked
        if deed.by not in meeting.item(draft).sponsors:
            raise Forbidden(N_("only a sponsor of the draft can object to voting its parts separately (rule 32)"))
    if deed.by in meeting.objectors:
        raise Conflict(Phrase(N_("%(member)s has already objected"), member=meeting.member(deed.by).name))
    template = {
        "agenda": N_("%(member)s objects to the adoption of the agenda."),
        "invitation": N_("%(member)s objects to the invitation."),
        "separate": N_("%(member)s objects, as a sponsor, to voting parts of the draft separately."),
    }[what]
    return replace(
        meeting,
        objectors=(*meeting.objectors, deed.by),
        record=_log(meeting, deed, Phrase(template, member=_who(meeting, deed.by))),
    )


def _no_objection(meeting: Meeting, deed: Deed) -> Meeting:
    _president(deed)
    what = _without_vote(meeting)
    if what is None:
        raise Conflict(N_("nothing is proposed without a vote just now"))
    if meeting.objectors:
        names = ", ".join(meeting.member(c).name for c in meeting.objectors)
        raise Conflict(
            Phrase.ngettext(
                "%(members)s objected: the question must be put to the vote",
                "%(members)s objected: the question must be put to the vote",
                len(meeting.objectors),
                members=names,
            )
        )
    if what == "agenda":
        return _agenda_adopted(meeting, deed, N_("The agenda is adopted without objection."), None)
    if what == "invitation":
        invitation = meeting.plan.invitations[meeting.invitation]
        invited = Phrase(N_("%(who)s is invited without objection."), who=invitation.who)
        return _invitation_settled(meeting, deed, True, None, invited)
    assert meeting.separate_asked is not None
    return _separate_settled(meeting, deed, True, None)


def _agenda_adopted(meeting: Meeting, deed: Deed, what: str, question: Question | None) -> Meeting:
    phase = Phase.INVITATIONS if meeting.plan.invitations else Phase.DEBATE
    return replace(meeting, phase=phase, objectors=(), record=_log(meeting, deed, what, N_("rule 9"), question))


def _invitation_settled(meeting: Meeting, deed: Deed, invited: bool, question: Question | None, what: str) -> Meeting:
    invitation = meeting.plan.invitations[meeting.invitation]
    # Translators: rule 37 of the rules of procedure and Articles 31 and 32 of the Charter.
    rule = N_("rule 37; Arts. 31 and 32") if invitation.rule == 37 else N_("rule 39")
    after = replace(
        meeting,
        invitation=meeting.invitation + 1,
        invited=(*meeting.invited, invitation.who) if invited else meeting.invited,
        objectors=(),
        record=_log(meeting, deed, what, rule, question),
    )
    if after.invitation >= len(after.plan.invitations):
        after = replace(after, phase=Phase.DEBATE)
    return after


def _separate_settled(meeting: Meeting, deed: Deed, granted: bool, question: Question | None) -> Meeting:
    assert meeting.separate_asked is not None
    draft, paragraph, by = meeting.separate_asked
    what = Phrase(
        N_("Paragraph %(paragraph)s of %(draft)s will be voted on separately.")
        if granted
        else N_("The request to vote paragraph %(paragraph)s of %(draft)s separately is rejected."),
        paragraph=paragraph,
        draft=draft,
    )
    separate = (*meeting.separate, (draft, paragraph, by)) if granted else meeting.separate
    return replace(
        meeting,
        separate=separate,
        separate_asked=None,
        objectors=(),
        record=_log(meeting, deed, what, N_("rule 32"), question),
    )


# Putting a question, voting, closing the vote.


def _put(meeting: Meeting, deed: Deed) -> Meeting:
    """The President puts the question the state calls for: a contested step, the motion of highest
    precedence, a challenged ruling, or (in the voting phase) the next draft, amendment or part."""
    _president(deed)
    _no_vote_under_way(meeting, N_("a vote is under way; another vote waits until it is over"))
    if meeting.point is not None and meeting.point.ruling is None:
        raise Conflict(N_("a point of order is before the President: rule on it first (rule 30)"))
    question = _next_question(meeting, deed)
    if question is None:
        raise Conflict(N_("there is no question to put to the vote just now"))
    put = Phrase(N_("The President puts to the vote: %(question)s"), question=_phrase(question.text))
    return replace(meeting, question=question, speaker=None, record=_log(meeting, deed, put, question.rule))


def _phrase(text: str) -> Phrase:
    """A sentence marked ``N_`` as a ``Phrase``, so that it is translated where it fills a placeholder."""
    return text if isinstance(text, Phrase) else Phrase(text)


def _next_question(meeting: Meeting, deed: Deed) -> Question | None:
    number = len(meeting.questions) + 1

    def q(
        kind: QuestionKind, text: str, rule: str, matter: Matter = Matter.PROCEDURAL, subject: str | None = None
    ) -> Question:
        chapter = None
        if subject is not None and kind in (QuestionKind.DRAFT, QuestionKind.AMENDMENT, QuestionKind.PART):
            draft = meeting.item(subject.split("#")[0])
            plan = meeting._draft_plan(draft.draft or draft.symbol)
            chapter = plan.chapter if plan else None
        return Question(number, kind, text, rule, matter, deed.at, subject, chapter)

    if meeting.point is not None and meeting.point.ruling is not None and meeting.challengers:
        return q(
            QuestionKind.CHALLENGE,
            Phrase(
                N_('the challenge to the President\'s ruling ("%(ruling)s"): shall it be overruled?'),
                ruling=meeting.point.ruling,
            ),
            N_("rule 30; Art. 27(2)"),
        )
    what = _without_vote(meeting)
    if what is not None:
        if not meeting.objectors:
            raise Conflict(N_("nobody has objected: the President declares it agreed without a vote"))
        if what == "agenda":
            return q(QuestionKind.AGENDA, N_("the adoption of the provisional agenda"), N_("rule 9; Art. 27(2)"))
        if what == "invitation":
            invitation = meeting.plan.invitations[meeting.invitation]
            rule = N_("rule 37; Arts. 31, 32 and 27(2)") if invitation.rule == 37 else N_("rule 39; Art. 27(2)")
            return q(QuestionKind.INVITATION, Phrase(N_("the invitation of %(who)s"), who=invitation.who), rule)
        assert meeting.separate_asked is not None
        draft, paragraph, _ = meeting.separate_asked
        return q(
            QuestionKind.SEPARATE_REQUEST,
            Phrase(
                N_("the request to vote paragraph %(paragraph)s of %(draft)s separately"),
                paragraph=paragraph,
                draft=draft,
            ),
            N_("rule 32; Art. 27(2)"),
        )
    motion = meeting.pending_motion()
    if motion is not None:
        mover = meeting.member(motion.by).name
        return q(
            QuestionKind.MOTION,
            Phrase(
                N_("the motion %(motion)s (%(text)s), moved by %(member)s"),
                motion=MOTION_WORDS[motion.kind],
                text=motion.text,
                member=mover,
            )
            if motion.text
            else Phrase(
                N_("the motion %(motion)s, moved by %(member)s"), motion=MOTION_WORDS[motion.kind], member=mover
            ),
            Phrase(N_("rule 33(%(number)d); Art. 27(2)"), number=motion.kind.precedence),
            subject=motion.id,
        )
    if meeting.phase is Phase.VOTING:
        upcoming = meeting.next_vote()
        if upcoming is None:
            return None
        kind, subject = upcoming
        if kind is QuestionKind.PRELIMINARY:
            return q(
                kind,
                Phrase(N_("the preliminary question: is the vote on %(draft)s a procedural matter?"), draft=subject),
                N_("Art. 27(3): the preliminary question is itself substantive"),
                Matter.SUBSTANTIVE,
                subject,
            )
        if kind is QuestionKind.AMENDMENT:
            amendment = meeting.item(subject)
            return q(
                kind,
                Phrase(N_("the amendment %(amendment)s to %(draft)s"), amendment=subject, draft=amendment.draft),
                N_("rules 31 and 36"),
                meeting.matter_for(amendment.draft or ""),
                subject,
            )
        if kind is QuestionKind.PART:
            drafted, part = subject.split("#")
            return q(
                kind,
                Phrase(N_("paragraph %(paragraph)s of %(draft)s, voted separately"), paragraph=part, draft=drafted),
                N_("rule 32"),
                meeting.matter_for(drafted),
                subject,
            )
        drafted_text = Phrase(N_("the draft resolution %(draft)s"), draft=subject)
        return q(kind, drafted_text, N_("rule 32"), meeting.matter_for(subject), subject)
    return None


def _vote(meeting: Meeting, deed: Deed) -> Meeting:
    _member(deed)
    if meeting.question is None:
        raise Conflict(N_("no question is being voted on"))
    if deed.vote is None or deed.vote is Vote.UNDECIDED:
        raise InvalidRequest("vote", N_("a member votes yes, no or abstains"))
    votes = dict(meeting.question.votes) | {deed.by: deed.vote}
    return evolve(meeting, question=evolve(meeting.question, votes=votes))


def _close_vote(meeting: Meeting, deed: Deed) -> Meeting:
    """Count the votes (a member who did not vote did not participate) and do what the result decides."""
    _president(deed)
    question = meeting.question
    if question is None:
        raise Conflict(N_("no question is being voted on"))
    votes = {m.code: question.votes.get(m.code, Vote.NOT_PARTICIPATING) for m in meeting.members}
    outcome = decide(meeting.members, votes, question.matter, meeting.required, question.chapter)
    closed = replace(question, votes=votes, outcome=outcome, closed_at=deed.at)
    after = replace(meeting, question=None, questions=(*meeting.questions, closed))
    return _EFFECTS[closed.kind](after, deed, closed)


def _result(question: Question, adopted: str, rejected: str, vetoed: str | None = None, **params: object) -> Phrase:
    """The record's sentence for a vote's result: ``adopted``, ``rejected``, or ``vetoed`` when a permanent
    member's "no" defeated it (a procedural question, never vetoed, needs none); each a whole template that
    gives the votes as ``%(yes)d``, ``%(no)d`` and ``%(abstain)d``."""
    assert question.outcome is not None
    if question.outcome.vetoed_by and vetoed is not None:
        return _counted(question, vetoed, **params)
    return _counted(question, adopted if question.adopted else rejected, **params)


def _counted(question: Question, template: str, **params: object) -> Phrase:
    """``template``, a whole sentence that gives the votes as ``%(yes)d``, ``%(no)d`` and ``%(abstain)d``, for
    ``question``."""
    assert question.outcome is not None
    c = question.outcome.counts
    return Phrase(template, yes=c.yes, no=c.no, abstain=c.abstain, **params)


def _agenda_voted(meeting: Meeting, deed: Deed, question: Question) -> Meeting:
    what = _result(
        question,
        N_("The agenda is adopted by vote: adopted (%(yes)d in favour, %(no)d against, %(abstain)d abstaining)."),
        N_(
            "The agenda is not adopted: not adopted (%(yes)d in favour, %(no)d against, %(abstain)d abstaining). "
            "The meeting does not convene."
        ),
    )
    if question.adopted:
        return _agenda_adopted(meeting, deed, what, question)
    return replace(
        meeting,
        phase=Phase.NOT_CONVENED,
        objectors=(),
        record=_log(meeting, deed, what, N_("rule 9; Art. 27(2)"), question),
    )


def _invitation_voted(meeting: Meeting, deed: Deed, question: Question) -> Meeting:
    who = meeting.plan.invitations[meeting.invitation].who
    what = _result(
        question,
        N_("%(who)s is invited: adopted (%(yes)d in favour, %(no)d against, %(abstain)d abstaining)."),
        N_("%(who)s is not invited: not adopted (%(yes)d in favour, %(no)d against, %(abstain)d abstaining)."),
        who=who,
    )
    return _invitation_settled(meeting, deed, question.adopted, question, what)


def _separate_voted(meeting: Meeting, deed: Deed, question: Question) -> Meeting:
    return _separate_settled(meeting, deed, question.adopted, question)


def _challenge_voted(meeting: Meeting, deed: Deed, question: Question) -> Meeting:
    assert meeting.point is not None
    what = _result(
        question,
        N_("The President's ruling is overruled: adopted (%(yes)d in favour, %(no)d against, %(abstain)d abstaining)."),
        N_(
            "The President's ruling stands: the challenge is not adopted (%(yes)d in favour, %(no)d against, "
            "%(abstain)d abstaining); a ruling stands unless overruled."
        ),
    )
    return replace(meeting, point=None, challengers=(), record=_log(meeting, deed, what, N_("rule 30"), question))


# What a motion carried does, and the record's sentence for it: the motions that take a day, an hour or an
# addressee (``%(text)s``) always have one, the two decided without debate never do.
MOTION_EFFECTS = {
    MotionKind.SUSPEND: (
        Phase.SUSPENDED,
        N_(
            "The meeting is suspended: the motion is carried, "
            "adopted (%(yes)d in favour, %(no)d against, %(abstain)d abstaining)."
        ),
    ),
    MotionKind.ADJOURN: (
        Phase.ADJOURNED,
        N_(
            "The meeting is adjourned: the motion is carried, "
            "adopted (%(yes)d in favour, %(no)d against, %(abstain)d abstaining)."
        ),
    ),
    MotionKind.ADJOURN_TO: (
        Phase.ADJOURNED,
        N_(
            "The meeting is adjourned (%(text)s): the motion is carried, "
            "adopted (%(yes)d in favour, %(no)d against, %(abstain)d abstaining)."
        ),
    ),
    MotionKind.REFER: (
        Phase.CLOSED,
        N_(
            "The matter is referred (%(text)s): the motion is carried, "
            "adopted (%(yes)d in favour, %(no)d against, %(abstain)d abstaining)."
        ),
    ),
    MotionKind.POSTPONE: (
        Phase.CLOSED,
        N_(
            "Discussion of the question is postponed (%(text)s): the motion is carried, "
            "adopted (%(yes)d in favour, %(no)d against, %(abstain)d abstaining)."
        ),
    ),
}


def _motion_voted(meeting: Meeting, deed: Deed, question: Question) -> Meeting:
    motion = next(m for m in meeting.motions if m.id == question.subject)
    rest = tuple(m for m in meeting.motions if m.id != motion.id)
    rule = Phrase(N_("rule 33(%(number)d)"), number=motion.kind.precedence)
    if not question.adopted:
        what = _counted(
            question,
            N_(
                "The motion %(motion)s is not carried: "
                "not adopted (%(yes)d in favour, %(no)d against, %(abstain)d abstaining)."
            ),
            motion=MOTION_WORDS[motion.kind],
        )
        return replace(meeting, motions=rest, record=_log(meeting, deed, what, rule, question))
    if motion.kind is MotionKind.AMEND:
        what = _counted(
            question,
            N_(
                "The motion to introduce an amendment is carried: "
                "adopted (%(yes)d in favour, %(no)d against, %(abstain)d abstaining). "
                "The amendment is before the Council."
            ),
        )
        items = tuple(replace(i, accepted=True) if i.symbol == motion.text else i for i in meeting.items)
        return replace(meeting, motions=rest, items=items, record=_log(meeting, deed, what, rule, question))
    phase, carried = MOTION_EFFECTS[motion.kind]
    what = _counted(question, carried, text=motion.text)
    # Adjourning or postponing ends the meeting on this item: the motions still pending lapse with it.
    pending = rest if phase is Phase.SUSPENDED else ()
    return replace(
        meeting,
        phase=phase,
        motions=pending,
        speaker=None,
        resume_to=meeting.phase if phase is Phase.SUSPENDED else None,
        record=_log(meeting, deed, what, rule, question),
    )


def _preliminary_voted(meeting: Meeting, deed: Deed, question: Question) -> Meeting:
    symbol = question.subject or ""
    matter = Matter.PROCEDURAL if question.adopted else Matter.SUBSTANTIVE
    what = _result(
        question,
        N_(
            "The preliminary question is adopted (%(yes)d in favour, %(no)d against, %(abstain)d abstaining): "
            "%(draft)s will be voted as a procedural matter."
        ),
        N_(
            "The preliminary question is not adopted (%(yes)d in favour, %(no)d against, %(abstain)d abstaining): "
            "%(draft)s will be voted as a substantive matter, where a permanent member's negative vote is a veto "
            '(the "double veto").'
        ),
        N_(
            "The preliminary question is not adopted (%(yes)d in favour, %(no)d against, %(abstain)d abstaining), "
            "a permanent member voting against: %(draft)s will be voted as a substantive matter, where a permanent "
            'member\'s negative vote is a veto (the "double veto").'
        ),
        draft=_named(symbol),
    )
    return replace(
        meeting,
        matter_of=dict(meeting.matter_of) | {symbol: matter},
        record=_log(meeting, deed, what, N_("Art. 27(3)"), question),
    )


def _item_voted(meeting: Meeting, deed: Deed, question: Question) -> Meeting:
    symbol = question.subject or ""
    kind = question.kind
    procedural = question.matter is Matter.PROCEDURAL
    # Translators: a citation of Article 27, paragraph 2 (or 3), of the Charter of the United Nations.
    rule = N_("Art. 27(2)") if procedural else N_("Art. 27(3)")
    if kind is QuestionKind.PART:
        draft, paragraph = symbol.split("#")
        what = _result(
            question,
            N_(
                "Paragraph %(paragraph)s of %(draft)s is retained: "
                "adopted (%(yes)d in favour, %(no)d against, %(abstain)d abstaining)."
            ),
            N_(
                "Paragraph %(paragraph)s of %(draft)s is deleted from the draft: "
                "not adopted (%(yes)d in favour, %(no)d against, %(abstain)d abstaining)."
            ),
            N_(
                "Paragraph %(paragraph)s of %(draft)s is deleted from the draft: "
                "not adopted (%(yes)d in favour, %(no)d against, %(abstain)d abstaining), "
                "a permanent member voting against."
            ),
            paragraph=paragraph,
            draft=draft,
        )
        part_rule = N_("rule 32; Art. 27(2)") if procedural else N_("rule 32; Art. 27(3)")
        return replace(meeting, record=_log(meeting, deed, what, part_rule, question))
    status = ItemStatus.ADOPTED if question.adopted else ItemStatus.NOT_ADOPTED
    items = tuple(replace(i, status=status) if i.symbol == symbol else i for i in meeting.items)
    # Translators: the subject of a sentence, as in "The amendment S/2026/100/A1 is adopted (...)."
    noun = (
        Phrase(N_("The amendment %(symbol)s"), symbol=symbol)
        if kind is QuestionKind.AMENDMENT
        else _named(symbol, True)
    )
    what = _result(
        question,
        N_("%(item)s is adopted (%(yes)d in favour, %(no)d against, %(abstain)d abstaining)."),
        N_("%(item)s is not adopted (%(yes)d in favour, %(no)d against, %(abstain)d abstaining)."),
        item=noun,
    )
    if question.outcome is not None and question.outcome.vetoed_by:
        vetoers, c = question.outcome.vetoed_by, question.outcome.counts
        what = Phrase.ngettext(
            "%(item)s is not adopted (%(yes)d in favour, %(no)d against, %(abstain)d abstaining), "
            "owing to the negative vote of %(members)s: a veto.",
            "%(item)s is not adopted (%(yes)d in favour, %(no)d against, %(abstain)d abstaining), "
            "owing to the negative vote of %(members)s: a veto.",
            len(vetoers),
            item=noun,
            yes=c.yes,
            no=c.no,
            abstain=c.abstain,
            members=", ".join(meeting.member(code).name for code in vetoers),
        )
    return replace(meeting, items=items, record=_log(meeting, deed, what, rule, question))


_EFFECTS = {
    QuestionKind.AGENDA: _agenda_voted,
    QuestionKind.INVITATION: _invitation_voted,
    QuestionKind.SEPARATE_REQUEST: _separate_voted,
    QuestionKind.CHALLENGE: _challenge_voted,
    QuestionKind.MOTION: _motion_voted,
    QuestionKind.PRELIMINARY: _preliminary_voted,
    QuestionKind.AMENDMENT: _item_voted,
    QuestionKind.PART: _item_voted,
    QuestionKind.DRAFT: _item_voted,
}


# Moving on: from the agenda to the debate, to the voting, to the end.


def _no_point_waiting(meeting: Meeting) -> None:
    if meeting.point is not None and meeting.point.ruling is None:
        raise Conflict(N_("a point of order is before the President: rule on it first (rule 30)"))


def _proceed(meeting: Meeting, deed: Deed) -> Meeting:
    _president(deed)
    _no_vote_under_way(meeting, N_("a vote is under way; moving on waits until it is over"))
    _no_point_waiting(meeting)
    if meeting.phase in (Phase.AGENDA, Phase.INVITATIONS):
        raise Conflict(N_("settle the agenda and the invitations first: with or without objection"))
    if meeting.phase is Phase.SUSPENDED:
        raise Conflict(N_("the meeting is suspended: resume it first"))
    if meeting.phase is Phase.DEBATE:
        if not any(i.kind == "draft" and i.status is ItemStatus.PENDING for i in meeting.items):
            raise Conflict(N_("no draft is before the Council; the President can close the meeting"))
        return replace(
            meeting,
            phase=Phase.VOTING,
            speaker=None,
            record=_log(meeting, deed, N_("The Council proceeds to the vote."), N_("rule 32")),
        )
    raise Conflict(N_("the Council is already voting: put the next question, or close the meeting"))


def _resume(meeting: Meeting, deed: Deed) -> Meeting:
    _president(deed)
    if meeting.phase is not Phase.SUSPENDED:
        raise Conflict(N_("the meeting is not suspended"))
    return replace(
        meeting,
        phase=meeting.resume_to or Phase.DEBATE,
        resume_to=None,
        record=_log(meeting, deed, N_("The meeting resumes.")),
    )


def _close_meeting(meeting: Meeting, deed: Deed) -> Meeting:
    _president(deed)
    _no_vote_under_way(meeting, N_("a vote is under way; closing the meeting waits until it is over"))
    _no_point_waiting(meeting)
    if meeting.phase in (Phase.AGENDA, Phase.INVITATIONS):
        raise Conflict(N_("the agenda and the invitations are not settled yet"))
    return replace(
        meeting, phase=Phase.CLOSED, speaker=None, motions=(), record=_log(meeting, deed, N_("The meeting rises."))
    )


# The floor (rule 27).


def _request_floor(meeting: Meeting, deed: Deed) -> Meeting:
    _member(deed)
    if meeting.phase not in (Phase.DEBATE, Phase.VOTING):
        raise Conflict(N_("the speakers list opens with the debate"))
    if deed.by in meeting.speakers or (meeting.speaker is not None and meeting.speaker.member == deed.by):
        raise Conflict(Phrase(N_("%(member)s is already on the speakers list"), member=meeting.member(deed.by).name))
    what = Phrase(N_("%(member)s asks for the floor."), member=_who(meeting, deed.by))
    return replace(meeting, speakers=(*meeting.speakers, deed.by), record=_log(meeting, deed, what, N_("rule 27")))


def _next_speaker(meeting: Meeting, deed: Deed) -> Meeting:
    _president(deed)
    _no_vote_under_way(meeting, N_("a vote is under way; the debate waits until it is over"))
    urgent = meeting.pending_motion()
    if urgent is not None and urgent.kind.without_debate:
        raise Conflict(
            Phrase(
                N_("the motion %(motion)s is decided without debate: put it to the vote first (rule 33)"),
                motion=MOTION_WORDS[urgent.kind],
            )
        )
    if meeting.phase not in (Phase.DEBATE, Phase.VOTING):
        raise Conflict(N_("the debate has not begun"))
    if not meeting.speakers:
        raise Conflict(N_("nobody is on the speakers list"))
    first, *rest = meeting.speakers
    speaker = Speaker(first, deed.at, meeting.plan.speaking_seconds)
    what = Phrase(N_("The President gives the floor to %(member)s."), member=_who(meeting, first))
    return replace(meeting, speaker=speaker, speakers=tuple(rest), record=_log(meeting, deed, what, N_("rule 27")))


def _extend(meeting: Meeting, deed: Deed) -> Meeting:
    _president(deed)
    if meeting.speaker is None:
        raise Conflict(N_("nobody has the floor"))
    seconds = deed.seconds or 0
    if not 1 <= seconds <= 3600:
        raise InvalidRequest("seconds", N_("an extension is 1 to 3,600 seconds"))
    speaker = replace(meeting.speaker, seconds=meeting.speaker.seconds + seconds)
    return replace(
        meeting,
        speaker=speaker,
        record=_log(
            meeting,
            deed,
            Phrase.ngettext(
                "The President extends the time of %(member)s by %(seconds)d seconds.",
                "The President extends the time of %(member)s by %(seconds)d seconds.",
                seconds,
                member=_who(meeting, speaker.member),
                seconds=seconds,
            ),
        ),
    )


def _yield(meeting: Meeting, deed: Deed) -> Meeting:
    if meeting.speaker is None:
        raise Conflict(N_("nobody has the floor"))
    if deed.by not in (PRESIDENT, meeting.speaker.member):
        raise Forbidden(N_("only the speaker or the President ends a speech"))
    what = Phrase(N_("%(member)s yields the floor."), member=_who(meeting, meeting.speaker.member))
    return replace(meeting, speaker=None, record=_log(meeting, deed, what, N_("rule 27")))


def _skip(meeting: Meeting, deed: Deed) -> Meeting:
    _president(deed)
    if deed.subject not in meeting.speakers:
        raise Conflict(N_("that member is not on the speakers list"))
    speakers = tuple(c for c in meeting.speakers if c != deed.subject)
    return replace(
        meeting,
        speakers=speakers,
        record=_log(
            meeting, deed, Phrase(N_("%(member)s is taken off the speakers list."), member=_who(meeting, deed.subject))
        ),
    )


# Motions (rule 33), withdrawal (rule 35), points of order (rule 30).


def _move(meeting: Meeting, deed: Deed) -> Meeting:
    _member(deed)
    _no_vote_under_way(meeting, N_("a vote is under way; a motion waits until it is over"))
    if deed.motion is None:
        motions = ", ".join(m.value for m in MotionKind)
        raise InvalidRequest("motion", Phrase(N_("say which motion: %(motions)s"), motions=motions))
    if meeting.phase is Phase.SUSPENDED:
        raise Conflict(N_("the meeting is suspended"))
    if deed.motion is MotionKind.AMEND:
        amendment = meeting.item(deed.text or "")
        if amendment.kind != "amendment" or amendment.accepted or amendment.status is not ItemStatus.PENDING:
            raise Conflict(
                N_("a motion to introduce an amendment names an amendment submitted and not yet before the Council")
            )
    if deed.motion in (MotionKind.ADJOURN_TO, MotionKind.POSTPONE, MotionKind.REFER) and not deed.text:
        raise InvalidRequest("text", N_("say to what day or hour, or to whom"))
    if deed.text and len(deed.text) > MOTION_TEXT_MAX:
        raise InvalidRequest(
            "text",
            Phrase.ngettext(
                "a motion says its day, hour or addressee in at most %(count)d character",
                "a motion says its day, hour or addressee in at most %(count)d characters",
                MOTION_TEXT_MAX,
                count=MOTION_TEXT_MAX,
            ),
        )
    if not deed.motion.without_debate and meeting.phase is Phase.AGENDA:
        raise Conflict(N_("the Council first adopts its agenda; only a motion to suspend or adjourn comes before that"))
    if any(m.by == deed.by for m in meeting.motions):
        raise Conflict(
            Phrase(
                N_("%(member)s already has a motion pending: it is voted on, or withdrawn, first"),
                member=meeting.member(deed.by).name,
            )
        )
    if deed.motion.without_debate and any(m.kind is deed.motion for m in meeting.motions):
        raise Conflict(N_("the same motion is already before the Council"))
    text = None if deed.motion.without_debate else deed.text
    motion = Motion(f"M{meeting.acts + 1}", deed.motion, deed.by, deed.at, text)
    who, words = _who(meeting, deed.by), MOTION_WORDS[deed.motion]
    what = (
        Phrase(N_("%(member)s moves %(motion)s (%(text)s)."), member=who, motion=words, text=text)
        if text
        else Phrase(N_("%(member)s moves %(motion)s."), member=who, motion=words)
    )
    return replace(
        meeting,
        motions=(*meeting.motions, motion),
        record=_log(meeting, deed, what, Phrase(N_("rule 33(%(number)d)"), number=deed.motion.precedence)),
    )


def _withdraw(meeting: Meeting, deed: Deed) -> Meeting:
    """A motion by its mover, a draft or an amendment by a sponsor, while it has not been voted on (rule 35)."""
    subject = deed.subject or ""
    if meeting.question is not None and subject in _concerned(meeting, meeting.question):
        raise Conflict(N_("it is being voted on: too late to withdraw it"))
    motion = next((m for m in meeting.motions if m.id == subject), None)
    if motion is not None:
        if deed.by != motion.by:
            raise Forbidden(N_("only its mover can withdraw a motion"))
        what = Phrase(
            N_("%(member)s withdraws the motion %(motion)s."),
            member=_who(meeting, deed.by),
            motion=MOTION_WORDS[motion.kind],
        )
        return replace(
            meeting,
            motions=tuple(m for m in meeting.motions if m.id != subject),
            record=_log(meeting, deed, what, N_("rule 35")),
        )
    item = meeting.item(subject)
    if deed.by not in item.sponsors:
        raise Forbidden(N_("only a sponsor can withdraw it"))
    if item.status is not ItemStatus.PENDING:
        raise Conflict(Phrase(N_("%(subject)s has already been voted on or withdrawn"), subject=subject))
    gone = {subject} | ({i.symbol for i in meeting.items if i.draft == subject} if item.kind == "draft" else set())
    items = tuple(replace(i, status=ItemStatus.WITHDRAWN) if i.symbol in gone else i for i in meeting.items)
    what = Phrase(N_("%(member)s withdraws %(subject)s."), member=_who(meeting, deed.by), subject=subject)
    return replace(meeting, items=items, record=_log(meeting, deed, what, N_("rule 35")))


def _concerned(meeting: Meeting, question: Question) -> set[str]:
    """What a vote concerns: its subject, and for an amendment or a part the draft it belongs to."""
    subject = question.subject or ""
    concerned = {subject, subject.split("#")[0]}
    item = next((i for i in meeting.items if i.symbol == subject), None)
    if item is not None and item.draft:
        concerned.add(item.draft)
    return concerned


def _point_of_order(meeting: Meeting, deed: Deed) -> Meeting:
    _member(deed)
    if meeting.point is not None:
        raise Conflict(N_("a point of order is already before the President"))
    text = (deed.text or "").strip()
    if not text:
        raise InvalidRequest("text", N_("say what the point of order is"))
    point = PointOfOrder(deed.by, text[:500], deed.at)
    what = Phrase(N_("%(member)s raises a point of order: %(text)s"), member=_who(meeting, deed.by), text=point.text)
    return replace(meeting, point=point, challengers=(), record=_log(meeting, deed, what, N_("rule 30")))


def _rule(meeting: Meeting, deed: Deed) -> Meeting:
    _president(deed)
    if meeting.point is None or meeting.point.ruling is not None:
        raise Conflict(N_("no point of order waits for a ruling"))
    ruling = (deed.text or "").strip()[:500]
    if not ruling:
        raise InvalidRequest("text", N_("state the ruling"))
    what = Phrase(N_("The President rules: %(ruling)s"), ruling=ruling)
    return replace(
        meeting, point=replace(meeting.point, ruling=ruling), record=_log(meeting, deed, what, N_("rule 30"))
    )


def _challenge(meeting: Meeting, deed: Deed) -> Meeting:
    _member(deed)
    if meeting.point is None or meeting.point.ruling is None:
        raise Conflict(N_("there is no ruling to challenge"))
    if deed.by in meeting.challengers:
        raise Conflict(N_("already challenged"))
    what = Phrase(N_("%(member)s challenges the President's ruling."), member=_who(meeting, deed.by))
    return replace(
        meeting, challengers=(*meeting.challengers, deed.by), record=_log(meeting, deed, what, N_("rule 30"))
    )


# Amendments and separate votes (rules 31, 32, 36).


def _submit_amendment(meeting: Meeting, deed: Deed) -> Meeting:
    _member(deed)
    draft = meeting.item(deed.subject or "")
    if draft.kind != "draft" or draft.status is not ItemStatus.PENDING:
        raise Conflict(N_("amendments are submitted to a draft still before the Council"))
    if meeting.phase not in (Phase.DEBATE, Phase.VOTING):
        raise Conflict(N_("amendments are submitted once the Council has adopted its agenda and debates"))
    if meeting.question is not None and draft.symbol in _concerned(meeting, meeting.question):
        raise Conflict(N_("that draft is being voted on"))
    waiting = [i for i in meeting.items if deed.by in i.sponsors and not i.accepted and i.status is ItemStatus.PENDING]
    if len(waiting) >= PENDING_AMENDMENTS_PER_MEMBER:
        raise Conflict(
            Phrase.ngettext(
                "%(count)d of your amendments already waits for the President",
                "%(count)d of your amendments already wait for the President",
                len(waiting),
                count=len(waiting),
            )
        )
    text = (deed.text or "").strip()
    if not text:
        raise InvalidRequest("text", N_("write the amendment (rule 31: in writing)"))
    taken = {i.symbol for i in meeting.items}
    number = 1 + sum(1 for i in meeting.items if i.draft == draft.symbol)
    while f"{draft.symbol}/A{number}" in taken:  # a symbol the file already gives
        number += 1
    amendment = Item(
        f"{draft.symbol}/A{number}", "amendment", (deed.by,), text[:2000], draft=draft.symbol, accepted=False
    )
    what = Phrase(
        N_("%(member)s submits an amendment to %(draft)s: %(text)s"),
        member=_who(meeting, deed.by),
        draft=draft.symbol,
        text=amendment.summary,
    )
    return replace(meeting, items=(*meeting.items, amendment), record=_log(meeting, deed, what, N_("rule 31")))


def _accept_amendment(meeting: Meeting, deed: Deed) -> Meeting:
    _president(deed)
    amendment = meeting.item(deed.subject or "")
    if amendment.kind != "amendment" or amendment.accepted:
        raise Conflict(N_("that amendment is already before the Council"))
    if (
        amendment.status is not ItemStatus.PENDING
        or meeting.item(amendment.draft or "").status is not ItemStatus.PENDING
    ):
        raise Conflict(N_("that amendment, or its draft, has been withdrawn or voted on"))
    if meeting.question is not None and (amendment.draft or "") in _concerned(meeting, meeting.question):
        raise Conflict(N_("its draft is being voted on"))
    items = tuple(replace(i, accepted=True) if i.symbol == amendment.symbol else i for i in meeting.items)
    return replace(
        meeting,
        items=items,
        record=_log(
            meeting,
            deed,
            Phrase(N_("The amendment %(amendment)s is before the Council."), amendment=amendment.symbol),
            N_("rule 31"),
        ),
    )


def _order_amendments(meeting: Meeting, deed: Deed) -> Meeting:
    _president(deed)
    draft = meeting.item(deed.subject or "")
    mine = {i.symbol for i in meeting.amendments_in_order(draft.symbol)}
    if not deed.order or set(deed.order) - mine or len(set(deed.order)) != len(deed.order):
        raise InvalidRequest(
            "order",
            Phrase(
                N_("name the amendments to %(draft)s, each once: %(amendments)s"),
                draft=draft.symbol,
                amendments=", ".join(sorted(mine)),
            ),
        )
    what = Phrase(
        N_("The President rules the order of voting on the amendments to %(draft)s: %(amendments)s."),
        draft=draft.symbol,
        amendments=", ".join(deed.order),
    )
    order = dict(meeting.amendment_order) | {draft.symbol: deed.order}
    return replace(meeting, amendment_order=order, record=_log(meeting, deed, what, N_("rule 36")))


def _request_separate(meeting: Meeting, deed: Deed) -> Meeting:
    _member(deed)
    _no_vote_under_way(meeting, N_("a vote is under way; a request for separate votes waits until it is over"))
    if meeting.phase not in (Phase.DEBATE, Phase.VOTING):
        raise Conflict(N_("parts of a draft are voted separately once the Council debates or votes on the drafts"))
    draft = meeting.item(deed.subject or "")
    plan = meeting._draft_plan(draft.symbol)
    paragraphs = len(plan.paragraphs) if plan else 0
    if draft.kind != "draft" or draft.status is not ItemStatus.PENDING:
        raise Conflict(N_("parts are voted separately only on a draft still before the Council"))
    if deed.part is None or not 1 <= deed.part <= paragraphs:
        raise InvalidRequest(
            "part",
            Phrase.ngettext(
                "%(draft)s has %(count)d operative paragraphs",
                "%(draft)s has %(count)d operative paragraphs",
                paragraphs,
                draft=draft.symbol,
                count=paragraphs,
            ),
        )
    if meeting.separate_asked is not None or any(d == draft.symbol and p == deed.part for d, p, _ in meeting.separate):
        raise Conflict(N_("that request is already before the Council"))
    what = Phrase(
        N_("%(member)s asks that paragraph %(paragraph)s of %(draft)s be voted on separately."),
        member=_who(meeting, deed.by),
        paragraph=deed.part,
        draft=draft.symbol,
    )
    return replace(
        meeting,
        separate_asked=(draft.symbol, deed.part, deed.by),
        objectors=(),
        record=_log(meeting, deed, what, N_("rule 32")),
    )


_HANDLERS = {
    Act.NO_OBJECTION: _no_objection,
    Act.OBJECT: _objection,
    Act.PUT: _put,
    Act.VOTE: _vote,
    Act.CLOSE_VOTE: _close_vote,
    Act.PROCEED: _proceed,
    Act.REQUEST_FLOOR: _request_floor,
    Act.NEXT_SPEAKER: _next_speaker,
    Act.EXTEND: _extend,
    Act.YIELD: _yield,
    Act.SKIP: _skip,
    Act.MOVE: _move,
    Act.WITHDRAW: _withdraw,
    Act.POINT_OF_ORDER: _point_of_order,
    Act.RULE: _rule,
    Act.CHALLENGE: _challenge,
    Act.SUBMIT_AMENDMENT: _submit_amendment,
    Act.ACCEPT_AMENDMENT: _accept_amendment,
    Act.ORDER_AMENDMENTS: _order_amendments,
    Act.REQUEST_SEPARATE: _request_separate,
    Act.RESUME: _resume,
    Act.CLOSE_MEETING: _close_meeting,
}


# A meeting file, decided step by step as written (the CLI's ``tally``).


@dataclass(frozen=True)
class Decision:
    """One step of a meeting file as the votes written in it decide it; ``outcome`` None: agreed without a vote.

    ``step``, ``rule`` and ``words`` are in the language ``decisions`` was asked for (English by default)."""

    step: str
    kind: QuestionKind
    rule: str
    subject: str | None
    outcome: Outcome | None
    record: Record | None
    words: str


def decisions(scenario: Scenario, translate: Translator = ENGLISH) -> list[Decision]:
    """Each decision of a meeting file in the order the Council takes them, from the positions written in it:
    the agenda (rule 9), the invitations (rules 37 and 39), then each draft's preliminary question, its
    amendments and the draft (rules 32 and 36). A meeting that does not convene decides nothing more.

    The steps are worded in the language of ``translate`` (English by default)."""
    result = _decisions(scenario)
    if translate is ENGLISH:
        return result
    return [
        replace(
            d,
            step=translated(d.step, translate),
            rule=translated(d.rule, translate),
            words=translated(d.words, translate),
        )
        for d in result
    ]


# Translators: how a step of a meeting was decided (unsc-sim tally), as in "The adoption of the agenda: adopted".
_ADOPTED = N_("adopted")
_NOT_ADOPTED = N_("not adopted")
_VETOED = N_("not adopted: a permanent member voted against (a veto)")


def _decisions(scenario: Scenario) -> list[Decision]:
    members, required = scenario.members, scenario.required
    result: list[Decision] = []

    def voted(positions: Mapping[str, Vote], matter: Matter, chapter: Chapter | None = None) -> Outcome:
        votes = {m.code: positions.get(m.code, Vote.UNDECIDED) for m in members}
        return decide(members, votes, matter, required, chapter)

    agenda_voted = any(m.vote is not Vote.UNDECIDED for m in members)
    agenda = voted(scenario.starting_votes, scenario.matter, scenario.chapter) if agenda_voted else None
    words = (
        N_("adopted without objection")
        if agenda is None
        else (_ADOPTED if agenda.outcome is OutcomeKind.ADOPTED else N_("not adopted: the meeting does not convene"))
    )
    if agenda is not None and agenda.outcome is OutcomeKind.PENDING:
        words = _PENDING
    result.append(
        Decision(
            N_("the adoption of the agenda"), QuestionKind.AGENDA, N_("rule 9"), None, agenda, scenario.record, words
        )
    )
    if agenda is not None and agenda.outcome is OutcomeKind.NOT_ADOPTED:
        return result
    for invitation in scenario.invitations:
        rule = N_("rule 37; Arts. 31 and 32") if invitation.rule == 37 else N_("rule 39")
        outcome = voted(invitation.votes, Matter.PROCEDURAL) if invitation.votes else None
        said = (
            N_("invited without objection")
            if outcome is None
            else _decided(
                outcome,
                N_("invited"),
                N_("not invited"),
                N_("not invited: a permanent member voted against (a veto)"),
            )
        )
        result.append(
            Decision(
                Phrase(N_("the invitation of %(who)s"), who=invitation.who),
                QuestionKind.INVITATION,
                rule,
                invitation.who,
                outcome,
                invitation.record,
                said,
            )
        )
    for draft in scenario.drafts:
        matter = Matter.SUBSTANTIVE if draft.matter is DraftMatter.CONTESTED else Matter(draft.matter.value)
        if draft.matter is DraftMatter.CONTESTED and draft.preliminary is not None:
            outcome = voted(draft.preliminary.votes, Matter.SUBSTANTIVE)
            matter = Matter.PROCEDURAL if outcome.outcome is OutcomeKind.ADOPTED else Matter.SUBSTANTIVE
            said = _decided(
                outcome,
                N_("adopted; so the draft is voted as a procedural matter"),
                N_("not adopted; so the draft is voted as a substantive matter"),
                N_(
                    "not adopted: a permanent member voted against (a veto); so the draft is voted as a substantive matter"
                ),
                N_(
                    "not decided yet: undecided members can still decide it; "
                    "so the draft is voted as a substantive matter"
                ),
            )
            result.append(
                Decision(
                    Phrase(N_("the preliminary question: is %(draft)s procedural?"), draft=_named(draft.symbol)),
                    QuestionKind.PRELIMINARY,
                    N_("Art. 27(3)"),
                    draft.symbol,
                    outcome,
                    draft.preliminary.record,
                    said,
                )
            )
        for amendment in draft.amendments:
            if amendment.votes:
                outcome = voted(amendment.votes, matter, draft.chapter)
                result.append(
                    Decision(
                        Phrase(
                            N_("the amendment %(amendment)s to %(draft)s"),
                            amendment=amendment.symbol,
                            draft=draft.symbol,
                        ),
                        QuestionKind.AMENDMENT,
                        N_("rule 36"),
                        amendment.symbol,
                        outcome,
                        amendment.record,
                        _decided(outcome, _ADOPTED, _NOT_ADOPTED, _VETOED),
                    )
                )
        if draft.votes:
            outcome = voted(draft.votes, matter, draft.chapter)
            result.append(
                Decision(
                    Phrase(N_("the draft resolution %(draft)s"), draft=draft.symbol),
                    QuestionKind.DRAFT,
                    N_("rule 32"),
                    draft.symbol,
                    outcome,
                    draft.record,
                    _decided(outcome, _ADOPTED, _NOT_ADOPTED, _VETOED),
                )
            )
    return result


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _named(symbol: str, capital: bool = False) -> str:
    """A draft as a sentence names it: "draft resolution S/2019/186", or its own words when it has no symbol;
    ``capital`` where it begins the sentence."""
    if symbol.startswith("S/"):
        # Translators: a draft as a sentence names it, by its symbol (S/2019/186).
        named = N_("Draft resolution %(symbol)s") if capital else N_("draft resolution %(symbol)s")
        return Phrase(named, symbol=symbol)
    return _capital(symbol) if capital else symbol


_PENDING = N_("not decided yet: undecided members can still decide it")


def _decided(outcome: Outcome, adopted: str, rejected: str, vetoed: str, pending: str = _PENDING) -> str:
    """How a step was decided, in words: each a whole message (a veto and a vote still open have their own)."""
    if outcome.outcome is OutcomeKind.PENDING:
        return pending
    if outcome.vetoed_by:
        return vetoed
    return adopted if outcome.outcome is OutcomeKind.ADOPTED else rejected


# What may happen next: the acts the rules allow now, for the President or a member, found by trying them.


def possible(
    meeting: Meeting, by: str, at: dt.datetime | None = None, only: frozenset[Act] | None = None
) -> frozenset[Act]:
    """The acts ``by`` (``PRESIDENT`` or a member's code) may take now: every page shows exactly these, so no
    page repeats a rule. An act that needs a choice (which motion, which draft) counts when one choice works."""
    moment = at or dt.datetime.now(dt.UTC)
    drafts = [i.symbol for i in meeting.items if i.kind == "draft" and i.status is ItemStatus.PENDING]
    pending = [i.symbol for i in meeting.items if i.kind == "amendment" and not i.accepted]
    probes: dict[Act, list[Deed]] = {
        act: [Deed(act, by, moment)]
        for act in (
            Act.NO_OBJECTION,
            Act.OBJECT,
            Act.PUT,
            Act.CLOSE_VOTE,
            Act.PROCEED,
            Act.REQUEST_FLOOR,
            Act.NEXT_SPEAKER,
            Act.YIELD,
            Act.CHALLENGE,
            Act.RESUME,
            Act.CLOSE_MEETING,
        )
    }
    probes[Act.VOTE] = [Deed(Act.VOTE, by, moment, vote=Vote.YES)]
    probes[Act.EXTEND] = [Deed(Act.EXTEND, by, moment, seconds=60)]
    probes[Act.MOVE] = [Deed(Act.MOVE, by, moment, motion=MotionKind.SUSPEND)]
    probes[Act.POINT_OF_ORDER] = [Deed(Act.POINT_OF_ORDER, by, moment, text="?")]
    probes[Act.RULE] = [Deed(Act.RULE, by, moment, text="?")]
    probes[Act.SUBMIT_AMENDMENT] = [Deed(Act.SUBMIT_AMENDMENT, by, moment, subject=d, text="?") for d in drafts[:1]]
    probes[Act.ACCEPT_AMENDMENT] = [Deed(Act.ACCEPT_AMENDMENT, by, moment, subject=a) for a in pending[:1]]
    probes[Act.SKIP] = [Deed(Act.SKIP, by, moment, subject=c) for c in meeting.speakers[:1]]
    probes[Act.REQUEST_SEPARATE] = [
        Deed(Act.REQUEST_SEPARATE, by, moment, subject=d, part=1) for d in drafts if meeting.draft_paragraphs(d)
    ][:1]
    mine = [m.id for m in meeting.motions if m.by == by] + [
        i.symbol for i in meeting.items if by in i.sponsors and i.status is ItemStatus.PENDING
    ]
    probes[Act.WITHDRAW] = [Deed(Act.WITHDRAW, by, moment, subject=s) for s in mine[:1]]
    allowed = set()
    for act, deeds in probes.items():
        if only is not None and act not in only:
            continue
        for deed in deeds:
            try:
                apply(meeting, deed)
            except (Conflict, Forbidden, InvalidRequest):
                continue
            allowed.add(act)
            break
    return frozenset(allowed)
