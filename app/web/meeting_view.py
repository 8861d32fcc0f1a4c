"""What the live pages show of a meeting: the question before the Council as a verdict and a chamber,
and the acts each person may take now (``app.domain.meeting.possible``), so no page repeats a rule.

Everything here runs at render time, with the reader's language set (``app.i18n``): the domain's words
(the record's lines, the question put, the names of motions) are English ``Phrase``s or sentences marked
``N_``, and ``say`` words them in the reader's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from app.domain.meeting import (
    MOTION_WORDS,
    PRESIDENT,
    Act,
    Entry,
    ItemStatus,
    Meeting,
    MotionKind,
    Phase,
    Question,
    QuestionKind,
    possible,
    translated,
)
from app.domain.rules import Outcome, decide, headline
from app.domain.scenario import Scenario, Verdict
from app.domain.session import SessionView
from app.domain.text import N_
from app.domain.votes import Matter, Vote
from app.i18n import CURRENT
from app.i18n import gettext as _

# What each kind of question's result means, in the words a projector shows.
RESULT_WORDS = {
    QuestionKind.AGENDA: (N_("The meeting convenes"), N_("The meeting does not convene")),
    QuestionKind.INVITATION: (N_("The invitation is agreed"), N_("The invitation is not agreed")),
    QuestionKind.MOTION: (N_("The motion is carried"), N_("The motion is not carried")),
    QuestionKind.CHALLENGE: (N_("The ruling is overruled"), N_("The ruling stands")),
    QuestionKind.PRELIMINARY: (N_("It is a procedural matter"), N_("It stays a substantive matter")),
    QuestionKind.SEPARATE_REQUEST: (N_("The parts are voted separately"), N_("The draft is voted as a whole")),
    QuestionKind.AMENDMENT: (N_("The amendment is adopted"), N_("The amendment is not adopted")),
    QuestionKind.PART: (N_("The paragraph is retained"), N_("The paragraph is deleted")),
    QuestionKind.DRAFT: (N_("The draft resolution is adopted"), N_("The draft resolution is not adopted")),
}

PHASE_WORDS = {
    Phase.AGENDA: N_("The provisional agenda is before the Council"),
    Phase.INVITATIONS: N_("Invitations to take part"),
    # Translators: the phase of a meeting in which members speak.
    Phase.DEBATE: N_("Debate"),
    Phase.VOTING: N_("Voting on the drafts"),
    Phase.SUSPENDED: N_("The meeting is suspended"),
    Phase.NOT_CONVENED: N_("The meeting did not convene"),
    Phase.ADJOURNED: N_("The meeting is adjourned"),
    Phase.CLOSED: N_("The meeting has risen"),
}

# Each act as its button says it.
ACT_WORDS = {
    Act.NO_OBJECTION: N_("No objection: agreed without a vote"),
    Act.PUT: N_("Put the question to the vote"),
    Act.CLOSE_VOTE: N_("Close the vote and announce the result"),
    Act.PROCEED: N_("Proceed to the vote on the drafts"),
    Act.NEXT_SPEAKER: N_("Give the floor to the next speaker"),
    # Translators: a button: the President gives the speaker one more minute.
    Act.EXTEND: N_("One more minute"),
    # Translators: a button: the speaker (or the President) ends the speech.
    Act.YIELD: N_("End the speech"),
    Act.RESUME: N_("Resume the meeting"),
    Act.CLOSE_MEETING: N_("Close the meeting"),
    # Translators: a button: a member objects to what the President proposes without a vote.
    Act.OBJECT: N_("Object"),
    Act.REQUEST_FLOOR: N_("Ask for the floor"),
    Act.CHALLENGE: N_("Challenge the ruling"),
}

MEMBER_SIMPLE_ACTS = (Act.OBJECT, Act.REQUEST_FLOOR, Act.YIELD, Act.CHALLENGE)
PRESIDENT_SIMPLE_ACTS = (
    Act.NO_OBJECTION,
    Act.PUT,
    Act.CLOSE_VOTE,
    Act.NEXT_SPEAKER,
    Act.EXTEND,
    Act.YIELD,
    Act.PROCEED,
    Act.RESUME,
    Act.CLOSE_MEETING,
)


def say(text: str) -> str:
    """What the domain says (a ``Phrase`` or a sentence marked ``N_``), in the reader's language."""
    return translated(text, CURRENT)


def said(entry: Entry) -> Entry:
    """A line of the record in the reader's language: what happened, the rule, and the question voted on."""
    question = entry.question
    if question is not None:
        question = replace(question, text=say(question.text), rule=say(question.rule))
    return replace(entry, what=say(entry.what), rule=say(entry.rule), question=question)


def record(meeting: Meeting) -> list[Entry]:
    """The whole record of a meeting, in the reader's language (for the record page)."""
    return [said(entry) for entry in meeting.record]


def shown_question(meeting: Meeting) -> Question | None:
    """The question being voted on, else the last one decided."""
    return meeting.question or (meeting.questions[-1] if meeting.questions else None)


def board(scenario: Scenario, meeting: Meeting) -> tuple[Scenario, dict[str, str], Outcome, str]:
    """The verdict and chamber of a meeting: the question before the Council (or the last decided), its votes,
    its outcome by the same ``decide`` as everywhere, and its result in words (in the reader's language)."""
    question = shown_question(meeting)
    members = list(meeting.members)
    if question is None:
        waiting = decide(members, {}, Matter.PROCEDURAL, meeting.required)
        explanation = _("No question has been put to the vote yet.")
        outcome = waiting.model_copy(update={"pivotal": [], "explanation": explanation})
        plain = scenario.model_copy(update={"record": None})
        return plain, {m.code: Vote.UNDECIDED.value for m in members}, outcome, _(PHASE_WORDS[meeting.phase])
    votes = {m.code: question.votes.get(m.code, Vote.UNDECIDED) for m in members}
    outcome = question.outcome or decide(members, votes, question.matter, meeting.required, question.chapter)
    adopted, rejected = RESULT_WORDS[question.kind]
    worded = scenario.model_copy(
        update={"record": None, "matter": question.matter, "verdict": Verdict(adopted=adopted, not_adopted=rejected)}
    )
    return worded, {code: vote.value for code, vote in votes.items()}, outcome, headline(worded, outcome, CURRENT)


