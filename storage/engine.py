"""Database engines and sessions: SQLite by default, PostgreSQL (psycopg 3) when outgrown."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

from models.errors import StorageError

# WAL lets readers run beside one writer; NORMAL sync is safe under WAL and makes a
# commit ~50x cheaper; the busy timeout makes concurrent writers wait, not fail.
SQLITE_PRAGMAS = (
    "journal_mode=WAL",
    "synchronous=NORMAL",
    "busy_timeout=30000",
    "foreign_keys=ON",
)
PG_CONNECT_TIMEOUT_SECONDS = 10
URL_EXAMPLES = "sqlite:///path/to/pantau.db or postgresql://user@host:5432/pantau"


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """One engine (and connection pool) per URL per process, shared by all tasks."""
    return make_engine(url)


def make_engine(url: str) -> Engine:
    """Create an engine for a SQLite or PostgreSQL URL and check that it connects.

    `postgresql://` (and `postgres://`) URLs are served by psycopg 3. A SQLite
    file's folder is created if missing. Raises `StorageError` when the database
    cannot be reached.
    """
    parsed = parse_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        engine = make_sqlite_engine(parsed)
    elif backend == "postgresql":
        engine = make_postgres_engine(parsed)
    else:
        raise StorageError(f"Unsupported database {backend!r}; use {URL_EXAMPLES}.")
    check_connection(engine)
    return engine


def parse_url(url: str) -> URL:
    """Parse a database URL, choosing psycopg 3 for PostgreSQL."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as e:
        raise StorageError(f"{url!r} is not a database URL; use {URL_EXAMPLES}.") from e
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_sqlite_engine(url: URL) -> Engine:
    """Create a SQLite engine with the connection pragmas Pantau relies on."""
    if url.database in (None, "", ":memory:"):
        # One shared connection, or every session would see its own empty database.
        engine = sa.create_engine(
            url, poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    else:
        create_parent_folder(Path(url.database).expanduser())
        engine = sa.create_engine(url)
    event.listen(engine, "connect", set_sqlite_pragmas)
    return engine


def make_postgres_engine(url: URL) -> Engine:
    """Create a PostgreSQL engine that fails fast when the server is down."""
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_SECONDS
    try:
        return sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    except (sa.exc.NoSuchModuleError, ImportError) as e:
        raise StorageError(
            f"No driver for {url.drivername}; use a plain postgresql:// URL (psycopg 3 is "
            "installed with Pantau)."
        ) from e


def create_parent_folder(path: Path) -> None:
    """Create the folder a SQLite file lives in."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StorageError(
            f"Cannot create the folder {path.parent} for the database: {e.strerror}. "
            "Choose a writable location in PANTAU_DATABASE_URL."
        ) from e


def set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Apply `SQLITE_PRAGMAS` to every new SQLite connection."""
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {pragma}")
    finally:
        cursor.close()


def check_connection(engine: Engine) -> None:
    """Open one connection, turning any failure into a `StorageError` that says what to do."""
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except sa.exc.DBAPIError as e:
        raise StorageError(describe_connect_failure(engine, e)) from e


def describe_connect_failure(engine: Engine, error: sa.exc.DBAPIError) -> str:
    """Say why the database could not be reached and how to fix it."""
    reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    if engine.dialect.name == "sqlite":
        return (
            f"Cannot open the SQLite database {engine.url.database}: {reason}. Check that the "
            "path is a Pantau database (or does not exist yet) and that its folder is writable."
        )
    shown = engine.url.render_as_string(hide_password=True)
    return (
        f"Cannot reach the PostgreSQL database at {shown}: {reason}. Check that the server is "
        "running and that host, port, user and database name in PANTAU_DATABASE_URL are right."
    )


@contextmanager
def session_for(engine: Engine) -> Iterator[Session]:
    """Open a session on `engine`; anything not committed is rolled back on exit.

    Objects stay readable after commit, so repository results can leave the block.
    """
    with Session(engine, expire_on_commit=False) as session:
        yield session
