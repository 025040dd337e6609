"""The service's own runs (issue 19): its downtime is not the poles' outage.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_TIME = sa.DateTime(timezone=True)

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "service_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started", UTC_TIME, nullable=False),
        sa.Column("last_alive", UTC_TIME, nullable=False),
        sa.Column("stopped", UTC_TIME, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("service_runs")
