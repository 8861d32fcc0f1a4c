"""Article 27 as the engine applies it: every rule in the reference, the surprising ones first."""

from __future__ import annotations

import pytest

from app.domain.errors import InvalidScenario
from app.domain.rules import decide
from app.domain.votes import Chapter, Matter, OutcomeKind, Vote
from tests.councils import E10, P5, council, votes

PROC, SUBST = Matter.PROCEDURAL, Matter.SUBSTANTIVE
ADOPTED, NOT_ADOPTED, PENDING = OutcomeKind.ADOPTED, OutcomeKind.NOT_ADOPTED, OutcomeKind.PENDING


def test_permanent_no_on_procedural_vote_is_not_a_veto() -> None:
    # Venezuela agenda, January 2019: 9-4-2 with China and Russia against, adopted.
    out = decide(
        council(), votes(yes=(*E10[:6], "FRA", "GBR", "USA"), no=("CHN", "RUS", "E07", "E08"), abstain=E10[8:]), PROC
    )
    assert out.outcome is ADOPTED
    assert out.vetoed_by == []
    assert (out.counts.yes, out.counts.no, out.counts.abstain) == (9, 4, 2)
    assert "Art. 27(2)" in out.explanation and "no member has a veto" in out.explanation


def test_nine_three_three_with_permanent_no_is_vetoed() -> None:
    # Venezuela draft, February 2019: nine votes were there, two permanent members said no.
    out = decide(
        council(), votes(yes=(*E10[:6], "FRA", "GBR", "USA"), no=("CHN", "RUS", "E07"), abstain=E10[7:]), SUBST
    )
    assert out.outcome is NOT_ADOPTED
    assert out.vetoed_by == ["CHN", "RUS"]
    assert out.needed == 0
    assert "veto" in out.explanation and "Art. 27(3)" in out.explanation
    assert "Member CHN and Member RUS" in out.explanation


def test_eight_four_three_fails_one_short() -> None:
    # Syria agenda, March 2018.
    out = decide(
        council(), votes(yes=(*E10[:5], "FRA", "GBR", "USA"), no=("CHN", "RUS", "E06", "E07"), abstain=E10[7:]), PROC
    )
    assert out.outcome is NOT_ADOPTED
    assert out.needed == 1
    assert out.vetoed_by == []
    assert "1 short of the 9 required" in out.explanation


@pytest.mark.parametrize("how", ["abstain", "absent"])
def test_permanent_abstention_or_absence_is_not_a_veto(how: str) -> None:
    kwargs = {"yes": (*E10[:7], "FRA", "GBR", "USA"), how: ("CHN", "RUS")}
    out = decide(council(), votes(**kwargs), SUBST)
    assert out.outcome is ADOPTED
    assert out.vetoed_by == []
    assert "not a veto" in out.explanation


def test_all_permanent_abstaining_still_adopts_with_nine() -> None:
    out = decide(council(), votes(yes=E10[:9], abstain=P5), SUBST)
    assert out.outcome is ADOPTED


@pytest.mark.parametrize("matter", [PROC, SUBST])
def test_abstention_and_absence_never_lower_the_bar(matter: Matter) -> None:
    # No quorum rule: eight "yes" out of eight present still fail.
    out = decide(council(), votes(yes=E10[:8], absent=E10[8:] + P5), matter)
    assert out.outcome is NOT_ADOPTED
    assert out.needed == 1
    assert out.counts.absent == 7


@pytest.mark.parametrize("matter", [PROC, SUBST])
def test_only_yes_counts_toward_the_threshold(matter: Matter) -> None:
    assert decide(council(), votes(yes=E10[:9], abstain=P5), matter).outcome is ADOPTED
    assert decide(council(), votes(yes=E10[:8], abstain=P5 + E10[8:]), matter).outcome is NOT_ADOPTED


def test_exactly_nine_is_enough_and_fifteen_is_unanimous() -> None:
    assert decide(council(), votes(yes=P5 + E10[:4], no=E10[4:]), SUBST).outcome is ADOPTED
    out = decide(council(), votes(yes=P5 + E10), SUBST)
    assert out.outcome is ADOPTED and out.counts.yes == 15 and out.needed == 0


def test_one_permanent_no_vetoes_even_a_fourteen_vote_majority() -> None:
    out = decide(council(), votes(yes=(*E10, "CHN", "FRA", "RUS", "GBR"), no=("USA",)), SUBST)
    assert out.outcome is NOT_ADOPTED
    assert out.vetoed_by == ["USA"]


def test_elected_members_no_is_never_a_veto() -> None:
    out = decide(council(), votes(yes=P5 + E10[:4], no=E10[4:]), SUBST)
    assert out.outcome is ADOPTED and out.counts.no == 6


