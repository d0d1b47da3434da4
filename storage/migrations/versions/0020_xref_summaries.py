"""Summary tables for cross-reference: regions per subject and subjects named together,
filled from the mentions stored so far.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04

From here on `storage.summaries` keeps them whenever a subject's mentions change.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLACES = {
    "sqlite": "json_each(mention.place_codes) AS place",
    "postgresql": "json_array_elements_text(mention.place_codes) AS place(value)",
}
REGIONS = (
    "INSERT INTO subject_region (subject_id, level, regions, documents) "
    "SELECT subject_id, '{level}', count(DISTINCT region), count(DISTINCT document_id) FROM ("
    "SELECT DISTINCT mention.subject_id AS subject_id, mention.document_id AS document_id, "
    "substr(place.value, 1, {width}) AS region FROM mention, {places} "
    "WHERE mention.subject_id IS NOT NULL AND length(place.value) >= {width}"
    ") AS triples GROUP BY subject_id"
)
PAIRS = (
    "INSERT INTO subject_pair (subject_id, other_id, documents) "
    "SELECT one.subject_id, other.subject_id, count(DISTINCT one.document_id) "
    "FROM mention AS one JOIN mention AS other ON other.document_id = one.document_id "
    "WHERE one.subject_id IS NOT NULL AND other.subject_id IS NOT NULL "
    "AND other.subject_id <> one.subject_id GROUP BY one.subject_id, other.subject_id"
)


def upgrade() -> None:
    op.create_table(
        "subject_region",
        sa.Column(
            "subject_id",
            sa.Integer(),
            sa.ForeignKey("subject.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("level", sa.String(8), primary_key=True),
        sa.Column("regions", sa.Integer(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_subject_region_level_regions", "subject_region", ["level", "regions", "subject_id"]
    )
    op.create_table(
        "subject_pair",
        sa.Column(
            "subject_id",
            sa.Integer(),
            sa.ForeignKey("subject.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "other_id",
            sa.Integer(),
            sa.ForeignKey("subject.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("documents", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_subject_pair_documents", "subject_pair", ["documents", "subject_id", "other_id"]
    )
    op.create_index("ix_subject_pair_other", "subject_pair", ["other_id"])
    bind = op.get_bind()
    places = PLACES["postgresql" if bind.dialect.name == "postgresql" else "sqlite"]
    for level, width in (("province", 2), ("regency", 5)):
        op.execute(REGIONS.format(level=level, width=width, places=places))
    op.execute(PAIRS)


def downgrade() -> None:
    op.drop_table("subject_pair")
    op.drop_table("subject_region")
