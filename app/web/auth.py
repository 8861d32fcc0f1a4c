"""Who may do what, without accounts.

- The instructor proves it once with the secret in the link that ``unsc-sim serve`` prints; the
  server answers with an HttpOnly cookie that carries its issue time and a random id, signed with a
  key derived from that secret (never the secret itself). Signing out moves the "instructor epoch"
  to now, which revokes every cookie issued before it, copies included, without a new secret.
- A student holds a seat token in an HttpOnly cookie named after the session; the store keeps
  only its hash. The delegation a vote is for comes from this token, never from the body.
- Every form post carries a CSRF token equal to the visitor's ``unsc_csrf`` cookie
  (double-submit), and a cross-site Origin is refused outright.
- Over HTTPS every cookie is ``Secure``, and whatever the instructor sees is ``Cache-Control: no-store``.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import tempfile
import threading
import time
from pathlib import Path
from typing import Annotated, Literal, TypedDict, TypeGuard

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.domain.errors import Forbidden
from app.i18n import gettext
from app.settings import Settings

INSTRUCTOR_COOKIE = "unsc_instructor"
SEAT_COOKIE_PREFIX = "unsc_seat_"
CSRF_COOKIE = "unsc_csrf"
CSRF_HEADER = "x-csrf-token"
COOKIE_DAYS = 2
COOKIE_MAX_AGE = COOKIE_DAYS * 86400
EPOCH_FILE = "instructor.epoch"
COOKIE_VERSION = "v2"
INSTRUCTOR_ONLY = "instructor_only"  # a key in the request state: this route is the instructor's
NO_STORE = "no-store"
ALWAYS_PRIVATE = frozenset({"/instructor", "/signout"})  # the secret link, and leaving: never cached either way

router = APIRouter(include_in_schema=False)


# Cookie attributes


class CookieFlags(TypedDict):
    """Keyword arguments for ``Response.set_cookie``, so every cookie of ours is set the same way."""

    max_age: int
    path: str
    secure: bool
    httponly: bool
    samesite: Literal["lax", "strict", "none"]


def is_https(request: HTTPConnection) -> bool:
    """True when the browser reached us over TLS (uvicorn reads X-Forwarded-Proto only from a trusted proxy)."""
    return request.url.scheme in {"https", "wss"}


def cookie_flags(request: HTTPConnection) -> CookieFlags:
    """HttpOnly, SameSite=Lax, two days, and Secure over HTTPS: ``response.set_cookie(name, value, **cookie_flags(request))``."""
    return {"max_age": COOKIE_MAX_AGE, "path": "/", "secure": is_https(request), "httponly": True, "samesite": "lax"}


# The instructor epoch: a "not valid before" that sign-out moves, kept in the data folder


class InstructorEpoch:
    """The instant (ns since 1970) of the last sign-out: instructor cookies issued at or before it are refused.

    It lives in a small file in the data folder so that it survives a restart and every worker process sharing
    the folder agrees; each process keeps it in memory and re-reads it when a ``stat`` shows the file changed,
    and at least every ``REREAD_SECONDS`` in case the file system's timestamps are too coarse to show it.
    It never moves backwards in a process, so a deleted or damaged file cannot revive a revoked cookie.
    """

    REREAD_SECONDS = 1.0

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._seen: tuple[int, int, int] | None = None
        self._read_at = 0.0
        self._value = 0

    def value(self) -> int:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return self._value
        seen = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        if seen != self._seen or time.monotonic() - self._read_at > self.REREAD_SECONDS:
            self._value = max(self._value, self._read(fallback=stat.st_mtime_ns))
            self._seen, self._read_at = seen, time.monotonic()
        return self._value

    def _read(self, *, fallback: int) -> int:
        """The stored instant; a file we cannot read counts as a sign-out when it was last written (fail closed)."""
        try:
            text = self.path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return fallback
        return int(text) if text.isascii() and text.isdigit() else fallback

    def revoke(self, now_ns: int | None = None) -> int:
        """Refuse every instructor cookie issued until now; written atomically, so a reader sees old or new."""
        with self._lock:
            moment = max(time.time_ns() if now_ns is None else now_ns, self.value())
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{EPOCH_FILE}.", suffix=".tmp")
            try:
                with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                    handle.write(f"{moment}\n")
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temporary, self.path)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(temporary)
                raise
            _sync_directory(self.path.parent)
            self._value = moment
            return moment


def _sync_directory(folder: Path) -> None:
    """Make the rename itself durable, so a crash right after sign-out cannot bring back the old epoch (POSIX)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def instructor_epoch(request: HTTPConnection) -> InstructorEpoch:
    epoch: InstructorEpoch = request.app.state.instructor_epoch
    return epoch


