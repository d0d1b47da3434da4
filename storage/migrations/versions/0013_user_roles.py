"""A user can hold several roles.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04

`app_user.role` stays the user's first role (it picks the home page after sign-in);
`app_user.extra_roles` lists the others, so an administrator can also search as an
investigator without a second account.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "app_user", sa.Column("extra_roles", sa.JSON(), nullable=False, server_default="[]")
    )


def downgrade() -> None:
    op.drop_column("app_user", "extra_roles")
