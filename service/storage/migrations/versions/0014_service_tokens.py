"""Service tokens issued to technicians for poles' service ports (issue 17, eis 69).

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-04 23:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_TIME = sa.DateTime(timezone=True)

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "service_tokens",
        sa.Column("jti", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("poles", sa.String(), nullable=False),
        sa.Column("issued_at", UTC_TIME, nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=False),
        sa.Column("revoked_at", UTC_TIME, nullable=True),
        sa.Column("revoked_by", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("jti"),
    )
    op.create_index("ix_service_tokens_expires_at", "service_tokens", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_service_tokens_expires_at", table_name="service_tokens")
    op.drop_table("service_tokens")
