"""Indexes for the fleet's uptime report (issue 19, eis 48).

The fleet's yearly uptime needs, per socket, only its state at the start of the year, the
moments it became Unavailable or Faulted and the event after each
(`service.api.reports.availability_changes`); a fleet's year holds tens of millions of
Preparing/Charging/Finishing events around them. A partial index holds the few
not-available events; a (pole, socket, time) index finds a socket's event before or after
a moment without walking the other sockets' events (a pole's connector 0 may not have
reported for years).

Revision ID: 0016r
Revises: 0016
Create Date: 2026-12-05 02:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016r"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_AVAILABLE = sa.text("status IN ('Unavailable', 'Faulted')")


def upgrade() -> None:
    op.create_index("ix_status_events_not_available", "status_events", ["timestamp"],
                    postgresql_where=NOT_AVAILABLE, sqlite_where=NOT_AVAILABLE)
    op.create_index("ix_status_events_pole_connector_time", "status_events",
                    ["pole_id", "connector_id", "timestamp"])


def downgrade() -> None:
    op.drop_index("ix_status_events_pole_connector_time", table_name="status_events")
    op.drop_index("ix_status_events_not_available", table_name="status_events")
