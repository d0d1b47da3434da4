"""Run the Alembic migrations shipped in `storage/migrations` from code (no alembic.ini)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from models.errors import StorageError

MIGRATIONS = Path(__file__).with_name("migrations")
UPGRADE_HINT = "PANTAU_DATABASE_URL=<url> uv run alembic upgrade head"


def alembic_config(connection: Connection | None = None) -> Config:
    """Build the Alembic configuration in code; `connection` is the one to migrate."""
    config = Config()
    # ConfigParser would read a "%" in the path as interpolation.
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database behind `engine` to `revision` (the newest by default)."""
    run_command(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Migrate the database behind `engine` back to `revision` (empty by default)."""
    run_command(engine, command.downgrade, revision)


def run_command(engine: Engine, step: Callable[[Config, str], None], revision: str) -> None:
    """Run one Alembic command in a single transaction."""
    try:
        with engine.begin() as connection:
            step(alembic_config(connection), revision)
    except sa.exc.DBAPIError as e:
        reason = str(e.orig).strip().splitlines()[0] if e.orig else str(e)
        raise StorageError(
            f"Migrating the database to {revision} failed: {reason}. On PostgreSQL the "
            "user needs the right to create tables and the 'unaccent' extension "
            "(package postgresql-contrib)."
        ) from e


def head_revision() -> str | None:
    """The newest migration shipped with this version of Pantau."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None for an empty database."""
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
