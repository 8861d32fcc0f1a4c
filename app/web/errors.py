"""One place that turns errors into responses: JSON for the API, an HTML page for people."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException

from app import i18n
from app.domain.errors import (
    Conflict,
    Forbidden,
    InvalidRequest,
    InvalidScenario,
    NotFound,
    Problem,
    UnscSimError,
    format_path,
)
from app.domain.text import Phrase
from app.i18n import N_, ngettext
from app.i18n import gettext as _
from app.store.faults import DatabaseUnavailable, DiskFull, disk_full, is_disk_full, reason
from app.store.writer import Unavailable

log = logging.getLogger("unsc_sim")

# The details Starlette itself gives (an unknown address, a method a route does not take): listed here so that
# the catalog has them; ``http_error`` translates whatever detail it shows.
STARLETTE_DETAILS = (N_("Not Found"), N_("Method Not Allowed"))

STATUS = {
    InvalidScenario: 422,
    InvalidRequest: 422,
    NotFound: 404,
    Forbidden: 403,
    Conflict: 409,
    Unavailable: 503,
    DatabaseUnavailable: 503,
    DiskFull: 507,  # Insufficient Storage: nothing was saved; it works again once there is space
}


def _wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path in {"/healthz", "/openapi.json"}:
        return True
    return "text/html" not in request.headers.get("accept", "text/html")


def _respond(request: Request, status: int, message: str, problems: list[dict[str, Any]] | None = None) -> Response:
    if _wants_json(request):
        body: dict[str, Any] = {"error": message}
        if problems is not None:
            body["problems"] = problems
        return JSONResponse(body, status_code=status)
    templates = request.app.state.templates
    return templates.TemplateResponse(  # type: ignore[no-any-return]
        request, "error.html", {"status": status, "message": message, "problems": problems or []}, status_code=status
    )


def translated(message: str) -> str:
    """``message`` in the reader's language: a domain ``Phrase`` is translated then filled in; a sentence marked
    with ``N_`` where it was raised is looked up whole; anything else stays as it is (and an empty message never
    looks up the catalog's header)."""
    if isinstance(message, Phrase):
        return message.translated(i18n.CURRENT)
    return _(message) if message else message


def _field(path: tuple[str | int, ...]) -> str:
    """A field's path as the request names it; only "(the whole document)" is words, in the reader's language."""
    field = format_path(path)
    return translated(field) if isinstance(field, Phrase) else field


def problem_json(problem: Problem) -> dict[str, Any]:
    """A problem with a scenario for the reader: its field (the file's own keys; "(the whole document)" translated),
    its line, and what is wrong, in the reader's language."""
    return {"field": problem.field_in(i18n.CURRENT), "line": problem.line, "message": translated(problem.message)}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(UnscSimError)
    async def domain_error(request: Request, error: UnscSimError) -> Response:
        status = next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)
        if isinstance(error, InvalidScenario):
            count = len(error.problems)
            if error.source:
                message = ngettext(
                    "%(source)s: %(count)d problem with the scenario",
                    "%(source)s: %(count)d problems with the scenario",
                    count,
                ) % {"source": error.source, "count": count}
            else:
                message = ngettext(
                    "%(count)d problem with the scenario", "%(count)d problems with the scenario", count
                ) % {"count": count}
            return _respond(request, status, message, [problem_json(p) for p in error.problems])
        if isinstance(error, InvalidRequest):
            said = translated(error.message)
            problem = {"field": error.field, "line": None, "message": said}
            return _respond(request, status, f"{error.field}: {said}", [problem])
        said = error.args[0] if len(error.args) == 1 and isinstance(error.args[0], str) else str(error)
        return _respond(request, status, translated(said))

    @app.exception_handler(RequestValidationError)
    async def request_invalid(request: Request, error: RequestValidationError) -> Response:
        problems = []
        for item in error.errors():
            loc = tuple(item.get("loc", ()))
            if loc and loc[0] in {"body", "query", "path", "form"}:
                loc = loc[1:]
            message = str(item.get("msg", "invalid"))
            if item.get("type") == "json_invalid":
                context = item.get("ctx", {})
                detail = context["error"] if "error" in context else _("syntax error")
                loc, message = (), _("the body is not valid JSON (%(error)s)") % {"error": detail}
            problems.append({"field": _field(loc), "line": None, "message": message})
        return _respond(request, 422, _("the request is not valid"), problems)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        message = translated(error.detail) if isinstance(error.detail, str) else _("request refused")
        response = _respond(request, error.status_code, message)
        for name, value in (error.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(DBAPIError)
    async def database_failed(request: Request, error: DBAPIError) -> Response:
        """A read the database could not answer (a file damaged since start, a server gone): one line, not a 500."""
        if is_disk_full(error):
            return _respond(request, 507, str(disk_full(error)))
        log.error("the session database failed on %s %s: %s", request.method, request.url.path, reason(error))
        where = request.app.state.database
        message = _("the session database %(database)s cannot be read right now (%(reason)s); try again")
        return _respond(request, 503, message % {"database": where, "reason": reason(error)})

    @app.exception_handler(Exception)
    async def unexpected(request: Request, _error: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _respond(request, 500, _("something went wrong on the server; the error has been logged"))
