"""Dependencies shared by the routers, as ``Annotated`` aliases so handler signatures read as prose."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates

from app.live import Broker
from app.scenario_files import Library
from app.settings import Settings
from app.store.sessions import SessionStore


def _library(request: Request) -> Library:
    return cast(Library, request.app.state.library)


def _templates(request: Request) -> Jinja2Templates:
    return cast(Jinja2Templates, request.app.state.templates)


def _settings(request: Request) -> Settings:
    return cast(Settings, request.app.state.settings)


def _store(request: Request) -> SessionStore:
    return cast(SessionStore, request.app.state.store)


def _broker(request: Request) -> Broker:
    return cast(Broker, request.app.state.broker)


LibraryDep = Annotated[Library, Depends(_library)]
StoreDep = Annotated[SessionStore, Depends(_store)]
BrokerDep = Annotated[Broker, Depends(_broker)]
TemplatesDep = Annotated[Jinja2Templates, Depends(_templates)]
SettingsDep = Annotated[Settings, Depends(_settings)]
