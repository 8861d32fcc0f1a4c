"""The web app: ``create_app(settings)`` builds it; nothing is read at import time."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import StrictUndefined
from starlette.concurrency import run_in_threadpool

from app import __version__
from app.live import Broker
from app.paths import STATIC, TEMPLATES
from app.scenario_files import Library
from app.settings import Settings
from app.store.database import make_engine, sqlite_url
from app.store.sessions import SessionStore
from app.web import api, docs, editor, pages, sessions
from app.web.auth import CsrfCookieMiddleware, csrf_token, is_instructor
from app.web.errors import install_error_handlers
from app.web.ratelimit import RateLimiter
from app.web.security import BodyLimitMiddleware, SecurityHeadersMiddleware

log = logging.getLogger("unsc_sim")
PURGE_EVERY_SECONDS = 600


def purge_expired(store: SessionStore, settings: Settings) -> list[str]:
    now = dt.datetime.now(dt.UTC)
    return store.purge(
        ended_before=now - dt.timedelta(hours=settings.session_ended_ttl_hours),
        idle_before=now - dt.timedelta(hours=settings.session_idle_ttl_hours),
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    store = SessionStore(make_engine(settings.database_url or sqlite_url(settings.data_dir)))
    broker = Broker()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        broker.bind(asyncio.get_running_loop())

        async def purge_forever() -> None:
            while True:
                removed = await run_in_threadpool(purge_expired, store, settings)
                for session_id in removed:
                    broker.forget(session_id)  # its last snapshot, kept for reconnecting listeners
                if removed:
                    log.info("removed %d expired session(s)", len(removed))
                await asyncio.sleep(PURGE_EVERY_SECONDS)

        purger = asyncio.create_task(purge_forever())
        try:
            yield
        finally:
            purger.cancel()
            broker.close_all()
            store.engine.dispose()

    app = FastAPI(
        title="unsc-sim",
        version=__version__,
        description="UN Security Council vote simulator: scenarios, and the outcome of a vote under Article 27.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.library = Library(settings.scenarios_dir)
    app.state.store = store
    app.state.broker = broker
    app.state.join_limiter = RateLimiter(capacity=settings.joins_per_minute, per_minute=settings.joins_per_minute)
    app.state.lookup_limiter = RateLimiter(capacity=30, per_minute=30)
    templates = Jinja2Templates(directory=TEMPLATES)
    templates.env.undefined = StrictUndefined
    templates.env.trim_blocks = True
    templates.env.lstrip_blocks = True
    templates.env.globals["version"] = __version__
    templates.env.globals["is_instructor"] = is_instructor
    templates.env.globals["csrf_token"] = csrf_token
    app.state.templates = templates

    app.add_middleware(CsrfCookieMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=512 * 1024)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(sessions.router)
    app.include_router(editor.router)
    app.include_router(docs.router)
    install_error_handlers(app)
    return app
