"""Security events the poles report (issue 14; eis 69 security logging).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_TIME = sa.DateTime(timezone=True)

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "security_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pole_id", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=50), nullable=False),
        sa.Column("tech_info", sa.String(length=255), nullable=True),
        sa.Column("timestamp", UTC_TIME, nullable=False),
        sa.Column("received_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["pole_id"], ["poles.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_security_events_pole", "security_events", ["pole_id", "id"])
    op.create_index("ix_security_events_received", "security_events", ["received_at"])


def downgrade() -> None:
    op.drop_index("ix_security_events_received", table_name="security_events")
    op.drop_index("ix_security_events_pole", table_name="security_events")
    op.drop_table("security_events")
