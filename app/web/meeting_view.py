"""What the live pages show of a meeting: the question before the Council as a verdict and a chamber,
and the acts each person may take now (``app.domain.meeting.possible``), so no page repeats a rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.domain.meeting import (
    MOTION_WORDS,
    PRESIDENT,
    Act,
    ItemStatus,
    Meeting,
    MotionKind,
    Phase,
    Question,
    QuestionKind,
    possible,
)
from app.domain.rules import Outcome, decide, headline
from app.domain.scenario import Scenario, Verdict
from app.domain.session import SessionView
from app.domain.votes import Matter, Vote

# What each kind of question's result means, in the words a projector shows.
RESULT_WORDS = {
    QuestionKind.AGENDA: ("The meeting convenes", "The meeting does not convene"),
    QuestionKind.INVITATION: ("The invitation is agreed", "The invitation is not agreed"),
    QuestionKind.MOTION: ("The motion is carried", "The motion is not carried"),
    QuestionKind.CHALLENGE: ("The ruling is overruled", "The ruling stands"),
    QuestionKind.PRELIMINARY: ("It is a procedural matter", "It stays a substantive matter"),
    QuestionKind.SEPARATE_REQUEST: ("The parts are voted separately", "The draft is voted as a whole"),
    QuestionKind.AMENDMENT: ("The amendment is adopted", "The amendment is not adopted"),
    QuestionKind.PART: ("The paragraph is retained", "The paragraph is deleted"),
    QuestionKind.DRAFT: ("The draft resolution is adopted", "The draft resolution is not adopted"),
}

PHASE_WORDS = {
    Phase.AGENDA: "The provisional agenda is before the Council",
    Phase.INVITATIONS: "Invitations to take part",
    Phase.DEBATE: "Debate",
    Phase.VOTING: "Voting on the drafts",
    Phase.SUSPENDED: "The meeting is suspended",
    Phase.NOT_CONVENED: "The meeting did not convene",
    Phase.ADJOURNED: "The meeting is adjourned",
    Phase.CLOSED: "The meeting has risen",
}

ACT_WORDS = {
    Act.NO_OBJECTION: "No objection: agreed without a vote",
    Act.PUT: "Put the question to the vote",
    Act.CLOSE_VOTE: "Close the vote and announce the result",
    Act.PROCEED: "Proceed to the vote on the drafts",
    Act.NEXT_SPEAKER: "Give the floor to the next speaker",
    Act.EXTEND: "One more minute",
    Act.YIELD: "End the speech",
    Act.RESUME: "Resume the meeting",
    Act.CLOSE_MEETING: "Close the meeting",
    Act.OBJECT: "Object",
    Act.REQUEST_FLOOR: "Ask for the floor",
    Act.CHALLENGE: "Challenge the ruling",
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


def shown_question(meeting: Meeting) -> Question | None:
    """The question being voted on, else the last one decided."""
    return meeting.question or (meeting.questions[-1] if meeting.questions else None)


def board(scenario: Scenario, meeting: Meeting) -> tuple[Scenario, dict[str, str], Outcome, str]:
    """The verdict and chamber of a meeting: the question before the Council (or the last decided), its votes,
    its outcome by the same ``decide`` as everywhere, and its result in words."""
    question = shown_question(meeting)
    members = list(meeting.members)
    if question is None:
        waiting = decide(members, {}, Matter.PROCEDURAL, meeting.required)
        outcome = waiting.model_copy(update={"pivotal": [], "explanation": "No question has been put to the vote yet."})
        plain = scenario.model_copy(update={"record": None})
        return plain, {m.code: Vote.UNDECIDED.value for m in members}, outcome, PHASE_WORDS[meeting.phase]
    votes = {m.code: question.votes.get(m.code, Vote.UNDECIDED) for m in members}
    outcome = question.outcome or decide(members, votes, question.matter, meeting.required, question.chapter)
    adopted, rejected = RESULT_WORDS[question.kind]
    worded = scenario.model_copy(
        update={"record": None, "matter": question.matter, "verdict": Verdict(adopted=adopted, not_adopted=rejected)}
    )
    return worded, {code: vote.value for code, vote in votes.items()}, outcome, headline(worded, outcome)


def meeting_context(view: SessionView, now: dt.datetime) -> dict[str, Any]:
    """What the meeting part shows everyone: where the meeting stands, what is before the Council, the floor."""
    meeting = view.meeting
    assert meeting is not None
    names = {m.code: m.name for m in meeting.members}
    speaker = meeting.speaker
    deadline = speaker.started_at + dt.timedelta(seconds=speaker.seconds) if speaker else None
    proposed = None
    if meeting.question is None and not meeting.ended:
        if meeting.phase is Phase.AGENDA:
            proposed = "the adoption of the agenda"
        elif meeting.phase is Phase.INVITATIONS and meeting.invitation < len(meeting.plan.invitations):
            invitation = meeting.plan.invitations[meeting.invitation]
            proposed = f"the invitation of {invitation.who} (rule {invitation.rule})"
        elif meeting.separate_asked is not None:
            draft, part, _ = meeting.separate_asked
            proposed = f"voting paragraph {part} of {draft} separately"
    return {
        "meeting": meeting,
        "names": names,
        "phase_words": PHASE_WORDS[meeting.phase],
        "proposed": proposed,
        "speaker_name": names.get(speaker.member) if speaker else None,
        "deadline": deadline.isoformat() if deadline else None,
        "remaining": meeting.remaining(now),
        "motion_words": MOTION_WORDS,
        "recent": meeting.record[-4:][::-1],
        "PRESIDENT": PRESIDENT,
        "Phase": Phase,
    }


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
        "act_words": ACT_WORDS,
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
    mine = [(m.id, f"the motion {MOTION_WORDS[m.kind]}") for m in meeting.motions if m.by == code] + [
        (i.symbol, i.symbol) for i in meeting.items if code in i.sponsors and i.status is ItemStatus.PENDING
    ]
    question = meeting.question
    return {
        "allowed": allowed,
        "simple_acts": [a for a in MEMBER_SIMPLE_ACTS if a in allowed],
        "act_words": ACT_WORDS,
        "Act": Act,
        "motions": [(kind.value, MOTION_WORDS[kind]) for kind in MotionKind if kind is not MotionKind.AMEND],
        "drafts": drafts,
        "paragraphs": {d.symbol: meeting.draft_paragraphs(d.symbol) for d in drafts},
        "withdrawable": mine,
        "my_question_vote": (question.votes.get(code, Vote.UNDECIDED) if question else Vote.UNDECIDED),
        "question": question,
    }
