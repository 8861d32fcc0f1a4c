"""The meeting model: every rule of procedure a class meets, as pure functions of the acts done."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import pytest

from app.domain.errors import Conflict, Forbidden, InvalidRequest
from app.domain.meeting import (
    PRESIDENT,
    Act,
    Deed,
    ItemStatus,
    Meeting,
    MeetingPlan,
    MotionKind,
    Phase,
    QuestionKind,
    apply,
    possible,
    replay,
    start,
)
from app.domain.scenario import Draft, DraftMatter, Invitation, Member
from app.domain.votes import Matter, Vote
from app.scenarios import load_file
from tests.conftest import BUNDLED

COUNCIL = load_file(BUNDLED / "council-2026.yaml").members
CODES = [m.code for m in COUNCIL]
PERMANENT = [m.code for m in COUNCIL if m.permanent]
ELECTED = [m.code for m in COUNCIL if not m.permanent]
T0 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


def at(seconds: int) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def do(meeting: Meeting, act: Act, by: str = PRESIDENT, **what: object) -> Meeting:
    return apply(meeting, Deed(act, by, at(meeting.acts), **what))  # type: ignore[arg-type]


def vote(meeting: Meeting, yes: Iterable[str], no: Iterable[str] = (), abstain: Iterable[str] = ()) -> Meeting:
    """Put the question the state calls for, take the votes, close the vote."""
    meeting = do(meeting, Act.PUT)
    for choice, codes in ((Vote.YES, yes), (Vote.NO, no), (Vote.ABSTAIN, abstain)):
        for code in codes:
            meeting = do(meeting, Act.VOTE, code, vote=choice)
    return do(meeting, Act.CLOSE_VOTE)


def split(yes: int, no: int, abstain: int, *, no_first: Sequence[str] = ()) -> tuple[list[str], list[str], list[str]]:
    """``yes``-``no``-``abstain`` among the fifteen, the members in ``no_first`` among those against."""
    rest = [c for c in CODES if c not in no_first]
    against = [*no_first, *rest[: no - len(no_first)]]
    rest = rest[no - len(no_first) :]
    return rest[:yes], against, rest[yes : yes + abstain]


def meeting_with(plan: MeetingPlan | None = None) -> Meeting:
    return start(plan or MeetingPlan(agenda=["The situation in the Middle East"]), COUNCIL, T0)


def debating(plan: MeetingPlan) -> Meeting:
    meeting = do(meeting_with(plan), Act.NO_OBJECTION)
    while meeting.phase is Phase.INVITATIONS:
        meeting = do(meeting, Act.NO_OBJECTION)
    return meeting


DRAFTS = MeetingPlan(
    agenda=["Maintenance of international peace and security"],
    drafts=[
        Draft(symbol="S/2026/100", sponsors=["USA", "GBR"], paragraphs=["Demands", "Decides", "Requests"]),
        Draft(symbol="S/2026/101", sponsors=["RUS"]),
    ],
)


# Rule 9: the agenda.


def test_the_agenda_is_adopted_without_a_vote_when_nobody_objects() -> None:
    meeting = do(meeting_with(), Act.NO_OBJECTION)
    assert meeting.phase is Phase.DEBATE and meeting.questions == ()
    assert "adopted without objection" in meeting.record[-1].what and meeting.record[-1].rule == "rule 9"


def test_an_objection_and_an_8_4_3_agenda_vote_mean_the_meeting_does_not_convene() -> None:
    meeting = do(meeting_with(), Act.OBJECT, "CHN")
    with pytest.raises(Conflict, match="objected: the question must be put to the vote"):
        do(meeting, Act.NO_OBJECTION)
    meeting = vote(meeting, *split(8, 4, 3))
    question = meeting.questions[-1]
    assert question.kind is QuestionKind.AGENDA and question.matter is Matter.PROCEDURAL
    assert question.outcome is not None and question.outcome.counts.yes == 8 and not question.adopted
    assert meeting.phase is Phase.NOT_CONVENED and meeting.ended
    assert "does not convene" in meeting.record[-1].what and "rule 9" in meeting.record[-1].rule
    with pytest.raises(Conflict, match="over"):
        do(meeting, Act.REQUEST_FLOOR, "USA")


def test_a_permanent_members_no_does_not_stop_the_agenda() -> None:
    meeting = do(meeting_with(), Act.OBJECT, "RUS")
    yes, no, abstain = split(9, 4, 2, no_first=["CHN", "RUS"])
    meeting = vote(meeting, yes, no, abstain)
    assert meeting.phase is Phase.DEBATE and meeting.questions[-1].outcome.vetoed_by == []  # type: ignore[union-attr]


# Rules 37 and 39: invitations.


def test_invitations_are_agreed_without_objection_or_put_to_a_procedural_vote() -> None:
    plan = MeetingPlan(
        invitations=[Invitation(rule=37, who="Republic of Korea"), Invitation(rule=39, who="Navi Pillay")]
    )
    meeting = do(meeting_with(plan), Act.NO_OBJECTION)
    assert meeting.phase is Phase.INVITATIONS
    meeting = do(meeting, Act.NO_OBJECTION)
    assert meeting.invited == ("Republic of Korea",) and "Arts. 31 and 32" in meeting.record[-1].rule
    meeting = do(meeting, Act.OBJECT, "CHN")
    meeting = vote(meeting, *split(11, 2, 2, no_first=["CHN", "RUS"]))
    assert meeting.invited == ("Republic of Korea", "Navi Pillay") and meeting.phase is Phase.DEBATE
    assert meeting.questions[-1].kind is QuestionKind.INVITATION and "rule 39" in meeting.questions[-1].rule


def test_a_contested_invitation_can_fail() -> None:
    plan = MeetingPlan(invitations=[Invitation(rule=39, who="A briefer")])
    meeting = do(do(do(meeting_with(plan), Act.NO_OBJECTION), Act.OBJECT, "RUS"), Act.OBJECT, "CHN")
    meeting = vote(meeting, *split(7, 5, 3))
    assert meeting.invited == () and "is not invited" in meeting.record[-1].what and meeting.phase is Phase.DEBATE


# Rule 27: the speakers list.


def test_speakers_are_called_in_order_with_a_time_limit_extended_skipped_and_yielded() -> None:
    meeting = debating(MeetingPlan(speaking_seconds=120))
    for code in ("FRA", "CHN", "USA"):
        meeting = do(meeting, Act.REQUEST_FLOOR, code)
    with pytest.raises(Conflict, match="already on the speakers list"):
        do(meeting, Act.REQUEST_FLOOR, "CHN")
    meeting = do(meeting, Act.NEXT_SPEAKER)
    assert meeting.speaker is not None and meeting.speaker.member == "FRA" and meeting.speakers == ("CHN", "USA")
    started = meeting.speaker.started_at
    assert meeting.remaining(started + dt.timedelta(seconds=30)) == 90
    meeting = do(meeting, Act.EXTEND, seconds=60)
    assert meeting.remaining(started + dt.timedelta(seconds=200)) == -20  # over time: the projector shows it
    with pytest.raises(Forbidden):
        do(meeting, Act.YIELD, "USA")
    meeting = do(meeting, Act.YIELD, "FRA")
    meeting = do(meeting, Act.SKIP, subject="CHN")
    meeting = do(meeting, Act.NEXT_SPEAKER)
    assert meeting.speaker.member == "USA" and meeting.speakers == ()  # type: ignore[union-attr]
    with pytest.raises(Forbidden):
        do(meeting, Act.NEXT_SPEAKER, "USA")


# Rule 33: motions and their precedence.


def test_a_motion_to_adjourn_moved_while_postponement_is_pending_is_decided_first() -> None:
    meeting = debating(DRAFTS)
    meeting = do(meeting, Act.MOVE, "RUS", motion=MotionKind.POSTPONE, text="to 15 December")
    meeting = do(meeting, Act.MOVE, "CHN", motion=MotionKind.ADJOURN)
    meeting = do(meeting, Act.PUT)
    assert meeting.question is not None and "to adjourn the meeting" in meeting.question.text
    assert meeting.question.rule.startswith("rule 33(2)") and meeting.question.matter is Matter.PROCEDURAL
    for code in CODES[:6]:
        meeting = do(meeting, Act.VOTE, code, vote=Vote.YES)
    meeting = do(meeting, Act.CLOSE_VOTE)
    assert "not carried" in meeting.record[-1].what and meeting.phase is Phase.DEBATE
    meeting = do(meeting, Act.PUT)  # now the postponement
    assert meeting.question is not None and "to postpone" in meeting.question.text


def test_suspension_is_decided_without_debate_and_the_meeting_resumes() -> None:
    meeting = debating(DRAFTS)
    meeting = do(meeting, Act.REQUEST_FLOOR, "FRA")
    meeting = do(meeting, Act.MOVE, "GBR", motion=MotionKind.SUSPEND)
    with pytest.raises(Conflict, match="without debate"):
        do(meeting, Act.NEXT_SPEAKER)
    meeting = vote(meeting, *split(10, 3, 2))
    assert meeting.phase is Phase.SUSPENDED
    with pytest.raises(Conflict, match="suspended"):
        do(meeting, Act.MOVE, "FRA", motion=MotionKind.ADJOURN)
    meeting = do(meeting, Act.RESUME)
    assert meeting.phase is Phase.DEBATE and meeting.speakers == ("FRA",)


def test_a_procedural_motion_carries_9_6_against_all_five_permanent_members() -> None:
    meeting = debating(DRAFTS)
    meeting = do(meeting, Act.MOVE, "COL", motion=MotionKind.ADJOURN)
    meeting = vote(meeting, yes=ELECTED[:9], no=[*PERMANENT, ELECTED[9]])
    outcome = meeting.questions[-1].outcome
    assert outcome is not None and outcome.counts.yes == 9 and outcome.counts.no == 6 and outcome.vetoed_by == []
    assert meeting.phase is Phase.ADJOURNED and "adjourned" in meeting.record[-1].what


def test_a_motion_is_withdrawn_only_by_its_mover_and_not_while_voted_on() -> None:
    meeting = debating(DRAFTS)
    meeting = do(meeting, Act.MOVE, "RUS", motion=MotionKind.REFER, text="to a committee of experts")
    motion = meeting.motions[0].id
    with pytest.raises(Forbidden):
        do(meeting, Act.WITHDRAW, "CHN", subject=motion)
    assert do(meeting, Act.WITHDRAW, "RUS", subject=motion).motions == ()
    voting = do(meeting, Act.PUT)
    with pytest.raises(Conflict, match="too late"):
        do(voting, Act.WITHDRAW, "RUS", subject=motion)


# Rule 30: points of order.


def test_a_challenged_ruling_stands_unless_nine_vote_to_overrule_it() -> None:
    meeting = debating(DRAFTS)
    meeting = do(meeting, Act.POINT_OF_ORDER, "RUS", text="The speaker strays from the item")
    with pytest.raises(Conflict, match="rule on it first"):
        do(meeting, Act.PUT)
    meeting = do(meeting, Act.RULE, text="The speaker may continue")
    meeting = do(meeting, Act.CHALLENGE, "RUS")
    upheld = vote(meeting, *split(8, 5, 2))
    assert upheld.questions[-1].kind is QuestionKind.CHALLENGE and "stands" in upheld.record[-1].what
    assert upheld.point is None and upheld.questions[-1].rule.startswith("rule 30")
    overruled = vote(meeting, *split(9, 6, 0))
    assert "overruled" in overruled.record[-1].what


def test_an_unchallenged_ruling_stands_once_the_president_moves_on() -> None:
    meeting = debating(DRAFTS)
    meeting = do(do(meeting, Act.POINT_OF_ORDER, "CHN", text="Order"), Act.RULE, text="Noted")
    meeting = do(meeting, Act.REQUEST_FLOOR, "USA")
    meeting = do(meeting, Act.NEXT_SPEAKER)
    assert meeting.point is None
    with pytest.raises(Conflict, match="no ruling"):
        do(meeting, Act.CHALLENGE, "CHN")


# Rules 31, 32, 35 and 36: drafts and amendments.


def test_amendments_come_before_their_draft_the_furthest_removed_first_and_drafts_in_order() -> None:
    meeting = debating(DRAFTS)
    meeting = do(meeting, Act.SUBMIT_AMENDMENT, "RUS", subject="S/2026/100", text="Replace 'demands' by 'calls upon'")
    meeting = do(meeting, Act.SUBMIT_AMENDMENT, "CHN", subject="S/2026/100", text="Delete paragraph 2")
    first, second = "S/2026/100/A1", "S/2026/100/A2"
    meeting = do(meeting, Act.PROCEED)
    assert meeting.next_vote() == (QuestionKind.DRAFT, "S/2026/100")  # not yet accepted by the President
    meeting = do(meeting, Act.ACCEPT_AMENDMENT, subject=first)
    meeting = do(meeting, Act.ACCEPT_AMENDMENT, subject=second)
    assert meeting.next_vote() == (QuestionKind.AMENDMENT, first)  # in the order submitted
    meeting = do(meeting, Act.ORDER_AMENDMENTS, subject="S/2026/100", order=(second, first))  # the furthest removed
    assert meeting.next_vote() == (QuestionKind.AMENDMENT, second)
    meeting = vote(meeting, *split(4, 9, 2))
    assert meeting.item(second).status is ItemStatus.NOT_ADOPTED
    meeting = vote(meeting, *split(9, 3, 3, no_first=ELECTED[:3]))  # no permanent member against: adopted
    assert meeting.item(first).status is ItemStatus.ADOPTED and meeting.questions[-1].matter is Matter.SUBSTANTIVE
    assert meeting.next_vote() == (QuestionKind.DRAFT, "S/2026/100")
    meeting = vote(meeting, *split(13, 0, 2))
    assert meeting.next_vote() == (QuestionKind.DRAFT, "S/2026/101")
    meeting = vote(meeting, *split(10, 3, 2, no_first=["USA", *ELECTED[:2]]))
    assert meeting.item("S/2026/101").status is ItemStatus.NOT_ADOPTED
    assert "veto" in meeting.record[-1].what and "United States" in meeting.record[-1].what
    assert meeting.next_vote() is None
    assert do(meeting, Act.CLOSE_MEETING).phase is Phase.CLOSED


def test_a_draft_is_withdrawn_by_a_sponsor_before_the_vote_and_only_then() -> None:
    meeting = do(debating(DRAFTS), Act.PROCEED)
    with pytest.raises(Forbidden):
        do(meeting, Act.WITHDRAW, "RUS", subject="S/2026/100")
    withdrawn = do(meeting, Act.WITHDRAW, "GBR", subject="S/2026/100")
    assert withdrawn.next_vote() == (QuestionKind.DRAFT, "S/2026/101")
    voted = vote(meeting, *split(15, 0, 0))
    with pytest.raises(Conflict, match="already been voted on"):
        do(voted, Act.WITHDRAW, "USA", subject="S/2026/100")


def test_separate_votes_on_request_unless_the_sponsor_objects_then_a_procedural_vote() -> None:
    meeting = debating(DRAFTS)
    with pytest.raises(InvalidRequest, match="3 operative paragraphs"):
        do(meeting, Act.REQUEST_SEPARATE, "RUS", subject="S/2026/100", part=4)
    asked = do(meeting, Act.REQUEST_SEPARATE, "RUS", subject="S/2026/100", part=2)
    granted = do(asked, Act.NO_OBJECTION)
    assert granted.separate == (("S/2026/100", 2, "RUS"),)
    with pytest.raises(Forbidden, match="only a sponsor"):
        do(asked, Act.OBJECT, "CHN")
    contested = do(asked, Act.OBJECT, "USA")
    rejected = vote(contested, *split(6, 7, 2))
    assert rejected.questions[-1].kind is QuestionKind.SEPARATE_REQUEST and rejected.separate == ()
    voting = do(granted, Act.PROCEED)
    assert voting.next_vote() == (QuestionKind.PART, "S/2026/100#2")
    voting = vote(voting, *split(8, 4, 3))
    assert "deleted" in voting.record[-1].what and voting.next_vote() == (QuestionKind.DRAFT, "S/2026/100")


# The preliminary question: the "double veto".

CZECHOSLOVAKIA_1948 = [
    Member(code="ARG", name="Argentina"),
    Member(code="BEL", name="Belgium"),
    Member(code="CAN", name="Canada"),
    Member(code="CHN", name="China", permanent=True),
    Member(code="COL", name="Colombia"),
    Member(code="FRA", name="France", permanent=True),
    Member(code="SYR", name="Syria"),
    Member(code="UKR", name="Ukrainian Soviet Socialist Republic"),
    Member(code="SUN", name="Union of Soviet Socialist Republics", permanent=True),
    Member(code="GBR", name="United Kingdom", permanent=True),
    Member(code="USA", name="United States", permanent=True),
]


def test_the_1948_preliminary_question_keeps_the_draft_substantive_and_the_draft_is_vetoed() -> None:
    plan = MeetingPlan(
        agenda=["The Czechoslovak question"],
        drafts=[Draft(symbol="S/782", sponsors=["ARG"], matter=DraftMatter.CONTESTED)],
    )
    meeting = do(start(plan, CZECHOSLOVAKIA_1948, T0, required=7), Act.NO_OBJECTION)
    meeting = do(meeting, Act.PROCEED)
    assert meeting.next_vote() == (QuestionKind.PRELIMINARY, "S/782")
    in_favour = ["ARG", "BEL", "CAN", "CHN", "COL", "SYR", "GBR", "USA"]
    meeting = vote(meeting, in_favour, ["SUN", "UKR"], ["FRA"])
    preliminary = meeting.questions[-1]
    assert preliminary.kind is QuestionKind.PRELIMINARY and preliminary.matter is Matter.SUBSTANTIVE
    assert preliminary.outcome is not None and preliminary.outcome.counts.yes == 8
    assert preliminary.outcome.vetoed_by == ["SUN"] and not preliminary.adopted
    assert meeting.matter_for("S/782") is Matter.SUBSTANTIVE and "double veto" in meeting.record[-1].what
    meeting = vote(meeting, [*in_favour, "FRA"], ["SUN", "UKR"])
    draft = meeting.questions[-1]
    assert draft.kind is QuestionKind.DRAFT and draft.matter is Matter.SUBSTANTIVE
    assert draft.outcome is not None and draft.outcome.counts.yes == 9 and draft.outcome.vetoed_by == ["SUN"]
    assert meeting.item("S/782").status is ItemStatus.NOT_ADOPTED


def test_an_adopted_preliminary_question_makes_the_draft_procedural() -> None:
    plan = MeetingPlan(drafts=[Draft(symbol="S/1", matter=DraftMatter.CONTESTED)])
    meeting = do(do(meeting_with(plan), Act.NO_OBJECTION), Act.PROCEED)
    meeting = vote(meeting, *split(12, 0, 3))
    assert meeting.matter_for("S/1") is Matter.PROCEDURAL
    meeting = vote(meeting, *split(9, 6, 0, no_first=PERMANENT))  # no veto on a procedural matter
    assert meeting.item("S/1").status is ItemStatus.ADOPTED


# Who may act, and replay.


def test_only_the_president_moves_the_meeting_and_members_vote_only_for_themselves() -> None:
    meeting = meeting_with()
    for act in (Act.NO_OBJECTION, Act.PUT, Act.CLOSE_VOTE, Act.PROCEED, Act.CLOSE_MEETING):
        with pytest.raises(Forbidden):
            do(meeting, act, "USA")
    with pytest.raises(Forbidden, match="neither the President nor a member"):
        do(meeting, Act.OBJECT, "XYZ")
    with pytest.raises(Forbidden):
        do(meeting, Act.OBJECT, PRESIDENT)
    voting = do(do(meeting, Act.OBJECT, "CHN"), Act.PUT)
    with pytest.raises(InvalidRequest):
        do(voting, Act.VOTE, "USA", vote=Vote.UNDECIDED)
    with pytest.raises(Conflict, match="a vote is under way"):
        do(voting, Act.MOVE, "USA", motion=MotionKind.ADJOURN)


def test_the_meeting_is_a_fold_over_its_acts() -> None:
    deeds = [
        Deed(Act.OBJECT, "CHN", at(1)),
        Deed(Act.PUT, PRESIDENT, at(2)),
        *[Deed(Act.VOTE, code, at(3), vote=Vote.YES) for code in CODES[:10]],
        Deed(Act.CLOSE_VOTE, PRESIDENT, at(4)),
        Deed(Act.REQUEST_FLOOR, "FRA", at(5)),
    ]
    meeting = replay(DRAFTS, COUNCIL, deeds, T0)
    stepped = start(DRAFTS, COUNCIL, T0)
    for deed in deeds:
        stepped = apply(stepped, deed)
    assert meeting == stepped and meeting.phase is Phase.DEBATE and meeting.speakers == ("FRA",)
    assert [e.rule for e in meeting.record if e.question is not None] == ["rule 9"]


def test_what_may_happen_next_follows_the_state() -> None:
    opening = meeting_with(DRAFTS)
    assert possible(opening, PRESIDENT) >= {Act.NO_OBJECTION} and Act.PUT not in possible(opening, PRESIDENT)
    assert Act.OBJECT in possible(opening, "CHN") and Act.VOTE not in possible(opening, "CHN")
    objected = do(opening, Act.OBJECT, "CHN")
    assert Act.PUT in possible(objected, PRESIDENT) and Act.NO_OBJECTION not in possible(objected, PRESIDENT)
    voting = do(objected, Act.PUT)
    assert Act.VOTE in possible(voting, "USA") and Act.CLOSE_VOTE in possible(voting, PRESIDENT)
    assert Act.MOVE not in possible(voting, "USA")
    debate = vote(objected, *split(12, 2, 1))
    member = possible(debate, "FRA")
    assert {Act.REQUEST_FLOOR, Act.MOVE, Act.POINT_OF_ORDER, Act.SUBMIT_AMENDMENT, Act.REQUEST_SEPARATE} <= member
    assert Act.WITHDRAW in possible(debate, "USA") and Act.WITHDRAW not in possible(debate, "CHN")  # USA sponsors
    assert Act.PROCEED in possible(debate, PRESIDENT) and Act.NEXT_SPEAKER not in possible(debate, PRESIDENT)


# What a scripted delegation tried, and the rules that hold it.


def test_one_pending_motion_per_member_with_a_short_text_and_only_suspend_or_adjourn_before_the_agenda() -> None:
    opening = meeting_with(DRAFTS)
    with pytest.raises(Conflict, match="first adopts its agenda"):
        do(opening, Act.MOVE, "RUS", motion=MotionKind.POSTPONE, text="sine die")
    assert do(opening, Act.MOVE, "RUS", motion=MotionKind.ADJOURN, text="ignored").motions[0].text is None
    meeting = debating(DRAFTS)
    meeting = do(meeting, Act.MOVE, "RUS", motion=MotionKind.POSTPONE, text="to Monday")
    with pytest.raises(Conflict, match="already has a motion pending"):
        do(meeting, Act.MOVE, "RUS", motion=MotionKind.REFER, text="to a committee")
    with pytest.raises(InvalidRequest, match="at most 200"):
        do(meeting, Act.MOVE, "CHN", motion=MotionKind.REFER, text="Z" * 201)
    with pytest.raises(InvalidRequest, match="invisible or control character"):
        do(meeting, Act.POINT_OF_ORDER, "CHN", text="\u202eevil")


def test_a_request_for_separate_votes_cannot_wipe_out_an_objection_to_the_agenda() -> None:
    meeting = do(meeting_with(DRAFTS), Act.OBJECT, "CHN")
    with pytest.raises(Conflict, match="once the Council debates"):
        do(meeting, Act.REQUEST_SEPARATE, "USA", subject="S/2026/100", part=1)
    with pytest.raises(Conflict, match="objected"):
        do(meeting, Act.NO_OBJECTION)


def test_a_draft_cannot_be_withdrawn_or_amended_while_its_amendment_is_voted() -> None:
    meeting = do(debating(DRAFTS), Act.SUBMIT_AMENDMENT, "RUS", subject="S/2026/100", text="Calls upon")
    meeting = do(do(meeting, Act.ACCEPT_AMENDMENT, subject="S/2026/100/A1"), Act.PROCEED)
    voting = do(meeting, Act.PUT)
    assert voting.question is not None and voting.question.kind is QuestionKind.AMENDMENT
    with pytest.raises(Conflict, match="too late"):
        do(voting, Act.WITHDRAW, "USA", subject="S/2026/100")
    with pytest.raises(Conflict, match="being voted on"):
        do(voting, Act.SUBMIT_AMENDMENT, "CHN", subject="S/2026/100", text="Delete it")
    withdrawn = do(
        do(meeting, Act.SUBMIT_AMENDMENT, "CHN", subject="S/2026/101", text="x"),
        Act.WITHDRAW,
        "RUS",
        subject="S/2026/101",
    )
    with pytest.raises(Conflict, match="withdrawn or voted on"):
        do(withdrawn, Act.ACCEPT_AMENDMENT, subject="S/2026/101/A1")


def test_a_suspended_meeting_does_nothing_until_it_resumes() -> None:
    meeting = do(debating(DRAFTS), Act.MOVE, "RUS", motion=MotionKind.POSTPONE, text="to Monday")
    meeting = do(meeting, Act.MOVE, "GBR", motion=MotionKind.SUSPEND)
    suspended = vote(meeting, *split(10, 3, 2, no_first=ELECTED[:3]))
    assert suspended.phase is Phase.SUSPENDED
    for act, by, extra in (
        (Act.PUT, PRESIDENT, {}),
        (Act.POINT_OF_ORDER, "CHN", {"text": "Order"}),
        (Act.REQUEST_SEPARATE, "CHN", {"subject": "S/2026/100", "part": 1}),
    ):
        with pytest.raises(Conflict, match="suspended"):
            do(suspended, act, by, **extra)
    assert do(suspended, Act.RESUME).phase is Phase.DEBATE


def test_an_unruled_point_of_order_holds_the_meeting_where_it_is() -> None:
    meeting = do(debating(DRAFTS), Act.POINT_OF_ORDER, "CHN", text="Order")
    for act in (Act.PROCEED, Act.CLOSE_MEETING):
        with pytest.raises(Conflict, match="rule on it first"):
            do(meeting, act)


def test_a_veto_reads_plainly_in_the_record() -> None:
    meeting = do(debating(DRAFTS), Act.PROCEED)
    meeting = vote(meeting, *split(10, 3, 2, no_first=["USA", *ELECTED[:2]]))
    assert meeting.record[-1].what == (
        "Draft resolution S/2026/100 is not adopted (10 in favour, 3 against, 2 abstaining), "
        "owing to the negative vote of United States: a veto."
    )
