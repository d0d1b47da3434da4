"""Chain the audit log: each event carries its predecessor's hash and its own.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

`audit_event` gains `seq` (1, 2, 3, … with no gaps, unique), `prev_hash` (the hash of
the event with the previous `seq`, empty for the first) and `hash` (sha256 over the
event's canonical form, see `storage.audit.chain_hash`). Events written before this
migration are chained here in id order, in batches, so the whole log verifies after
upgrading (`pantau audit verify`). The append-only triggers of 0006 are lifted for the
duration of that one UPDATE and put back in the same transaction. Downgrading drops the
three columns.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.audit import chain_hash

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000
SEQ_INDEX = "uq_audit_event_seq"
# The same text as in 0006, so the triggers put back are the ones taken away.
APPEND_ONLY = "audit_event is append-only: its rows cannot be changed or deleted"
SQLITE_TRIGGERS = {
    f"audit_event_no_{verb.lower()}": f"""
    CREATE TRIGGER audit_event_no_{verb.lower()}
    BEFORE {verb} ON audit_event
    BEGIN
        SELECT RAISE(ABORT, '{APPEND_ONLY}');
    END
    """
    for verb in ("UPDATE", "DELETE")
}
PG_TRIGGER = "audit_event_append_only"

EVENTS = sa.table(
    "audit_event",
    sa.column("id", sa.Integer()),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("user", sa.String()),
    sa.column("action", sa.String()),
    sa.column("target", sa.Text()),
    sa.column("details", sa.JSON()),
    sa.column("ip", sa.String()),
    sa.column("seq", sa.BigInteger()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)
CHAIN = (
    EVENTS.update()
    .where(EVENTS.c.id == sa.bindparam("event_id"))
    .values(
        seq=sa.bindparam("new_seq"),
        prev_hash=sa.bindparam("new_prev_hash"),
        hash=sa.bindparam("new_hash"),
    )
)


def upgrade() -> None:
    op.add_column("audit_event", sa.Column("seq", sa.BigInteger(), nullable=True))
    op.add_column("audit_event", sa.Column("prev_hash", sa.String(64), nullable=True))
    op.add_column("audit_event", sa.Column("hash", sa.String(64), nullable=True))
    connection = op.get_bind()
    lift_append_only(connection)
    chain_existing(connection)
    restore_append_only(connection)
    op.create_index(SEQ_INDEX, "audit_event", ["seq"], unique=True)


def chain_existing(connection: sa.Connection) -> None:
    """Give every stored event its `seq`, `prev_hash` and `hash`, oldest id first."""
    after, seq, prev_hash = 0, 0, None
    while True:
        rows = connection.execute(
            sa.select(EVENTS).where(EVENTS.c.id > after).order_by(EVENTS.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        changes = []
        for row in rows:
            seq += 1
            digest = chain_hash(
                event_id=row.id,
                seq=seq,
                at=row.at,
                user=row.user,
                action=row.action,
                target=row.target,
                details=row.details,
                ip=row.ip,
                prev_hash=prev_hash,
            )
            changes.append(
                {"event_id": row.id, "new_seq": seq, "new_prev_hash": prev_hash, "new_hash": digest}
            )
            prev_hash = digest
        connection.execute(CHAIN, changes)
        after = rows[-1].id


def lift_append_only(connection: sa.Connection) -> None:
    """Let this migration fill the new columns of existing rows."""
    if connection.dialect.name == "postgresql":
        op.execute(f"ALTER TABLE audit_event DISABLE TRIGGER {PG_TRIGGER}")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def restore_append_only(connection: sa.Connection) -> None:
    """Make `audit_event` append-only again."""
    if connection.dialect.name == "postgresql":
        op.execute(f"ALTER TABLE audit_event ENABLE TRIGGER {PG_TRIGGER}")
    else:
        for trigger in SQLITE_TRIGGERS.values():
            op.execute(trigger)


def downgrade() -> None:
    op.drop_index(SEQ_INDEX, table_name="audit_event")
    for column in ("hash", "prev_hash", "seq"):
        op.drop_column("audit_event", column)
