"""The eis 25/30 compliance tally (issue 19): per pole and programme month, the finished peak
transactions counted and overruled, and the low-current ones by name; back-filled here
from the stored transactions.

The fleet's yearly summary read millions of transactions at every request (17–45 s for
10,000 poles on PostgreSQL); with the tally it reads 10,000 × 12 small rows and judges
only the transactions still running. The rules are `service.reports.compliance_tally`,
the upkeep `service.storage.compliance_tally` (this back-fill included, so it counts
exactly as every later stop does).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from service.storage.compliance_tally import backfill

UTC_TIME = sa.DateTime(timezone=True)

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "compliance_tally_poles",
        sa.Column("pole_id", sa.String(length=64), sa.ForeignKey("poles.id"), nullable=False),
        sa.Column("programme_start", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("pole_id"),
    )
    op.create_table(
        "compliance_tally",
        sa.Column("pole_id", sa.String(length=64), sa.ForeignKey("poles.id"), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("peak", sa.Integer(), nullable=False),
        sa.Column("overruled", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("pole_id", "month"),
    )
    op.create_table(
        "compliance_tally_low",
        sa.Column("transaction_id", sa.Integer(), sa.ForeignKey("transactions.id"),
                  nullable=False),
        sa.Column("pole_id", sa.String(length=64), sa.ForeignKey("poles.id"), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("first_peak", UTC_TIME, nullable=False),
        sa.Column("overruled", sa.Boolean(), nullable=False),
        sa.Column("id_tag", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("transaction_id"),
    )
    op.create_index("ix_compliance_tally_low_pole", "compliance_tally_low", ["pole_id"])
    backfill(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_compliance_tally_low_pole", table_name="compliance_tally_low")
    op.drop_table("compliance_tally_low")
    op.drop_table("compliance_tally")
    op.drop_table("compliance_tally_poles")
