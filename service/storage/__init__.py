"""The CSMS's storage: SQLModel tables, Alembic migrations and a repository.

SQLite by default, PostgreSQL by URL; every timestamp goes in and comes out timezone-aware
(UTC). The service reaches it through :class:`AsyncRepository` so the event loop never blocks.
"""

from service.storage.database import (
    StorageError,
    create_engine_for,
    database_url_default,
    migrate,
)
from service.storage.repository import AsyncRepository, Repository

__all__ = [
    "AsyncRepository",
    "Repository",
    "StorageError",
    "create_engine_for",
    "database_url_default",
    "migrate",
]
