"""``unsc-sim serve``: build the settings from options and environment, then run uvicorn."""

from __future__ import annotations

import argparse
import sys

import uvicorn

from app.settings import Settings
from app.web import create_app


def serve(args: argparse.Namespace) -> int:
    overrides = {
        key: value
        for key, value in {
            "host": args.host,
            "port": args.port,
            "scenarios_dir": args.scenarios,
            "data_dir": args.data,
        }.items()
        if value is not None
    }
    settings = Settings(**overrides)
    if not settings.scenarios_dir.is_dir():
        print(f"unsc-sim: no scenarios folder at {settings.scenarios_dir}", file=sys.stderr)
        return 2
    app = create_app(settings)
    print(f"unsc-sim: serving {settings.scenarios_dir} on http://{settings.host}:{settings.port}/", flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info", access_log=False)
    return 0
