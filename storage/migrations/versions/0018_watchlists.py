"""Watchlists and alerts: investigators watch people, numbers and queries in new documents.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04

`watch` holds what is watched (a subject, a name, a passport or permit number, or a query
of nationality, region and incident), `watch_key` its index keys, `alert` one row per watch
and document caught, `alert_seen` who has seen which alert, and `watch_cursor` how far
screening has read. The cursor starts at the newest mention and linked row: documents
already stored are not screened (batch search looks through them).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_watch()
    op.create_table(
        "watch_key",
        sa.Column(
            "watch_id",
            sa.Integer(),
            sa.ForeignKey("watch.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("key", sa.String(160), primary_key=True),
        sa.Column("need", sa.Integer(), nullable=False),
    )
    op.create_index("ix_watch_key_key", "watch_key", ["key", "need", "watch_id"])
    create_alert()
    op.create_table(
        "alert_seen",
        sa.Column(
            "alert_id",
            sa.Integer(),
            sa.ForeignKey("alert.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("user", sa.String(64), primary_key=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    cursor = op.create_table(
        "watch_cursor",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("mention_id", sa.Integer(), nullable=False),
        sa.Column("linked_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    start_cursor(op.get_bind(), cursor)


def create_watch() -> None:
    op.create_table(
        "watch",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("shared", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("number", sa.String(32), nullable=True),
        sa.Column("nationality", sa.String(2), nullable=True),
        sa.Column("region", sa.String(5), nullable=True),
        sa.Column("incident", sa.String(32), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_watch_owner", "watch", ["owner"])
    op.create_index("ix_watch_subject_id", "watch", ["subject_id"])


def create_alert() -> None:
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "watch_id",
            sa.Integer(),
            sa.ForeignKey("watch.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "document_id",
            sa.Integer(),
            sa.ForeignKey("document.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "mention_id",
            sa.Integer(),
            sa.ForeignKey("mention.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("marks", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("watch_id", "document_id", name="uq_alert_watch_document"),
    )
    op.create_index("ix_alert_watch_id", "alert", ["watch_id"])
    op.create_index("ix_alert_document_id", "alert", ["document_id"])
    op.create_index("ix_alert_created_at", "alert", ["created_at"])


def start_cursor(connection: sa.Connection, cursor: sa.Table) -> None:
    """The cursor at the newest rows: what is stored now is not screened."""
    mention = connection.execute(sa.text("SELECT max(id) FROM mention")).scalar()
    linked = connection.execute(sa.text("SELECT max(id) FROM linked_fact")).scalar()
    connection.execute(
        cursor.insert().values(
            id=1, mention_id=mention or 0, linked_id=linked or 0, updated_at=sa.func.now()
        )
    )


def downgrade() -> None:
    op.drop_table("watch_cursor")
    op.drop_table("alert_seen")
    op.drop_index("ix_alert_created_at", table_name="alert")
    op.drop_index("ix_alert_document_id", table_name="alert")
    op.drop_index("ix_alert_watch_id", table_name="alert")
    op.drop_table("alert")
    op.drop_index("ix_watch_key_key", table_name="watch_key")
    op.drop_table("watch_key")
    op.drop_index("ix_watch_subject_id", table_name="watch")
    op.drop_index("ix_watch_owner", table_name="watch")
    op.drop_table("watch")
