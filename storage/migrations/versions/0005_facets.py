"""Search facets of documents, and indexes on document kind and date.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

`document_facet` holds one row per (document, facet, value): nationalities, province
and regency codes, incident labels and statuses, agencies, kind and month, derived
from the document's facts so that search filters and counts never scan `fact`.
Existing documents get their facets here, from the facts already stored.
"""

from collections.abc import Sequence
from types import SimpleNamespace

import sqlalchemy as sa
from alembic import op

from storage.facets import document_facets

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FACT_KINDS = ("nationality", "foreign_national", "location", "incident", "organisation")
BATCH = 500


def upgrade() -> None:
    op.create_table(
        "document_facet",
        sa.Column(
            "document_id",
            sa.Integer(),
            sa.ForeignKey("document.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("facet", sa.String(16), nullable=False),
        sa.Column("value", sa.String(160), nullable=False),
        sa.PrimaryKeyConstraint("document_id", "facet", "value"),
    )
    op.create_index(
        "ix_document_facet_facet_value", "document_facet", ["facet", "value", "document_id"]
    )
    op.create_index("ix_document_document_date", "document", ["document_date"])
    op.create_index("ix_document_kind", "document", ["kind"])
    backfill(op.get_bind())


def backfill(connection: sa.Connection) -> None:
    """Facets of every extracted document, from its stored facts, in batches."""
    documents = connection.execute(
        sa.text(
            "SELECT id, kind, document_date FROM document "
            "WHERE extracted_at IS NOT NULL ORDER BY id"
        )
    ).all()
    facet_table = sa.table(
        "document_facet", sa.column("document_id"), sa.column("facet"), sa.column("value")
    )
    facts = sa.text(
        "SELECT kind, value, attributes FROM fact "
        "WHERE document_id = :document_id AND kind IN :kinds"
    ).bindparams(sa.bindparam("kinds", expanding=True))
    rows: list[dict[str, object]] = []
    for document_id, kind, document_date in documents:
        stored = connection.execute(facts, {"document_id": document_id, "kinds": FACT_KINDS})
        found = document_facets(
            (fact_of(row) for row in stored), kind=kind, document_date=document_date
        )
        rows.extend({"document_id": document_id, "facet": f, "value": v} for f, v in found)
        if len(rows) >= BATCH:
            connection.execute(facet_table.insert(), rows)
            rows = []
    if rows:
        connection.execute(facet_table.insert(), rows)


def fact_of(row: sa.Row) -> SimpleNamespace:
    """A stored fact row as the object `document_facets` reads (JSON may come back as text)."""
    import json

    attributes = row.attributes
    if isinstance(attributes, str):
        attributes = json.loads(attributes)
    return SimpleNamespace(kind=row.kind, value=row.value, attributes=attributes or {})


def downgrade() -> None:
    op.drop_index("ix_document_kind", "document")
    op.drop_index("ix_document_document_date", "document")
    op.drop_table("document_facet")
