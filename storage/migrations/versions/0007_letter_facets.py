"""Sender and letter-number facets of the documents already stored.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

No schema change: `document_facet` is (document_id, facet, value) and its `facet`
column (16 characters) holds "letter_number". Extracted documents get their `sender`
and `letter_number` rows from the letter-field facts already stored, in batches of
documents. Rows of those two facets are deleted first, so the result is the same
whatever code filled the table before. Downgrading deletes them again.
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.facets import field_facet

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FACETS = ("sender", "letter_number")
BATCH = 500
FACET_TABLE = sa.table(
    "document_facet", sa.column("document_id"), sa.column("facet"), sa.column("value")
)
DOCUMENTS = sa.text(
    "SELECT id FROM document WHERE extracted_at IS NOT NULL AND id > :after "
    "ORDER BY id LIMIT :batch"
)
FIELDS = sa.text(
    "SELECT document_id, value, attributes FROM fact "
    "WHERE kind = 'document_field' AND document_id IN :ids"
).bindparams(sa.bindparam("ids", expanding=True))


def upgrade() -> None:
    connection = op.get_bind()
    delete_facets(connection)
    after = 0
    while True:
        ids = [row[0] for row in connection.execute(DOCUMENTS, {"after": after, "batch": BATCH})]
        if not ids:
            return
        rows = letter_facets(connection, ids)
        if rows:
            connection.execute(FACET_TABLE.insert(), rows)
        after = ids[-1]


def letter_facets(connection: sa.Connection, ids: list[int]) -> list[dict[str, object]]:
    """The sender and letter-number rows of these documents, each (document, facet, value)
    once (two "Nomor" lines may fold to one number)."""
    found: set[tuple[int, str, str]] = set()
    for document_id, value, attributes in connection.execute(FIELDS, {"ids": ids}):
        if isinstance(attributes, str):  # JSON may come back as text
            attributes = json.loads(attributes)
        facet = field_facet((attributes or {}).get("field"), value)
        if facet is not None:
            found.add((document_id, *facet))
    return [
        {"document_id": document_id, "facet": facet, "value": value}
        for document_id, facet, value in sorted(found)
    ]


def delete_facets(connection: sa.Connection) -> None:
    """Remove every sender and letter-number row."""
    connection.execute(FACET_TABLE.delete().where(FACET_TABLE.c.facet.in_(FACETS)))


def downgrade() -> None:
    delete_facets(op.get_bind())
