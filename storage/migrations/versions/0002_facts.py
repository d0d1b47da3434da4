"""Extracted facts with provenance, and the extraction state of each document.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

`fact` holds one row per extracted fact (kind, page, character span, text, normalised
value, evidence sentence, method, confidence, attributes, and the OCR word boxes it
covers). A document records the version of the pipeline that made its facts
(`extractor`), when (`extracted_at`), its kind and the date its text is anchored to.
Runs count the facts they extracted.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN on both engines: recreating `document` on SQLite would cascade.
    op.add_column("document", sa.Column("kind", sa.String(16), nullable=True))
    op.add_column("document", sa.Column("document_date", sa.String(10), nullable=True))
    op.add_column("document", sa.Column("extractor", sa.String(64), nullable=True))
    op.add_column("document", sa.Column("extracted_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("run", sa.Column("facts", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "fact",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "document_id",
            sa.Integer(),
            sa.ForeignKey("document.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("method", sa.String(64), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("boxes", sa.JSON(), nullable=False),
    )
    op.create_index("ix_fact_document_id", "fact", ["document_id"])
    op.create_index("ix_fact_kind_value", "fact", ["kind", "value"])


def downgrade() -> None:
    op.drop_table("fact")
    # DROP COLUMN in place (SQLite >= 3.35), for the same reason.
    for table, column in (
        ("run", "facts"),
        ("document", "extracted_at"),
        ("document", "extractor"),
        ("document", "document_date"),
        ("document", "kind"),
    ):
        op.execute(f'ALTER TABLE {table} DROP COLUMN "{column}"')
