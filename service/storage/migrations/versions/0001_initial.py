"""Initial schema: poles, connectors, status events, transactions, meter values, message log,
charging profiles, audit log.

Timestamps are ``DateTime(timezone=True)``: ``timestamptz`` on PostgreSQL; on SQLite a UTC wall
clock (see ``service.storage.models.UTCDateTime``). Written out rather than built from the
models so this revision stays what it was when later models change.

Revision ID: 0001
Revises:
Create Date: 2026-11-25 13:53:18.610913
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_TIME = sa.DateTime(timezone=True)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("time", UTC_TIME, nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("detail", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_time"), ["time"], unique=False)

    op.create_table(
        "message_log",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("pole_id", sa.String(length=64), nullable=False),
        sa.Column("time", UTC_TIME, nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("action", sa.String(), nullable=True),
        sa.Column("unique_id", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.String(), nullable=False),
        sa.Column("latency_ms", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("message_log", schema=None) as batch_op:
        batch_op.create_index(
            "ix_message_log_pole_action_time", ["pole_id", "action", "time"], unique=False
        )
        batch_op.create_index("ix_message_log_pole_time", ["pole_id", "time"], unique=False)

    op.create_table(
        "poles",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("vendor", sa.String(), nullable=True),
        sa.Column("model", sa.String(), nullable=True),
        sa.Column("serial", sa.String(), nullable=True),
        sa.Column("firmware", sa.String(), nullable=True),
        sa.Column("auto_registered", sa.Boolean(), nullable=False),
        sa.Column("grid_operator", sa.String(), nullable=True),
        sa.Column("programme_start", UTC_TIME, nullable=True),
        sa.Column("connection_size", sa.String(), nullable=False),
        sa.Column("registered_at", UTC_TIME, nullable=True),
        sa.Column("last_seen", UTC_TIME, nullable=True),
        sa.Column("connected", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "charging_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pole_id", sa.String(length=64), nullable=False),
        sa.Column("connector_id", sa.Integer(), nullable=False),
        sa.Column("profile", sa.String(), nullable=False),
        sa.Column("deployed_at", UTC_TIME, nullable=False),
        sa.Column("verified_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["pole_id"],
            ["poles.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("charging_profiles", schema=None) as batch_op:
        batch_op.create_index(
            "ix_charging_profiles_pole", ["pole_id", "connector_id"], unique=False
        )

    op.create_table(
        "connectors",
        sa.Column("pole_id", sa.String(length=64), nullable=False),
        sa.Column("connector_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("error_code", sa.String(), nullable=False),
        sa.Column("since", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["pole_id"],
            ["poles.id"],
        ),
        sa.PrimaryKeyConstraint("pole_id", "connector_id"),
    )
    op.create_table(
        "meter_values",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("pole_id", sa.String(length=64), nullable=False),
        sa.Column("connector_id", sa.Integer(), nullable=False),
        sa.Column("transaction_id", sa.Integer(), nullable=True),
        sa.Column("timestamp", UTC_TIME, nullable=False),
        sa.Column("measurand", sa.String(), nullable=False),
        sa.Column("phase", sa.String(), nullable=True),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(), nullable=True),
        sa.Column("context", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pole_id"],
            ["poles.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("meter_values", schema=None) as batch_op:
        batch_op.create_index(
            "ix_meter_values_pole_time", ["pole_id", "timestamp", "connector_id"], unique=False
        )
        batch_op.create_index("ix_meter_values_transaction", ["transaction_id"], unique=False)

    op.create_table(
        "status_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pole_id", sa.String(length=64), nullable=False),
        sa.Column("connector_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("error_code", sa.String(), nullable=False),
        sa.Column("timestamp", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["pole_id"],
            ["poles.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("status_events", schema=None) as batch_op:
        batch_op.create_index("ix_status_events_pole_time", ["pole_id", "timestamp"], unique=False)

    op.create_table(
        "transactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pole_id", sa.String(length=64), nullable=False),
        sa.Column("connector_id", sa.Integer(), nullable=False),
        sa.Column("id_tag", sa.String(length=64), nullable=False),
        sa.Column("meter_start", sa.Integer(), nullable=False),
        sa.Column("meter_stop", sa.Integer(), nullable=True),
        sa.Column("started", UTC_TIME, nullable=False),
        sa.Column("stopped", UTC_TIME, nullable=True),
        sa.Column("stop_reason", sa.String(), nullable=True),
        sa.Column("overruled_at", UTC_TIME, nullable=True),
        sa.Column("overrule_source", sa.String(), nullable=True),
        sa.Column("low_current_vehicle", sa.Boolean(), nullable=False),
        sa.Column("low_current_at", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(
            ["pole_id"],
            ["poles.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "pole_id", "connector_id", "started", "id_tag", name="uq_transactions_start"
        ),
    )
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.create_index("ix_transactions_pole_started", ["pole_id", "started"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.drop_index("ix_transactions_pole_started")

    op.drop_table("transactions")
    with op.batch_alter_table("status_events", schema=None) as batch_op:
        batch_op.drop_index("ix_status_events_pole_time")

    op.drop_table("status_events")
    with op.batch_alter_table("meter_values", schema=None) as batch_op:
        batch_op.drop_index("ix_meter_values_transaction")
        batch_op.drop_index("ix_meter_values_pole_time")

    op.drop_table("meter_values")
    op.drop_table("connectors")
    with op.batch_alter_table("charging_profiles", schema=None) as batch_op:
        batch_op.drop_index("ix_charging_profiles_pole")

    op.drop_table("charging_profiles")
    op.drop_table("poles")
    with op.batch_alter_table("message_log", schema=None) as batch_op:
        batch_op.drop_index("ix_message_log_pole_time")
        batch_op.drop_index("ix_message_log_pole_action_time")

    op.drop_table("message_log")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_time"))

    op.drop_table("audit_log")
