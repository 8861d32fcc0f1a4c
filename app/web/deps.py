"""Dependencies shared by the routers, as ``Annotated`` aliases so handler signatures read as prose."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from app.live import Broker
from app.scenarios import Library
from app.sessions import SessionService
from app.settings import Settings
from app.store.sessions import SessionStore
from app.web.live_parts import PartRenderer


async def _library(request: Request) -> Library:
    return cast(Library, request.app.state.library)


async def _templates(request: Request) -> Jinja2Templates:
    return cast(Jinja2Templates, request.app.state.templates)


async def _settings(request: Request) -> Settings:
    return cast(Settings, request.app.state.settings)


async def _store(request: Request) -> SessionStore:
    return cast(SessionStore, request.app.state.store)


async def _service(request: Request) -> SessionService:
    return cast(SessionService, request.app.state.service)


async def _parts(request: Request) -> PartRenderer:
    return cast(PartRenderer, request.app.state.parts)


async def _broker(request: Request) -> Broker:
    return cast(Broker, request.app.state.broker)


LibraryDep = Annotated[Library, Depends(_library)]
StoreDep = Annotated[SessionStore, Depends(_store)]
ServiceDep = Annotated[SessionService, Depends(_service)]
PartsDep = Annotated[PartRenderer, Depends(_parts)]
BrokerDep = Annotated[Broker, Depends(_broker)]
TemplatesDep = Annotated[Jinja2Templates, Depends(_templates)]
SettingsDep = Annotated[Settings, Depends(_settings)]
