"""Pole locations and the indexes the outage board reads by (issue 19).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 02:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

UTC_TIME = sa.DateTime(timezone=True)
NOTABLE_STATUS = ("error_code <> 'NoError' OR status IN "
                  "('Faulted', 'Unavailable', 'SuspendedEVSE')")
"""Status events the outage rules read for every pole (`service.outages.reads` repeats
this text literally: a query uses a partial index only when its condition matches)."""
DOWN_STATUS = "status IN ('Unavailable', 'Faulted')"
"""Status events that take a connector out of service (eis 48 uptime)."""

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pole_locations",
        sa.Column("pole_id", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("postcode", sa.String(length=16), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("grid_operator", sa.String(length=32), nullable=True),
        sa.Column("area_code", sa.String(length=32), nullable=True),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(["pole_id"], ["poles.id"]),
        sa.PrimaryKeyConstraint("pole_id"),
    )
    op.create_index("ix_pole_locations_area_code", "pole_locations", ["area_code"])
    # The board reads the whole fleet's last week by time, not pole by pole: without these
    # the range scans of status events and sessions read a year of every pole.
    op.create_index("ix_status_events_time", "status_events", ["timestamp"])
    op.create_index("ix_connection_sessions_started", "connection_sessions", ["started"])
    op.create_index("ix_transactions_stopped", "transactions", ["stopped"])
    op.create_index("ix_connection_sessions_ended", "connection_sessions", ["ended"])
    # Partial indexes hold only the rare rows the board looks for, so it never reads the
    # week's (or the year's) ordinary Available/Charging changes of the whole fleet.
    notable = sa.text(NOTABLE_STATUS)
    op.create_index("ix_status_events_notable", "status_events", ["timestamp"],
                    postgresql_where=notable, sqlite_where=notable)
    down = sa.text(DOWN_STATUS)
    op.create_index("ix_status_events_down", "status_events", ["pole_id", "timestamp"],
                    postgresql_where=down, sqlite_where=down)
    # Offers below 6 A (the capacity rule): a partial index holds only those rare samples,
    # so the board never scans the fleet's millions of meter values.
    low_offer = sa.text("measurand = 'Current.Offered' AND value > 0 AND value < 6")
    op.create_index("ix_meter_values_low_offer", "meter_values", ["timestamp"],
                    postgresql_where=low_offer, sqlite_where=low_offer)


def downgrade() -> None:
    op.drop_index("ix_status_events_down", table_name="status_events")
    op.drop_index("ix_status_events_notable", table_name="status_events")
    op.drop_index("ix_connection_sessions_ended", table_name="connection_sessions")
    op.drop_index("ix_meter_values_low_offer", table_name="meter_values")
    op.drop_index("ix_transactions_stopped", table_name="transactions")
    op.drop_index("ix_connection_sessions_started", table_name="connection_sessions")
    op.drop_index("ix_status_events_time", table_name="status_events")
    op.drop_index("ix_pole_locations_area_code", table_name="pole_locations")
    op.drop_table("pole_locations")
