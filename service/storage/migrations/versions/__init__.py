"""Alembic revisions; each applied revision is immutable."""
