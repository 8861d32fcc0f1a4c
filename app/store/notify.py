"""Across instances: PostgreSQL LISTEN/NOTIFY tells each instance which session moved to which version.

A commit on any instance notifies ``<session id> <version>`` (sent by the database at commit, so
never before the change is durable). Each instance's listener reads the session again when it is
behind and publishes it to its own listeners. If the notification link drops, it reconnects with
a growing pause and then catches up on every session it holds, so nothing missed while away is lost.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import Engine

from app.store.sessions import NOTIFY_CHANNEL

log = logging.getLogger("unsc_sim")


def libpq_url(engine: Engine) -> str:
    url = engine.url.set(drivername="postgresql").update_query_dict({"application_name": APPLICATION_NAME})
    return url.render_as_string(hide_password=False)


APPLICATION_NAME = "unsc-sim-notify"  # how the link shows in pg_stat_activity


class Notifications:
    """A thread that listens for other instances' commits."""

    def __init__(self, engine: Engine, on_change: Callable[[str, int], None], on_connect: Callable[[], None]) -> None:
        self.url = libpq_url(engine)
        self.on_change = on_change
        self.on_connect = on_connect
        self.connected = threading.Event()
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="unsc-sim-notify", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg

        pause = 0.2
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self.connections += 1
                    self.connected.set()
                    self.on_connect()  # after LISTEN: whatever changed while away is read now
                    pause = 0.2
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=1.0):
                            session_id, _, version = note.payload.partition(" ")
                            if version.isdigit():
                                self.on_change(session_id, int(version))
            except Exception as error:  # a dropped link, a restarting server: come back, never die
                self.connected.clear()
                if self._stop.is_set():
                    return
                log.warning("live updates from other instances paused (%s); reconnecting", str(error).strip()[:200])
                self._stop.wait(pause)
                pause = min(pause * 2, 5.0)
