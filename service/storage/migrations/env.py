"""Alembic environment: runs on the connection :func:`migrate` hands over, or on a URL.

``render_as_batch`` lets later revisions alter SQLite tables (SQLite has little ALTER TABLE).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context
from sqlmodel import SQLModel

import service.oscp.store
import service.storage.id_tag_models  # the card register's tables, for autogenerate
import service.storage.models  # registers the tables for autogenerate
import service.storage.service_runs  # noqa: F401  (the service's own runs, for autogenerate)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _run(connection: sa.Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from service.storage.database import create_engine_for

    engine = create_engine_for(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as own:
        _run(own)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
