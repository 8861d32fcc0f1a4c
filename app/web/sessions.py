"""Live classroom sessions: the instructor's pages, the students' pages, the projector and the live stream.

Handlers only parse, call the session service and render: every change goes through
``app.sessions.SessionService``, which checks the domain's transition table, commits and publishes.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import ipaddress
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.requests import ClientDisconnect
from starlette.types import Receive, Scope, Send

from app import exports, i18n
from app.domain import meeting as meetings
from app.domain.errors import Conflict, Forbidden, NotFound
from app.domain.session import (
    SEAT_SIZE_MAX,
    Action,
    JoinMode,
    Place,
    Role,
    SessionView,
    Status,
    Student,
    normalise_join_code,
    refusal,
    snapshot,
)
from app.domain.votes import Vote
from app.i18n import N_, gettext, ngettext
from app.live import DIRECT_SEND, HEARTBEAT, INSTRUCTOR, PUBLIC, Audience, Broker, Listener, TooManyStreams
from app.localize import localized_view
from app.server import chunk_writer
from app.sessions import CONTROLS
from app.sessions_unavailable import SessionsUnavailable
from app.settings import Settings
from app.web import meeting_view
from app.web.address import is_loopback
from app.web.auth import (
    CsrfDep,
    InstructorDep,
    cookie_flags,
    csrf_token,
    is_instructor,
    seat_cookie,
    set_instructor_cookie,
    token_matches,
)
from app.web.deps import BrokerDep, LibraryDep, PartsDep, ServiceDep, SettingsDep, TemplatesDep
from app.web.live_parts import CONFIRMATIONS, PartRenderer, embed, student_audience
from app.web.ratelimit import RateLimiter
from app.web.seat_links import link_matches, link_path


async def sessions_available(request: Request) -> None:
    """Every route here checks this first: without a session database (``SessionsUnavailable``), 503 with
    its one line. The instructor's sign-in is the exception: the editor needs it, not the database."""
    service = request.app.state.service
    if isinstance(service, SessionsUnavailable) and request.scope.get("endpoint") is not instructor_login:
        service.refuse()


router = APIRouter(include_in_schema=False, dependencies=[Depends(sessions_available)])


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def done(request: Request, view: SessionView, redirect_to: str, renderer: PartRenderer) -> Response:
    """After an instructor's change: the state and the console's parts for the script, or back to the page."""
    if wants_json(request):
        body = snapshot(view, for_instructor=True, translate=i18n.CURRENT) | {"parts": renderer.parts(view, INSTRUCTOR)}
        return JSONResponse(body)
    return RedirectResponse(redirect_to, status_code=303)


def join_url(request: Request, view: SessionView) -> str:
    """The configured public address, never the request's Host header (see app/web/address.py)."""
    return f"{request.app.state.public_base}/join/{view.join_code}"


def live_context(request: Request, view: SessionView, renderer: PartRenderer, audience: Audience) -> dict[str, Any]:
    """What every live page shares: the parts as this visitor sees them, and where to follow them."""
    view = localized_view(view)
    url = join_url(request, view)
    return {
        "session": view,
        "scenario": view.scenario,
        "join_url": url,
        "join_is_loopback": is_loopback(url),
        "csrf": csrf_token(request),
        "parts": embed(renderer.parts(view, audience), csrf_token(request)),
        # The stream carries the page's language, which may be the projector's own (?lang=) rather than the cookie's.
        "page_data": {"events": f"/s/{view.id}/events?lang={i18n.current()}", "version": view.version},
    }


# The instructor


@router.get("/instructor")
def instructor_login(request: Request, settings: SettingsDep, token: str = "") -> Response:
    """The link printed by ``unsc-sim serve``: trade the secret for a cookie, then drop it from the address."""
    if not token_matches(settings, token):
        raise Forbidden(
            gettext("this instructor link is not valid; copy it again from the terminal running unsc-sim serve")
        )
    response = RedirectResponse("/sessions", status_code=303)
    set_instructor_cookie(response, request, settings)
    return response


@router.get("/sessions", response_class=HTMLResponse)
def sessions_page(
    request: Request, _: InstructorDep, service: ServiceDep, library: LibraryDep, templates: TemplatesDep
) -> Response:
    """Start a session from any scenario, or return to a running one."""
    choices = [e for e in library.entries() if e.scenario is not None]
    context = {
        "sessions": service.all(),
        "choices": choices,
        "csrf": csrf_token(request),
        "seat_size_max": SEAT_SIZE_MAX,
        "JoinMode": JoinMode,
    }
    return templates.TemplateResponse(request, "sessions/index.html", context)


