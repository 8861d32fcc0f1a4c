"""Laws of Article 27 that must hold for every combination of votes (property-based)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.domain.rules import decide
from app.domain.votes import Chapter, Matter, OutcomeKind, Vote
from tests.councils import council

MEMBERS = council()
CODES = [m.code for m in MEMBERS]
PERMANENT = {m.code for m in MEMBERS if m.permanent}
ballots = st.fixed_dictionaries({code: st.sampled_from(list(Vote)) for code in CODES})
settled = st.fixed_dictionaries(
    {code: st.sampled_from([Vote.YES, Vote.NO, Vote.ABSTAIN, Vote.ABSENT, Vote.NOT_PARTICIPATING]) for code in CODES}
)
matters = st.sampled_from(list(Matter))


@given(settled)
def test_procedural_outcome_depends_only_on_the_number_of_yes_votes(votes: dict[str, Vote]) -> None:
    out = decide(MEMBERS, votes, Matter.PROCEDURAL)
    yes = sum(v is Vote.YES for v in votes.values())
    assert out.outcome is (OutcomeKind.ADOPTED if yes >= 9 else OutcomeKind.NOT_ADOPTED)


@given(settled)
def test_substantive_adopted_iff_nine_yes_and_no_permanent_no(votes: dict[str, Vote]) -> None:
    out = decide(MEMBERS, votes, Matter.SUBSTANTIVE)
    yes = sum(v is Vote.YES for v in votes.values())
    vetoed = any(votes[c] is Vote.NO for c in PERMANENT)
    assert (out.outcome is OutcomeKind.ADOPTED) == (yes >= 9 and not vetoed)
    assert sorted(out.vetoed_by) == sorted(c for c in PERMANENT if votes[c] is Vote.NO)


@given(ballots, matters, st.sampled_from(CODES))
def test_abstention_to_yes_never_turns_adopted_into_not_adopted(
    votes: dict[str, Vote], matter: Matter, code: str
) -> None:
    if votes[code] is not Vote.ABSTAIN:
        return
    before = decide(MEMBERS, votes, matter).outcome
    after = decide(MEMBERS, {**votes, code: Vote.YES}, matter).outcome
    if before is OutcomeKind.ADOPTED:
        assert after is OutcomeKind.ADOPTED


@given(ballots, matters)
def test_abstention_and_absence_are_interchangeable(votes: dict[str, Vote], matter: Matter) -> None:
    swapped = {c: Vote.ABSENT if v is Vote.ABSTAIN else v for c, v in votes.items()}
    assert decide(MEMBERS, votes, matter).outcome is decide(MEMBERS, swapped, matter).outcome


@given(ballots, matters)
def test_pending_exactly_when_some_completion_differs(votes: dict[str, Vote], matter: Matter) -> None:
    """Pending iff filling in the undecided can give both results; pivotal iff one member's choice can flip it."""
    out = decide(MEMBERS, votes, matter)
    undecided = [c for c, v in votes.items() if v is Vote.UNDECIDED]
    all_yes = decide(MEMBERS, {**votes, **{c: Vote.YES for c in undecided}}, matter).outcome
    all_no = decide(MEMBERS, {**votes, **{c: Vote.NO for c in undecided}}, matter).outcome
    if all_yes is all_no:
        assert out.outcome is all_yes
        assert out.pivotal == []
    else:
        assert out.outcome is OutcomeKind.PENDING
    for code in undecided:
        # A member is pivotal iff, with the others filled in one way, its yes and no give different results.
        others = [c for c in undecided if c != code]
        flips = False
        for k in range(len(others) + 1):
            for perm_no in (False, True):
                fill = {c: Vote.YES if i < k else Vote.ABSTAIN for i, c in enumerate(others)}
                if perm_no:
                    fill.update({c: Vote.NO for c in others if c in PERMANENT})
                a = decide(MEMBERS, {**votes, **fill, code: Vote.YES}, matter).outcome
                b = decide(MEMBERS, {**votes, **fill, code: Vote.NO}, matter).outcome
                flips = flips or a is not b
        assert (code in out.pivotal) == flips, code


@given(ballots, matters)
def test_counts_add_up_and_needed_is_consistent(votes: dict[str, Vote], matter: Matter) -> None:
    out = decide(MEMBERS, votes, matter)
    c = out.counts
    assert c.yes + c.no + c.abstain + c.absent + c.not_participating + c.undecided == 15
    assert out.needed == max(0, 9 - c.yes)
    assert out.explanation


@given(ballots, matters)
def test_absence_and_not_participating_are_interchangeable(votes: dict[str, Vote], matter: Matter) -> None:
    swapped = {c: Vote.NOT_PARTICIPATING if v is Vote.ABSENT else v for c, v in votes.items()}
    assert decide(MEMBERS, votes, matter).outcome is decide(MEMBERS, swapped, matter).outcome


PARTY_COUNCIL = council(parties=("RUS", "E01"))


@given(ballots, st.sampled_from([Vote.YES, Vote.NO, Vote.ABSTAIN, Vote.UNDECIDED]))
def test_under_chapter_vi_a_partys_vote_never_changes_the_outcome(votes: dict[str, Vote], vote: Vote) -> None:
    changed = {**votes, "RUS": vote, "E01": vote}
    before = decide(PARTY_COUNCIL, votes, Matter.SUBSTANTIVE, chapter=Chapter.VI)
    after = decide(PARTY_COUNCIL, changed, Matter.SUBSTANTIVE, chapter=Chapter.VI)
    assert before.outcome is after.outcome
    assert "RUS" not in after.vetoed_by and "RUS" not in after.pivotal
