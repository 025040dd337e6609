"""A pole's open connection session found by its own index entry (issue 20).

Every boot asks whether the pole has an open session (``INSERT … WHERE NOT EXISTS``) and
every disconnect closes it (``UPDATE … WHERE pole_id = … AND ended IS NULL``). PostgreSQL
answered both by ANDing the index on ``ended`` with the one on (pole, start), reading the
index entry of *every* open session each time: in a reconnect storm of 10,000 poles with
``--workers 2``, 41,635 such scans read 554 million index entries (about 13,300 a scan,
`pg_stat_user_indexes`), and the storage writers waited on them. An index of the open
sessions only, by pole, holds one entry per connected pole and answers both with one.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 01:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("ended IS NULL")


def upgrade() -> None:
    op.create_index("ix_connection_sessions_open", "connection_sessions", ["pole_id"],
                    postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade() -> None:
    op.drop_index("ix_connection_sessions_open", table_name="connection_sessions")
