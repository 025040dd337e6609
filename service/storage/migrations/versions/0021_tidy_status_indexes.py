"""One index fewer on the hot write path: ``ix_status_events_not_available`` goes.

Every StatusNotification inserts a row into ``status_events``, and every index on the
table is updated by that insert. Each read of the table was checked on PostgreSQL with
EXPLAIN (ANALYZE) on 2,000 poles × 90 days (``benchmarks/status_indexes.py explain``):
the partial index of migration 0016r, ``timestamp WHERE status IN ('Unavailable',
'Faulted')``, serves only the fleet uptime report's out-of-service events, and without it
the planner reads the same few rows through ``ix_status_events_notable`` (migration 0015:
the same key, ``timestamp``, under a wider condition that the narrower one implies) in
the same time. Every other index is the only one some read uses: the unique natural key
(stored once, and one pole's opening states), ``ix_status_events_time`` (fleet-wide time
ranges), ``ix_status_events_notable`` (the outage board's troubled poles),
``ix_status_events_down`` (the board's year uptime, pole by pole) and
``ix_status_events_pole_connector_time`` (a socket's event before or after a moment).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 06:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_AVAILABLE = sa.text("status IN ('Unavailable', 'Faulted')")


def upgrade() -> None:
    op.drop_index("ix_status_events_not_available", table_name="status_events")


def downgrade() -> None:
    op.create_index("ix_status_events_not_available", "status_events", ["timestamp"],
                    postgresql_where=NOT_AVAILABLE, sqlite_where=NOT_AVAILABLE)
