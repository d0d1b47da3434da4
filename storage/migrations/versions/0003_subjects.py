"""Subjects (foreign nationals across documents) and the mentions resolved to them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

`mention` holds one row per named foreign national per document (its facts gathered
under one folded name, `key`, which stays the same when the document is extracted
again). `subject` is one person across documents; a mention points to its subject.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "subject",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("names", sa.JSON(), nullable=False),
        sa.Column("nationality", sa.String(2), nullable=True),
        sa.Column("passports", sa.JSON(), nullable=False),
        sa.Column("mention_count", sa.Integer(), nullable=False),
        sa.Column("document_count", sa.Integer(), nullable=False),
        sa.Column("first_date", sa.String(10), nullable=True),
        sa.Column("last_date", sa.String(10), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_subject_nationality", "subject", ["nationality"])
    op.create_table(
        "mention",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "document_id",
            sa.Integer(),
            sa.ForeignKey("document.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "subject_id",
            sa.Integer(),
            sa.ForeignKey("subject.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("key", sa.String(128), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_kind", sa.String(16), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("nationality", sa.String(2), nullable=True),
        sa.Column("passports", sa.JSON(), nullable=False),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("sex", sa.String(8), nullable=True),
        sa.Column("place_codes", sa.JSON(), nullable=False),
        sa.Column("incidents", sa.JSON(), nullable=False),
        sa.Column("fact_ids", sa.JSON(), nullable=False),
        sa.Column("link", sa.String(16), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("document_id", "key", name="uq_mention_document_key"),
    )
    op.create_index("ix_mention_document_id", "mention", ["document_id"])
    op.create_index("ix_mention_subject_id", "mention", ["subject_id"])
    op.create_index("ix_mention_nationality", "mention", ["nationality"])


def downgrade() -> None:
    op.drop_table("mention")
    op.drop_table("subject")
