"""A short road for the request a whole class sends at once: a student's vote, ``POST /s/{id}/vote``.

The full app spends most of a vote's time in its middleware, routing, dependencies and form parsing.
``FastVote`` sits in front of all of them and answers the usual vote itself: a small form post, with
the visitor's CSRF cookie and token, from this site, for a student's seat. It does what the route does
(the route's own CSRF check; the seat from the token in the ``unsc_seat_{id}`` cookie, through
``SessionService.student_vote``; the phone answered only after the commit) and answers as the full app
would: the same JSON or redirect, the app's own error handler for a refused vote, the app's own
security headers.

Whatever it is not sure to answer exactly as the full app would goes to the full app, untouched, with
the body it has read handed back: another method or path, a body that is large or not a plain form,
a failed CSRF check, a vote that does not validate, a visitor without a CSRF cookie yet (the full app
gives one), or an instructor (whose answers must not be cached). Those answers cannot differ, since
the full app gives them itself.
"""

from __future__ import annotations

import json
import re

from starlette.requests import Request, cookie_parser
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.domain.errors import Forbidden
from app.domain.votes import Vote
from app.sessions import SessionService
from app.web.auth import (
    CSRF_COOKIE,
    CSRF_HEADER,
    INSTRUCTOR_COOKIE,
    csrf_cookie_kept,
    csrf_judgement,
    note_csrf,
    seat_cookie,
)
from app.web.security import SECURITY_HEADERS, SecurityHeadersMiddleware

# Session ids are ``secrets.token_urlsafe``; anything else takes the long road (and most likely a 404).
SESSION_ID = r"[A-Za-z0-9_-]{1,64}"
VOTE_PATH = re.compile(rf"/s/({SESSION_ID})/vote")
# A form whose names and values need no decoding at all, so that no two parsers can read it differently.
PLAIN_FORM = re.compile(r"[a-z]+=[A-Za-z0-9_.~-]*(?:&[a-z]+=[A-Za-z0-9_.~-]*)*")
FORM = "application/x-www-form-urlencoded"
MAX_BODY = 4096  # a vote is a few dozen bytes; anything longer is the full app's to judge (413 included)
WANTED = frozenset({b"accept", b"content-length", b"content-type", b"cookie", b"host", b"origin", CSRF_HEADER.encode()})
# The encoder ``JSONResponse.render`` uses, made once rather than for every answer: the same bytes.
JSON = json.JSONEncoder(ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":"))
JSON_TYPE = (b"content-type", JSONResponse.media_type.encode())


class FastVote:
    """ASGI middleware: answers ``POST /s/{id}/vote`` when it can, passes everything else to ``app``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope.get("root_path"):
            await self.app(scope, receive, send)
            return
        match = VOTE_PATH.fullmatch(scope["path"])
        asked = _asked(scope) if match else None
        if match is None or asked is None or not _plain(*asked):
            await self.app(scope, receive, send)
            return
        headers, cookies = asked
        messages: list[Message] = []
        form = await _read_form(receive, messages)
        vote, member = _vote(form) if form is not None else (None, None)
        if vote is None or form is None or not _csrf_ok(scope, headers, cookies, form):
            await self.app(scope, _replay(messages, receive), send)
            return
        session_id = match.group(1)
        note_csrf(scope, cookies[CSRF_COOKIE])  # as the CSRF middleware would (an error page prints it)
        service: SessionService = scope["app"].state.service
        response: Response
        try:
            view, code = await service.student_vote(session_id, cookies.get(seat_cookie(session_id)), vote, member)
        except Exception as refused:  # this road runs outside the app's error middleware: the app's handler answers
            response = await handled(scope, refused)
        else:
            if "application/json" in headers.get("accept", ""):
                # The bytes ``Response`` and ``SecurityHeadersMiddleware`` would send, without building either.
                body = JSON.encode({"vote": vote.value, "version": view.version, "seat": code}).encode()
                start = [(b"content-length", b"%d" % len(body)), JSON_TYPE, *SECURITY_HEADERS]
                await send({"type": "http.response.start", "status": 200, "headers": start})
                await send({"type": "http.response.body", "body": body})
                return
            response = RedirectResponse(f"/s/{session_id}/seat", status_code=303)
        await SecurityHeadersMiddleware(response)(scope, receive, send)


def _asked(scope: Scope) -> tuple[dict[str, str], dict[str, str]] | None:
    """The headers a vote reads, each as the full app reads it (the first of its name), and the cookies;
    None when there is more than one Cookie header (the full app merges them)."""
    headers: dict[str, str] = {}
    for name, value in scope["headers"]:
        if name in WANTED:
            key = name.decode("latin-1")
            if key in headers:
                if name == b"cookie":
                    return None
                continue
            headers[key] = value.decode("latin-1")
    return headers, cookie_parser(headers.get("cookie", ""))


def _plain(headers: dict[str, str], cookies: dict[str, str]) -> bool:
    """A small form post from a visitor who already has a CSRF cookie and is not the instructor."""
    length = headers.get("content-length")
    csrf = cookies.get(CSRF_COOKIE)
    return (
        headers.get("content-type", "").split(";", 1)[0].strip() == FORM
        and (length is None or (length.isdigit() and int(length) <= MAX_BODY))
        and csrf_cookie_kept(csrf)
        and INSTRUCTOR_COOKIE not in cookies
    )


async def _read_form(receive: Receive, messages: list[Message]) -> dict[str, str] | None:
    """The body as a form, keeping every message read in ``messages``; None if it is not a small plain form."""
    body = b""
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return None
        body += message.get("body", b"")
        if len(body) > MAX_BODY:
            return None
        if not message.get("more_body", False):
            break
    text = body.decode("ascii", errors="replace")
    if not PLAIN_FORM.fullmatch(text):
        return None
    form: dict[str, str] = {}
    for pair in text.split("&"):
        name, value = pair.split("=", 1)
        if name in form:
            return None  # a repeated field: the full app knows which one counts
        form[name] = value
    return form


def _vote(form: dict[str, str]) -> tuple[Vote | None, str | None]:
    """The vote and the delegation the form names; no vote when the full app would refuse the form (422)."""
    member = form.get("member")
    if member == "":
        return None, None
    try:
        return Vote(form.get("vote", "")), member
    except ValueError:
        return None, None


def _csrf_ok(scope: Scope, headers: dict[str, str], cookies: dict[str, str], form: dict[str, str]) -> bool:
    """The route's own CSRF check (``auth.check_csrf``), passed or not, on the form already read: a plain form
    (no escapes, no repeated field) reads the same in any parser."""
    offered = headers.get(CSRF_HEADER, form.get("csrf"))
    scheme, host = scope.get("scheme", "http"), headers.get("host", "")
    try:
        csrf_judgement(headers.get("origin"), scheme, host, cookies.get(CSRF_COOKIE), offered)
    except Forbidden:
        return False
    return True


async def handled(scope: Scope, refused: Exception) -> Response:
    """The answer the app's own error handler gives to ``refused`` (JSON, or the error page for a browser); any
    other error gets the handler of ``Exception``, as the app's error middleware would give it."""
    handlers = scope["app"].exception_handlers
    handler = next((handlers[kind] for kind in type(refused).__mro__ if kind in handlers), None)
    if handler is None:
        raise refused
    response: Response = await handler(Request(scope), refused)
    return response


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """``receive`` that first gives back the messages already read."""
    pending = list(messages)

    async def replaying() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replaying
