"""Each document's counted facet values in one row, for counting facets over a list of
documents, filled from `document_facet`.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05

From here on `storage.facets.replace_document_facets` writes the row with the facet rows.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# One "facet<TAB>value" line per counted value (letter numbers are not counted).
LINES = {
    "sqlite": "group_concat(facet || char(9) || value, char(10))",
    "postgresql": "string_agg(facet || chr(9) || value, chr(10) ORDER BY facet, value)",
}
FILL = (
    "INSERT INTO document_facet_list (document_id, lines) "
    "SELECT document_id, {lines} FROM document_facet "
    "WHERE facet <> 'letter_number' GROUP BY document_id"
)
# Documents whose only facets are letter numbers count nothing, as the writer records.
FILL_EMPTY = (
    "INSERT INTO document_facet_list (document_id, lines) "
    "SELECT DISTINCT document_id, '' FROM document_facet AS facet WHERE NOT EXISTS "
    "(SELECT 1 FROM document_facet_list AS listed WHERE listed.document_id = facet.document_id)"
)


def upgrade() -> None:
    op.create_table(
        "document_facet_list",
        sa.Column(
            "document_id",
            sa.Integer(),
            sa.ForeignKey("document.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("lines", sa.Text(), nullable=False),
    )
    bind = op.get_bind()
    lines = LINES["postgresql" if bind.dialect.name == "postgresql" else "sqlite"]
    op.execute(FILL.format(lines=lines))
    op.execute(FILL_EMPTY)


def downgrade() -> None:
    op.drop_table("document_facet_list")
