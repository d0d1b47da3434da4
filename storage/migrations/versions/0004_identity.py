"""Identity resolution: the blocking index, review items and stable pair decisions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

`mention_block` indexes each mention under its blocking keys (surname prefixes,
initials, passport numbers) so candidates are found without comparing everything.
`review_item` holds pairs an investigator must decide. `pair_decision` keeps each
decision by document and mention key, which survive re-extraction of a document.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _mention_column(name: str) -> sa.Column:
    return sa.Column(
        name, sa.Integer(), sa.ForeignKey("mention.id", ondelete="CASCADE"), nullable=False
    )


def _document_column(name: str) -> sa.Column:
    return sa.Column(
        name, sa.Integer(), sa.ForeignKey("document.id", ondelete="CASCADE"), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "mention_block",
        sa.Column("id", sa.Integer(), primary_key=True),
        _mention_column("mention_id"),
        sa.Column("key", sa.String(160), nullable=False),
        sa.UniqueConstraint("mention_id", "key", name="uq_mention_block"),
    )
    op.create_index("ix_mention_block_mention_id", "mention_block", ["mention_id"])
    op.create_index("ix_mention_block_key", "mention_block", ["key"])
    op.create_table(
        "review_item",
        sa.Column("id", sa.Integer(), primary_key=True),
        _mention_column("mention_a_id"),
        _mention_column("mention_b_id"),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decision", sa.String(16), nullable=True),
        sa.Column("decided_by", sa.String(128), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("mention_a_id", "mention_b_id", name="uq_review_item_pair"),
    )
    op.create_index("ix_review_item_mention_a_id", "review_item", ["mention_a_id"])
    op.create_index("ix_review_item_mention_b_id", "review_item", ["mention_b_id"])
    op.create_index("ix_review_item_status", "review_item", ["status"])
    op.create_table(
        "pair_decision",
        sa.Column("id", sa.Integer(), primary_key=True),
        _document_column("document_a_id"),
        sa.Column("key_a", sa.String(128), nullable=False),
        _document_column("document_b_id"),
        sa.Column("key_b", sa.String(128), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(128), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "document_a_id", "key_a", "document_b_id", "key_b", name="uq_pair_decision_pair"
        ),
    )
    op.create_index("ix_pair_decision_document_a_id", "pair_decision", ["document_a_id"])
    op.create_index("ix_pair_decision_document_b_id", "pair_decision", ["document_b_id"])


def downgrade() -> None:
    op.drop_table("pair_decision")
    op.drop_table("review_item")
    op.drop_table("mention_block")
