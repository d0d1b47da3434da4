"""Documents, pages and runs, with full-text search over page text.

Revision ID: 0001
Revises:
Create Date: 2024-11-22

Search on SQLite: an FTS5 external-content table `page_fts` over `page.text`
(unicode61, diacritics removed), kept in sync by triggers. On PostgreSQL: a
stored generated `tsvector` column `page.search_vector` with a GIN index, built
with `pantau_simple` — the `simple` configuration plus `unaccent`, so both
engines match words the same way (no stemming, no stop words, accents ignored).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_SEARCH = (
    """
    CREATE VIRTUAL TABLE page_fts USING fts5(
        text, content='page', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER page_fts_after_insert AFTER INSERT ON page BEGIN
        INSERT INTO page_fts(rowid, text) VALUES (new.id, new.text);
    END
    """,
    """
    CREATE TRIGGER page_fts_after_delete AFTER DELETE ON page BEGIN
        INSERT INTO page_fts(page_fts, rowid, text) VALUES ('delete', old.id, old.text);
    END
    """,
    """
    CREATE TRIGGER page_fts_after_update AFTER UPDATE ON page BEGIN
        INSERT INTO page_fts(page_fts, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO page_fts(rowid, text) VALUES (new.id, new.text);
    END
    """,
)
SQLITE_SEARCH_DROP = (
    "DROP TRIGGER IF EXISTS page_fts_after_update",
    "DROP TRIGGER IF EXISTS page_fts_after_delete",
    "DROP TRIGGER IF EXISTS page_fts_after_insert",
    "DROP TABLE IF EXISTS page_fts",
)
# Token types that can hold non-ASCII letters; ASCII-only types need no unaccent.
PG_ACCENTED_TOKENS = "word, numword, hword, numhword, hword_part, hword_numpart"


def upgrade() -> None:
    create_run_table()
    create_document_table()
    create_page_table()
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_SEARCH:
            op.execute(statement)
    elif bind.dialect.name == "postgresql":
        create_postgres_search(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_SEARCH_DROP:
            op.execute(statement)
    op.drop_table("page")
    op.drop_table("document")
    op.drop_table("run")
    if bind.dialect.name == "postgresql":
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS pantau_simple")


def timestamp(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def create_run_table() -> None:
    counts = [
        "documents_seen",
        "processed",
        "partial",
        "failed",
        "duplicates",
        "unchanged",
        "pages",
        "pages_ocr",
        "pages_text_layer",
    ]
    op.create_table(
        "run",
        sa.Column("id", sa.Integer(), primary_key=True),
        timestamp("started_at"),
        timestamp("finished_at", nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in counts],
        sa.Column("failures_by_reason", sa.JSON(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
    )


def create_document_table() -> None:
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("media_type", sa.String(128), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("error_code", sa.String(64), nullable=True),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column(
            "duplicate_of",
            sa.Integer(),
            sa.ForeignKey("document.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("run.id"), nullable=False),
        timestamp("created_at"),
        timestamp("updated_at"),
        sa.UniqueConstraint("sha256", "path", name="uq_document_sha256_path"),
    )
    op.create_index("ix_document_sha256", "document", ["sha256"])
    op.create_index("ix_document_duplicate_of", "document", ["duplicate_of"])
    op.create_index("ix_document_run_id", "document", ["run_id"])
    # One original per content, so two workers cannot both claim the same bytes as new.
    op.create_index(
        "uq_document_original_sha256",
        "document",
        ["sha256"],
        unique=True,
        sqlite_where=sa.text("duplicate_of IS NULL"),
        postgresql_where=sa.text("duplicate_of IS NULL"),
    )


def create_page_table() -> None:
    op.create_table(
        "page",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "document_id",
            sa.Integer(),
            sa.ForeignKey("document.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("rotation", sa.Integer(), nullable=False),
        sa.Column("skew", sa.Float(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("words", sa.JSON(), nullable=False),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("error_code", sa.String(64), nullable=True),
        sa.UniqueConstraint("document_id", "number", name="uq_page_document_number"),
    )
    op.create_index("ix_page_document_id", "page", ["document_id"])


def create_postgres_search(bind: sa.engine.Connection) -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    # The extension may already live in another schema; name it exactly.
    schema = bind.exec_driver_sql(
        "SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'"
    ).scalar_one()
    op.execute("CREATE TEXT SEARCH CONFIGURATION pantau_simple (COPY = pg_catalog.simple)")
    op.execute(
        f"ALTER TEXT SEARCH CONFIGURATION pantau_simple ALTER MAPPING FOR {PG_ACCENTED_TOKENS} "
        f"WITH {schema}.unaccent, pg_catalog.simple"
    )
    op.execute(
        "ALTER TABLE page ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
        "(to_tsvector('pantau_simple'::regconfig, text)) STORED"
    )
    op.execute("CREATE INDEX ix_page_search_vector ON page USING gin (search_vector)")