@router.post("/sessions")
def start_session(
    _: InstructorDep,
    __: CsrfDep,
    service: ServiceDep,
    library: LibraryDep,
    scenario_id: Annotated[str, Form()],
    from_positions: Annotated[bool, Form()] = False,
    join_mode: Annotated[JoinMode, Form()] = JoinMode.OPEN,
    seat_size: Annotated[int, Form(ge=1, le=SEAT_SIZE_MAX)] = 1,
) -> Response:
    """A new session keeps its own copy of the scenario; it starts clean unless it is a demonstration."""
    view = service.create(
        scenario_id, library.get(scenario_id), from_positions=from_positions, join_mode=join_mode, seat_size=seat_size
    )
    return RedirectResponse(f"/s/{view.id}/console", status_code=303)


@router.get("/s/{session_id}/console", response_class=HTMLResponse)
def console(
    session_id: str,
    request: Request,
    _: InstructorDep,
    service: ServiceDep,
    templates: TemplatesDep,
    renderer: PartsDep,
) -> Response:
    """Seats, votes and controls for the instructor."""
    view = service.get(session_id)
    context = live_context(request, view, renderer, INSTRUCTOR)
    return templates.TemplateResponse(request, "sessions/console.html", context)


@router.get("/s/{session_id}/votes", response_class=HTMLResponse)
def revealed_votes(
    session_id: str,
    request: Request,
    _: InstructorDep,
    service: ServiceDep,
    templates: TemplatesDep,
    renderer: PartsDep,
) -> Response:
    """Every vote, hidden or not, on the instructor's own device: the console keeps them hidden too."""
    view = service.get(session_id)
    context = {"session": view, "parts": renderer.revealed(view)}
    return templates.TemplateResponse(request, "sessions/votes.html", context)


CONTROL_CHOICES = ", ".join(
    sorted(
        a.value for a in (Action.OPEN, Action.CLOSE, Action.END, Action.HIDE, Action.SHOW, Action.RESET, Action.CLEAR)
    )
)


@router.post("/s/{session_id}/control")
def control(
    session_id: str,
    request: Request,
    _: InstructorDep,
    __: CsrfDep,
    service: ServiceDep,
    renderer: PartsDep,
    templates: TemplatesDep,
    action: Annotated[str, Form()],
    confirm: Annotated[str, Form()] = "",
) -> Response:
    """Open or close voting, hide or show votes, reset or clear the votes, end the session."""
    try:
        chosen = Action(action)
    except ValueError:
        raise HTTPException(422, _unknown_action(action)) from None
    refused = (
        refusal(service.get(session_id), chosen, Role.INSTRUCTOR, translate=i18n.CURRENT)
        if chosen in CONTROLS
        else None
    )
    if refused:  # refused now whatever the answer: asking "are you sure?" first would mislead
        raise Conflict(refused)
    unconfirmed = _unconfirmed(request, templates, chosen, confirm, f"/s/{session_id}/control", session_id)
    if unconfirmed is not None:
        return unconfirmed
    try:
        view = service.control(session_id, chosen)
    except ValueError:
        raise HTTPException(422, _unknown_action(action)) from None
    return done(request, view, f"/s/{session_id}/console", renderer)


def _unknown_action(action: str) -> str:
    # Translators: %(action)s is what the form sent, quoted; %(choices)s lists the controls as written (open, close, ...).
    message = gettext("unknown action %(action)s; expected one of %(choices)s")
    return message % {"action": repr(action), "choices": CONTROL_CHOICES}


def _unconfirmed(
    request: Request, templates: Any, action: Action, confirm: str, target: str, session_id: str
) -> Response | None:
    """A destructive control needs ``confirm=yes``: a script asks in a dialog; without one, a page asks."""
    english = CONFIRMATIONS.get(action)
    if english is None or confirm == "yes":
        return None
    question = gettext(english)
    if wants_json(request):
        # Translators: %(question)s is the control's question ("End the session? ..."); keep confirm=yes as it is.
        raise HTTPException(428, gettext("%(question)s Send confirm=yes to go ahead.") % {"question": question})
    context = {
        "question": question,
        "action": action,
        "target": target,
        "csrf": csrf_token(request),
        "back": f"/s/{session_id}/console",
    }
    response: Response = templates.TemplateResponse(request, "sessions/confirm.html", context)
    return response


