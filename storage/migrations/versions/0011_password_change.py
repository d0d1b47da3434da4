"""A password reset by an administrator is changed by its user at the next sign-in.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04

`app_user.must_change_password` is set when an administrator resets a password; until
the user has chosen their own, the workbench shows them only the page to do so.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "app_user",
        sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("app_user", "must_change_password")
