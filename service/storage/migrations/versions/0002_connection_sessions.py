"""Connection sessions per pole: when each OCPP WebSocket session began and ended (eis 48).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 15:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_TIME = sa.DateTime(timezone=True)

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "connection_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pole_id", sa.String(length=64), nullable=False),
        sa.Column("started", UTC_TIME, nullable=False),
        sa.Column("ended", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(["pole_id"], ["poles.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("connection_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_connection_sessions_pole_start", ["pole_id", "started"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("connection_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_connection_sessions_pole_start")
    op.drop_table("connection_sessions")
