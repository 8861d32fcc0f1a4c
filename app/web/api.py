"""The JSON API: scenarios, the outcome of a vote, the scenario schema, and a health check."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from app import i18n
from app.domain.power import PowerReport, power_report
from app.domain.rules import Outcome, tally
from app.domain.scenario import Scenario, check_scenario
from app.domain.votes import Matter
from app.localize import localized, localized_outcome
from app.scenarios import scenario_json_schema
from app.web.auth import is_instructor
from app.web.board import as_seen_by
from app.web.deps import LibraryDep
from app.web.errors import problem_json

router = APIRouter()


class ScenarioSummary(BaseModel):
    id: str
    title: str
    date: dt.date | None
    matter: Matter
    record_outcome: str | None


class ProblemOut(BaseModel):
    field: str
    line: int | None
    message: str


class InvalidFile(BaseModel):
    id: str
    file: str
    problems: list[ProblemOut]


class ScenarioList(BaseModel):
    scenarios: list[ScenarioSummary]
    invalid: list[InvalidFile]


class ErrorOut(BaseModel):
    error: str
    problems: list[ProblemOut] | None = None


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "The body could not be read (for example, not UTF-8 JSON)"},
    413: {"model": ErrorOut, "description": "The body is larger than 512 KB"},
    404: {"model": ErrorOut, "description": "No such scenario"},
    422: {"model": ErrorOut, "description": "The scenario is not valid; each problem names its field"},
}


@router.get("/healthz", tags=["meta"], summary="Health check")
async def healthz() -> dict[str, str]:
    """Answers ``{"status": "ok"}`` while the server is up."""
    return {"status": "ok"}


@router.get("/api/scenarios", response_model=ScenarioList, tags=["scenarios"], summary="List scenarios")
def list_scenarios(library: LibraryDep) -> ScenarioList:
    """The valid scenarios, and the invalid files with their errors (file, line, field)."""
    valid, invalid = [], []
    for entry in library.entries():
        if entry.scenario is not None:
            s = entry.scenario
            valid.append(
                ScenarioSummary(
                    id=entry.id,
                    title=s.title,
                    date=s.date,
                    matter=s.matter,
                    record_outcome=s.record.outcome if s.record else None,
                )
            )
        elif entry.error is not None:
            problems = [ProblemOut.model_validate(problem_json(p)) for p in entry.error.problems]
            invalid.append(InvalidFile(id=entry.id, file=entry.path.name, problems=problems))
    return ScenarioList(scenarios=valid, invalid=invalid)


@router.get(
    "/api/scenarios/{scenario_id}",
    response_model=Scenario,
    response_model_exclude_none=True,
    responses={code: ERRORS[code] for code in (404, 422)},
    tags=["scenarios"],
    summary="One scenario",
)
def get_scenario(scenario_id: str, request: Request, library: LibraryDep) -> Scenario:
    """One scenario; the id is the file name without its extension.

    The members' briefs (``members[].brief``) are left out unless the scenario sets ``briefs_public``;
    the instructor, signed in, always gets them.
    """
    return as_seen_by(library.get(scenario_id), instructor=is_instructor(request))


@router.post(
    "/api/tally",
    response_model=Outcome,
    responses={code: ERRORS[code] for code in (400, 413, 422)},
    tags=["votes"],
    summary="Decide a vote",
)
async def post_tally(scenario: Scenario) -> Outcome:
    """Apply Article 27 to a scenario document (the same fields as a file) and explain the outcome."""
    # Pure computation well under a millisecond: run it on the event loop, not a worker thread.
    checked = check_scenario(scenario)
    return localized_outcome(tally(checked), localized(checked))  # explained in the reader's language (Accept-Language)


@router.post(
    "/api/power",
    response_model=PowerReport,
    responses={code: ERRORS[code] for code in (400, 413, 422)},
    tags=["votes"],
    summary="Voting power",
)
def post_power(scenario: Scenario) -> PowerReport:
    """Shapley-Shubik and Banzhaf power of each member of a scenario's council on its matter.

    The body is a scenario document, as for ``/api/tally``. Exact values are given as fractions in
    the ``*_exact`` fields; ``path`` and ``what_ifs`` say what the starting votes still leave open.
    """
    # A plain def: a 200-seat council takes some milliseconds, so it runs on a worker thread.
    return power_report(check_scenario(scenario), translate=i18n.CURRENT)  # its sentences in the reader's language


@router.get("/api/scenario.schema.json", tags=["scenarios"], summary="Scenario JSON Schema")
def get_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files, for editors that validate and complete them."""
    return scenario_json_schema()
