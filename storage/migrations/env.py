"""Alembic environment for Pantau's migrations.

Run programmatically by `storage.migrate` (which passes an open connection in
`config.attributes["connection"]`), or by the `alembic` command from the
repository root with PANTAU_DATABASE_URL set.
"""

from __future__ import annotations

import os
from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import models.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from models.errors import StorageError
from storage.engine import make_engine

# Full-text search objects are created by hand in the migrations and have no
# model; autogenerate must not propose dropping them.
SEARCH_TABLE_PREFIX = "page_fts"
SEARCH_COLUMNS = {"search_vector"}
SEARCH_INDEXES = {"ix_page_search_vector"}

config = context.config


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, other: Any) -> bool:
    """Leave the hand-made search objects out of autogenerate comparisons."""
    if type_ == "table" and name and name.startswith(SEARCH_TABLE_PREFIX):
        return False
    if type_ == "column" and name in SEARCH_COLUMNS:
        return False
    return not (type_ == "index" and name in SEARCH_INDEXES)


def run_migrations(connection: Connection) -> None:
    """Run the pending migrations on `connection`."""
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_from_command_line() -> None:
    """Connect to PANTAU_DATABASE_URL (or sqlalchemy.url) and migrate it."""
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    url = os.environ.get("PANTAU_DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise StorageError(
            "No database to migrate: set PANTAU_DATABASE_URL, e.g. "
            "PANTAU_DATABASE_URL=sqlite:///data/pantau.db uv run alembic upgrade head"
        )
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            run_migrations(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise StorageError(
        "Pantau's migrations inspect the live database; run them without --sql against "
        "the database itself."
    )
if config.attributes.get("connection") is not None:
    run_migrations(config.attributes["connection"])
else:
    run_from_command_line()