# The instructor cookie


def _cookie_key(settings: Settings) -> bytes:
    """A key of its own for signing cookies, derived from the secret, so a cookie never reveals the secret."""
    secret = settings.instructor_token.get_secret_value().encode()
    return hmac.new(secret, b"unsc-sim instructor cookie v2", hashlib.sha256).digest()


def _signature(settings: Settings, payload: str) -> str:
    return hmac.new(_cookie_key(settings), payload.encode(), hashlib.sha256).hexdigest()


def instructor_cookie_value(settings: Settings, issued_ns: int | None = None) -> str:
    """A fresh instructor cookie: ``v2.<issued ns>.<random id>.<HMAC>``; each sign-in gets a different one."""
    issued = time.time_ns() if issued_ns is None else issued_ns
    payload = f"{COOKIE_VERSION}.{issued}.{secrets.token_urlsafe(12)}"
    return f"{payload}.{_signature(settings, payload)}"


def cookie_issued_at(settings: Settings, cookie: str) -> int | None:
    """When this server issued ``cookie``, or None if it did not (wrong form, wrong signature, older version)."""
    parts = cookie.split(".")
    if len(parts) != 4 or parts[0] != COOKIE_VERSION or not (parts[1].isascii() and parts[1].isdigit()):
        return None
    payload, offered = cookie.rsplit(".", 1)
    if not hmac.compare_digest(offered.encode(), _signature(settings, payload).encode()):
        return None
    return int(parts[1])


def token_matches(settings: Settings, offered: str | None) -> bool:
    if not offered:
        return False
    return hmac.compare_digest(offered.encode(), settings.instructor_token.get_secret_value().encode())


def is_instructor(request: HTTPConnection) -> bool:
    """A cookie we signed, younger than its max age (the server does not trust the browser to expire it),
    and issued after the last sign-out."""
    cookie = request.cookies.get(INSTRUCTOR_COOKIE)
    if not cookie:
        return False
    settings: Settings = request.app.state.settings
    issued = cookie_issued_at(settings, cookie)
    if issued is None or time.time_ns() - issued > COOKIE_MAX_AGE * 1_000_000_000:
        return False
    return issued > instructor_epoch(request).value()


async def require_instructor(request: Request) -> None:
    request.state.instructor_only = True  # the response is private even when it refuses: see InstructorNoStore
    if not is_instructor(request):
        raise Forbidden(
            gettext(
                "only the instructor can do this: open the instructor link that `unsc-sim serve` printed, on this device"
            )
        )


InstructorDep = Annotated[None, Depends(require_instructor)]


def set_instructor_cookie(response: Response, request: HTTPConnection, settings: Settings) -> None:
    """Sign this browser in as the instructor with a freshly issued cookie."""
    response.set_cookie(INSTRUCTOR_COOKIE, instructor_cookie_value(settings), **cookie_flags(request))


def seat_cookie(session_id: str) -> str:
    return SEAT_COOKIE_PREFIX + session_id


