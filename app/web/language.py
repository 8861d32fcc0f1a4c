"""The language switch: ``/language/fr?next=/scenarios/x`` keeps the reader's choice in a cookie and goes back.

A plain link (no form, no script), so it works everywhere and from the keyboard; it changes nothing but the
visitor's own cookie, so it needs no CSRF token. ``next`` must be a path on this site: never a redirect
elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app import i18n
from app.domain.errors import NotFound
from app.web.auth import cookie_flags

router = APIRouter(include_in_schema=False)
ONE_YEAR = 365 * 24 * 3600


def safe_next(target: str | None) -> str:
    """``target`` if it is a path on this site, else the home page."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target  # a browser reads /\\host as //host
        or any(ord(c) < 0x20 for c in target)
    ):
        return "/"
    return target


@router.get("/language/{language}")
def choose_language(language: str, request: Request, next: str | None = None) -> Response:
    if language not in i18n.LANGUAGES:
        raise NotFound(i18n.gettext("No such language."))
    response = RedirectResponse(safe_next(next), status_code=303)
    flags = cookie_flags(request)
    flags["max_age"] = ONE_YEAR
    response.set_cookie(i18n.COOKIE, language, **flags)
    return response


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    href: str
    current: bool


def language_links(request: Request) -> list[LanguageLink]:
    """The six languages, each in its own name, as links that choose it and come back to this page (without
    a ``lang`` of its query, which would overrule the choice)."""
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "lang"])
    back = request.url.path + (f"?{query}" if query else "")
    here = i18n.current()
    return [
        LanguageLink(code, i18n.NATIVE_NAMES[code], f"/language/{code}?{urlencode({'next': back})}", code == here)
        for code in i18n.LANGUAGES
    ]
