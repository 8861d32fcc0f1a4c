"""A short road for the request every listener makes once and then holds for hours: ``GET /s/{id}/events``.

A live stream stays open as long as its page does, and everything its request passed through stays in
memory with it: FastAPI's routing, its dependency exit stacks, Starlette's exception layers and each
middleware's closures were about 15 KB of the 35 KB a listener cost. ``FastEvents`` sits in front of
them and opens the usual stream itself, through the route's own function (``sessions.events``: the same
session, audience, caps, language and first event), then sends it as the full app would: with the app's
security headers, and no-store for the instructor (the route sets ``Cache-Control: no-store`` itself).

It takes only what it is sure to answer as the full app would: a GET without a body (one announcing a
body goes on, where the body limit judges it), from a visitor with a CSRF cookie (without one, the full
app answers and gives one), while the session database is there. A refusal before the stream starts (no
such session, a stream too many, a database error) is answered by the app's own error handler, as the
full app's error middleware would answer it, once: the work is not done again by the full app.
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app.sessions import SessionService
from app.web.auth import CSRF_COOKIE, InstructorNoStoreMiddleware, csrf_cookie_kept, note_csrf
from app.web.fastvote import SESSION_ID, handled
from app.web.security import SecurityHeadersMiddleware
from app.web.sessions import events

EVENTS_PATH = re.compile(rf"/s/({SESSION_ID})/events")  # any other id takes the long road (most likely a 404)


class FastEvents:
    """ASGI middleware: opens ``GET /s/{id}/events`` when it can, passes everything else to ``app``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        match = EVENTS_PATH.fullmatch(scope["path"]) if scope["type"] == "http" else None
        state = scope["app"].state if match else None
        if match is None or state is None or scope["method"] != "GET" or scope.get("root_path"):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        csrf = request.cookies.get(CSRF_COOKIE)
        headers = request.headers
        if (
            not isinstance(state.service, SessionService)  # no database: the full app says so (503)
            or not csrf_cookie_kept(csrf)  # a visitor the full app gives a CSRF cookie
            or "transfer-encoding" in headers
            or headers.get("content-length", "0") != "0"  # a body: the full app's limit judges it
        ):
            await self.app(scope, receive, send)
            return
        note_csrf(scope, csrf)  # as the CSRF middleware would
        response: Response
        try:
            response = await events(match.group(1), request, state.service, state.broker, state.settings)
        except Exception as refused:
            response = await handled(scope, refused)  # nothing was subscribed: the app's own answer
        del request, headers, match  # not kept for the hours a stream may last
        await SecurityHeadersMiddleware(InstructorNoStoreMiddleware(response))(scope, receive, send)
