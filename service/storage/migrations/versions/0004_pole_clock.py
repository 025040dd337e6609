"""The pole's clock offset against the service's, as last measured.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_TIME = sa.DateTime(timezone=True)

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("poles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clock_offset_s", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("clock_checked_at", UTC_TIME, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("poles", schema=None) as batch_op:
        batch_op.drop_column("clock_checked_at")
        batch_op.drop_column("clock_offset_s")
