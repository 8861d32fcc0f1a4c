"""Live classroom sessions: the instructor's pages, the students' pages, the projector and the live stream."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from app.domain.errors import Conflict, Forbidden, NotFound
from app.domain.session import SessionView, Status, normalise_join_code, snapshot
from app.domain.votes import Vote
from app.live import Broker, Payloads
from app.store.sessions import SessionStore, export_json
from app.web.auth import (
    COOKIE_DAYS,
    INSTRUCTOR_COOKIE,
    CsrfDep,
    InstructorDep,
    csrf_token,
    instructor_cookie_value,
    is_instructor,
    seat_cookie,
    token_matches,
)
from app.web.board import chamber_context, script_data
from app.web.deps import BrokerDep, LibraryDep, SettingsDep, StoreDep, TemplatesDep
from app.web.ratelimit import RateLimiter

router = APIRouter(include_in_schema=False)


STUDENT_CHOICES = (Vote.YES, Vote.NO, Vote.ABSTAIN)


def payloads(view: SessionView) -> Payloads:
    return Payloads(
        version=view.version,
        public=json.dumps(snapshot(view, for_instructor=False), separators=(",", ":")),
        instructor=json.dumps(snapshot(view, for_instructor=True), separators=(",", ":")),
    )


def publish(request: Request, view: SessionView) -> None:
    broker: Broker = request.app.state.broker
    broker.publish(view.id, payloads(view))


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def done(request: Request, view: SessionView, redirect_to: str, *, instructor: bool = False) -> Response:
    """After a change: JSON for the page's script, or back to the page for a plain form."""
    if wants_json(request):
        return JSONResponse(snapshot(view, for_instructor=instructor))
    return RedirectResponse(redirect_to, status_code=303)


def join_url(request: Request, view: SessionView) -> str:
    return str(request.base_url).rstrip("/") + f"/join/{view.join_code}"


def live_context(request: Request, view: SessionView, *, instructor: bool) -> dict[str, Any]:
    snap = snapshot(view, for_instructor=instructor)
    outcome = view.outcome
    shown = {seat["code"]: seat["vote"] for seat in snap["seats"]}
    context = chamber_context(view.scenario, shown, outcome, snap["headline"], hidden=snap["hidden"])
    return context | {
        "session": view,
        "snapshot": snap,
        "join_url": join_url(request, view),
        "csrf": csrf_token(request),
        "page_data": script_data(view.scenario, outcome)
        | {"session": view.id, "events": f"/s/{view.id}/events", "snapshot": snap, "instructor": instructor},
    }


# The instructor


@router.get("/instructor")
def instructor_login(request: Request, settings: SettingsDep, token: str = "") -> Response:
    """The link printed by ``unsc-sim serve``: trade the secret for a cookie, then drop it from the address."""
    if not token_matches(settings, token):
        raise Forbidden("this instructor link is not valid; copy it again from the terminal running unsc-sim serve")
    response = RedirectResponse("/sessions", status_code=303)
    response.set_cookie(
        INSTRUCTOR_COOKIE, instructor_cookie_value(settings), max_age=COOKIE_DAYS * 86400, httponly=True, samesite="lax"
    )
    return response


@router.get("/sessions", response_class=HTMLResponse)
def sessions_page(
    request: Request, _: InstructorDep, store: StoreDep, library: LibraryDep, templates: TemplatesDep
) -> Response:
    """Start a session from any scenario, or return to a running one."""
    choices = [e for e in library.entries() if e.scenario is not None]
    context = {"sessions": store.all(), "choices": choices, "csrf": csrf_token(request)}
    return templates.TemplateResponse(request, "sessions/index.html", context)


@router.post("/sessions")
def start_session(
    request: Request,
    _: InstructorDep,
    __: CsrfDep,
    store: StoreDep,
    library: LibraryDep,
    scenario_id: Annotated[str, Form()],
) -> Response:
    """A new session keeps its own copy of the scenario: later edits to the file never change it."""
    view = store.create(scenario_id, library.get(scenario_id))
    publish(request, view)
    return RedirectResponse(f"/s/{view.id}/console", status_code=303)


