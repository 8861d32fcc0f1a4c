"""Voting power: the published indices of the Council, agreement with brute force, the path to adoption."""

from __future__ import annotations

import time
from fractions import Fraction
from itertools import combinations, permutations
from math import factorial
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.power import (
    indices,
    member_powers,
    path_sentence,
    path_to_adoption,
    power_report,
    power_sentence,
    what_if_sentence,
    what_ifs,
)
from app.domain.scenario import Member, Scenario
from app.domain.votes import Chapter, Matter, OutcomeKind, Vote
from tests.councils import E10, P5, council, votes

SUBST, PROC = Matter.SUBSTANTIVE, Matter.PROCEDURAL
ELEVEN = council(elected=E10[:6])


def test_todays_council_on_a_substantive_matter_matches_the_published_indices() -> None:
    found = indices(council(), SUBST)
    assert found.permanent.shapley_shubik == Fraction(421, 2145)
    assert found.elected.shapley_shubik == Fraction(4, 2145)
    assert (found.permanent.swings, found.elected.swings) == (848, 84)
    assert found.permanent.banzhaf_absolute == Fraction(848, 2**14)


def test_the_eleven_member_council_matches_the_published_indices() -> None:
    found = indices(ELEVEN, SUBST, required=7)
    assert found.permanent.shapley_shubik == Fraction(76, 385)
    assert found.elected.shapley_shubik == Fraction(1, 462)
    assert (found.permanent.swings, found.elected.swings) == (57, 5)


def test_on_a_procedural_matter_all_fifteen_are_equal() -> None:
    powers = member_powers(council(), PROC)
    assert {p.shapley_shubik_exact for p in powers} == {"1/15"}
    assert {p.banzhaf_exact for p in powers} == {"1/15"}


def test_shapley_shubik_and_normalised_banzhaf_each_sum_to_one() -> None:
    powers = member_powers(council(), SUBST)
    assert sum(Fraction(p.shapley_shubik_exact) for p in powers) == 1
    assert sum(Fraction(p.banzhaf_exact) for p in powers) == 1
    assert powers[0].banzhaf_exact == str(Fraction(848, 5 * 848 + 10 * 84))


def test_a_party_obliged_to_abstain_has_no_power_and_no_veto_to_count() -> None:
    powers = {p.code: p for p in member_powers(council(parties=("RUS",)), SUBST, chapter=Chapter.VI)}
    assert powers["RUS"].obliged_to_abstain and powers["RUS"].shapley_shubik == 0 and powers["RUS"].swings == 0
    assert sum(Fraction(p.shapley_shubik_exact) for p in powers.values()) == 1
    # Under Chapter VII the same party keeps its full power.
    vii = {p.code: p for p in member_powers(council(parties=("RUS",)), SUBST, chapter=Chapter.VII)}
    assert vii["RUS"].shapley_shubik_exact == "421/2145"


def test_sixty_seats_are_computed_well_under_fifty_milliseconds() -> None:
    members = council(elected=tuple(f"X{n:02}" for n in range(55)))
    started = time.perf_counter()
    powers = member_powers(members, SUBST, required=31)
    assert time.perf_counter() - started < 0.05
    assert sum(Fraction(p.shapley_shubik_exact) for p in powers) == 1


def test_the_plain_sentence_compares_the_two_kinds_of_seat() -> None:
    assert power_sentence(council()) == (
        "On a draft resolution a permanent member holds about 105 times the voting power of an elected one; "
        "on a procedural vote all 15 members are equal."
    )


# Brute force on small councils: every permutation, every coalition.


def _brute(members: list[Member], matter: Matter, required: int, chapter: Chapter | None) -> dict[str, tuple[Any, ...]]:
    from app.domain.rules import obliged_to_abstain

    voting = [m for m in members if not obliged_to_abstain(m, matter, chapter)]
    permanent = {m.code for m in voting if m.permanent}

    def wins(coalition: set[str]) -> bool:
        return len(coalition) >= required and (matter is PROC or permanent <= coalition)

    codes = [m.code for m in voting]
    pivots = dict.fromkeys(codes, 0)
    for order in permutations(codes):
        prefix: set[str] = set()
        for code in order:
            prefix.add(code)
            if wins(prefix):
                pivots[code] += 1
                break
    swings = dict.fromkeys(codes, 0)
    for size in range(len(codes) + 1):
        for coalition in map(set, combinations(codes, size)):
            for code in codes:
                if code not in coalition and wins(coalition | {code}) and not wins(coalition):
                    swings[code] += 1
    n = len(codes)
    return {
        m.code: (Fraction(pivots.get(m.code, 0), factorial(n)), swings.get(m.code, 0)) if n else (Fraction(0), 0)
        for m in members
    }


@st.composite
def small_councils(draw: st.DrawFn) -> tuple[list[Member], Matter, int, Chapter | None]:
    size = draw(st.integers(1, 7))
    permanent = draw(st.integers(0, size))
    parties = draw(st.sets(st.integers(0, size - 1), max_size=2))
    members = [
        Member(code=f"M{i}", name=f"Member {i}", permanent=i < permanent, party_to_dispute=i in parties)
        for i in range(size)
    ]
    matter = draw(st.sampled_from(list(Matter)))
    chapter = draw(st.sampled_from([None, *Chapter]))
    return members, matter, draw(st.integers(1, size)), chapter


