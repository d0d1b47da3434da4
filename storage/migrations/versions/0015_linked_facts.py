"""Linked facts: each person of a document with their incidents, places and months.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04

Counts are made of `linked_fact` rows rather than of every facet value a document holds,
so a person is counted under their own nationality, incident, place and month only. The
rows of the documents already extracted are built from their stored facts and mentions,
in batches of documents.
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from extractors.identity import gather_mentions
from extractors.linked import link_facts
from models.records import Fact

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 200
DOCUMENTS = sa.text(
    "SELECT id, document_date FROM document WHERE extracted_at IS NOT NULL AND id > :after "
    "ORDER BY id LIMIT :batch"
)
FACTS = sa.text(
    'SELECT document_id, kind, page, start, "end", text, value, sentence, method, '
    "confidence, attributes FROM fact WHERE document_id IN :ids ORDER BY page, start, id"
).bindparams(sa.bindparam("ids", expanding=True))
PAGES = sa.text("SELECT document_id, number, text FROM page WHERE document_id IN :ids").bindparams(
    sa.bindparam("ids", expanding=True)
)
MENTIONS = sa.text("SELECT document_id, key, id FROM mention WHERE document_id IN :ids").bindparams(
    sa.bindparam("ids", expanding=True)
)


def upgrade() -> None:
    op.create_table(
        "linked_fact",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "document_id",
            sa.Integer(),
            sa.ForeignKey("document.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "mention_id",
            sa.Integer(),
            sa.ForeignKey("mention.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("nationality", sa.String(2), nullable=True),
        sa.Column("incident", sa.String(32), nullable=True),
        sa.Column("status", sa.String(16), nullable=True),
        sa.Column("province", sa.String(2), nullable=True),
        sa.Column("regency", sa.String(5), nullable=True),
        sa.Column("month", sa.String(7), nullable=True),
        sa.Column("date", sa.String(10), nullable=True),
    )
    op.create_index("ix_linked_fact_document_id", "linked_fact", ["document_id"])
    op.create_index("ix_linked_fact_nationality", "linked_fact", ["nationality"])
    backfill(op.get_bind())


def backfill(connection: sa.Connection) -> None:
    table = sa.table(
        "linked_fact",
        *(
            sa.column(name)
            for name in (
                "document_id",
                "mention_id",
                "nationality",
                "incident",
                "status",
                "province",
                "regency",
                "month",
                "date",
            )
        ),
    )
    after = 0
    while True:
        documents = connection.execute(DOCUMENTS, {"after": after, "batch": BATCH}).all()
        if not documents:
            return
        ids = [row[0] for row in documents]
        facts: dict[int, list[Fact]] = {i: [] for i in ids}
        for row in connection.execute(FACTS, {"ids": ids}).mappings():
            attributes = row["attributes"]
            if isinstance(attributes, str):  # JSON may come back as text
                attributes = json.loads(attributes)
            values = {k: v for k, v in row.items() if k != "document_id"}
            facts[row["document_id"]].append(
                Fact.model_validate({**values, "attributes": attributes or {}})
            )
        mentions: dict[tuple[int, str], int] = {
            (document_id, key): mention_id
            for document_id, key, mention_id in connection.execute(MENTIONS, {"ids": ids})
        }
        pages: dict[int, dict[int, str]] = {i: {} for i in ids}
        for document_id, number, text in connection.execute(PAGES, {"ids": ids}):
            pages[document_id][number] = text
        rows = []
        for document_id, document_date in documents:
            drafts = gather_mentions(facts[document_id])
            for linked in link_facts(
                facts[document_id], drafts, document_date=document_date, pages=pages[document_id]
            ):
                mention = None if linked.mention is None else drafts[linked.mention].key
                rows.append(
                    {
                        "document_id": document_id,
                        "mention_id": mentions.get((document_id, mention or "")),
                        **linked.columns(),
                    }
                )
        if rows:
            connection.execute(table.insert(), rows)
        after = ids[-1]


def downgrade() -> None:
    op.drop_index("ix_linked_fact_nationality", table_name="linked_fact")
    op.drop_index("ix_linked_fact_document_id", table_name="linked_fact")
    op.drop_table("linked_fact")
