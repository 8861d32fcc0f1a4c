"""The six official languages of the United Nations: catalogs, the reader's language, and CLDR data.

Every user-facing string is written in English in the source and goes through ``gettext`` (``_`` in
templates, ``gettext``/``ngettext`` here); Babel extracts them (``make messages``) into
``app/locale/messages.pot`` and each language's ``app/locale/<lang>/LC_MESSAGES/messages.po``.
A wheel carries the compiled ``.mo`` files (setup.py compiles them); a checkout has only the ``.po``
files, which are compiled in memory on first use, so nothing is ever run by hand.

The language of what is being rendered lives in a context variable: a request's middleware sets it
(``LanguageMiddleware``) and the live stream's renderer sets it per audience (``using``); code that
produces text asks ``gettext`` and gets the reader's language. Strings defined where no reader is
known yet (the domain's refusals, module constants) are marked with ``N_`` and translated where they
are shown.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gettext as stdlib_gettext
import io
import re
from collections.abc import Iterator, MutableMapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal

from babel import Locale, dates, numbers
from babel.core import get_global
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from starlette.requests import cookie_parser

# In the order the UN lists them (alphabetical in English).
LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
SOURCE = "en"
RTL = frozenset({"ar"})
# Each language's name in itself, as the language switch shows it.
NATIVE_NAMES = {
    "ar": "العربية",
    "zh": "中文",
    "en": "English",
    "fr": "Français",
    "ru": "Русский",
    "es": "Español",
}
COOKIE = "unsc_lang"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"

_current: ContextVar[str] = ContextVar("unsc_sim_language", default=SOURCE)


def N_(message: str) -> str:
    """Marks ``message`` for the catalog where no reader is known yet; it is translated where it is shown."""
    return message


@functools.cache
def translations(language: str) -> stdlib_gettext.NullTranslations:
    """The catalog of ``language`` (English is the source: no catalog). A compiled ``.mo`` is used when it is
    at least as new as its ``.po``; otherwise the ``.po`` is compiled in memory."""
    if language not in LANGUAGES or language == SOURCE:
        return stdlib_gettext.NullTranslations()
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)
    if not po.is_file():
        return stdlib_gettext.NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def warm() -> None:
    """Load every catalog and each language's CLDR names now (a tenth of a second, about 13 MB, once per
    process), so that the first reader of each language waits for nothing and memory does not grow later."""
    for language in LANGUAGES:
        translations(language)
        country_name("USA", language)


def current() -> str:
    """The language of what is being rendered now."""
    return _current.get()


@contextlib.contextmanager
def using(language: str) -> Iterator[None]:
    """Render in ``language`` within the block."""
    token = _current.set(language if language in LANGUAGES else SOURCE)
    try:
        yield
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the sense ``context`` gives it ("yes" as a vote, or as an answer)."""
    return translations(_current.get()).pgettext(context, message)


_ = gettext


class CurrentLanguage:
    """A ``Translator`` (see app.domain.rules) for the language being rendered now."""

    def gettext(self, message: str, /) -> str:
        return gettext(message)

    def ngettext(self, singular: str, plural: str, n: int, /) -> str:
        return ngettext(singular, plural, n)


CURRENT = CurrentLanguage()


def direction(language: str | None = None) -> Literal["rtl", "ltr"]:
    return "rtl" if (language or current()) in RTL else "ltr"


# --- Choosing the reader's language ---------------------------------------------------------------

_TAG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")


def parse_accept_language(header: str | None) -> str | None:
    """The best of the six languages for an ``Accept-Language`` header, or None if it names none of them.

    Only the primary subtag counts (``zh-TW``, ``fr-CA`` and ``ar-EG`` are Chinese, French and Arabic);
    a weight of 0 refuses a language; ties keep the header's order.
    """
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for index, item in enumerate(header.split(",")[:32]):  # a longer header is cut, not parsed at length
        tag, _sep, params = item.strip().partition(";")
        tag = tag.strip()
        if not _TAG.match(tag):
            continue
        quality = 1.0
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.split("-")[0].lower()
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, index, primary))
    return min(ranked)[2] if ranked else None


def chosen(query: str | None, cookie: str | None, accept: str | None) -> str:
    """The reader's language: ``?lang=`` for this page, then their choice (the cookie), then their browser's."""
    for candidate in (query, cookie):
        if candidate is not None and candidate in LANGUAGES:
            return candidate
    return parse_accept_language(accept) or SOURCE


def language_of_scope(scope: MutableMapping[str, Any]) -> str:
    """The language for an ASGI request scope, from its query string, cookie and ``Accept-Language``: a few
    microseconds, since every request (a student's vote too) asks it."""
    query = cookie = accept = None
    raw_query: bytes = scope.get("query_string", b"")
    if b"lang=" in raw_query:
        for pair in raw_query.decode("latin-1").split("&"):
            key, _eq, value = pair.partition("=")
            if key == "lang":
                query = value
    for name, value in scope.get("headers", ()):
        if name == b"cookie" and COOKIE.encode() in value:
            cookie = _cookie_value(value.decode("latin-1"))
        elif name == b"accept-language":
            accept = value.decode("latin-1")
    return chosen(query, cookie, accept)


def _cookie_value(header: str) -> str | None:
    # Starlette's parser, as for every other cookie: it reads past a cookie that the standard library's would
    # reject (another app on this host may set one), where SimpleCookie stops and loses ours.
    return cookie_parser(header).get(COOKIE)


# --- CLDR: country names, dates and numbers ---------------------------------------------------------


def _alpha2(code: str) -> str | None:
    """ISO 3166 alpha-2 for a member's code (alpha-3, as scenarios use, or alpha-2); None for a code that is
    no single country today (SUN, YUG, CSK) or none at all."""
    code = code.upper()
    alpha2: str | None = None
    if len(code) == 2 and code.isalpha():
        alpha2 = code
    else:
        replacement = get_global("territory_aliases").get(code)
        if replacement is not None and len(replacement) == 1:
            alpha2 = str(replacement[0])
    # ISO 3166 leaves AA, QM-QZ, XA-XZ and ZZ to private use (CLDR names XB "Pseudo-Bidi"): no country.
    if alpha2 is None or alpha2 in {"AA", "ZZ"} or alpha2[0] == "X" or (alpha2[0] == "Q" and alpha2[1] >= "M"):
        return None
    return alpha2


@functools.cache
def country_name(code: str, language: str) -> str | None:
    """The CLDR name of the country ``code`` in ``language``, or None when ``code`` is not a country code."""
    alpha2 = _alpha2(code)
    if alpha2 is None:
        return None
    name = Locale.parse(language).territories.get(alpha2)
    return str(name) if name else None


def format_date(value: dt.date, language: str | None = None) -> str:
    """A day as the reader writes it: "10 December 2019" (the UN's English), "10 décembre 2019", "2019年12月10日"."""
    language = language or current()
    return dates.format_date(value, format="d MMMM y" if language == SOURCE else "long", locale=language)


def format_datetime(value: dt.datetime, language: str | None = None) -> str:
    return dates.format_datetime(value, format="medium", locale=language or current())


def format_number(value: float, language: str | None = None) -> str:
    return numbers.format_decimal(value, locale=language or current())


def format_percent(value: float, language: str | None = None) -> str:
    """To one decimal, with the locale's separators: "6.7%", "6,7%"."""
    return numbers.format_percent(value, format="#,##0.0%", locale=language or current())
