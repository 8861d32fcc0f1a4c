"""The app on a real port, in a thread, for tests and benchmarks that need real sockets."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import uvicorn

from app.settings import Settings
from app.web import create_app
from tests.conftest import BUNDLED
from tests.loadclient import free_port

INSTRUCTOR_TOKEN = "live-server-instructor-token"


class LiveServer:
    def __init__(self, root: Path, http: str = "auto") -> None:
        self.scenarios = root / "scenarios"
        shutil.copytree(BUNDLED, self.scenarios)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        settings = Settings(
            scenarios_dir=self.scenarios,
            data_dir=root / "data",
            instructor_token=INSTRUCTOR_TOKEN,
            port=self.port,  # so that the links the pages print (join, personal links) reach this server
        )
        self.app = create_app(settings)
        app = self.app
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", timeout_graceful_shutdown=1, http=http
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
