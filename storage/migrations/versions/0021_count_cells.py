"""Summary of the counts: documents and people per cell of the usual groupings, kept from
the keys that database triggers mark as changed.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05

From here on `storage.summaries.fold_counts` folds the marked keys into `count_cell`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = "nationality, incident, status, province, regency, month"
GROUPINGS = (
    ("nationality", "province", "incident", "month"),
    ("nationality", "regency", "incident", "month"),
    ("nationality", "province"),
    ("nationality", "regency"),
)
FILL = (
    "INSERT INTO count_cell (grouped_by, {dims}, cell, documents, people) "
    "SELECT '{grouping}', {linked_dims}, {key}, count(DISTINCT linked_fact.document_id), "
    "count(DISTINCT coalesce(mention.subject_id, -mention.id)) "
    "FROM linked_fact LEFT OUTER JOIN mention ON mention.id = linked_fact.mention_id "
    "WHERE {present} AND linked_fact.document_id NOT IN "
    "(SELECT id FROM document WHERE copy_of IS NOT NULL) "
    "GROUP BY {linked_dims}"
)

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER count_dirty_linked_insert AFTER INSERT ON linked_fact BEGIN
    INSERT INTO count_dirty ({KEY}) VALUES (NEW.nationality, NEW.incident, NEW.status,
        NEW.province, NEW.regency, NEW.month);
END""",
    f"""CREATE TRIGGER count_dirty_linked_delete AFTER DELETE ON linked_fact BEGIN
    INSERT INTO count_dirty ({KEY}) VALUES (OLD.nationality, OLD.incident, OLD.status,
        OLD.province, OLD.regency, OLD.month);
END""",
    f"""CREATE TRIGGER count_dirty_linked_update AFTER UPDATE ON linked_fact BEGIN
    INSERT INTO count_dirty ({KEY}) VALUES (OLD.nationality, OLD.incident, OLD.status,
        OLD.province, OLD.regency, OLD.month);
    INSERT INTO count_dirty ({KEY}) VALUES (NEW.nationality, NEW.incident, NEW.status,
        NEW.province, NEW.regency, NEW.month);
END""",
    f"""CREATE TRIGGER count_dirty_mention AFTER UPDATE OF subject_id ON mention
WHEN OLD.subject_id IS NOT NEW.subject_id BEGIN
    INSERT INTO count_dirty ({KEY}) SELECT {KEY} FROM linked_fact WHERE mention_id = NEW.id;
END""",
    f"""CREATE TRIGGER count_dirty_copy AFTER UPDATE OF copy_of ON document
WHEN (OLD.copy_of IS NULL) <> (NEW.copy_of IS NULL) BEGIN
    INSERT INTO count_dirty ({KEY}) SELECT {KEY} FROM linked_fact WHERE document_id = NEW.id;
END""",
)
POSTGRESQL_TRIGGERS = (
    f"""CREATE FUNCTION count_dirty_linked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO count_dirty ({KEY}) VALUES (OLD.nationality, OLD.incident, OLD.status,
            OLD.province, OLD.regency, OLD.month);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO count_dirty ({KEY}) VALUES (NEW.nationality, NEW.incident, NEW.status,
            NEW.province, NEW.regency, NEW.month);
    END IF;
    RETURN NULL;
END $$""",
    """CREATE TRIGGER count_dirty_linked AFTER INSERT OR UPDATE OR DELETE ON linked_fact
FOR EACH ROW EXECUTE FUNCTION count_dirty_linked()""",
    f"""CREATE FUNCTION count_dirty_mention() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO count_dirty ({KEY}) SELECT {KEY} FROM linked_fact WHERE mention_id = NEW.id;
    RETURN NULL;
END $$""",
    """CREATE TRIGGER count_dirty_mention AFTER UPDATE OF subject_id ON mention
FOR EACH ROW WHEN (OLD.subject_id IS DISTINCT FROM NEW.subject_id)
EXECUTE FUNCTION count_dirty_mention()""",
    f"""CREATE FUNCTION count_dirty_copy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO count_dirty ({KEY}) SELECT {KEY} FROM linked_fact WHERE document_id = NEW.id;
    RETURN NULL;
END $$""",
    """CREATE TRIGGER count_dirty_copy AFTER UPDATE OF copy_of ON document
FOR EACH ROW WHEN ((OLD.copy_of IS NULL) <> (NEW.copy_of IS NULL))
EXECUTE FUNCTION count_dirty_copy()""",
)


def _value_columns() -> list[sa.Column[str]]:
    return [
        sa.Column("nationality", sa.String(2), nullable=True),
        sa.Column("incident", sa.String(32), nullable=True),
        sa.Column("status", sa.String(16), nullable=True),
        sa.Column("province", sa.String(2), nullable=True),
        sa.Column("regency", sa.String(5), nullable=True),
        sa.Column("month", sa.String(7), nullable=True),
    ]


def upgrade() -> None:
    op.drop_index("ix_linked_fact_nationality", table_name="linked_fact")
    op.create_index(
        "ix_linked_fact_cell_province",
        "linked_fact",
        ["nationality", "province", "incident", "month"],
    )
    op.create_index(
        "ix_linked_fact_cell_regency",
        "linked_fact",
        ["nationality", "regency", "incident", "month"],
    )
    op.create_index("ix_linked_fact_mention_id", "linked_fact", ["mention_id"])
    op.create_table(
        "count_cell",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("grouped_by", sa.String(64), nullable=False),
        *_value_columns(),
        sa.Column("cell", sa.String(80), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
    )
    op.create_index("ix_count_cell_grouping", "count_cell", ["grouped_by", "documents"])
    op.create_index("uq_count_cell_cell", "count_cell", ["grouped_by", "cell"], unique=True)
    op.create_table(
        "count_dirty", sa.Column("id", sa.Integer(), primary_key=True), *_value_columns()
    )
    for grouping in GROUPINGS:
        op.execute(
            FILL.format(
                grouping=",".join(grouping),
                dims=", ".join(grouping),
                linked_dims=", ".join(f"linked_fact.{dim}" for dim in grouping),
                key=" || '|' || ".join(f"linked_fact.{dim}" for dim in grouping),
                present=" AND ".join(f"linked_fact.{dim} IS NOT NULL" for dim in grouping),
            )
        )
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    for statement in POSTGRESQL_TRIGGERS if postgresql else SQLITE_TRIGGERS:
        op.execute(statement)
    analysed = sa.text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
    if not postgresql and bind.execute(analysed).first():
        # Statistics made before the new indexes would leave the planner guessing on them.
        op.execute("ANALYZE linked_fact")
        op.execute("ANALYZE count_cell")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER count_dirty_copy ON document")
        op.execute("DROP TRIGGER count_dirty_mention ON mention")
        op.execute("DROP TRIGGER count_dirty_linked ON linked_fact")
        for function in ("count_dirty_copy", "count_dirty_mention", "count_dirty_linked"):
            op.execute(f"DROP FUNCTION {function}()")
    else:
        for trigger in ("copy", "mention", "linked_update", "linked_delete", "linked_insert"):
            op.execute(f"DROP TRIGGER count_dirty_{trigger}")
    op.drop_table("count_dirty")
    op.drop_table("count_cell")
    op.drop_index("ix_linked_fact_mention_id", table_name="linked_fact")
    op.drop_index("ix_linked_fact_cell_regency", table_name="linked_fact")
    op.drop_index("ix_linked_fact_cell_province", table_name="linked_fact")
    op.create_index("ix_linked_fact_nationality", "linked_fact", ["nationality"])
