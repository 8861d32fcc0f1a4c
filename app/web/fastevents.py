"""A short road for the request every listener makes once and then holds for hours: ``GET /s/{id}/events``.

A live stream stays open as long as its page does, and everything its request passed through stays in
memory with it: FastAPI's routing, its dependency exit stacks, Starlette's exception layers and each
middleware's closures were about 15 KB of the 35 KB a listener cost. ``FastEvents`` sits in front of
them and opens the usual stream itself, through the route's own function (``sessions.events``: the same
session, audience, caps, language and first event), then sends it as the full app would: with the app's
security headers. The request already carries everything the middlewares would add or check: the
visitor's CSRF cookie (without one, the full app answers and gives one), no body, and the route sets
``Cache-Control: no-store`` itself, which is what the instructor's no-store rule would make it.

Whatever goes wrong before the stream starts (no such session, a stream too many, a database that is not
there) is handed to the full app, untouched, which answers it with its own error handlers: nothing was
subscribed, so the answer cannot differ.
"""

from __future__ import annotations

import re

from starlette.requests import ClientDisconnect, Request
from starlette.types import ASGIApp, Receive, Scope, Send

from app.sessions import SessionService
from app.web.auth import CSRF_COOKIE
from app.web.security import SecurityHeadersMiddleware
from app.web.sessions import events

# Session ids are ``secrets.token_urlsafe``; anything else takes the long road (and most likely a 404).
EVENTS_PATH = re.compile(r"/s/([A-Za-z0-9_-]{1,64})/events")


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
        if not isinstance(state.service, SessionService) or csrf is None or len(csrf) < 20:
            await self.app(scope, receive, send)  # no database (503), or a visitor the full app gives a cookie
            return
        scope.setdefault("state", {})["csrf"] = csrf  # what the CSRF middleware would have noted
        try:
            response = await events(match.group(1), request, state.service, state.broker, state.settings)
        except Exception:
            await self.app(scope, receive, send)  # the full app answers the refusal with its own handlers
            return
        try:
            await SecurityHeadersMiddleware(response)(scope, receive, send)
        except ClientDisconnect:
            return  # the client left mid-stream: the stream has let its listener go, nobody is left to answer
