"""Voting power: the time to compute every member's exact Shapley-Shubik and Banzhaf indices.

Run alone: python bench/power.py
"""

from __future__ import annotations

import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.domain.power import member_powers, power_report
from app.domain.scenario import Member, Rules, Scenario
from app.domain.votes import Matter, Vote
from bench.common import Row, format_table

TITLE = "Voting power: exact indices for councils of 15, 30 and 60 seats"
TARGET = "well under 50 ms for 60 seats"
SEATS = (15, 30, 60)


def council(seats: int) -> Scenario:
    """Five permanent members and the rest elected; three fifths needed, as 9 of 15 today."""
    members = [
        Member(code=f"M{n:02}", name=f"Member {n}", permanent=n < 5, vote=Vote.YES if n % 2 else Vote.UNDECIDED)
        for n in range(seats)
    ]
    rules = Rules(seats=seats, permanent=5, threshold=seats * 3 // 5)
    return Scenario(title="bench", question="bench", matter=Matter.SUBSTANTIVE, members=members, rules=rules)


def measure(repeat: int = 5) -> list[Row]:
    rows: list[Row] = []
    for seats in SEATS:
        scenario = council(seats)

        def indices(s: Scenario = scenario) -> None:
            member_powers(s.members, s.matter, s.required)

        def report(s: Scenario = scenario) -> None:
            power_report(s)

        number = 50
        best_indices = min(timeit.repeat(indices, number=number, repeat=repeat)) / number
        best_report = min(timeit.repeat(report, number=10, repeat=repeat)) / 10
        rows.append(
            {
                "seats": seats,
                "required": scenario.required,
                "indices, ms": best_indices * 1e3,
                "whole report (path, what-ifs), ms": best_report * 1e3,
            }
        )
    return rows


def main() -> int:
    print(format_table(measure()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
