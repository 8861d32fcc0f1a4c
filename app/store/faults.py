"""What the store says when its database fails, in one line that names the database and what to do.

Two kinds of failure are told apart from the rest:

- ``DatabaseUnavailable``: the database cannot be used at all (a corrupt or unreadable SQLite file, a
  PostgreSQL server that cannot be reached). ``make_engine`` raises it at start; the web app then
  serves the scenario library without live sessions, and every session route answers 503 with it.
- ``DiskFull``: a write found no space (SQLite's ``SQLITE_FULL``, PostgreSQL's ``disk_full``). The
  writer fails the batch with it (507) and changes nothing, so voting resumes once there is space.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from app.domain.errors import UnscSimError

SQLITE_FULL = 13
POSTGRES_DISK_FULL = "53100"


class DatabaseUnavailable(UnscSimError):
    """The session database cannot be used; the message says which one, why, and what to do."""


class DiskFull(UnscSimError):
    """A change found no space to be written; nothing was saved, and nothing else was harmed."""


def database_name(url: str) -> str:
    """The database as it is safe to print: an SQLite file's path, or the URL with its password masked."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(Path(parsed.database)) if parsed.database else "(in memory)"
    return parsed.render_as_string(hide_password=True)


def reason(error: BaseException) -> str:
    """The driver's own words for ``error``, on one line."""
    original = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    return lines[0] if lines else type(original).__name__


def unavailable(url: str, error: BaseException) -> DatabaseUnavailable:
    """The one line for a database that could not be opened at start."""
    where = database_name(url)
    why = reason(error)
    if is_disk_full(error):
        return DatabaseUnavailable(
            f"the session database {where} cannot be written ({why}): free some space, then restart"
        )
    if make_url(url).get_backend_name() != "sqlite":
        return DatabaseUnavailable(
            f"the session database {where} cannot be reached ({why}): "
            "check that the server is running and the URL is right, then restart"
        )
    if isinstance(getattr(error, "orig", None), sqlite3.OperationalError):  # not a bad file: a path or permission
        return DatabaseUnavailable(
            f"the session database {where} cannot be opened ({why}): "
            "check that it and its folder exist and can be read and written, then restart"
        )
    return DatabaseUnavailable(
        f"the session database {where} cannot be read ({why}): move it aside or restore a backup, then restart"
    )


def is_disk_full(error: BaseException) -> bool:
    """Whether a database error means that the disk (or the database's quota) is full."""
    original = getattr(error, "orig", error)
    if isinstance(original, sqlite3.Error):
        return (getattr(original, "sqlite_errorcode", None) or 0) & 0xFF == SQLITE_FULL
    return getattr(original, "sqlstate", None) == POSTGRES_DISK_FULL


def disk_full(error: BaseException) -> DiskFull:
    return DiskFull(
        f"the disk holding the session database is full ({reason(error)}): "
        "the change was not saved; free some space, then try again"
    )
