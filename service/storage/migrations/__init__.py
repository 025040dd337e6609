"""Alembic scripts, packaged so :func:`service.storage.database.migrate` finds them."""
