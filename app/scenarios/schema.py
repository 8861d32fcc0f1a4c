"""The JSON Schema of scenario files, for editors that validate and complete YAML."""

from __future__ import annotations

from typing import Any

from app.domain.scenario import Scenario


def scenario_json_schema() -> dict[str, Any]:
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "unsc-sim scenario"
    schema["description"] = "A question before the UN Security Council, with each member's starting position."
    return schema
