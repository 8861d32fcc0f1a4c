"""``unsc-sim backup PATH``: a consistent copy of the session database, taken while the server runs.

SQLite: SQLite's online backup API copies every page in one step under a read transaction, so the
copy is the database as of one commit (a batch the writer commits meanwhile is in it entirely or not
at all) and the server's writer is never stopped. The copy is written beside ``PATH``, checked
(``PRAGMA quick_check``), switched out of WAL mode so that it is one self-contained file, and only
then renamed to ``PATH``; an existing ``PATH`` is never overwritten.

PostgreSQL: ``pg_dump`` is the tool for a consistent copy of a live database; the command says so
and exits 2 rather than half-doing its job.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sqlite3
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from app.settings import Settings
from app.store.database import normalise_url
from app.store.faults import database_name

DATABASE_FILE = "unsc-sim.sqlite3"


class BackupFailed(Exception):
    """The backup could not be made; the message says why, in one line."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def source_file(settings: Settings) -> Path:
    """The SQLite file the server uses; ``BackupFailed`` (2) for PostgreSQL, whose tool is ``pg_dump``."""
    if settings.database_url:
        url = make_url(normalise_url(settings.database_url))
        if url.get_backend_name() != "sqlite":
            shown = database_name(settings.database_url)
            raise BackupFailed(
                f"the sessions are stored in PostgreSQL ({shown}): back them up with pg_dump, "
                "e.g. pg_dump --format=custom --file PATH DATABASE_URL",
                code=2,
            )
        if not url.database:
            raise BackupFailed("the session database is in memory: there is nothing to back up", code=2)
        return Path(url.database)
    return settings.data_dir / DATABASE_FILE


def backup(source: Path, target: Path) -> int:
    """Copy the SQLite database ``source`` to ``target`` consistently; the number of sessions in the copy."""
    if not source.is_file():
        raise BackupFailed(f"there is no session database at {source}", code=2)
    if target.exists():
        raise BackupFailed(f"{target} already exists: choose another name, or move it aside first", code=2)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)  # left by a backup that was interrupted
    try:
        source_db = sqlite3.connect(source, timeout=30)
        try:
            with contextlib.closing(sqlite3.connect(partial)) as copy:
                source_db.backup(copy)  # every page in one step: the database as of one commit
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
                checked = copy.execute("PRAGMA quick_check").fetchone()[0]
                if checked != "ok":
                    raise BackupFailed(f"the copy of {source} does not check out ({checked}); {source} may be damaged")
                sessions = int(copy.execute("SELECT count(*) FROM sessions").fetchone()[0])
        finally:
            source_db.close()
        with open(partial, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(partial, target)
    except sqlite3.Error as error:
        raise BackupFailed(
            f"the session database {source} could not be copied ({error}); nothing was written"
        ) from error
    except OSError as error:
        raise BackupFailed(f"could not write {target} ({error.strerror or error}); nothing was written") from error
    finally:
        partial.unlink(missing_ok=True)
    return sessions


def run(args: argparse.Namespace) -> int:
    try:
        settings = Settings(**({"data_dir": args.data} if args.data is not None else {}))
        source = source_file(settings)
        sessions = backup(source, Path(args.path))
    except BackupFailed as failed:
        print(f"unsc-sim: {failed}", file=sys.stderr)
        return failed.code
    except ValueError as error:  # the settings
        print(f"unsc-sim: {error}", file=sys.stderr)
        return 2
    print(f"unsc-sim: backed up {source} to {args.path} ({sessions} session{'s' if sessions != 1 else ''})")
    return 0
