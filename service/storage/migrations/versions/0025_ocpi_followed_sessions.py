"""The sessions an eMSP shapes survive a service restart (issue 21, eis 62): one row per
followed session (`service.ocpi.followed_store`), so the eMSP keeps hearing of limit
changes on sessions still running.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05 07:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ocpi_followed_sessions",
        sa.Column("transaction_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("asked", sa.Float(), nullable=True),
        sa.Column("to_country", sa.String(length=2), nullable=True),
        sa.Column("to_party", sa.String(length=3), nullable=True),
        sa.PrimaryKeyConstraint("transaction_id"),
    )


def downgrade() -> None:
    op.drop_table("ocpi_followed_sessions")