@router.get("/s/{session_id}/console", response_class=HTMLResponse)
def console(session_id: str, request: Request, _: InstructorDep, store: StoreDep, templates: TemplatesDep) -> Response:
    """Seats, votes and controls for the instructor."""
    view = store.get(session_id)
    context = live_context(request, view, instructor=True) | {"choices": list(Vote)}
    return templates.TemplateResponse(request, "sessions/console.html", context)


CONTROLS = {"open", "close", "end", "hide", "show", "reset", "clear"}


@router.post("/s/{session_id}/control")
def control(
    session_id: str,
    request: Request,
    _: InstructorDep,
    __: CsrfDep,
    store: StoreDep,
    action: Annotated[str, Form()],
) -> Response:
    """Open or close voting, hide or show votes, reset or clear the votes, end the session."""
    if action not in CONTROLS:
        raise HTTPException(422, f"unknown action {action!r}; expected one of {', '.join(sorted(CONTROLS))}")
    if action in {"open", "close", "end"}:
        view = store.set_status(session_id, {"open": Status.OPEN, "close": Status.CLOSED, "end": Status.ENDED}[action])
    elif action in {"hide", "show"}:
        view = store.set_hidden(session_id, action == "hide")
    else:
        view = store.reset(session_id, to_scenario=action == "reset")
    publish(request, view)
    return done(request, view, f"/s/{session_id}/console", instructor=True)


@router.post("/s/{session_id}/seats/{code}/vote")
def instructor_vote(
    session_id: str,
    code: str,
    request: Request,
    _: InstructorDep,
    __: CsrfDep,
    store: StoreDep,
    vote: Annotated[Vote, Form()],
) -> Response:
    """Cast or withhold the vote of any delegation: an unclaimed seat, an absent student."""
    view = store.vote(session_id, code, vote, actor="instructor")
    publish(request, view)
    return done(request, view, f"/s/{session_id}/console#seat-{code}", instructor=True)


@router.post("/s/{session_id}/seats/{code}/release")
def release_seat(
    session_id: str, code: str, request: Request, _: InstructorDep, __: CsrfDep, store: StoreDep
) -> Response:
    """Free a seat: its student's token stops working and another student can take it."""
    view = store.release(session_id, code)
    publish(request, view)
    return done(request, view, f"/s/{session_id}/console#seat-{code}", instructor=True)


@router.post("/s/{session_id}/seats/{code}/assign")
def assign_seat(
    session_id: str,
    code: str,
    request: Request,
    _: InstructorDep,
    __: CsrfDep,
    store: StoreDep,
    name: Annotated[str, Form(max_length=80)] = "",
) -> Response:
    """Reserve a seat for a named student (empty name: no reservation)."""
    view = store.reserve(session_id, code, name)
    publish(request, view)
    return done(request, view, f"/s/{session_id}/console#seat-{code}", instructor=True)


@router.get("/s/{session_id}/export.json")
def export_result_json(session_id: str, _: InstructorDep, store: StoreDep) -> Response:
    """Each delegation's vote and when it was cast, the outcome, and the audit log."""
    view = store.get(session_id)
    return Response(
        export_json(view, store.audit_log(session_id)),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="session-{view.join_code}.json"'},
    )


