"""Schemathesis against the app's own OpenAPI description: no 500, every answer as documented."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from app.settings import Settings
from app.web import create_app
from tests.conftest import BUNDLED

APP = create_app(Settings(scenarios_dir=BUNDLED, data_dir=Path(tempfile.mkdtemp(prefix="unsc-sim-"))))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_answers_as_documented(case: schemathesis.Case) -> None:  # type: ignore[type-arg]
    # A document can fit the schema and still break a council-wide rule the schema cannot express
    # (fifteen members, five permanent): that 422 is correct, so "positive data acceptance" is off.
    case.call_and_validate(excluded_checks=[schemathesis.checks.positive_data_acceptance])


def test_the_api_is_described() -> None:
    paths = APP.openapi()["paths"]
    assert {
        "/api/scenarios",
        "/api/scenarios/{scenario_id}",
        "/api/tally",
        "/api/scenario.schema.json",
        "/healthz",
    } <= set(paths)
