"""Firmware rollouts across the fleet (issue 14).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 19:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_TIME = sa.DateTime(timezone=True)

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "firmware_rollouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("concurrency", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.String(length=5), nullable=True),
        sa.Column("window_end", sa.String(length=5), nullable=True),
        sa.Column("avoid_peak", sa.Boolean(), nullable=False),
        sa.Column("halt_after_failures", sa.Integer(), nullable=True),
        sa.Column("halt_after_percent", sa.Float(), nullable=True),
        sa.Column("failures_acknowledged", sa.Integer(), nullable=False),
        sa.Column("offline_limit_s", sa.Integer(), nullable=False),
        sa.Column("step_timeout_s", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["sha256"], ["firmware_packages.sha256"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "firmware_rollout_poles",
        sa.Column("rollout_id", sa.Integer(), nullable=False),
        sa.Column("pole_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("reported", sa.String(length=32), nullable=True),
        sa.Column("from_version", sa.String(length=64), nullable=True),
        sa.Column("sent_at", UTC_TIME, nullable=True),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["rollout_id"], ["firmware_rollouts.id"]),
        sa.PrimaryKeyConstraint("rollout_id", "pole_id"),
    )


def downgrade() -> None:
    op.drop_table("firmware_rollout_poles")
    op.drop_table("firmware_rollouts")
