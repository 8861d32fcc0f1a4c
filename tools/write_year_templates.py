"""Write the blank year templates in scenarios/ from app/data/councils.yaml, and docs/scenario.schema.json.

Run after changing the composition table or the scenario model: python tools/write_year_templates.py
tests/test_bundled_scenarios.py fails when a template, the table, the schema and the model disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.scenarios.councils import blank, years

HEADER = """\
# yaml-language-server: $schema=../docs/scenario.schema.json
# A blank template: the Security Council of {year}, everyone undecided.
# Copy this file under a new name (lower-case letters, digits, - and _), then edit it:
# the title, the question, whether the matter is procedural or substantive, and each
# delegation's starting vote (yes | no | abstain | absent | undecided) and brief.
# A procedural question (such as adopting the agenda) needs 9 votes in favour and no
# member has a veto (Art. 27(2)); a substantive one needs 9 including the concurring
# votes of the permanent members (Art. 27(3)).
"""


def render(year: int) -> str:
    scenario = blank(year)
    lines = [HEADER.format(year=year)]
    lines.append(f'title: "{scenario.title}"')
    lines.append(f'question: "{scenario.question}"')
    lines.append("matter: procedural")
    lines.append("verdict:")
    lines.append(f"  adopted: {scenario.verdict.adopted}")
    lines.append(f"  not_adopted: {scenario.verdict.not_adopted}")
    lines.append("context: >")
    lines.append("  The fifteen members of the Council in " + str(year) + ", everyone undecided. Change the title,")
    lines.append("  question and briefs to suit your class.")
    lines.append("members:")
    for member in scenario.members:
        name = f'"{member.name}"' if "'" in member.name else member.name
        lines.append(f"  - code: {member.code}")
        lines.append(f"    name: {name}")
        if member.permanent:
            lines.append("    permanent: true")
        lines.append("    vote: undecided")
    return "\n".join(lines) + "\n"


def write_schema() -> None:
    """docs/scenario.schema.json, which the bundled files name on their first line for editors."""
    import json

    from app.scenarios import scenario_json_schema

    path = Path(__file__).resolve().parents[1] / "docs" / "scenario.schema.json"
    path.write_text(json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    folder = Path(__file__).resolve().parents[1] / "scenarios"
    for year in years():
        (folder / f"council-{year}.yaml").write_text(render(year), encoding="utf-8")
    write_schema()


if __name__ == "__main__":
    main()
