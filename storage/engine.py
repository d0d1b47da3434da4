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

# See `set_postgres_settings`.
PG_SETTINGS = "SET plan_cache_mode = force_custom_plan"
# WAL lets readers run beside one writer; NORMAL sync is safe under WAL and makes a
# commit ~50x cheaper; the busy timeout makes concurrent writers wait, not fail.
SQLITE_PRAGMAS = (
    "journal_mode=WAL",
    "synchronous=NORMAL",
    "busy_timeout=30000",
    "foreign_keys=ON",
)
# Rows of each index `refresh_statistics` samples: 20 ms at 100,000 documents.
SQLITE_ANALYSIS_LIMIT = 1000
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
        engine = sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    except (sa.exc.NoSuchModuleError, ImportError) as e:
        raise StorageError(
            f"No driver for {url.drivername}; use a plain postgresql:// URL (psycopg 3 is "
            "installed with Pantau)."
        ) from e
    event.listen(engine, "connect", set_postgres_settings)
    return engine


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


def set_postgres_settings(dbapi_connection: Any, _record: Any) -> None:
    """Plan every statement for its own values on every new PostgreSQL connection.

    psycopg prepares a statement on the server after its fifth run, and PostgreSQL may then
    keep one generic plan for all values. A search's values decide its plan: a word on 80%
    of the pages is read by a scan, a rare name through the index. With a generic plan a
    rare name's search took 430 ms instead of 10 at 100,000 documents.
    """
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True  # a SET inside a transaction is undone by its rollback
    try:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(PG_SETTINGS)
    finally:
        dbapi_connection.autocommit = autocommit


def refresh_statistics(engine: Engine) -> bool:
    """Give SQLite's planner statistics of the tables as they now are; False when the
    database was too busy to write them (they are kept from before, no harm done).

    Without statistics SQLite guesses how selective each index is, and at 100,000 documents
    a facet filter's search took twice as long (nationality: 130 ms, against 56 with them).
    A sample of `SQLITE_ANALYSIS_LIMIT` rows per index plans as well as a full ANALYZE.
    PostgreSQL's autovacuum analyses its tables itself.
    """
    if engine.dialect.name != "sqlite":
        return True
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
            connection.exec_driver_sql("ANALYZE")
            connection.exec_driver_sql("PRAGMA analysis_limit=0")
    except sa.exc.OperationalError:
        return False
    return True


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


# PostgreSQL SQLSTATE codes of faults in the environment, not in Pantau: what to do about each.
_PG_FAULTS = {
    "53100": "the PostgreSQL server's disk is full: free space on it, then run again",
    "53200": "the PostgreSQL server is out of memory: try again when it is less busy",
    "53300": "the PostgreSQL server has no free connection slots: close idle clients or raise "
    "max_connections, then run again",
    "42501": "the database role lacks a right Pantau needs: run `pantau db upgrade` as the "
    "owner of the database, or grant the role rights on Pantau's tables",
    "25006": "the PostgreSQL server is read-only (a standby?): point PANTAU_DATABASE_URL at "
    "the primary",
    "57P01": "the PostgreSQL server was shut down while Pantau used it: start it and run "
    "again; finished documents are kept and the rest resume",
    "57P02": "the PostgreSQL server was shut down while Pantau used it: start it and run "
    "again; finished documents are kept and the rest resume",
    "57P03": "the PostgreSQL server is starting up or shutting down: run again in a moment",
    "28000": "the PostgreSQL server refused the login: check the user in PANTAU_DATABASE_URL",
    "28P01": "the PostgreSQL server refused the password: check PANTAU_DATABASE_URL",
}

# SQLite's messages for faults of the file or the disk, and what to do about each.
_SQLITE_FAULTS = (
    (
        "readonly database",
        "the SQLite database is read-only: give the user running Pantau write access to the "
        "database file and its folder (SQLite writes a journal beside it), or point --db / "
        "PANTAU_DATABASE_URL at a writable database",
    ),
    (
        "database or disk is full",
        "the disk holding the SQLite database is full: free space, then run again; finished "
        "documents are kept and the rest resume",
    ),
    (
        "disk i/o error",
        "the disk holding the SQLite database failed a write (full, removed or read-only?): "
        "check it, then run again; finished documents are kept and the rest resume",
    ),
    (
        "unable to open database file",
        "the SQLite database file cannot be opened: check that its folder exists and is "
        "writable by the user running Pantau",
    ),
    (
        "database is locked",
        "another program held the SQLite database's write lock for too long: wait for it to "
        "finish (or stop it), then run again",
    ),
    (
        "file is not a database",
        "the SQLite file is not a database: point --db / PANTAU_DATABASE_URL at a Pantau "
        "database, or at a path that does not exist yet",
    ),
)


def describe_database_fault(error: BaseException | None) -> str | None:
    """A fix-it message when `error` is a fault of the database's environment, else None.

    Faults are what the user can act on: a read-only or full disk, a server that went away,
    a refused login, missing rights. Anything else (a bug, a constraint Pantau broke) gives
    None and stays an internal error.
    """
    if not isinstance(error, sa.exc.DBAPIError):
        return None
    original = error.orig
    reason = str(original).strip().splitlines()[0] if original is not None else str(error)
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate in _PG_FAULTS:
        return f"{_PG_FAULTS[sqlstate][0].upper()}{_PG_FAULTS[sqlstate][1:]} ({reason})."
    module = type(original).__module__ if original is not None else ""
    if module.startswith("psycopg") and isinstance(error, sa.exc.OperationalError):
        # No SQLSTATE: the connection itself broke (server gone, network down, timeout).
        return (
            f"Lost the connection to the PostgreSQL server ({reason}). Check that the server "
            "is running and reachable, then run again; finished documents are kept and the "
            "rest resume."
        )
    if module.startswith("sqlite3"):
        lowered = reason.lower()
        for needle, advice in _SQLITE_FAULTS:
            if needle in lowered:
                return f"{advice[0].upper()}{advice[1:]} ({reason})."
    return None
