"""The web app: ``create_app(settings)`` builds it; nothing is read at import time."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
import re
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, StrictUndefined, pass_context
from jinja2.ext import Extension
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from app import __version__, heap, i18n
from app.layered_library import library_for
from app.live import DIRECT_SEND, Broker
from app.localize import explained, localized
from app.paths import STATIC, TEMPLATES
from app.sessions import SessionService
from app.sessions_unavailable import SessionsUnavailable
from app.settings import Settings
from app.store.database import make_engine, sqlite_url
from app.store.faults import DatabaseUnavailable, database_name
from app.store.sessions import SessionStore
from app.web import api, auth, docs, editor, fastevents, fastvote, language, meeting_view, pages, sessions
from app.web.address import public_base
from app.web.auth import (
    EPOCH_FILE,
    CsrfCookieMiddleware,
    InstructorEpoch,
    InstructorNoStoreMiddleware,
    csrf_token,
    is_instructor,
)
from app.web.board import ProgressMarkup, SeatMarkup
from app.web.errors import install_error_handlers
from app.web.live_parts import PartRenderer
from app.web.ratelimit import limiter
from app.web.security import BodyLimitMiddleware, SecureCookiesMiddleware, SecurityHeadersMiddleware

log = logging.getLogger("unsc_sim")
PURGE_EVERY_SECONDS = 600


def purge_expired(service: SessionService, settings: Settings) -> list[str]:
    return service.purge(
        dt.datetime.now(dt.UTC),
        ended_ttl=dt.timedelta(hours=settings.session_ended_ttl_hours),
        idle_ttl=dt.timedelta(hours=settings.session_idle_ttl_hours),
    )


@contextlib.asynccontextmanager
async def running_sessions(
    service: SessionService | SessionsUnavailable, broker: Broker, settings: Settings
) -> AsyncIterator[None]:
    """For a server's life: follow other instances' changes, purge expired sessions, and close it all at the end."""
    if not isinstance(service, SessionService):  # no session database: nothing to follow, purge or close
        yield
        return
    service.follow_other_instances()

    async def purge_forever() -> None:
        while True:
            removed = await run_in_threadpool(purge_expired, service, settings)
            if removed:
                log.info("removed %d expired session(s)", len(removed))
            await asyncio.sleep(PURGE_EVERY_SECONDS)

    purger = asyncio.create_task(purge_forever())
    try:
        yield
    finally:
        purger.cancel()
        broker.close_all()
        service.close()
        service.store.engine.dispose()


class App(FastAPI):
    """The app, which keeps the server's own ``send`` in the scope (``DIRECT_SEND``) for the event streams, and
    puts ``FastVote`` and ``FastEvents`` in front of its whole middleware stack."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        scope[DIRECT_SEND] = send
        # The reader's language, for everything this request renders or says (see app.i18n).
        with i18n.using(i18n.language_of_scope(scope)):
            await super().__call__(scope, receive, send)

    def build_middleware_stack(self) -> ASGIApp:
        """Students' votes and live streams take short roads before everything else, FastAPI's own layers
        included (see fastvote.py and fastevents.py; what they are not sure of goes on to the full app)."""
        return fastvote.FastVote(fastevents.FastEvents(super().build_middleware_stack()))


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    i18n.warm()
    templates = Jinja2Templates(directory=TEMPLATES)
    base = public_base(settings)
    parts = PartRenderer(templates.env, lambda view: f"{base}/join/{view.join_code}")
    broker = Broker(parts.payload)
    problem: DatabaseUnavailable | None = None
    url = settings.database_url or sqlite_url(settings.data_dir)
    try:
        store = SessionStore(make_engine(url))
    except DatabaseUnavailable as unusable:
        # The library, the boards and the editor need no database: they are served, and every session
        # route answers with this one line (``SessionsUnavailable`` stands in for the service); the
        # caller says it at start (``app.state.sessions_unavailable``).
        problem = unusable
    service = SessionService(store, broker) if problem is None else SessionsUnavailable(problem)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        broker.bind(asyncio.get_running_loop())
        async with heap.collected_when_quiet(lambda: broker.last_flush), running_sessions(service, broker, settings):
            yield

    app = App(
        title="unsc-sim",
        version=__version__,
        description="UN Security Council vote simulator: scenarios, and the outcome of a vote under Article 27.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        # No OpenTelemetry provider is configured here; the hooks' per-request checks cost ~9% of a vote.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.library = library_for(settings)
    app.state.store = service.store if isinstance(service, SessionService) else None
    app.state.broker = broker
    app.state.service = service
    app.state.sessions_unavailable = None if problem is None else str(problem)
    app.state.database = database_name(url)  # as it is safe to show: a password is masked
    app.state.parts = parts
    app.state.public_base = base
    app.state.instructor_epoch = InstructorEpoch(settings.data_dir / EPOCH_FILE)
    engine = service.store.engine if isinstance(service, SessionService) else None
    app.state.join_limiter = limiter(engine, settings.joins_per_minute, settings.joins_per_minute, "joins")
    app.state.lookup_limiter = limiter(engine, 30, 30, "lookups")
    app.state.templates = _configure(templates)
    _assemble(app)
    return app


def _configure(templates: Jinja2Templates) -> Jinja2Templates:
    configure(templates.env)
    return templates


class Unindent(Extension):
    """Drops the indentation before a tag in the templates' source, once, when a template is compiled: the pages
    stay readable in the repository and weigh less on the wire (a Russian board is 2 KB lighter); no text moves,
    since a newline still separates what the indentation did."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:  # noqa: ARG002
        return _INDENTED_TAG.sub("\n", source)


_INDENTED_TAG = re.compile(r"\n[ \t]+(?=[<{])")


@pass_context
def template_gettext(context: Context, message: str, /, **variables: Any) -> str:
    """``_()`` in a template, as Jinja's newstyle gettext does it (translated, marked safe when autoescaping, and
    always %-formatted, its variables escaped), in one call where Jinja makes three; a sentence without variables
    is formatted once per language. A live update renders some fifty of these per room."""
    if not context.eval_ctx.autoescape:
        return i18n.gettext(message) % variables
    if variables:
        return Markup(i18n.gettext(message)) % variables
    return _formatted(i18n.current(), message)


@functools.lru_cache(maxsize=4096)
def _formatted(language: str, message: str) -> Markup:
    return Markup(i18n.translations(language).gettext(message)) % {}


def configure(env: Environment) -> Environment:
    """The app's Jinja settings and globals, for its own environment and for tests that render a template."""
    env.undefined = StrictUndefined
    env.add_extension(Unindent)
    # Every string a template shows goes through the catalog of the language being rendered (app.i18n).
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext)  # type: ignore[attr-defined]
    env.globals["_"] = template_gettext
    env.globals["language"] = i18n.current
    env.globals["direction"] = i18n.direction
    env.globals["language_links"] = language.language_links
    env.globals["localized"] = localized  # a scenario's own text in the reader's language
    env.globals["say"] = meeting_view.say  # what the domain says (a Phrase, or a sentence marked N_)
    env.globals["explained"] = explained  # an outcome's explanation in the reader's language
    env.globals["seat_markup"] = SeatMarkup(env)  # the chamber's seats, each kept once rendered
    env.globals["progress_markup"] = ProgressMarkup(env)  # the verdict's bar, each kept once rendered
    env.filters["date"] = i18n.format_date
    env.filters["number"] = i18n.format_number
    env.trim_blocks = True
    env.lstrip_blocks = True
    # The templates ship with the app and never change while it runs: no stat() of each template's file every
    # time it is rendered (five per room and version, for every live update).
    env.auto_reload = False
    env.globals["version"] = __version__
    env.globals["is_instructor"] = is_instructor
    env.globals["csrf_token"] = csrf_token
    return env


def _assemble(app: FastAPI) -> None:
    """Middleware (the last added runs first), static files, routers and the one error handler."""
    app.add_middleware(CsrfCookieMiddleware)
    app.add_middleware(InstructorNoStoreMiddleware)
    app.add_middleware(SecureCookiesMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=512 * 1024)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in (api.router, language.router, pages.router, sessions.router, editor.router, docs.router, auth.router):
        app.include_router(router)
    install_error_handlers(app)


def create_app_from_environment() -> FastAPI:
    """The app each worker process builds (``unsc-sim serve --workers N``): settings from UNSC_SIM_*."""
    app = create_app(Settings())
    if app.state.sessions_unavailable:
        log.error("%s", app.state.sessions_unavailable)
    return app
