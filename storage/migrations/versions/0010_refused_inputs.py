"""Inputs a run refused without reading them, kept on the run.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

`run.refused` lists, for each input the run did not read (a link out of the folders given,
a pipe or device, a file name that is not UTF-8, a file that could not be opened), its
path, reason code and reason, so every input seen is listed with its state. Runs stored
before have none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("run", sa.Column("refused", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+): recreating `run` would break the keys that
    # documents hold on it.
    op.drop_column("run", "refused")
