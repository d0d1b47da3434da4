"""Run the Alembic migrations shipped in `storage/migrations` from code (no alembic.ini).

`ensure_current` is the cheap check every command makes: it compares the database's
version row with the newest shipped migration, read from the migration files' revision
lines, and only imports Alembic when there is something to migrate.
"""

from __future__ import annotations

import fcntl
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from models.errors import StorageError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
UPGRADE_HINT = "PANTAU_DATABASE_URL=<url> uv run alembic upgrade head"
REVISION_LINE = re.compile(r"^revision\b[^=\n]*=[ \t]*[\"']([^\"'\n]+)[\"']", re.M)
# pg_advisory_xact_lock key that serialises migrations ("PANTMIGR" in ASCII).
MIGRATION_LOCK_KEY = int.from_bytes(b"PANTMIGR", "big") - 2**63
DOWN_REVISION_LINE = re.compile(r"^down_revision\b[^=\n]*=[ \t]*[\"']([^\"'\n]+)[\"']", re.M)


def alembic_config(connection: Connection | None = None) -> Config:
    """Build the Alembic configuration in code; `connection` is the one to migrate."""
    from alembic.config import Config

    config = Config()
    # ConfigParser would read a "%" in the path as interpolation.
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database behind `engine` to `revision` (the newest by default)."""
    from alembic import command

    run_command(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Migrate the database behind `engine` back to `revision` (empty by default)."""
    from alembic import command

    run_command(engine, command.downgrade, revision)


def run_command(engine: Engine, step: Callable[[Config, str], None], revision: str) -> None:
    """Run one Alembic command in a single transaction, one process at a time.

    Two commands started together on a new database would both create its tables; the
    second waits for the first (PostgreSQL: an advisory lock held by the migrating
    transaction; SQLite: a lock file beside the database), then finds the schema current.
    """
    try:
        with _sqlite_migration_lock(engine), engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
                )
            step(alembic_config(connection), revision)
    except sa.exc.DBAPIError as e:
        from storage.engine import describe_database_fault

        reason = str(e.orig).strip().splitlines()[0] if e.orig else str(e)
        fault = describe_database_fault(e)
        raise StorageError(
            f"Migrating the database to {revision} failed: {fault}"
            if fault
            else f"Migrating the database to {revision} failed: {reason}. On PostgreSQL the "
            "user needs the right to create tables and the 'unaccent' extension "
            "(package postgresql-contrib)."
        ) from e


@contextmanager
def _sqlite_migration_lock(engine: Engine) -> Iterator[None]:
    """An exclusive lock on `<database>.migrate-lock` for a SQLite file; nothing otherwise."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or database in (None, "", ":memory:"):
        yield
        return
    if database.startswith("file:"):  # a URI filename: file:/path?mode=ro
        database = database[len("file:") :].split("?", 1)[0]
    lock_path = Path(database).expanduser().with_name(Path(database).name + ".migrate-lock")
    try:
        handle = open(lock_path, "a+b")  # noqa: SIM115 - held across the yield
    except OSError:
        yield  # a read-only folder: nothing can migrate there anyway, SQLite will say why
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def head_revision() -> str | None:
    """The newest migration shipped with this version of Pantau."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def require_current(engine: Engine) -> None:
    """Raise `StorageError` unless the database is at the newest migration."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        shown = engine.url.render_as_string(hide_password=True)
        raise StorageError(
            f"The database {shown} is at schema {current or 'none'}, this Pantau needs "
            f"{head}; upgrade it: {UPGRADE_HINT}"
        )


@cache
def shipped_head() -> str | None:
    """The newest shipped migration, from the files' revision lines (Alembic not imported);
    None when the files do not make one chain with a single head."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        revision = REVISION_LINE.search(text)
        if revision is None:
            return None
        revisions.add(revision.group(1))
        parent = DOWN_REVISION_LINE.search(text)
        if parent is not None:
            parents.add(parent.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def ensure_current(engine: Engine) -> None:
    """Migrate the database to the newest schema, unless its version row says it is there."""
    head = shipped_head()
    if head is not None:
        try:
            with engine.connect() as connection:
                current = connection.execute(
                    sa.text("SELECT version_num FROM alembic_version")
                ).scalar()
        except sa.exc.DBAPIError:
            current = None  # a new database: no version table yet
        if current == head:
            return
    upgrade(engine)
