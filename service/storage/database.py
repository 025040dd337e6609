"""Engines, migrations and the one error the rest of the service has to handle.

SQLite (a file in the user's data directory) is the default so a single service or the demo runs
with nothing installed; PostgreSQL, by URL, when several service processes share a fleet.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from platformdirs import user_data_dir
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool

MIGRATION_LOCK_KEY = 0x5061616C  # "Paal": serialises migrations of concurrent processes on PG


class StorageError(Exception):
    """The database cannot be used: unreachable, full disk, read-only file, bad URL.

    The message names the database by URL with its password masked, so it can go straight to a
    log or an operator's screen.
    """

    def __init__(self, url: str, reason: str) -> None:
        self.url = safe_url(url)
        self.reason = reason
        super().__init__(f"storage {self.url}: {reason}")


def safe_url(url: str | sa.URL) -> str:
    """The URL with any password replaced by ``***``."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return "<unparseable database URL>"


def _hint(message: str) -> str:
    lowered = message.lower()
    if "readonly" in lowered or "read-only" in lowered or "read only" in lowered:
        return "database is read-only (file permissions or read-only mount)"
    if "disk is full" in lowered or "no space left" in lowered or "diskfull" in lowered:
        return "disk is full"
    if "unable to open database" in lowered:
        return "cannot open the database file (missing directory or no permission)"
    if "connection" in lowered or "timeout" in lowered or "could not translate" in lowered:
        return "database server unreachable"
    return "database error"


@contextlib.contextmanager
def storage_errors(url: str | sa.URL) -> Iterator[None]:
    """Turn driver-level failures into :class:`StorageError`.

    Integrity and programming errors pass through unchanged: they are bugs, not outages.
    """
    try:
        yield
    except (exc.OperationalError, exc.InterfaceError) as error:
        detail = str(error.orig) if error.orig is not None else str(error)
        parsed = sa.make_url(url)
        if parsed.password:
            detail = detail.replace(str(parsed.password), "***")
        detail = detail.strip().splitlines()[0] if detail.strip() else type(error).__name__
        raise StorageError(str(url) if isinstance(url, str) else
                           url.render_as_string(hide_password=False),
                           f"{_hint(detail)} ({detail})") from error
    except OSError as error:
        raise StorageError(str(url), f"{_hint(str(error))} ({error})") from error


def database_url_default() -> str:
    """``sqlite:///…/paalwerk.sqlite`` in the platform's user data directory (created)."""
    directory = Path(user_data_dir("paalwerk"))
    directory.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{directory / 'paalwerk.sqlite'}"


def normalise_url(url: str) -> sa.URL:
    """``postgres://`` and ``postgresql://`` mean psycopg 3 here (SQLAlchemy would pick psycopg2).
    """
    try:
        parsed = sa.make_url(url)
    except exc.ArgumentError as error:
        raise StorageError(url, f"not a database URL ({error})") from error
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers (reports, API) run while the OCPP side writes; FKs are off by default.

    ``synchronous=FULL``: every commit fsyncs the WAL before it returns, and a pole is
    answered only after the commit of what it sent (`BatchWriter`), so what a pole was told
    is stored survives a power loss of the host, not only a crash of the service (a pole
    deletes a message once answered; under ``NORMAL`` the last commits before a power loss
    could vanish). Group commit makes this one fsync per batch, not per message: README
    "Nothing lost, nothing stored twice" has what it costs.
    """
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
    finally:
        cursor.close()


def create_engine_for(url: str) -> Engine:
    """An engine configured for the backend; opens no connection yet (see :func:`migrate`)."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        in_memory = parsed.database in (None, "", ":memory:")
        engine = sa.create_engine(
            parsed,
            connect_args={"check_same_thread": False},
            # One shared connection, or every connection would see its own empty database.
            poolclass=StaticPool if in_memory else None,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        connect_args: dict[str, Any] = {}
        if "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = 10
        return sa.create_engine(parsed, pool_pre_ping=True, connect_args=connect_args)
    return sa.create_engine(parsed)


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic configuration with no ``alembic.ini`` on disk: the scripts ship in the package.
    """
    config = Config()
    config.set_main_option("script_location",
                           str(resources.files("service.storage") / "migrations"))
    if engine is not None:
        config.set_main_option(
            "sqlalchemy.url",
            engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; a no-op when it is already there.

    Runs in one transaction on the engine's own connection. On PostgreSQL an advisory lock
    makes concurrent service processes migrate one after the other instead of colliding.
    """
    config = alembic_config()
    with storage_errors(engine.url), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": MIGRATION_LOCK_KEY})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def single_reads(engine: Engine) -> Engine:
    """The engine for reads of one statement that the OCPP side makes per message (a card's
    verdict, a transaction for OCPI): on PostgreSQL in autocommit, so such a read is one
    round trip, not three (``BEGIN``, the query, the ``ROLLBACK`` when the connection goes
    back to the pool). A single statement sees one consistent snapshot either way; in a
    reconnect storm every StartTransaction and StopTransaction made several such reads,
    and each round trip waits for a PostgreSQL process on the same busy cores. SQLite's
    reads are in-process: the engine as it is."""
    if engine.dialect.name != "postgresql":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")
