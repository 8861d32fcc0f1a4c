"""``unsc-sim serve``: build the settings from options and environment, print the instructor link, run uvicorn."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

import uvicorn
from pydantic import SecretStr

from app.settings import Settings
from app.web import create_app


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
            "host": args.host,
            "port": args.port,
            "scenarios_dir": args.scenarios,
            "data_dir": args.data,
            "instructor_token": args.token,
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
    app = create_app(settings)
    host = "127.0.0.1" if settings.host in {"0.0.0.0", "::"} else settings.host
    base = f"http://{host}:{settings.port}"
    print(f"unsc-sim: serving the scenarios in {settings.scenarios_dir} at {base}/", flush=True)
    print(f"unsc-sim: sessions are stored in {settings.database_url or settings.data_dir}", flush=True)
    print("unsc-sim: instructor link (keep it private; it controls live sessions):", flush=True)
    print(f"    {base}/instructor?token={settings.instructor_token.get_secret_value()}", flush=True)
    # The access log stays off: the instructor link carries a secret and must never reach a log.
    uvicorn.run(
        app, host=settings.host, port=settings.port, log_level="info", access_log=False, timeout_graceful_shutdown=3
    )
    return 0
