"""Run the Alembic migrations shipped in `storage/migrations` from code (no alembic.ini).

`ensure_current` is the cheap check every command makes: it compares the database's
version row with the newest shipped migration, read from the migration files' revision
lines, and only imports Alembic when there is something to migrate.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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
