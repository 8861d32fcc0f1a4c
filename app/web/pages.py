"""The HTML pages: the scenario library and the vote board."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from app.localize import localized
from app.web.auth import is_instructor
from app.web.board import as_seen_by, board_context, board_parts, page_language, votes_from_params, votes_query
from app.web.deps import LibraryDep, TemplatesDep

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def library_page(request: Request, library: LibraryDep, templates: TemplatesDep) -> Response:
    """Every scenario in the folder, and every file that needs fixing."""
    entries = library.entries()
    valid = [e for e in entries if e.scenario is not None]
    valid.sort(key=lambda e: (e.scenario.date is None, -(e.scenario.date.toordinal() if e.scenario.date else 0), e.id))  # type: ignore[union-attr]
    invalid = [e for e in entries if e.error is not None]
    return templates.TemplateResponse(request, "scenarios/library.html", {"valid": valid, "invalid": invalid})


@router.get("/scenarios/{scenario_id}", response_class=HTMLResponse)
def board_page(scenario_id: str, request: Request, library: LibraryDep, templates: TemplatesDep) -> Response:
    """The vote board; the votes live in the query string, so any configuration can be bookmarked.

    The members' briefs are in the page only for the instructor, or when the scenario makes them public.
    """
    scenario = as_seen_by(localized(library.get(scenario_id)), instructor=is_instructor(request))
    votes = votes_from_params(scenario, request.query_params)
    context = board_context(templates.env, scenario_id, scenario, votes, page_language(request.query_params))
    return templates.TemplateResponse(request, "scenarios/board.html", context)


@router.get("/scenarios/{scenario_id}/parts")
def board_update(scenario_id: str, request: Request, library: LibraryDep, templates: TemplatesDep) -> Response:
    """The board's verdict and chamber for the votes in the query, as the page draws them; for its script."""
    scenario = as_seen_by(localized(library.get(scenario_id)), instructor=is_instructor(request))
    votes = votes_from_params(scenario, request.query_params)
    body = {
        "parts": board_parts(templates.env, scenario, votes),
        "votes": {code: vote.value for code, vote in votes.items()},
        "query": votes_query(votes) + (f"&lang={lang}" if (lang := page_language(request.query_params)) else ""),
    }
    return JSONResponse(body)


@router.post("/scenarios/{scenario_id}")
async def board_form(scenario_id: str, request: Request, library: LibraryDep) -> Response:
    """The board's form without JavaScript: record the votes in the address and show the result."""
    scenario = await run_in_threadpool(library.get, scenario_id)  # the library may read files: not on the loop
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    votes = votes_from_params(scenario, fields)
    keep = f"&lang={lang}" if (lang := page_language(fields)) else ""
    return RedirectResponse(f"/scenarios/{scenario_id}?{votes_query(votes)}{keep}#verdict", status_code=303)
