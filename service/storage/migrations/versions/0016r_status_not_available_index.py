"""A partial index of the status events that make a socket unavailable (issue 19, eis 48).

The fleet's yearly uptime needs, per socket, only the moments it became Unavailable or
Faulted and the event after each (`service.api.reports.availability_changes`); a fleet's
year holds tens of millions of Preparing/Charging/Finishing events around them. This
index holds the few that matter, so the report need not read the rest.

Revision ID: 0016r
Revises: 0014
Create Date: 2026-12-05 02:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016r"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_AVAILABLE = sa.text("status IN ('Unavailable', 'Faulted')")


def upgrade() -> None:
    op.create_index("ix_status_events_not_available", "status_events", ["timestamp"],
                    postgresql_where=NOT_AVAILABLE, sqlite_where=NOT_AVAILABLE)


def downgrade() -> None:
    op.drop_index("ix_status_events_not_available", table_name="status_events")
