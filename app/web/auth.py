"""Who may do what, without accounts.

- The instructor proves it once with the secret in the link that ``unsc-sim serve`` prints; the
  server answers with an HttpOnly cookie derived from that secret (never the secret itself).
- A student holds a seat token in an HttpOnly cookie named after the session; the store keeps
  only its hash. The delegation a vote is for comes from this token, never from the body.
- Every form post carries a CSRF token equal to the visitor's ``unsc_csrf`` cookie
  (double-submit), and a cross-site Origin is refused outright.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.domain.errors import Forbidden
from app.settings import Settings

INSTRUCTOR_COOKIE = "unsc_instructor"
SEAT_COOKIE_PREFIX = "unsc_seat_"
CSRF_COOKIE = "unsc_csrf"
CSRF_HEADER = "x-csrf-token"
COOKIE_DAYS = 2


def instructor_cookie_value(settings: Settings) -> str:
    secret = settings.instructor_token.get_secret_value().encode()
    return hmac.new(secret, b"unsc-sim instructor cookie v1", hashlib.sha256).hexdigest()


def token_matches(settings: Settings, offered: str | None) -> bool:
    if not offered:
        return False
    return hmac.compare_digest(offered.encode(), settings.instructor_token.get_secret_value().encode())


def is_instructor(request: HTTPConnection) -> bool:
    cookie = request.cookies.get(INSTRUCTOR_COOKIE)
    if not cookie:
        return False
    settings: Settings = request.app.state.settings
    return hmac.compare_digest(cookie.encode(), instructor_cookie_value(settings).encode())


def require_instructor(request: Request) -> None:
    if not is_instructor(request):
        raise Forbidden(
            "only the instructor can do this: open the instructor link that `unsc-sim serve` printed, on this device"
        )


InstructorDep = Annotated[None, Depends(require_instructor)]


def seat_cookie(session_id: str) -> str:
    return SEAT_COOKIE_PREFIX + session_id


def csrf_token(request: HTTPConnection) -> str:
    token: str = request.scope.setdefault("state", {}).get("csrf", "")
    return token


class CsrfCookieMiddleware:
    """Give every visitor a CSRF cookie, so each form can carry the same value back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        current = HTTPConnection(scope).cookies.get(CSRF_COOKIE)
        fresh = None
        if not current or len(current) < 20:
            fresh = current = secrets.token_urlsafe(24)
        scope.setdefault("state", {})["csrf"] = current

        async def send_with_cookie(message: Message) -> None:
            if fresh and message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.append("set-cookie", f"{CSRF_COOKIE}={fresh}; Path=/; HttpOnly; SameSite=Lax")
            await send(message)

        await self.app(scope, receive, send_with_cookie)


async def check_csrf(request: Request) -> None:
    """Refuse a state-changing request that another site could have sent."""
    origin = request.headers.get("origin")
    if origin and origin != "null":
        host = request.headers.get("host", "")
        if origin.split("://", 1)[-1] != host:
            raise Forbidden("this request came from another site and was refused")
    expected = request.cookies.get(CSRF_COOKIE)
    offered = request.headers.get(CSRF_HEADER)
    if offered is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf")
        offered = value if isinstance(value, str) else None
    if not expected or not offered or not hmac.compare_digest(expected.encode(), offered.encode()):
        raise Forbidden("the form has expired or did not come from this site; reload the page and try again")


CsrfDep = Annotated[None, Depends(check_csrf)]
