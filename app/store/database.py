"""The database engine: SQLite in WAL mode (the embedded default) or PostgreSQL, migrated at start.

On SQLite the writer's transactions take the write lock up front (``BEGIN IMMEDIATE``) and readers
take a snapshot (``BEGIN``), so a read never waits for the lock. ``postgresql://`` URLs are served by
psycopg 3. Either way the schema is brought to the latest revision (Alembic) before first use, and
a database written by the first release, from before migrations, is recognised and upgraded in place.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import DBAPIError

from app.store.faults import unavailable

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"  # the schema of the first release, which created its tables without Alembic
WRITE = "unsc_sim_write"  # an execution option: this connection writes, so take the lock at BEGIN


def sqlite_url(data_dir: Path) -> str:
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(data_dir / 'unsc-sim.sqlite3').resolve()}"


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` mean psycopg 3, the driver this project ships with."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str, *, migrate: bool = True) -> Engine:
    """An engine for ``url`` with the schema at its latest revision.

    A database that cannot be used (a corrupt file, a server that does not answer) raises
    ``DatabaseUnavailable``, whose one line names it and says what to do; no traceback is needed.
    """
    given, url = url, normalise_url(url)
    if url.startswith("sqlite"):
        engine = _sqlite_engine(url)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    try:
        if migrate:
            upgrade(engine)
    except DBAPIError as error:
        engine.dispose()
        raise unavailable(given, error) from error
    return engine


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (the pysqlite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # an acknowledged vote survives even a power cut
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def writing(engine: Engine) -> Connection:
    """A connection for a write transaction: ``with writing(engine) as conn, conn.begin(): ...``."""
    return engine.connect().execution_options(**{WRITE: True})


def alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; several instances starting at once take turns (PostgreSQL lock)."""
    with writing(engine) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(726571)"))
        tables = set(inspect(conn).get_table_names())
        config = alembic_config(conn)
        if "sessions" in tables and "alembic_version" not in tables:
            command.stamp(config, BASELINE)  # the first release's tables, made before migrations existed
        command.upgrade(config, revision)
