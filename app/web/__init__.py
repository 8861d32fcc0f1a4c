"""The web app: ``create_app(settings)`` builds it; nothing is read at import time."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import StrictUndefined

from app import __version__
from app.paths import STATIC, TEMPLATES
from app.scenario_files import Library
from app.settings import Settings
from app.web import api, docs, pages
from app.web.errors import install_error_handlers
from app.web.security import BodyLimitMiddleware, SecurityHeadersMiddleware


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="unsc-sim",
        version=__version__,
        description="UN Security Council vote simulator: scenarios, and the outcome of a vote under Article 27.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.library = Library(settings.scenarios_dir)
    templates = Jinja2Templates(directory=TEMPLATES)
    templates.env.undefined = StrictUndefined
    templates.env.trim_blocks = True
    templates.env.lstrip_blocks = True
    templates.env.globals["version"] = __version__
    app.state.templates = templates

    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=512 * 1024)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(docs.router)
    install_error_handlers(app)
    return app