@router.post("/s/{session_id}/seats/{code}/vote")
async def instructor_vote(
    session_id: str,
    code: str,
    request: Request,
    _: InstructorDep,
    __: CsrfDep,
    service: ServiceDep,
    renderer: PartsDep,
    vote: Annotated[Vote, Form()],
) -> Response:
    """Cast or withhold the vote of any delegation: an unclaimed seat, an absent student."""
    view = await service.instructor_vote(session_id, code, vote)
    return done(request, view, f"/s/{session_id}/console#seat-{code}", renderer)


@router.post("/s/{session_id}/seats/{code}/release")
def release_seat(
    session_id: str,
    code: str,
    request: Request,
    _: InstructorDep,
    __: CsrfDep,
    service: ServiceDep,
    renderer: PartsDep,
    templates: TemplatesDep,
    confirm: Annotated[str, Form()] = "",
) -> Response:
    """Free a seat: its student's token stops working and another student can take it."""
    target = f"/s/{session_id}/seats/{code}/release"
    unconfirmed = _unconfirmed(request, templates, Action.RELEASE, confirm, target, session_id)
    if unconfirmed is not None:
        return unconfirmed
    view = service.release(session_id, code)
    return done(request, view, f"/s/{session_id}/console#seat-{code}", renderer)


@router.post("/s/{session_id}/seats/{code}/assign")
def assign_seat(
    session_id: str,
    code: str,
    request: Request,
    _: InstructorDep,
    __: CsrfDep,
    service: ServiceDep,
    renderer: PartsDep,
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Reserve a seat for a named student (empty name: no reservation)."""
    view = service.reserve(session_id, code, name)
    return done(request, view, f"/s/{session_id}/console#seat-{code}", renderer)


@router.post("/s/{session_id}/meeting")
def meeting_act(
    session_id: str,
    request: Request,
    _: CsrfDep,
    service: ServiceDep,
    renderer: PartsDep,
    act: Annotated[meetings.Act, Form()],
    vote: Annotated[Vote | None, Form()] = None,
    motion: Annotated[meetings.MotionKind | None, Form()] = None,
    subject: Annotated[str | None, Form(max_length=200)] = None,
    text: Annotated[str | None, Form(max_length=2000)] = None,
    order: Annotated[str | None, Form(max_length=2000)] = None,
    seconds: Annotated[int | None, Form(ge=1, le=3600)] = None,
    part: Annotated[int | None, Form(ge=1, le=999)] = None,
    as_member: Annotated[str | None, Form(alias="as", max_length=16)] = None,
    chair: Annotated[bool, Form()] = False,
) -> Response:
    """An act of the meeting: the instructor's as President (or, with ``as``, on a member's behalf), a
    student's for their own delegation. The rules of procedure decide whether it may happen now."""
    instructor = is_instructor(request)
    if as_member and not instructor:
        raise Forbidden(gettext("only the instructor acts on a member's behalf"))
    deed = meetings.Deed(
        act,
        as_member or meetings.PRESIDENT,
        dt.datetime.now(dt.UTC),
        vote=vote,
        motion=motion,
        subject=subject or None,
        text=(text or "").strip() or None,
        order=tuple(x.strip() for x in (order or "").split(",") if x.strip()),
        seconds=seconds,
        part=part,
    )
    token = request.cookies.get(seat_cookie(session_id))
    view = service.meeting_act(session_id, deed, token=token, instructor=instructor, chair=chair and not instructor)
    if instructor:
        return done(request, view, f"/s/{session_id}/console#president", renderer)
    if wants_json(request):
        return JSONResponse({"version": view.version})
    return RedirectResponse(f"/s/{session_id}/seat", status_code=303)


