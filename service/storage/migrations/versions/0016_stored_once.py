"""What a pole may resend is stored once (issue 20): unique natural keys on the tables poles
append to, after removing the repeats already stored.

A pole deletes a queued message only once it has the answer; when the service stored the
message but died before answering, the pole rightly sends it again. Before this revision
the second copy became a second row (a meter sample counted twice by the meter-values API,
a status event twice in the uptime history). Now the database refuses the repeat
(``INSERT … ON CONFLICT DO NOTHING`` on the write path) and this revision first deletes the
repeats stored so far, keeping the first row of each.

NULL parts of a key (a sample's phase, location or context, an event's techInfo) are
indexed as ``coalesce(…, '')``: SQLite and PostgreSQL both let NULLs differ in a unique
index. The unique indexes begin with (pole, time) and replace the plain indexes that did.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 02:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEYS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    # table: (unique index, plain key columns, key columns that may be NULL)
    "meter_values": ("uq_meter_values_sample",
                     ("pole_id", "timestamp", "connector_id", "measurand"),
                     ("phase", "location", "context")),
    "status_events": ("uq_status_events_event",
                      ("pole_id", "timestamp", "connector_id", "status", "error_code"), ()),
    "security_events": ("uq_security_events_event", ("pole_id", "timestamp", "type"),
                        ("tech_info",)),
}


def _or_empty(column: str) -> str:
    return f"coalesce({column}, '')"


def _remove_repeats(table: str, columns: tuple[str, ...], nullable: tuple[str, ...]) -> None:
    """Delete every row that has an older twin (smaller id, same key): the first stays.

    A correlated ``EXISTS`` rather than ``NOT IN (SELECT min(id) … GROUP BY …)``: it runs
    on the existing (pole, time) index on both backends instead of grouping the table.
    """
    same = [f"older.{name} = {table}.{name}" for name in columns]
    same += [f"{_or_empty('older.' + name)} = {_or_empty(table + '.' + name)}"
             for name in nullable]
    op.execute(sa.text(
        f"DELETE FROM {table} WHERE EXISTS (SELECT 1 FROM {table} AS older "
        f"WHERE {' AND '.join(same)} AND older.id < {table}.id)"))


def upgrade() -> None:
    op.add_column("meter_values", sa.Column("location", sa.String(), nullable=True))
    for table, (index, columns, nullable) in _KEYS.items():
        _remove_repeats(table, columns, nullable)
        op.create_index(index, table,
                        [*columns, *(sa.text(_or_empty(name)) for name in nullable)],
                        unique=True)
    # The unique keys begin with (pole_id, timestamp): the plain indexes add only write cost.
    op.drop_index("ix_meter_values_pole_time", table_name="meter_values")
    op.drop_index("ix_status_events_pole_time", table_name="status_events")


def downgrade() -> None:
    op.create_index("ix_status_events_pole_time", "status_events", ["pole_id", "timestamp"])
    op.create_index("ix_meter_values_pole_time", "meter_values",
                    ["pole_id", "timestamp", "connector_id"])
    for table, (index, _, _) in _KEYS.items():
        op.drop_index(index, table_name=table)
    with op.batch_alter_table("meter_values") as batch:
        batch.drop_column("location")
