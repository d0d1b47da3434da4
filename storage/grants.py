"""A PostgreSQL role for the web workbench that can add to the audit log but not rewrite it.

The tables' owner (the role that ran the migrations) can disable the audit triggers;
a role that does not own them cannot. `grant_web_role` gives such a role what the
workbench needs: reading and writing the application's tables, and only SELECT and
INSERT on `audit_event` (no UPDATE, DELETE, TRUNCATE, TRIGGER or REFERENCES). The grants
are made on the tables that exist now, so run it again after an upgrade adds tables.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from models.errors import ConfigError

AUDIT_TABLE = "audit_event"
READ_ONLY_TABLES = ("alembic_version",)
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_web_role(engine: Engine, role: str) -> bool:
    """Create `role` (LOGIN, no password) if missing and grant it the workbench's rights.

    Returns True when the role was created. Raises `ConfigError` on SQLite, for a name
    that is not a plain lower-case identifier, or for a role that owns the tables or is
    a superuser (such a role could still turn the triggers off).
    """
    if engine.dialect.name != "postgresql":
        raise ConfigError(
            "A restricted web role only exists on PostgreSQL; SQLite has no roles (keep "
            "the database file readable only by the account that runs Pantau)."
        )
    if not ROLE_NAME.match(role):
        raise ConfigError(
            f"{role!r} is not a usable role name: use lower-case letters, digits and _ "
            "(at most 63, not starting with a digit)."
        )
    with engine.begin() as connection:
        created = ensure_role(connection, role)
        refuse_powerful_role(connection, role)
        for statement in grant_statements(connection, role):
            connection.exec_driver_sql(statement)
    return created


def ensure_role(connection: Connection, role: str) -> bool:
    """Create `role` with LOGIN unless it exists; True when created."""
    exists = connection.execute(
        sa.text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}
    ).first()
    if exists:
        return False
    connection.exec_driver_sql(f"CREATE ROLE {quote(connection, role)} LOGIN")
    return True


def refuse_powerful_role(connection: Connection, role: str) -> None:
    """Raise `ConfigError` if `role` is a superuser or has the owner's rights on audit_event."""
    row = connection.execute(
        sa.text(
            "SELECT r.rolsuper AS superuser, "
            "pg_has_role(r.oid, c.relowner, 'USAGE') AS owner "
            "FROM pg_roles r, pg_class c "
            "WHERE r.rolname = :role AND c.oid = to_regclass(:table)"
        ),
        {"role": role, "table": AUDIT_TABLE},
    ).first()
    if row is None:
        raise ConfigError(
            f"There is no {AUDIT_TABLE} table in this database's search path; run the "
            "migrations first (any pantau command does, as the owning role)."
        )
    if row.superuser or row.owner:
        raise ConfigError(
            f"The role {role!r} is a superuser or owns the tables (or is a member of their "
            "owner), so it could disable the audit triggers. Choose another role for the web "
            "workbench."
        )


def grant_statements(connection: Connection, role: str) -> list[str]:
    """The GRANT and REVOKE statements for `role` on the current schema's tables."""
    schema = connection.execute(sa.text("SELECT current_schema()")).scalar_one()
    tables = list(
        connection.execute(
            sa.text("SELECT tablename FROM pg_tables WHERE schemaname = :schema ORDER BY 1"),
            {"schema": schema},
        ).scalars()
    )
    who = quote(connection, role)
    statements = [f"GRANT USAGE ON SCHEMA {quote(connection, schema)} TO {who}"]
    for table in tables:
        name = f"{quote(connection, schema)}.{quote(connection, table)}"
        statements.append(f"REVOKE ALL ON {name} FROM {who}")
        if table == AUDIT_TABLE:
            statements.append(f"GRANT SELECT, INSERT ON {name} TO {who}")
        elif table in READ_ONLY_TABLES:
            statements.append(f"GRANT SELECT ON {name} TO {who}")
        else:
            statements.append(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {name} TO {who}")
    statements.append(
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quote(connection, schema)} TO {who}"
    )
    return statements


def quote(connection: Connection, name: str) -> str:
    """`name` quoted as a PostgreSQL identifier."""
    return connection.dialect.identifier_preparer.quote_identifier(name)
