from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "scenarios"

GOOD = """\
title: A test question
question: Adoption of the agenda
members:
""" + "".join(
    f"  - {{code: {code}, name: {name}{', permanent: true' if perm else ''}, vote: {vote}}}\n"
    for code, name, perm, vote in [
        ("CHN", "China", True, "no"),
        ("FRA", "France", True, "yes"),
        ("RUS", "Russian Federation", True, "no"),
        ("GBR", "United Kingdom", True, "yes"),
        ("USA", "United States", True, "undecided"),
        ("BEL", "Belgium", False, "yes"),
        ("CIV", "Côte d'Ivoire", False, "abstain"),
        ("DOM", "Dominican Republic", False, "yes"),
        ("GNQ", "Equatorial Guinea", False, "no"),
        ("DEU", "Germany", False, "yes"),
        ("IDN", "Indonesia", False, "abstain"),
        ("KWT", "Kuwait", False, "yes"),
        ("PER", "Peru", False, "yes"),
        ("POL", "Poland", False, "yes"),
        ("ZAF", "South Africa", False, "abstain"),
    ]
)


@pytest.fixture
def good_yaml() -> str:
    """A valid 15-member scenario: 8 yes, 3 no, 3 abstain, the United States undecided."""
    return GOOD


@pytest.fixture
def scenario_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "good.yaml").write_text(GOOD, encoding="utf-8")
    return folder
