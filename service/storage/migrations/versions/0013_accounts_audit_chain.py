"""Operator accounts, their tokens, and the hash-chained audit trail (issue 17, eis 69).

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-04 23:30:00

Entries written before this revision are chained here, in id order, so the whole trail
verifies from its first entry.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from service.storage.audit_chain import entry_hash

UTC_TIME = sa.DateTime(timezone=True)

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("pole_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("result", sa.String(), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_log_pole_id"), ["pole_id"], unique=False)
    head = op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "users",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created", UTC_TIME, nullable=False),
        sa.Column("disabled", UTC_TIME, nullable=True),
        sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("locked_until", UTC_TIME, nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("user_name", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created", UTC_TIME, nullable=False),
        sa.Column("expires", UTC_TIME, nullable=True),
        sa.Column("revoked", UTC_TIME, nullable=True),
        sa.ForeignKeyConstraint(["user_name"], ["users.name"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sha256"),
    )
    op.create_index("ix_api_tokens_user_name", "api_tokens", ["user_name"])
    _chain_existing_entries(head)


def _chain_existing_entries(head: sa.Table) -> None:
    connection = op.get_bind()
    audit = sa.table("audit_log", sa.column("id", sa.Integer()),
                     sa.column("time", UTC_TIME), sa.column("actor", sa.String()),
                     sa.column("role", sa.String()), sa.column("action", sa.String()),
                     sa.column("pole_id", sa.String()), sa.column("result", sa.String()),
                     sa.column("detail", sa.String()), sa.column("hash", sa.String()))
    from service.storage.models import UTCDateTime

    stamp = UTCDateTime()
    previous, last_id = "", 0
    rows = connection.execute(sa.select(audit).order_by(audit.c.id)).mappings().all()
    for row in rows:
        entry = dict(row)
        entry["time"] = stamp.process_result_value(row["time"], connection.dialect)
        previous = entry_hash(previous, entry)
        last_id = row["id"]
        connection.execute(sa.update(audit).where(audit.c.id == last_id)
                           .values(hash=previous))
    connection.execute(sa.insert(head).values(id=1, last_id=last_id, last_hash=previous))


def downgrade() -> None:
    op.drop_index("ix_api_tokens_user_name", table_name="api_tokens")
    op.drop_table("api_tokens")
    op.drop_table("users")
    op.drop_table("audit_chain")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_pole_id"))
        batch_op.drop_column("hash")
        batch_op.drop_column("result")
        batch_op.drop_column("pole_id")
        batch_op.drop_column("role")
