"""Log requests: GetLog per pole, its status sequence and uploaded file (issue 16).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 23:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_TIME = sa.DateTime(timezone=True)

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "log_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pole_id", sa.String(length=64), nullable=False),
        sa.Column("log_type", sa.String(length=32), nullable=False),
        sa.Column("oldest", UTC_TIME, nullable=True),
        sa.Column("latest", UTC_TIME, nullable=True),
        sa.Column("requested_at", UTC_TIME, nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("status_at", UTC_TIME, nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=True),
        sa.Column("history", sa.String(), nullable=False, server_default=""),
        sa.ForeignKeyConstraint(["pole_id"], ["poles.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("log_requests", schema=None) as batch_op:
        batch_op.create_index("ix_log_requests_pole", ["pole_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("log_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_log_requests_pole")
    op.drop_table("log_requests")
