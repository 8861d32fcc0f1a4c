from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "scenarios"

GOOD = """\
title: A test question
question: Adoption of the agenda
members:
""" + "".join(
    f"  - {{code: {code}, name: {name}{', permanent: true' if perm else ''}, vote: {vote}}}\n"
    for code, name, perm, vote in [
        ("CHN", "China", True, "no"),
        ("FRA", "France", True, "yes"),
        ("RUS", "Russian Federation", True, "no"),
        ("GBR", "United Kingdom", True, "yes"),
        ("USA", "United States", True, "undecided"),
        ("BEL", "Belgium", False, "yes"),
        ("CIV", "Côte d'Ivoire", False, "abstain"),
        ("DOM", "Dominican Republic", False, "yes"),
        ("GNQ", "Equatorial Guinea", False, "no"),
        ("DEU", "Germany", False, "yes"),
        ("IDN", "Indonesia", False, "abstain"),
        ("KWT", "Kuwait", False, "yes"),
        ("PER", "Peru", False, "yes"),
        ("POL", "Poland", False, "yes"),
        ("ZAF", "South Africa", False, "abstain"),
    ]
)

T = TypeVar("T")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` on a thread of its own: the browser tests' Playwright keeps a loop on the main thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture
def good_yaml() -> str:
    """A valid 15-member scenario: 8 yes, 3 no, 3 abstain, the United States undecided."""
    return GOOD


@pytest.fixture
def umask() -> Iterator[int]:
    """A umask unlike the usual 022, so that a file mode copied from the wrong place shows."""
    old = os.umask(0o027)
    try:
        yield 0o027
    finally:
        os.umask(old)


@pytest.fixture
def scenario_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "good.yaml").write_text(GOOD, encoding="utf-8")
    return folder


# Databases: every store test runs on SQLite and, when a server is reachable, on PostgreSQL.
# Outside CI an unreachable PostgreSQL skips those runs with the reason; with CI=true it fails them.
POSTGRES_ADMIN = os.environ.get("UNSC_SIM_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def _postgres_missing() -> str | None:
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        with psycopg.connect(POSTGRES_ADMIN, connect_timeout=3, autocommit=True):
            return None
    except psycopg.Error as error:
        return f"no PostgreSQL server at {POSTGRES_ADMIN} ({str(error).strip().splitlines()[0]})"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A database of this test's own on the PostgreSQL server, dropped afterwards."""
    reason = _postgres_missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL tests cannot run in CI: {reason}")
        pytest.skip(reason)
    import psycopg

    name = f"unsc_sim_test_{secrets.token_hex(6)}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The store's tests run against both databases."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'unsc-sim.sqlite3'}"
    url: str = request.getfixturevalue("postgres_url")
    return url
