"""Dependencies shared by the routers, as ``Annotated`` aliases so handler signatures read as prose."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from app.scenario_files import Library
from app.settings import Settings


def _library(request: Request) -> Library:
    return cast(Library, request.app.state.library)


def _templates(request: Request) -> Jinja2Templates:
    return cast(Jinja2Templates, request.app.state.templates)


def _settings(request: Request) -> Settings:
    return cast(Settings, request.app.state.settings)


LibraryDep = Annotated[Library, Depends(_library)]
TemplatesDep = Annotated[Jinja2Templates, Depends(_templates)]
SettingsDep = Annotated[Settings, Depends(_settings)]
