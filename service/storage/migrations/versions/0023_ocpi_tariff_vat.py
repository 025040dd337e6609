"""OCPI tariffs carry their VAT rate (issue 21): prices stay excl. VAT, as OCPI's are.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ocpi_tariffs") as batch:
        batch.add_column(sa.Column("vat", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ocpi_tariffs") as batch:
        batch.drop_column("vat")
