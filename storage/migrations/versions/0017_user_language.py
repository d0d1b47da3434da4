"""Each workbench user can choose the language of their pages.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04

`app_user.language` is "id" or "en"; NULL follows PANTAU_LANGUAGE.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("app_user", sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    op.drop_column("app_user", "language")