@settings(max_examples=150, deadline=None)
@given(small_councils())
def test_counting_by_kind_agrees_with_brute_force(case: tuple[list[Member], Matter, int, Chapter | None]) -> None:
    members, matter, required, chapter = case
    expected = _brute(members, matter, required, chapter)
    for power in member_powers(members, matter, required, chapter):
        shapley, swings = expected[power.code]
        assert Fraction(power.shapley_shubik_exact) == shapley, power.code
        assert power.swings == swings, power.code


# Given the votes already cast: the path to adoption and the what-ifs.


def test_the_path_to_nine_is_any_one_of_the_undecided() -> None:
    cast = votes(yes=(*E10[:4], "FRA", "GBR", "USA", "CHN"), no=("RUS",))
    path = path_to_adoption(council(), cast, PROC)
    assert path.outcome is OutcomeKind.PENDING
    assert path.needed == 1 and len(path.undecided) == 6 and path.blocking == 6
    names = {m.code: m.name for m in council()}
    assert path_sentence(path, names).startswith('The path to adoption: any 1 of these 6 voting "yes" would adopt it')


def test_an_undecided_permanent_member_is_named_as_a_possible_veto() -> None:
    path = path_to_adoption(council(), votes(yes=(*E10[:9], "FRA", "GBR", "CHN", "RUS")), SUBST)
    assert path.needed == 0 and path.must_not_veto == ["USA"]
    assert 'A "no" from Member USA would be a veto.' in path_sentence(path, {"USA": "Member USA"})


def test_a_settled_vote_has_no_path() -> None:
    path = path_to_adoption(council(), votes(no=("RUS",)), SUBST)
    assert path.outcome is OutcomeKind.NOT_ADOPTED and path.blocking == 0
    assert "settled" in path_sentence(path, {})


def test_what_ifs_show_how_one_vote_would_have_changed_a_veto() -> None:
    cast = votes(yes=(*E10[:6], "FRA", "GBR", "USA"), no=("CHN", "RUS", "E07"), abstain=E10[7:])
    found = {w.code: w for w in what_ifs(council(), cast, SUBST)}
    assert set(found) == {m.code for m in council()}
    assert not found["CHN"].changes  # Russia's veto stands whatever China does
    assert found["E01"].outcome is OutcomeKind.NOT_ADOPTED and not found["E01"].changes
    single = votes(yes=(*E10[:6], "FRA", "GBR", "USA", "CHN"), no=("RUS", "E07"), abstain=E10[7:])
    russia = {w.code: w for w in what_ifs(council(), single, SUBST)}["RUS"]
    assert russia.changes and {a.vote: a.outcome for a in russia.alternatives} == {
        Vote.YES: OutcomeKind.ADOPTED,
        Vote.ABSTAIN: OutcomeKind.ADOPTED,
    }
    assert what_if_sentence(russia, {"RUS": "Russia"}) == (
        'Had Russia voted "yes", it would have been adopted; had Russia abstained, it would have been adopted.'
    )


def test_undecided_members_have_no_what_if() -> None:
    assert {w.code for w in what_ifs(council(), votes(yes=P5), PROC)} == set(P5)


def test_the_report_has_the_json_contract() -> None:
    scenario = Scenario(title="t", question="q", members=council(), matter=SUBST)
    data = power_report(scenario).model_dump(mode="json")
    assert {"matter", "seats", "required", "members"} <= set(data)
    assert (data["matter"], data["seats"], data["required"]) == ("substantive", 15, 9)
    assert {"code", "shapley_shubik", "banzhaf", "banzhaf_absolute", "swings"} <= set(data["members"][0])
    assert data["members"][0]["swings"] == 848


MEMBERS = council(parties=("GBR", "E03"))
CODES = [m.code for m in MEMBERS]
ballots = st.fixed_dictionaries({code: st.sampled_from(list(Vote)) for code in CODES})
chapters = st.sampled_from([None, *Chapter])


@given(ballots, st.sampled_from(list(Matter)), chapters)
def test_what_ifs_agree_with_deciding_each_alternative_afresh(
    cast: dict[str, Vote], matter: Matter, chapter: Chapter | None
) -> None:
    from app.domain.rules import decide

    for what_if in what_ifs(MEMBERS, cast, matter, chapter=chapter):
        for alternative in what_if.alternatives:
            changed = {**cast, what_if.code: alternative.vote}
            assert alternative.outcome is decide(MEMBERS, changed, matter, chapter=chapter).outcome


@given(ballots, st.sampled_from(list(Matter)), chapters, st.randoms(use_true_random=False))
def test_the_path_to_adoption_is_exactly_the_smallest_sets(
    cast: dict[str, Vote], matter: Matter, chapter: Chapter | None, random: Any
) -> None:
    from app.domain.rules import decide

    path = path_to_adoption(MEMBERS, cast, matter, chapter=chapter)
    if path.outcome is not OutcomeKind.PENDING or not path.needed:
        return
    chosen = random.sample(path.undecided, path.needed)
    fill = {code: Vote.YES if code in chosen else Vote.ABSTAIN for code in path.undecided}
    assert decide(MEMBERS, {**cast, **fill}, matter, chapter=chapter).outcome is OutcomeKind.ADOPTED
    fewer = {**fill, chosen[0]: Vote.ABSTAIN}
    assert decide(MEMBERS, {**cast, **fewer}, matter, chapter=chapter).outcome is OutcomeKind.NOT_ADOPTED
    blockers = random.sample(path.undecided, path.blocking)
    blocked = {code: Vote.ABSTAIN if code in blockers else Vote.YES for code in path.undecided}
    assert decide(MEMBERS, {**cast, **blocked}, matter, chapter=chapter).outcome is OutcomeKind.NOT_ADOPTED
