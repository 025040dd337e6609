"""Firmware updates per pole: request, location and last reported status.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 18:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_TIME = sa.DateTime(timezone=True)

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "firmware_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pole_id", sa.String(length=64), nullable=False),
        sa.Column("location", sa.String(), nullable=True),
        sa.Column("requested_at", UTC_TIME, nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("status_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["pole_id"], ["poles.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("firmware_updates", schema=None) as batch_op:
        batch_op.create_index("ix_firmware_updates_pole", ["pole_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("firmware_updates", schema=None) as batch_op:
        batch_op.drop_index("ix_firmware_updates_pole")
    op.drop_table("firmware_updates")
