"""``unsc-sim serve``: build the settings from options and environment, print the instructor link, run uvicorn."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy.engine import make_url
from uvicorn.supervisors import Multiprocess

from app.layered_library import LayeredLibrary
from app.server import GuardedConfig, GuardedServer, connection_budget, open_file_limit, raise_open_file_limit
from app.settings import Settings
from app.web import create_app
from app.web.address import is_loopback, public_base


def stored_token(data_dir: Path) -> str:
    """The instructor secret kept in the data folder, so a restart does not lock the instructor out."""
    path = data_dir / "instructor.secret"
    try:
        token = path.read_text(encoding="utf-8").strip()
        if len(token) >= 16:
            return token
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    return token


def serve(args: argparse.Namespace) -> int:
    overrides = {
        key: value
        for key, value in {
            "host": args.host or ("0.0.0.0" if getattr(args, "classroom", False) else None),
            "port": args.port,
            "scenarios_dir": args.scenarios,
            "bundled_scenarios": getattr(args, "bundled", None),
            "data_dir": args.data,
            "instructor_token": args.token,
            "public_url": getattr(args, "public_url", None),
        }.items()
        if value is not None
    }
    try:
        settings = Settings(**overrides)
        if args.token is None and "UNSC_SIM_INSTRUCTOR_TOKEN" not in os.environ:
            settings = settings.model_copy(update={"instructor_token": SecretStr(stored_token(settings.data_dir))})
    except ValueError as error:
        print(f"unsc-sim: {error}", file=sys.stderr)
        return 2
    if not settings.scenarios_dir.is_dir():
        print(f"unsc-sim: no scenarios folder at {settings.scenarios_dir}", file=sys.stderr)
        return 2
    workers = max(1, getattr(args, "workers", None) or 1)
    if workers > 1 and not (settings.database_url or "").startswith(("postgresql", "postgres:")):
        print(
            "unsc-sim: several workers share sessions through PostgreSQL; set UNSC_SIM_DATABASE_URL "
            "to a postgresql:// URL (SQLite serves one process)",
            file=sys.stderr,
        )
        return 2
    limit = raise_open_file_limit()  # before the app opens its database
    app = create_app(settings)
    classroom = bool(getattr(args, "classroom", False))
    host = "127.0.0.1" if settings.host in {"0.0.0.0", "::"} else settings.host
    base = public_base(settings) if classroom else f"http://{host}:{settings.port}"
    library = app.state.library
    where = f"{library.folder} and {library.beneath.folder}" if isinstance(library, LayeredLibrary) else library.folder
    print(f"unsc-sim: serving the scenarios in {where} at {base}/", flush=True)
    if app.state.sessions_unavailable:  # the library is served; every session route answers with this line
        print(f"unsc-sim: {app.state.sessions_unavailable}", flush=True)
    else:
        print(f"unsc-sim: sessions are stored in {shown_database(settings)}", flush=True)
    print(f"unsc-sim: {limit}", flush=True)
    print("unsc-sim: instructor link (keep it private; it controls live sessions):", flush=True)
    print(f"    {base}/instructor?token={settings.instructor_token.get_secret_value()}", flush=True)
    print(f"unsc-sim: students join at {public_base(settings)}/join", flush=True)
    if classroom:
        print(classroom_advice(public_base(settings)), flush=True)
    # The access log stays off: the instructor link carries a secret and must never reach a log.
    if workers > 1:
        return _serve_workers(settings, workers)
    GuardedServer(_config(app, settings)).run()
    return 0


def _config(app: Any, settings: Settings, **options: Any) -> GuardedConfig:
    """uvicorn's settings for one process or several: the access log off, proxies trusted only as configured."""
    return GuardedConfig(
        app,
        header_timeout=settings.header_timeout_seconds,
        max_connections=connection_budget(open_file_limit()),
        host=settings.host,
        port=settings.port,
        log_level="info",
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        timeout_graceful_shutdown=3,
        **options,
    )


def shown_database(settings: Settings) -> str:
    """Where sessions are stored, as it is safe to print: a password in the URL is masked."""
    if not settings.database_url:
        return str(settings.data_dir)
    return make_url(settings.database_url).render_as_string(hide_password=True)


def _serve_workers(settings: Settings, workers: int) -> int:
    """Several worker processes on one socket, each building its own app from the environment."""
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if value is None:
            continue
        text = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        os.environ[f"UNSC_SIM_{name.upper()}"] = text
    config = _config("app.web:create_app_from_environment", settings, factory=True, workers=workers)
    print(f"unsc-sim: {workers} worker processes share sessions through PostgreSQL", flush=True)
    socket = config.bind_socket()
    Multiprocess(config, sockets=[socket]).run()
    return 0


def classroom_advice(join_base: str) -> str:
    """What a teacher needs to know to get a class of phones onto this laptop."""
    if is_loopback(join_base):
        return (
            "unsc-sim: this computer shows no network address, so phones cannot reach it: connect it to the\n"
            "    classroom's Wi-Fi (or give --public-url) and start again"
        )
    return (
        "unsc-sim: phones must be on the same Wi-Fi as this computer. If a firewall asks whether to let\n"
        "    Python accept incoming connections, allow it on this (private) network. The projector shows the\n"
        "    code, the address and a QR code for each session."
    )
