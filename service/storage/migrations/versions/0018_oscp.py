"""OSCP 2.0 (issue 22, eis 32/63): capacity providers and the grid group of each pole.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 03:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_TIME = sa.DateTime(timezone=True)

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "oscp_partners",
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("base_url", sa.String(length=512), nullable=True),
        sa.Column("their_token_sealed", sa.String(), nullable=True),
        sa.Column("heartbeat_interval_s", sa.Integer(), nullable=True),
        sa.Column("registered", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("partner_id"),
    )
    op.create_table(
        "grid_group_members",
        sa.Column("pole_id", sa.String(length=64), nullable=False),
        sa.Column("group_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("pole_id"),
    )
    op.create_index("ix_grid_group_members_group_id", "grid_group_members", ["group_id"])


def downgrade() -> None:
    op.drop_index("ix_grid_group_members_group_id", table_name="grid_group_members")
    op.drop_table("grid_group_members")
    op.drop_table("oscp_partners")
