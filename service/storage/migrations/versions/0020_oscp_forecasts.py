"""OSCP forecasts kept (issue 22): a restart mid-block keeps the grid operator's cap.

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-05 03:55:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_TIME = sa.DateTime(timezone=True)

revision: str = "0020"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "oscp_forecasts",
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("group_id", sa.String(length=64), nullable=False),
        sa.Column("book", sa.String(length=16), nullable=False),
        sa.Column("blocks_json", sa.String(), nullable=False),
        sa.Column("received_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("partner_id", "group_id", "book"),
    )


def downgrade() -> None:
    op.drop_table("oscp_forecasts")
