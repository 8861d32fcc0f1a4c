"""Councils to test with: today's fifteen, the eleven of 1946-1965, and a larger imagined one."""

from __future__ import annotations

from collections.abc import Mapping

from app.domain.scenario import Member
from app.domain.votes import Vote

P5 = ("CHN", "FRA", "RUS", "GBR", "USA")
E10 = tuple(f"E{n:02}" for n in range(1, 11))


def council(
    permanent: tuple[str, ...] = P5, elected: tuple[str, ...] = E10, parties: tuple[str, ...] = ()
) -> list[Member]:
    return [
        Member(code=c, name=f"Member {c}", permanent=c in permanent, party_to_dispute=c in parties)
        for c in permanent + elected
    ]


def votes(
    yes: tuple[str, ...] = (), no: tuple[str, ...] = (), abstain: tuple[str, ...] = (), absent: tuple[str, ...] = ()
) -> Mapping[str, Vote]:
    """A vote mapping; members not named stay undecided."""
    result: dict[str, Vote] = {}
    for codes, vote in ((yes, Vote.YES), (no, Vote.NO), (abstain, Vote.ABSTAIN), (absent, Vote.ABSENT)):
        result.update({c: vote for c in codes})
    return result