def _proposal(meeting: Meeting) -> tuple[str, str] | None:
    """What the President proposes to settle without a vote, if anything: as words ("the adoption of the
    agenda"), and as the President's whole question ("The President proposes ...: is there any objection?")."""
    if meeting.question is not None or meeting.ended:
        return None
    if meeting.phase is Phase.AGENDA:
        return (
            _("the adoption of the agenda"),
            _("The President proposes the adoption of the agenda: is there any objection?"),
        )
    if meeting.phase is Phase.INVITATIONS and meeting.invitation < len(meeting.plan.invitations):
        invitation = meeting.plan.invitations[meeting.invitation]
        values: dict[str, object] = {"who": invitation.who, "rule": invitation.rule}
        return (
            _("the invitation of %(who)s (rule %(rule)s)") % values,
            _("The President proposes the invitation of %(who)s (rule %(rule)s): is there any objection?") % values,
        )
    if meeting.separate_asked is not None:
        draft, part, _by = meeting.separate_asked
        values = {"paragraph": part, "draft": draft}
        return (
            _("voting paragraph %(paragraph)s of %(draft)s separately") % values,
            _("The President proposes voting paragraph %(paragraph)s of %(draft)s separately: is there any objection?")
            % values,
        )
    return None


def meeting_context(view: SessionView, now: dt.datetime) -> dict[str, Any]:
    """What the meeting part shows everyone: where the meeting stands, what is before the Council, the floor.

    Every word is in the reader's language: ``proposal`` is the President's whole question on what is proposed
    without a vote (``proposed`` its subject alone), ``question_text`` and ``question_rule`` the question being
    voted on, ``recent`` the record's last lines; ``say`` words anything else the domain says."""
    meeting = view.meeting
    assert meeting is not None
    names = {m.code: m.name for m in meeting.members}
    speaker = meeting.speaker
    deadline = speaker.started_at + dt.timedelta(seconds=speaker.seconds) if speaker else None
    proposal = _proposal(meeting)
    question = meeting.question
    return {
        "meeting": meeting,
        "names": names,
        "phase_words": _(PHASE_WORDS[meeting.phase]),
        "proposed": proposal[0] if proposal else None,
        "proposal": proposal[1] if proposal else None,
        "question_text": say(question.text) if question else None,
        "question_rule": say(question.rule) if question else None,
        "speaker_name": names.get(speaker.member) if speaker else None,
        "deadline": deadline.isoformat() if deadline else None,
        "remaining": meeting.remaining(now),
        "motion_words": {kind: say(words) for kind, words in MOTION_WORDS.items()},
        "recent": [said(entry) for entry in meeting.record[-4:][::-1]],
        "say": say,
        "PRESIDENT": PRESIDENT,
        "Phase": Phase,
    }


def _act_words() -> dict[Act, str]:
    return {act: _(words) for act, words in ACT_WORDS.items()}


def president_context(view: SessionView, now: dt.datetime) -> dict[str, Any]:
    """The President's console: exactly the acts the rules allow now, and acts on a member's behalf."""
    meeting = view.meeting
    assert meeting is not None
    allowed = possible(meeting, PRESIDENT, now)
    objecting = frozenset({Act.OBJECT})
    members = [m for m in meeting.members if possible(meeting, m.code, now, only=objecting)]
    return {
        "allowed": allowed,
        "simple_acts": [a for a in PRESIDENT_SIMPLE_ACTS if a in allowed],
        "act_words": _act_words(),
        "Act": Act,
        "objectors_possible": members,
        "pending_amendments": [
            i for i in meeting.items if i.kind == "amendment" and not i.accepted and i.status is ItemStatus.PENDING
        ],
        "speakers": meeting.speakers,
        "names": {m.code: m.name for m in meeting.members},
    }


def member_context(view: SessionView, code: str, now: dt.datetime) -> dict[str, Any]:
    """A delegation's acts from its phone: exactly those the rules allow it now."""
    meeting = view.meeting
    assert meeting is not None
    allowed = possible(meeting, code, now)
    drafts = [i for i in meeting.items if i.kind == "draft" and i.status is ItemStatus.PENDING]
    mine = [
        (m.id, _("the motion %(motion)s") % {"motion": say(MOTION_WORDS[m.kind])})
        for m in meeting.motions
        if m.by == code
    ] + [(i.symbol, i.symbol) for i in meeting.items if code in i.sponsors and i.status is ItemStatus.PENDING]
    question = meeting.question
    return {
        "allowed": allowed,
        "simple_acts": [a for a in MEMBER_SIMPLE_ACTS if a in allowed],
        "act_words": _act_words(),
        "Act": Act,
        "motions": [(kind.value, say(MOTION_WORDS[kind])) for kind in MotionKind if kind is not MotionKind.AMEND],
        "drafts": drafts,
        "paragraphs": {d.symbol: meeting.draft_paragraphs(d.symbol) for d in drafts},
        "withdrawable": mine,
        "my_question_vote": (question.votes.get(code, Vote.UNDECIDED) if question else Vote.UNDECIDED),
        "question": question,
    }