@router.post("/s/{session_id}/presidency")
def presidency(
    session_id: str,
    request: Request,
    _: InstructorDep,
    __: CsrfDep,
    service: ServiceDep,
    renderer: PartsDep,
    student: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    """Hand the presidency to a seated student (empty: take it back)."""
    view = service.hand_presidency(session_id, student or None)
    return done(request, view, f"/s/{session_id}/console#president", renderer)


def _meeting_session(service: Any, session_id: str) -> SessionView:
    """A session that runs a meeting; a single question has no record of one (404)."""
    view: SessionView = service.get(session_id)
    if view.meeting is None:
        raise NotFound(gettext("this session is a single question, not a meeting: its export holds the result"))
    return view


@router.get("/s/{session_id}/record", response_class=HTMLResponse)
def meeting_record(session_id: str, request: Request, service: ServiceDep, templates: TemplatesDep) -> Response:
    """The record of a meeting, every step with its rule and each vote by member: a page to print."""
    view = localized_view(_meeting_session(service, session_id))
    assert view.meeting is not None
    context = {
        "session": view,
        "scenario": view.scenario,
        "meeting": view.meeting,
        "record_lines": meeting_view.record(view.meeting),  # in the reader's language
        "names": {m.code: m.name for m in view.scenario.members},
    }
    return templates.TemplateResponse(request, "sessions/record.html", context)


@router.get("/s/{session_id}/record.csv")
def meeting_record_csv(session_id: str, _: InstructorDep, service: ServiceDep) -> Response:
    view = _meeting_session(service, session_id)
    return _download(exports.record_csv(view), "text/csv; charset=utf-8", f"record-{view.join_code}.csv")


@router.get("/s/{session_id}/record.json")
def meeting_record_json(session_id: str, _: InstructorDep, service: ServiceDep) -> Response:
    view = _meeting_session(service, session_id)
    return _download(exports.record_json(view), "application/json", f"record-{view.join_code}.json")


SEATING_ACTIONS = {
    "approve": Action.APPROVE,
    "remove": Action.REMOVE,
    "block": Action.BLOCK,
    "unblock": Action.UNBLOCK,
    "voter": Action.HAND,
}


@router.post("/s/{session_id}/students/{key}/{what}")
def seat_student(
    session_id: str,
    key: str,
    what: str,
    request: Request,
    _: InstructorDep,
    __: CsrfDep,
    service: ServiceDep,
    renderer: PartsDep,
    templates: TemplatesDep,
    confirm: Annotated[str, Form()] = "",
) -> Response:
    """Let a waiting student in, remove or block a student, unblock a device, or make a student the voter."""
    action = SEATING_ACTIONS.get(what)
    if action is None:
        # Translators: %(choices)s lists the changes as the address writes them (approve, remove, ...).
        message = gettext("no such change to a student; expected one of %(choices)s")
        raise HTTPException(404, message % {"choices": ", ".join(SEATING_ACTIONS)})
    target = f"/s/{session_id}/students/{key}/{what}"
    # Refusing a claim that waits for approval is triage, not a loss: it asks nothing.
    refusing = action is Action.REMOVE and service.get(session_id).student(key).place is Place.PENDING
    unconfirmed = None if refusing else _unconfirmed(request, templates, action, confirm, target, session_id)
    if unconfirmed is not None:
        return unconfirmed
    view = service.seating(session_id, action, key)
    return done(request, view, f"/s/{session_id}/console#seating", renderer)


@router.post("/s/{session_id}/seating")
def seating(
    session_id: str,
    request: Request,
    _: InstructorDep,
    __: CsrfDep,
    service: ServiceDep,
    renderer: PartsDep,
    join_mode: Annotated[JoinMode | None, Form()] = None,
    seat_size: Annotated[int | None, Form(ge=1, le=SEAT_SIZE_MAX)] = None,
) -> Response:
    """How students join (open, approve each claim, locked) and how many a delegation holds."""
    if join_mode is None and seat_size is None:
        # Translators: join_mode, seat_size and the modes are the form's names and values: keep them as they are.
        raise HTTPException(422, gettext("send join_mode (open, approve or locked) or seat_size"))
    view = service.get(session_id)
    if join_mode is not None and join_mode is not view.join_mode:
        view = service.set_join_mode(session_id, join_mode)
    if seat_size is not None and seat_size != view.seat_size:
        view = service.set_seat_size(session_id, seat_size)
    return done(request, view, f"/s/{session_id}/console#seating", renderer)


@router.get("/s/{session_id}/links", response_class=HTMLResponse)
def personal_links(
    session_id: str,
    request: Request,
    _: InstructorDep,
    service: ServiceDep,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    """Every delegation's personal link and QR code, on one printable page."""
    view = localized_view(service.get(session_id))
    base = request.app.state.public_base
    links = []
    for seat in view.seats:
        url = base + link_path(settings, view.id, view.join_code, seat.code)
        buffer = io.BytesIO()
        title = gettext("QR code for %(delegation)s") % {"delegation": seat.name}
        segno.make(url, error="m").save(buffer, kind="svg", scale=3, border=1, xmldecl=False, svgns=True, title=title)
        links.append({"seat": seat, "url": url, "qr": buffer.getvalue().decode()})
    context = {"session": view, "links": links, "join_is_loopback": is_loopback(base)}
    return templates.TemplateResponse(request, "sessions/links.html", context)


def _download(body: str, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/s/{session_id}/export.json")
def export_result_json(session_id: str, _: InstructorDep, service: ServiceDep) -> Response:
    """Each delegation's vote and when it was cast, the outcome, and the audit log."""
    view = service.get(session_id)
    body = exports.result_json(view, service.audit_log(session_id))
    return _download(body, "application/json", f"session-{view.join_code}.json")


@router.get("/s/{session_id}/export.csv")
def export_result_csv(session_id: str, _: InstructorDep, service: ServiceDep) -> Response:
    view = service.get(session_id)
    return _download(exports.result_csv(view), "text/csv; charset=utf-8", f"session-{view.join_code}.csv")


@router.get("/s/{session_id}/audit.csv")
def export_audit_csv(session_id: str, _: InstructorDep, service: ServiceDep) -> Response:
    """Every change, who made it and when, for the debrief."""
    body = exports.audit_csv(service.audit_log(session_id))
    return _download(body, "text/csv; charset=utf-8", f"audit-{session_id}.csv")


# Everyone in the room


@router.get("/s/{session_id}/projector", response_class=HTMLResponse)
def projector(
    session_id: str, request: Request, service: ServiceDep, templates: TemplatesDep, renderer: PartsDep
) -> Response:
    """The chamber for the wall: the horseshoe, the tally, the verdict, and how to join."""
    view = service.get(session_id)
    return templates.TemplateResponse(request, "sessions/projector.html", live_context(request, view, renderer, PUBLIC))


@router.get("/s/{session_id}/qr.svg")
def qr_code(session_id: str, request: Request, service: ServiceDep) -> Response:
    """The join link as a QR code, drawn on the server (segno), no image service involved."""
    view = service.get(session_id)
    buffer = io.BytesIO()
    title = gettext("QR code to join with code %(code)s") % {"code": view.join_code}
    segno.make(join_url(request, view), error="m").save(
        buffer, kind="svg", scale=8, border=2, xmldecl=False, title=title
    )
    return Response(buffer.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": "private, max-age=3600"})


def _audience(request: Request, service: Any, view: SessionView) -> Audience:
    """Who is listening: the instructor, one student (seated, waiting or watching), or the room."""
    if is_instructor(request):
        return INSTRUCTOR
    student = _student(request, service, view.id)
    return PUBLIC if student is None else student_audience(student.key)


# How long a stream refused for being one too many is asked to wait before it tries again.
STREAM_RETRY_SECONDS = 30


def _open_stream(broker: Broker, settings: Settings, session_id: str, audience: Audience, client: str) -> Listener:
    """A listener for a new stream, or 429 (this address has too many open) or 503 (this session has).

    The instructor's streams count, but are never refused: the console must keep working in a crowded room.
    """
    capped = audience != INSTRUCTOR
    try:
        return broker.subscribe(
            session_id,
            audience,
            client,
            per_session=settings.streams_per_session if capped else None,
            per_client=settings.streams_per_client if capped else None,
            language=i18n.current(),
        )
    except TooManyStreams as full:
        values = {"limit": full.limit, "seconds": STREAM_RETRY_SECONDS}
        if full.scope == "client":
            status, reason = (
                429,
                ngettext(
                    "too many live streams from your address (at most %(limit)d); close a tab; "
                    "try again in %(seconds)d second",
                    "too many live streams from your address (at most %(limit)d); close a tab; "
                    "try again in %(seconds)d seconds",
                    STREAM_RETRY_SECONDS,
                ),
            )
        else:
            status, reason = (
                503,
                ngettext(
                    "this session has as many live streams as it can take (%(limit)d); try again in %(seconds)d second",
                    "this session has as many live streams as it can take (%(limit)d); try again in %(seconds)d seconds",
                    STREAM_RETRY_SECONDS,
                ),
            )
        raise HTTPException(
            status,
            reason % values,
            headers={"Retry-After": str(STREAM_RETRY_SECONDS), "Cache-Control": "no-store"},
        ) from None


class EventStream(Response):
    """Server-Sent Events in one coroutine: no task group, no timeout task per event.

    The headers go through the middlewares; the events go straight to the server (``DIRECT_SEND``, when the
    app provides it), the same encoded bytes for every listener of an audience. A client that leaves is noticed
    by one small task waiting for ``http.disconnect``, which calls ``release`` (and so wakes ``content``). The
    listener is let go however the stream ends, also when the client left before the first byte.
    """

    media_type = "text/event-stream"

    def __init__(
        self,
        content: AsyncIterator[str | bytes],
        release: Callable[[], None],
        headers: dict[str, str],
        direct: dict[str, Callable[[bytes], bool]] | None = None,
    ) -> None:
        self.status_code = 200
        self.background = None
        self.content = content
        self.release = release
        self.direct = direct
        self.init_headers(headers)  # no body: no Content-Length, the server sends it chunked

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        watcher: asyncio.Task[None] | None = None
        try:
            await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
            send_body: Send = scope.get(DIRECT_SEND, send)
            if self.direct is not None and (writer := chunk_writer(send_body)) is not None:
                self.direct["write"] = writer
            watcher = asyncio.ensure_future(_disconnected(receive))
            watcher.add_done_callback(lambda _: self.release())
            async for chunk in self.content:  # (no copy of an event is kept here: each is shared by its audience)
                await send_body(
                    {
                        "type": "http.response.body",
                        "body": chunk.encode() if isinstance(chunk, str) else chunk,
                        "more_body": True,
                    }
                )
            await send_body({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:
            raise ClientDisconnect from None
        finally:
            if watcher is not None:
                watcher.cancel()
            self.release()


async def _disconnected(receive: Receive) -> None:
    """Returns when the client has gone."""
    while (await receive())["type"] != "http.disconnect":
        pass


@router.get("/s/{session_id}/events")
async def events(
    session_id: str, request: Request, service: ServiceDep, broker: BrokerDep, settings: SettingsDep
) -> Response:
    """Server-Sent Events: this audience's parts at once, then again at each new version, with heartbeats.

    Refused before it starts when the session (503) or the client's address (429) has too many open.
    """
    view = await asyncio.to_thread(service.get, session_id)
    audience = await asyncio.to_thread(_audience, request, service, view)
    listener = _open_stream(broker, settings, session_id, audience, _client(request))
    try:
        if service.behind(session_id, view.version):  # another instance committed before this listener counted
            view = await asyncio.to_thread(service.get, session_id)
        first = broker.payload(view, audience, listener.language)
    except BaseException:
        broker.unsubscribe(listener)
        raise
    listener.last = first[0]
    direct: dict[str, Callable[[bytes], bool]] = {}  # EventStream puts its writer here once the headers are sent

    def beat() -> None:
        if not listener.queue.full():  # a full queue has events to send anyway
            listener.queue.put_nowait(HEARTBEAT)

    async def stream() -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        timer = loop.call_later(settings.heartbeat_seconds, beat)
        try:
            yield b"retry: 1500\n"
            yield broker.event(session_id, audience, first, listener.language)
            while True:
                listener.direct = direct.get("write")  # everything before is sent: the broker may write straight on
                item = await listener.queue.get()
                listener.direct = None
                if item is None:
                    return  # dropped (too slow), the client left, or the server is shutting down
                if item is HEARTBEAT:
                    timer = loop.call_later(settings.heartbeat_seconds, beat)
                    yield b": heartbeat\n\n"
                    continue
                if item[0] <= listener.last:
                    continue
                listener.last = item[0]
                yield broker.event(session_id, audience, item, listener.language)
        finally:
            listener.direct = None
            timer.cancel()
            broker.unsubscribe(listener)  # counted as open until here; a second call does nothing

    return EventStream(
        stream(),
        lambda: broker.release(listener),
        {"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        direct,
    )


# Students


def _student(request: Request, service: Any, session_id: str) -> Student | None:
    """The student this browser is in the session, from the seat cookie (sent only to the session's own
    pages); a blocked device is nobody."""
    student: Student | None = service.student_for_token(session_id, request.cookies.get(seat_cookie(session_id)))
    return None if student is None or student.place is Place.BLOCKED else student


# The seat token travels in two cookies, each sent only where it is needed: ``unsc_seat_{id}`` to the
# session's pages (``Path=/s/{id}``: the seat page, the vote, the live stream) and ``unsc_join_{id}``
# to its join page (``Path=/join/{code}``), which must know that this browser already holds a seat.
JOIN_COOKIE_PREFIX = "unsc_join_"


def join_cookie(session_id: str) -> str:
    return JOIN_COOKIE_PREFIX + session_id


def _device_token(request: Request, view: SessionView) -> str | None:
    """At the join page: the token this browser already holds in ``view``'s session, if any.

    A seat cookie from before the cookies were scoped (``Path=/``) still reaches this page and counts.
    """
    return request.cookies.get(join_cookie(view.id)) or request.cookies.get(seat_cookie(view.id))


def _held_place(request: Request, service: Any, view: SessionView) -> Student | None:
    """The place this browser already has in the session (seated, waiting or watching); blocked is none."""
    student: Student | None = service.student_for_token(view.id, _device_token(request, view))
    return None if student is None or student.place is Place.BLOCKED else student


def _joining_address(request: Request) -> str | None:
    """The address a joining device is kept under, for blocking; loopback (this computer) is not kept."""
    host = _client(request)
    try:
        return None if ipaddress.ip_address(host).is_loopback else host
    except ValueError:
        return None


def _set_seat_cookies(response: Response, request: Request, view: SessionView, token: str) -> None:
    flags = cookie_flags(request)
    response.set_cookie(seat_cookie(view.id), token, **(flags | {"path": f"/s/{view.id}"}))
    response.set_cookie(join_cookie(view.id), token, **(flags | {"path": f"/join/{view.join_code}"}))
    # A seat cookie set before the cookies were scoped would shadow the new one on the session's pages.
    response.delete_cookie(
        seat_cookie(view.id), path="/", secure=flags["secure"], httponly=True, samesite=flags["samesite"]
    )


@router.get("/join", response_class=HTMLResponse)
def join_form(request: Request, templates: TemplatesDep, code: str = "") -> Response:
    """Where students type the code shown on the projector."""
    if code:
        return RedirectResponse(f"/join/{normalise_join_code(code)}", status_code=303)
    return templates.TemplateResponse(request, "sessions/join.html", {})


# One answer for every miss, so that guessing tells a live code from a dead one no better than a wrong one.
# English here: translated where it is raised.
NO_SUCH = N_("no session has this code, or it has no such delegation; check the code on the projector")


def _client(request: Request) -> str:
    """The client's address (a trusted proxy's X-Forwarded-For is already applied): each has its own limits."""
    return request.client.host if request.client else "unknown"


def _session_for_code(request: Request, service: Any, code: str, *, exact: bool = False) -> SessionView:
    """The live session a join code opens; a miss costs the client one of its few guesses.

    ``exact``: only the code as the projector shows it. A claim must come to that address, the one its
    join cookie is scoped to: at ``/join/abcdef`` the browser would not send the cookie that says it
    already has a place (or was blocked). The forms post there; a hand-typed variant is a miss.
    """
    try:
        view: SessionView = service.by_join_code(normalise_join_code(code))
        if view.status is Status.ENDED or (exact and code != view.join_code):
            raise NotFound(gettext(NO_SUCH))
    except NotFound:
        _limit(request.app.state.lookup_limiter, f"miss:{_client(request)}")
        raise NotFound(gettext(NO_SUCH)) from None
    return view


@router.get("/join/{code}", response_class=HTMLResponse)
def claim_page(code: str, request: Request, service: ServiceDep, templates: TemplatesDep) -> Response:
    """Choose a free delegation; a student who already holds one goes straight back to it."""
    view = _session_for_code(request, service, code)
    if code != view.join_code:  # typed in lower case, say: to the address the join cookie is sent to
        return RedirectResponse(f"/join/{view.join_code}", status_code=303)
    if _held_place(request, service, view) is not None:
        return RedirectResponse(f"/s/{view.id}/seat", status_code=303)
    context = {"session": localized_view(view), "csrf": csrf_token(request), "JoinMode": JoinMode}
    return templates.TemplateResponse(request, "sessions/claim.html", context)


def _limit(limiter: RateLimiter, key: str) -> None:
    wait = limiter.retry_after(key)
    if wait:
        seconds = int(wait) + 1
        # The singular reads "seconds" too, as the English has always said (one message, byte for byte).
        # Translators: the English says "seconds" even for one; write each plural form of your language as it should be.
        message = ngettext(
            "too many attempts; try again in %(seconds)d seconds",
            "too many attempts; try again in %(seconds)d seconds",
            seconds,
        )
        raise HTTPException(429, message % {"seconds": seconds}, headers={"Retry-After": str(seconds)})


@router.post("/join/{code}")
def claim_seat(
    code: str,
    request: Request,
    _: CsrfDep,
    service: ServiceDep,
    member: Annotated[str, Form(max_length=16)],
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Take a delegation: the seat token goes into HttpOnly cookies that only this session's pages receive."""
    _limit(request.app.state.join_limiter, f"claims:{_client(request)}")
    view = _session_for_code(request, service, code, exact=True)
    if member not in {seat.code for seat in view.seats}:
        _limit(request.app.state.lookup_limiter, f"miss:{_client(request)}")
        raise NotFound(gettext(NO_SUCH))
    return _join(request, service, view, member, name)


def _join(
    request: Request, service: Any, view: SessionView, member: str | None, name: str, *, via_link: bool = False
) -> Response:
    """A place for this device (in ``member``'s delegation, or watching), and its seat cookies. The device
    is known by the token it already holds here and by its address, which the table checks at commit."""
    seated = service.claim(
        view.id,
        member,
        name,
        address=_joining_address(request),
        device=_device_token(request, view),
        via_link=via_link,
        per_address=request.app.state.settings.places_per_address,
    )
    response = RedirectResponse(f"/s/{view.id}/seat", status_code=303)
    _set_seat_cookies(response, request, view, seated.token)
    return response


@router.post("/join/{code}/observe")
def observe(
    code: str,
    request: Request,
    _: CsrfDep,
    service: ServiceDep,
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Watch the council live from one's own device, without a delegation: for students beyond the seats."""
    _limit(request.app.state.join_limiter, f"claims:{_client(request)}")
    view = _session_for_code(request, service, code, exact=True)
    return _join(request, service, view, None, name)


def _linked_session(
    request: Request, service: Any, settings: Settings, code: str, member: str, link: str
) -> SessionView:
    """The session and delegation a personal link opens; a wrong link gets the same answer as a wrong code."""
    view = _session_for_code(request, service, code, exact=request.method == "POST")
    if member not in {seat.code for seat in view.seats} or not link_matches(settings, view.id, member, link):
        _limit(request.app.state.lookup_limiter, f"miss:{_client(request)}")
        raise NotFound(gettext(NO_SUCH))
    return view


@router.get("/join/{code}/{member}/{link}", response_class=HTMLResponse)
def personal_link_page(
    code: str,
    member: str,
    link: str,
    request: Request,
    service: ServiceDep,
    settings: SettingsDep,
    templates: TemplatesDep,
) -> Response:
    """A delegation's personal link: one button takes its seat (opening a link changes nothing by itself)."""
    view = _linked_session(request, service, settings, code, member, link)
    if code != view.join_code:  # to the address the join cookie is sent to
        return RedirectResponse(f"/join/{view.join_code}/{member}/{link}", status_code=303)
    if _held_place(request, service, view) is not None:
        return RedirectResponse(f"/s/{view.id}/seat", status_code=303)
    view = localized_view(view)
    context = {"session": view, "seat": view.seat(member), "csrf": csrf_token(request), "action": request.url.path}
    return templates.TemplateResponse(request, "sessions/personal_link.html", context)


@router.post("/join/{code}/{member}/{link}")
def claim_by_link(
    code: str,
    member: str,
    link: str,
    request: Request,
    _: CsrfDep,
    service: ServiceDep,
    settings: SettingsDep,
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Take the delegation a personal link names, whatever the join mode, if it has room."""
    _limit(request.app.state.join_limiter, f"claims:{_client(request)}")
    view = _linked_session(request, service, settings, code, member, link)
    return _join(request, service, view, member, name, via_link=True)


@router.get("/s/{session_id}/seat", response_class=HTMLResponse)
def seat_page(
    session_id: str, request: Request, service: ServiceDep, templates: TemplatesDep, renderer: PartsDep
) -> Response:
    """A student's own page: their delegation, the brief, the vote buttons and the live council; or, while
    they wait to be let in or watch as an observer, the council live."""
    view = service.get(session_id)
    student = _student(request, service, session_id)
    if student is None:
        return RedirectResponse(f"/join/{view.join_code}", status_code=303)
    context = live_context(request, view, renderer, student_audience(student.key)) | {"student": student}
    return templates.TemplateResponse(request, "sessions/seat.html", context)


@router.post("/s/{session_id}/hand")
def hand_vote(
    session_id: str,
    request: Request,
    _: CsrfDep,
    service: ServiceDep,
    to: Annotated[str, Form(max_length=32)],
) -> Response:
    """The student who casts their delegation's vote hands that role to another of its students."""
    view = service.hand_vote(session_id, request.cookies.get(seat_cookie(session_id)), to)
    if wants_json(request):
        return JSONResponse({"version": view.version})
    return RedirectResponse(f"/s/{session_id}/seat", status_code=303)


@router.post("/s/{session_id}/vote")
async def student_vote(
    session_id: str,
    request: Request,
    _: CsrfDep,
    service: ServiceDep,
    vote: Annotated[Vote, Form()],
    member: Annotated[str | None, Form()] = None,
) -> Response:
    """Vote for the delegation this browser holds. The seat comes from the token, never from the form."""
    view, code = await service.student_vote(session_id, request.cookies.get(seat_cookie(session_id)), vote, member)
    if wants_json(request):
        return JSONResponse({"vote": vote.value, "version": view.version, "seat": code})
    return RedirectResponse(f"/s/{session_id}/seat", status_code=303)
