"""OCPI roaming partners and the tokens their eMSPs push (issue 21, eis 60–62).

Revision ID: 0017
Revises: 0016r
Create Date: 2026-12-05 02:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_TIME = sa.DateTime(timezone=True)

revision: str = "0017"
down_revision: str | None = "0016r"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ocpi_partners",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=True),
        sa.Column("party_id", sa.String(length=3), nullable=True),
        sa.Column("roles", sa.String(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("versions_url", sa.String(length=255), nullable=True),
        sa.Column("version", sa.String(length=16), nullable=True),
        sa.Column("endpoints", sa.String(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("sealed_token", sa.String(), nullable=True),
        sa.Column("last_error", sa.String(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ocpi_partners_token_hash", "ocpi_partners", ["token_hash"],
                    unique=True)
    op.create_table(
        "ocpi_tokens",
        sa.Column("key", sa.String(length=48), nullable=False),
        sa.Column("uid_key", sa.String(length=36), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(), nullable=False),
        sa.Column("whitelist", sa.String(length=16), nullable=False),
        sa.Column("last_updated", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_ocpi_tokens_uid_key", "ocpi_tokens", ["uid_key"])
    op.create_index("ix_ocpi_tokens_partner_id", "ocpi_tokens", ["partner_id"])
    op.create_table(
        "ocpi_tariffs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("location_id", sa.String(length=36), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("flat", sa.Float(), nullable=False),
        sa.Column("per_kwh", sa.Float(), nullable=False),
        sa.Column("per_hour", sa.Float(), nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("ocpi_tariffs")
    op.drop_index("ix_ocpi_tokens_partner_id", table_name="ocpi_tokens")
    op.drop_index("ix_ocpi_tokens_uid_key", table_name="ocpi_tokens")
    op.drop_table("ocpi_tokens")
    op.drop_index("ix_ocpi_partners_token_hash", table_name="ocpi_partners")
    op.drop_table("ocpi_partners")
