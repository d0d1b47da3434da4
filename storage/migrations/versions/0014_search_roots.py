"""Search by Indonesian root word: each page keeps the roots of its words.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04

`page.roots` holds the distinct roots of a page's words that differ from the words as
written ("dideportasi" -> "deportasi", "penangkapan" -> "tangkap"), made by
`extractors.roots` (Sastrawi) in Python, so both engines index the same roots. SQLite's
`page_fts` gets a second column over it; PostgreSQL's `search_vector` becomes the page
text with weight A and the roots with weight B, so a query can ask for a form as
written (A) or a root (A or B). Existing pages get their roots here, a batch at a time.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500

SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS page_fts_after_update",
    "DROP TRIGGER IF EXISTS page_fts_after_delete",
    "DROP TRIGGER IF EXISTS page_fts_after_insert",
    "DROP TABLE IF EXISTS page_fts",
)


def sqlite_search(columns: Sequence[str]) -> list[str]:
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    return [
        f"""CREATE VIRTUAL TABLE page_fts USING fts5(
            {names}, content='page', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2'
        )""",
        f"""CREATE TRIGGER page_fts_after_insert AFTER INSERT ON page BEGIN
            INSERT INTO page_fts(rowid, {names}) VALUES (new.id, {new});
        END""",
        f"""CREATE TRIGGER page_fts_after_delete AFTER DELETE ON page BEGIN
            INSERT INTO page_fts(page_fts, rowid, {names}) VALUES ('delete', old.id, {old});
        END""",
        f"""CREATE TRIGGER page_fts_after_update AFTER UPDATE ON page BEGIN
            INSERT INTO page_fts(page_fts, rowid, {names}) VALUES ('delete', old.id, {old});
            INSERT INTO page_fts(rowid, {names}) VALUES (new.id, {new});
        END""",
        "INSERT INTO page_fts(page_fts) VALUES ('rebuild')",
    ]


PG_VECTOR = {
    "text": "to_tsvector('pantau_simple'::regconfig, text)",
    "roots": "setweight(to_tsvector('pantau_simple'::regconfig, text), 'A') || "
    "setweight(to_tsvector('pantau_simple'::regconfig, roots), 'B')",
}


def set_vector(kind: str) -> None:
    op.execute("DROP INDEX IF EXISTS ix_page_search_vector")
    op.execute("ALTER TABLE page DROP COLUMN IF EXISTS search_vector")
    op.execute(
        "ALTER TABLE page ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
        f"({PG_VECTOR[kind]}) STORED"
    )
    op.execute("CREATE INDEX ix_page_search_vector ON page USING gin (search_vector)")


def fill_roots(bind: sa.engine.Connection) -> None:
    from extractors.roots import roots_of

    last = 0
    while True:
        rows = bind.execute(
            sa.text("SELECT id, text FROM page WHERE id > :last ORDER BY id LIMIT :n"),
            {"last": last, "n": BATCH},
        ).all()
        if not rows:
            return
        updates = [{"id": i, "roots": roots_of(text or "")} for i, text in rows]
        bind.execute(sa.text("UPDATE page SET roots = :roots WHERE id = :id"), updates)
        last = rows[-1][0]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_DROP:
            op.execute(statement)
    op.add_column("page", sa.Column("roots", sa.Text(), nullable=False, server_default=""))
    fill_roots(bind)
    if bind.dialect.name == "postgresql":
        set_vector("roots")
    else:
        for statement in sqlite_search(["text", "roots"]):
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        set_vector("text")
    else:
        for statement in SQLITE_DROP:
            op.execute(statement)
    op.drop_column("page", "roots")
    if bind.dialect.name == "sqlite":
        for statement in sqlite_search(["text"]):
            op.execute(statement)