def test_veto_below_threshold_names_both_reasons() -> None:
    out = decide(council(), votes(yes=E10[:5], no=("USA",)), SUBST)
    assert out.outcome is NOT_ADOPTED
    assert out.vetoed_by == ["USA"]
    assert "short of the 9 required" in out.explanation


# Pending: settled only when no undecided member can change it.


def test_december_2019_eight_yes_and_the_president_undecided() -> None:
    members = council()
    out = decide(members, votes(yes=(*E10[:6], "FRA", "GBR"), no=("CHN", "RUS", "E07"), abstain=E10[7:]), PROC)
    assert out.outcome is PENDING
    assert out.needed == 1
    assert out.pivotal == ["USA"]
    assert out.counts.undecided == 1
    out = decide(
        members,
        {**votes(yes=(*E10[:6], "FRA", "GBR"), no=("CHN", "RUS", "E07"), abstain=E10[7:]), "USA": Vote.YES},
        PROC,
    )
    assert out.outcome is ADOPTED


def test_procedural_question_at_nine_is_settled_whatever_the_undecided_do() -> None:
    out = decide(council(), votes(yes=E10[:9]), PROC)
    assert out.outcome is ADOPTED
    assert out.pivotal == []


def test_substantive_at_nine_with_undecided_permanent_member_is_pending() -> None:
    out = decide(council(), votes(yes=(*E10[:9], "FRA", "GBR", "RUS", "CHN")), SUBST)
    assert out.outcome is PENDING
    assert out.needed == 0
    assert out.pivotal == ["USA"]
    assert "veto" in out.explanation


def test_elected_undecided_are_not_pivotal_once_threshold_is_reached() -> None:
    out = decide(council(), votes(yes=(*E10[:9], "FRA", "GBR", "CHN", "RUS")), SUBST)
    assert "E10" not in out.pivotal and out.pivotal == ["USA"]


def test_everyone_undecided_is_pending_and_everyone_is_pivotal() -> None:
    for matter in (PROC, SUBST):
        out = decide(council(), {}, matter)
        assert out.outcome is PENDING
        assert out.needed == 9
        assert len(out.pivotal) == 15


def test_settled_failure_when_too_few_remain() -> None:
    # 3 yes, 7 no, 5 undecided: even all five cannot reach nine.
    out = decide(council(), votes(yes=E10[:3], no=E10[3:10]), PROC)
    assert out.outcome is NOT_ADOPTED
    assert out.pivotal == []


def test_veto_settles_a_substantive_vote_with_undecided_members() -> None:
    out = decide(council(), votes(no=("RUS",)), SUBST)
    assert out.outcome is NOT_ADOPTED
    assert out.vetoed_by == ["RUS"] and out.pivotal == []


# Party to a dispute, Art. 27(3) proviso: only in decisions under Chapter VI and Art. 52(3).


@pytest.mark.parametrize("chapter", [Chapter.VI, Chapter.ART_52_3])
def test_party_to_dispute_is_counted_as_abstaining_under_chapter_vi_or_52_3(chapter: Chapter) -> None:
    members = council(parties=("GBR",))
    out = decide(members, votes(yes=E10[:9], no=("GBR",)), SUBST, chapter=chapter)
    assert out.vetoed_by == []
    assert out.counts.abstain == 1 and out.counts.no == 0
    assert "party to the dispute" in out.explanation and "Art. 27(3), proviso" in out.explanation
    assert "shown as cast but counted as an abstention" in out.explanation
    # Undecided others can still veto, but the party is never pivotal.
    assert "GBR" not in out.pivotal


def test_permanent_party_voting_no_under_chapter_vii_is_a_veto() -> None:
    members = council(parties=("RUS",))
    ballot = votes(yes=(*E10[:9], "CHN", "FRA", "GBR", "USA"), no=("RUS",))
    out = decide(members, ballot, SUBST, chapter=Chapter.VII)
    assert out.outcome is NOT_ADOPTED and out.vetoed_by == ["RUS"]
    assert "not to this decision under Chapter VII" in out.explanation


def test_the_same_draft_under_chapter_vi_is_adopted_and_says_why() -> None:
    members = council(parties=("RUS",))
    ballot = votes(yes=(*E10[:9], "CHN", "FRA", "GBR", "USA"), no=("RUS",))
    out = decide(members, ballot, SUBST, chapter=Chapter.VI)
    assert out.outcome is ADOPTED and out.vetoed_by == []
    assert "in decisions under Chapter VI a party to a dispute shall abstain" in out.explanation
    # An obligatory abstention is not the voluntary one the ICJ spoke of.
    assert "Namibia" not in out.explanation


def test_party_under_another_chapter_votes_like_any_member() -> None:
    out = decide(council(parties=("USA",)), votes(yes=E10[:9], no=("USA",)), SUBST, chapter=Chapter.OTHER)
    assert out.vetoed_by == ["USA"]
    assert "another part of the Charter" in out.explanation


