"""The engine alone: decide() calls per second, for each kind of question.

Run alone: python bench/engine.py
"""

from __future__ import annotations

import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.domain.rules import decide
from app.scenarios import load_file
from bench.common import Row, format_table

TITLE = "The engine alone: decide() calls per second"
TARGET = "none set: a figure to compare across changes"
SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def measure(repeat: int = 5) -> list[Row]:
    rows: list[Row] = []
    for name in ("dprk-2019-meeting-not-held", "venezuela-2019-draft-vetoed", "council-2026"):
        scenario = load_file(SCENARIOS / f"{name}.yaml")
        votes = scenario.starting_votes

        def call(members=scenario.members, votes=votes, matter=scenario.matter) -> None:  # type: ignore[no-untyped-def]
            decide(members, votes, matter)

        number = 2000
        best = min(timeit.repeat(call, number=number, repeat=repeat))
        rows.append(
            {
                "scenario": name,
                "matter": scenario.matter.value,
                "calls/s": number / best,
                "µs per call": best / number * 1e6,
            }
        )
    return rows


def main() -> int:
    print(format_table(measure()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
