"""Claims with leases, runs with their worker, document history, named locks.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04

A pending document is claimed by one worker until `lease_expires_at`, which the worker
renews while it reads; a claim that expires (its worker was killed) is taken over by the
next worker that sees the document. A run records its worker and a lease of its own,
so a run is found crashed when its lease runs out, not when another batch starts.
`document_event` keeps every failure, retry and takeover of a document; `app_lock`
names the work that runs one at a time (identity resolution).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD/DROP COLUMN (SQLite 3.35+): recreating `document` or `run` in batch mode
    # would break the keys that pages, facts and documents hold on them.
    op.add_column("document", sa.Column("claimed_by", sa.String(length=200), nullable=True))
    op.add_column("document", sa.Column("lease_expires_at", sa.DateTime(timezone=True)))
    op.add_column("run", sa.Column("elsewhere", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("run", sa.Column("worker", sa.String(length=200), nullable=True))
    op.add_column("run", sa.Column("lease_expires_at", sa.DateTime(timezone=True)))
    op.create_table(
        "document_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "document_id",
            sa.Integer(),
            sa.ForeignKey("document.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("run.id", ondelete="SET NULL")),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("stage", sa.String(length=16)),
        sa.Column("status", sa.String(length=16)),
        sa.Column("error_code", sa.String(length=64)),
        sa.Column("error", sa.Text()),
        sa.Column("worker", sa.String(length=200)),
    )
    op.create_index("ix_document_event_document_id", "document_event", ["document_id"])
    op.create_table(
        "app_lock",
        sa.Column("name", sa.String(length=64), primary_key=True),
        sa.Column("holder", sa.String(length=200)),
        sa.Column("taken_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("app_lock")
    op.drop_index("ix_document_event_document_id", table_name="document_event")
    op.drop_table("document_event")
    for table, column in (
        ("run", "lease_expires_at"),
        ("run", "worker"),
        ("run", "elsewhere"),
        ("document", "lease_expires_at"),
        ("document", "claimed_by"),
    ):
        op.drop_column(table, column)