class InstructorNoStoreMiddleware:
    """``Cache-Control: no-store`` on everything the instructor is sent and on every instructor-only route.

    A shared computer's cache or a proxy must not keep a console, an export or a sign-in redirect. A response
    is private when the request carried a valid instructor cookie, when the route depends on
    ``require_instructor`` (even if it refused), when it sets the instructor cookie, or when it is the sign-in
    link or sign-out. A Cache-Control the route chose is kept if it already says no-store, else made no-store.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        if scope["path"].startswith("/static/"):  # the same files for everyone: let them be cached
            await self.app(scope, receive, send)
            return
        private = scope["path"] in ALWAYS_PRIVATE or is_instructor(HTTPConnection(scope))

        async def send_private(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                private_now = private or state.get(INSTRUCTOR_ONLY) or _sets_instructor_cookie(headers)
                if private_now and NO_STORE not in headers.get("cache-control", "").lower():
                    headers["Cache-Control"] = NO_STORE
            await send(message)

        await self.app(scope, receive, send_private)


def _sets_instructor_cookie(headers: MutableHeaders) -> bool:
    return any(value.startswith(INSTRUCTOR_COOKIE + "=") for value in headers.getlist("set-cookie"))


# CSRF


def csrf_token(request: HTTPConnection) -> str:
    token: str = request.scope.setdefault("state", {}).get("csrf", "")
    return token


def note_csrf(scope: Scope, token: str) -> None:
    """Note the visitor's CSRF token for this request, where ``csrf_token`` reads it (forms, error pages)."""
    scope.setdefault("state", {})["csrf"] = token


def csrf_cookie_kept(value: str | None) -> TypeGuard[str]:
    """Whether a visitor's CSRF cookie is one the app keeps; any other is replaced by a fresh one. The short roads
    (fastvote, fastevents) leave a visitor without such a cookie to the full app, which gives one."""
    return value is not None and len(value) >= 20


class CsrfCookieMiddleware:
    """Give every visitor a CSRF cookie, so each form can carry the same value back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        current = connection.cookies.get(CSRF_COOKIE)
        fresh = None
        if not csrf_cookie_kept(current):
            fresh = current = secrets.token_urlsafe(24)
        note_csrf(scope, current)
        secure = "; Secure" if is_https(connection) else ""

        async def send_with_cookie(message: Message) -> None:
            if fresh and message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.append("set-cookie", f"{CSRF_COOKIE}={fresh}; Path=/; HttpOnly; SameSite=Lax{secure}")
            await send(message)

        await self.app(scope, receive, send_with_cookie)


async def check_csrf(request: Request) -> None:
    """Refuse a state-changing request that another site could have sent."""
    offered = request.headers.get(CSRF_HEADER)
    if offered is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf")
        offered = value if isinstance(value, str) else None
    csrf_judgement(
        request.headers.get("origin"),
        request.url.scheme,
        request.headers.get("host", ""),
        request.cookies.get(CSRF_COOKIE),
        offered,
    )


def csrf_judgement(origin: str | None, scheme: str, host: str, expected: str | None, offered: str | None) -> None:
    """``check_csrf`` once the request is read: its origin, the scheme and host it came to, the visitor's CSRF
    cookie and the token the request offers (header, or the form's ``csrf``). Raises ``Forbidden``."""
    # Our pages send no referrer, so a browser's own form posts say "Origin: null"; the token below still
    # has to match. Any other origin must be this very site, scheme and host.
    if origin is not None and origin != "null" and origin != f"{scheme}://{host}":
        raise Forbidden(gettext("this request came from another site and was refused"))
    if not expected or not offered or not hmac.compare_digest(expected.encode(), offered.encode()):
        raise Forbidden(gettext("the form has expired or did not come from this site; reload the page and try again"))


CsrfDep = Annotated[None, Depends(check_csrf)]


# Signing out


@router.post("/signout")
def sign_out(request: Request, _: CsrfDep) -> Response:
    """Forget this browser's instructor cookie and revoke every one issued so far, leaked copies included.

    Only a signed-in instructor moves the epoch: otherwise any visitor could sign the instructor out.
    """
    if is_instructor(request):
        instructor_epoch(request).revoke()
    response = RedirectResponse("/", status_code=303)
    flags = cookie_flags(request)
    response.delete_cookie(
        INSTRUCTOR_COOKIE, path=flags["path"], secure=flags["secure"], httponly=True, samesite=flags["samesite"]
    )
    return response
