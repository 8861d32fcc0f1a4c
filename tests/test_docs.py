"""The documentation keeps up with the code: every field, setting and command is described."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel

from app.cli import parser
from app.domain.scenario import Scenario
from app.scenarios import scenario_json_schema
from app.settings import Settings
from tests.conftest import BUNDLED, ROOT

SCENARIO_DOC = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def field_paths(model: type[BaseModel], prefix: str = "", seen: set[type[BaseModel]] | None = None) -> list[str]:
    """Every field of a model as the docs name it: ``members[].code``, ``rules.seats``. A model met again
    (a step's ``record`` has the fields of the scenario's) is documented once, where it first appears."""
    seen = set() if seen is None else seen
    seen.add(model)
    paths = []
    for name, info in model.model_fields.items():
        paths.append(prefix + name)
        annotation: Any = info.annotation
        if getattr(annotation, "__origin__", None) is list:
            inner, suffix = annotation.__args__[0], "[]."
        else:
            options = [a for a in (annotation, *getattr(annotation, "__args__", ())) if isinstance(a, type)]
            inner, suffix = next((a for a in options if issubclass(a, BaseModel)), None), "."
        if isinstance(inner, type) and issubclass(inner, BaseModel) and inner not in seen:
            paths += field_paths(inner, prefix + name + suffix, seen)
    return paths


@pytest.mark.parametrize("path", field_paths(Scenario))
def test_every_scenario_field_is_documented(path: str) -> None:
    assert f"| `{path}` |" in SCENARIO_DOC, f"docs/scenarios.md does not describe {path}"


def test_schema_file_matches_the_model() -> None:
    on_disk = json.loads((ROOT / "docs" / "scenario.schema.json").read_text(encoding="utf-8"))
    assert on_disk == scenario_json_schema(), "run python tools/write_year_templates.py"


@pytest.mark.parametrize("path", sorted(BUNDLED.glob("*.yaml")), ids=lambda p: p.stem)
def test_bundled_files_point_editors_at_the_schema(path: Any) -> None:
    assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../docs/scenario.schema.json\n")


@pytest.mark.parametrize("name", sorted(set(Settings.model_fields) - {"heartbeat_seconds"}))  # internal tuning
def test_every_setting_is_in_the_readme(name: str) -> None:
    assert f"UNSC_SIM_{name.upper()}" in README


def test_every_command_is_in_the_readme() -> None:
    commands = parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert commands is not None
    for command in commands:
        assert f"unsc-sim {command}" in README
