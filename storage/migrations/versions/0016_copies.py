"""Copies: documents with the same text as an earlier one (another scan) are linked to it.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04

`document.copy_of` points at the earliest document with the same text and the same named
people (`extractors.copies`); `document_band` holds each document's MinHash band keys, so
a new document finds its candidates through an index. Documents already stored get their
keys and links here, in id order.
"""

from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from extractors.copies import fingerprint, is_copy, shingles

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500
MAX_CANDIDATES = 50  # as storage.copies
DOCUMENTS = sa.text(
    "SELECT id, document_date FROM document WHERE extracted_at IS NOT NULL AND id > :after "
    "ORDER BY id LIMIT :batch"
)
PAGES = sa.text(
    "SELECT document_id, text FROM page WHERE document_id IN :ids ORDER BY document_id, number"
).bindparams(sa.bindparam("ids", expanding=True))
CANDIDATE = sa.text("SELECT document_date, copy_of FROM document WHERE id = :id")
NAMES = sa.text("SELECT document_id, name FROM mention WHERE document_id IN :ids").bindparams(
    sa.bindparam("ids", expanding=True)
)
CANDIDATES = sa.text(
    "SELECT document_id FROM document_band WHERE band IN :bands AND document_id < :id "
    "GROUP BY document_id ORDER BY count(*) DESC, document_id LIMIT :limit"
).bindparams(sa.bindparam("bands", expanding=True))
BANDS = sa.table("document_band", sa.column("document_id"), sa.column("band"))


def upgrade() -> None:
    # No foreign key (SQLite could add one only by recreating `document`): deleting a
    # document hands its copies to the earliest of them (`repository.delete_document`).
    op.add_column("document", sa.Column("copy_of", sa.Integer(), nullable=True))
    op.create_index("ix_document_copy_of", "document", ["copy_of"])
    op.create_table(
        "document_band",
        sa.Column(
            "document_id",
            sa.Integer(),
            sa.ForeignKey("document.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("band", sa.String(16), primary_key=True),
    )
    op.create_index("ix_document_band_band", "document_band", ["band", "document_id"])
    backfill(op.get_bind())


def backfill(connection: sa.Connection) -> None:
    """Band keys of every extracted document, and each one's link to an earlier copy."""
    after = 0
    while True:
        documents = connection.execute(DOCUMENTS, {"after": after, "batch": BATCH}).all()
        if not documents:
            return
        ids = [row[0] for row in documents]
        texts = pages_of(connection, ids)
        names = names_of(connection, ids)
        for document_id, document_date in documents:
            found = fingerprint(texts[document_id])
            if not found.bands:
                continue
            copy_of = None
            candidates = connection.execute(
                CANDIDATES,
                {"bands": list(found.bands), "id": document_id, "limit": MAX_CANDIDATES},
            ).scalars()
            for candidate in list(candidates):
                other_date, other_copy = connection.execute(CANDIDATE, {"id": candidate}).one()
                if is_copy(
                    found.shingles,
                    shingles(pages_of(connection, [candidate])[candidate]),
                    names=(names[document_id], names_of(connection, [candidate])[candidate]),
                    dates=(document_date, other_date),
                ):
                    copy_of = other_copy or candidate
                    break
            connection.execute(
                BANDS.insert(), [{"document_id": document_id, "band": b} for b in found.bands]
            )
            if copy_of is not None:
                connection.execute(
                    sa.text("UPDATE document SET copy_of = :copy WHERE id = :id"),
                    {"copy": copy_of, "id": document_id},
                )
        after = ids[-1]


def pages_of(connection: sa.Connection, ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for document_id, text in connection.execute(PAGES, {"ids": ids}):
        found[document_id].append(text or "")
    return found


def names_of(connection: sa.Connection, ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for document_id, name in connection.execute(NAMES, {"ids": ids}):
        found[document_id].append(name)
    return found


def downgrade() -> None:
    op.drop_index("ix_document_band_band", table_name="document_band")
    op.drop_table("document_band")
    op.drop_index("ix_document_copy_of", table_name="document")
    op.drop_column("document", "copy_of")
