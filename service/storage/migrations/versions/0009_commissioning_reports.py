"""Technicians' signing keys and signed commissioning reports (issue 15).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_TIME = sa.DateTime(timezone=True)

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "technician_keys",
        sa.Column("technician", sa.String(length=128), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=32), nullable=False),
        sa.Column("registered_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("technician", "public_key"),
    )
    op.create_table(
        "commissioning_reports",
        sa.Column("run_id", sa.String(length=128), nullable=False),
        sa.Column("pole_id", sa.String(length=64), nullable=False),
        sa.Column("checklist", sa.String(length=128), nullable=False),
        sa.Column("checklist_version", sa.String(length=64), nullable=False),
        sa.Column("technician", sa.String(length=128), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("started", UTC_TIME, nullable=False),
        sa.Column("finished", UTC_TIME, nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("report_sha256", sa.String(length=64), nullable=False),
        sa.Column("report", sa.String(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("run_id"),
    )
    op.create_index("ix_commissioning_reports_pole", "commissioning_reports",
                    ["pole_id", "finished"])


def downgrade() -> None:
    op.drop_index("ix_commissioning_reports_pole", table_name="commissioning_reports")
    op.drop_table("commissioning_reports")
    op.drop_table("technician_keys")