def test_party_on_a_substantive_matter_without_a_chapter_votes_as_cast_and_names_the_field() -> None:
    out = decide(council(parties=("GBR",)), votes(yes=E10[:9], no=("GBR",)), SUBST)
    assert out.vetoed_by == ["GBR"] and out.counts.no == 1
    assert "Chapter VI or Article 52(3)" in out.explanation and "chapter field is not set" in out.explanation


def test_party_to_dispute_votes_count_on_procedural_matter() -> None:
    members = council(parties=("E01",))
    out = decide(members, votes(yes=E10[:9]), PROC, chapter=Chapter.VI)
    assert out.counts.yes == 9 and out.outcome is ADOPTED
    assert "concerns only substantive decisions" in out.explanation and "procedural matter" in out.explanation


def test_an_absent_party_stays_absent() -> None:
    out = decide(council(parties=("E01",)), votes(yes=E10[1:10], absent=("E01",)), SUBST, chapter=Chapter.VI)
    assert out.counts.absent == 1 and out.counts.abstain == 0


# Other councils.

ELEVEN = council(elected=E10[:6])


def test_eleven_member_council_needs_seven() -> None:
    assert decide(ELEVEN, votes(yes=(*E10[:6], "FRA")), PROC, required=7).outcome is ADOPTED
    out = decide(ELEVEN, votes(yes=E10[:6]), PROC, required=7)
    assert out.outcome is PENDING and out.needed == 1


def test_resolution_83_adopted_with_ussr_absent_and_two_members_not_participating() -> None:
    # 27 June 1950: 7-1, Yugoslavia against, the USSR absent, Egypt and India not participating.
    members = council(elected=("CUB", "ECU", "EGY", "IND", "NOR", "YUG"))
    ballot = {
        **votes(yes=("CHN", "FRA", "GBR", "USA", "CUB", "ECU", "NOR"), no=("YUG",), absent=("RUS",)),
        "EGY": Vote.NOT_PARTICIPATING,
        "IND": Vote.NOT_PARTICIPATING,
    }
    out = decide(members, ballot, SUBST, required=7)
    assert out.outcome is ADOPTED
    assert (out.counts.yes, out.counts.no, out.counts.absent, out.counts.not_participating) == (7, 1, 1, 2)
    assert out.required == 7 and out.vetoed_by == []
    assert "The absence of Member RUS is not a veto" in out.explanation
    assert "resolutions 82 to 84" in out.explanation and "never formally settled" in out.explanation


def test_absence_is_never_credited_to_the_icj_and_abstention_is() -> None:
    absent = decide(council(), votes(yes=E10[:9], absent=("RUS",)), SUBST)
    assert "Namibia" not in absent.explanation and "Court" not in absent.explanation
    abstained = decide(council(), votes(yes=E10[:9], abstain=("RUS",)), SUBST)
    assert "Namibia advisory opinion, 1971, para. 22" in abstained.explanation
    assert "1950" not in abstained.explanation


@pytest.mark.parametrize("matter", [PROC, SUBST])
def test_not_participating_counts_neither_toward_nine_nor_as_a_veto(matter: Matter) -> None:
    ballot = {**votes(yes=E10[:9]), **{c: Vote.NOT_PARTICIPATING for c in P5}}
    out = decide(council(), ballot, matter)
    assert out.outcome is ADOPTED and out.counts.not_participating == 5 and out.vetoed_by == []
    short = decide(council(), {**votes(yes=E10[:8], no=E10[8:]), **{c: Vote.NOT_PARTICIPATING for c in P5}}, matter)
    assert short.outcome is NOT_ADOPTED and short.needed == 1


def test_a_larger_imagined_council() -> None:
    members = council(permanent=(*P5, "IND"), elected=tuple(f"X{n:02}" for n in range(1, 20)))
    assert len(members) == 25
    out = decide(
        members, {m.code: Vote.YES for m in members[:14] if m.code != "IND"} | {"IND": Vote.NO}, SUBST, required=14
    )
    assert out.outcome is NOT_ADOPTED and out.vetoed_by == ["IND"]


def test_unknown_member_in_votes_is_an_error() -> None:
    with pytest.raises(InvalidScenario, match="XYZ"):
        decide(council(), {"XYZ": Vote.YES}, PROC)


def test_outcome_json_has_the_contract_fields() -> None:
    out = decide(council(), votes(yes=E10[:8], no=P5[:3], abstain=(*E10[8:], "GBR")), PROC)
    data = out.model_dump(mode="json")
    assert list(data) == ["outcome", "matter", "required", "counts", "vetoed_by", "needed", "pivotal", "explanation"]
    assert data["counts"] == {"yes": 8, "no": 3, "abstain": 3, "absent": 0, "not_participating": 0, "undecided": 1}
    assert data["outcome"] == "pending" and data["pivotal"] == ["USA"]