def _csv(rows: list[list[Any]], filename: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        # A cell starting with = + - @ would run as a formula in a spreadsheet; quote it as text.
        writer.writerow(["'" + c if isinstance(c, str) and c[:1] in ("=", "+", "-", "@") else c for c in row])
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/s/{session_id}/export.csv")
def export_result_csv(session_id: str, _: InstructorDep, store: StoreDep) -> Response:
    view = store.get(session_id)
    outcome = view.outcome
    rows: list[list[Any]] = [["code", "delegation", "permanent", "vote", "cast_at", "held_by"]]
    rows += [
        [
            s.code,
            s.name,
            "yes" if s.permanent else "no",
            s.vote.value,
            s.voted_at.isoformat() if s.voted_at else "",
            s.holder or "",
        ]
        for s in view.seats
    ]
    c = outcome.counts
    rows += [
        [],
        [
            "outcome",
            outcome.outcome.value,
            f"{c.yes}-{c.no}-{c.abstain}",
            f"required {outcome.required}",
            "vetoed by " + " ".join(outcome.vetoed_by) if outcome.vetoed_by else "",
            outcome.explanation,
        ],
    ]
    return _csv(rows, f"session-{view.join_code}.csv")


@router.get("/s/{session_id}/audit.csv")
def export_audit_csv(session_id: str, _: InstructorDep, store: StoreDep) -> Response:
    """Every change, who made it and when, for the debrief."""
    log = store.audit_log(session_id)
    rows: list[list[Any]] = [["id", "at", "version", "actor", "action", "delegation", "detail"]]
    rows += [
        [e["id"], e["at"], e["version"], e["actor"], e["action"], e["member"] or "", e["detail"] or ""] for e in log
    ]
    return _csv(rows, f"audit-{session_id}.csv")


# Everyone in the room


@router.get("/s/{session_id}/projector", response_class=HTMLResponse)
def projector(session_id: str, request: Request, store: StoreDep, templates: TemplatesDep) -> Response:
    """The chamber for the wall: the horseshoe, the tally, the verdict, and how to join."""
    view = store.get(session_id)
    return templates.TemplateResponse(request, "sessions/projector.html", live_context(request, view, instructor=False))


@router.get("/s/{session_id}/qr.svg")
def qr_code(session_id: str, request: Request, store: StoreDep) -> Response:
    """The join link as a QR code, drawn on the server (segno), no image service involved."""
    view = store.get(session_id)
    buffer = io.BytesIO()
    segno.make(join_url(request, view), error="m").save(
        buffer, kind="svg", scale=8, border=2, xmldecl=False, title=f"QR code to join with code {view.join_code}"
    )
    return Response(buffer.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": "private, max-age=3600"})


@router.get("/s/{session_id}/events")
async def events(
    session_id: str, request: Request, store: StoreDep, broker: BrokerDep, settings: SettingsDep
) -> Response:
    """Server-Sent Events: the full snapshot at once, then again at each new version, with heartbeats."""
    instructor = is_instructor(request)
    listener = broker.subscribe(session_id, instructor)
    try:
        view = await run_in_threadpool(store.get, session_id)
    except NotFound:
        broker.unsubscribe(listener)
        raise
    first = payloads(view)
    latest = broker.latest(session_id)
    if latest is not None and latest.version > first.version:
        first = latest

    async def stream() -> AsyncIterator[str]:
        last = first.version
        try:
            yield f"retry: 1500\nid: {first.version}\nevent: snapshot\ndata: {listener.payload(first)}\n\n"
            while True:
                try:
                    item = await asyncio.wait_for(listener.queue.get(), timeout=settings.heartbeat_seconds)
                except TimeoutError:
                    yield ": heartbeat\n\n"
                    continue
                if item is None:
                    return  # dropped: too slow, or the server is shutting down
                if item.version <= last:
                    continue
                last = item.version
                yield f"id: {item.version}\nevent: snapshot\ndata: {listener.payload(item)}\n\n"
        finally:
            broker.unsubscribe(listener)

    return StreamingResponse(
        stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    )


# Students


def _seat_code(request: Request, store: SessionStore, session_id: str) -> str | None:
    return store.seat_for_token(session_id, request.cookies.get(seat_cookie(session_id)))


@router.get("/join", response_class=HTMLResponse)
def join_form(request: Request, templates: TemplatesDep, code: str = "") -> Response:
    """Where students type the code shown on the projector."""
    if code:
        return RedirectResponse(f"/join/{normalise_join_code(code)}", status_code=303)
    return templates.TemplateResponse(request, "sessions/join.html", {})


@router.get("/join/{code}", response_class=HTMLResponse)
def claim_page(code: str, request: Request, store: StoreDep, templates: TemplatesDep) -> Response:
    """Choose a free delegation; a student who already holds one goes straight back to it."""
    limiter: RateLimiter = request.app.state.lookup_limiter
    normalised = normalise_join_code(code)
    try:
        view = store.by_join_code(normalised)
    except NotFound:
        _limit(limiter, "unknown-codes")
        raise
    if view.status is Status.ENDED:
        raise NotFound("this session has ended; ask your instructor for the new code")
    held = _seat_code(request, store, view.id)
    if held is not None:
        return RedirectResponse(f"/s/{view.id}/seat", status_code=303)
    context = {"session": view, "csrf": csrf_token(request)}
    return templates.TemplateResponse(request, "sessions/claim.html", context)


def _limit(limiter: RateLimiter, key: str) -> None:
    wait = limiter.retry_after(key)
    if wait:
        raise HTTPException(
            429, f"too many attempts; try again in {int(wait) + 1} seconds", headers={"Retry-After": str(int(wait) + 1)}
        )


@router.post("/join/{code}")
def claim_seat(
    code: str,
    request: Request,
    _: CsrfDep,
    store: StoreDep,
    member: Annotated[str, Form(max_length=16)],
    name: Annotated[str, Form(max_length=80)] = "",
) -> Response:
    """Take a delegation: the seat token goes into an HttpOnly cookie that only this session's pages receive."""
    view = store.by_join_code(normalise_join_code(code))
    _limit(request.app.state.join_limiter, view.id)
    if _seat_code(request, store, view.id) is not None:
        raise Conflict("you already hold a delegation in this session; ask the instructor to release it first")
    view, token = store.claim(view.id, member, name or None)
    publish(request, view)
    response = RedirectResponse(f"/s/{view.id}/seat", status_code=303)
    response.set_cookie(seat_cookie(view.id), token, max_age=COOKIE_DAYS * 86400, httponly=True, samesite="lax")
    return response


@router.get("/s/{session_id}/seat", response_class=HTMLResponse)
def seat_page(session_id: str, request: Request, store: StoreDep, templates: TemplatesDep) -> Response:
    """A student's own page: the brief, the question, the vote buttons and the live council."""
    view = store.get(session_id)
    code = _seat_code(request, store, session_id)
    if code is None:
        return RedirectResponse(f"/join/{view.join_code}", status_code=303)
    seat = view.seat(code)
    member = view.scenario.member(code)
    context = live_context(request, view, instructor=False) | {
        "seat": seat,
        "member": member,
        "choices": STUDENT_CHOICES,
    }
    context["page_data"] |= {"seat": code, "own_vote": seat.vote.value}
    return templates.TemplateResponse(request, "sessions/seat.html", context)


@router.post("/s/{session_id}/vote")
def student_vote(
    session_id: str,
    request: Request,
    _: CsrfDep,
    store: StoreDep,
    vote: Annotated[Vote, Form()],
    member: Annotated[str | None, Form()] = None,
) -> Response:
    """Vote for the delegation this browser holds. The seat comes from the token, never from the form."""
    code = _seat_code(request, store, session_id)
    if code is None:
        raise Forbidden("you hold no delegation in this session (it may have been released); join again")
    if member is not None and member != code:
        raise Forbidden(f"you hold {code} and may vote only for it")
    view = store.vote(session_id, code, vote, actor=f"student:{code}")
    publish(request, view)
    if wants_json(request):
        return JSONResponse({"vote": vote.value, "version": view.version, "seat": code})
    return RedirectResponse(f"/s/{session_id}/seat", status_code=303)
