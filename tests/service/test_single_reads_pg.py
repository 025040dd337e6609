"""On PostgreSQL a card's verdict and an OCPI token's look-up, made for every
StartTransaction and StopTransaction, are one query each with no transaction around it
(issue 20: in a reconnect storm each round trip waits for a PostgreSQL process on the
same busy cores), as libpq's own trace of what the service sends the server shows."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import IO, Any

import psycopg
import pytest
import sqlalchemy as sa

from service.ocpi.token_store import OcpiTokenRepository, OcpiTokenRow
from service.storage.database import create_engine_for, migrate
from service.storage.id_tags import IdTagRepository, IdTagWrite
from tests.support import postgres_schema

AT = datetime(2026, 12, 5, 8, tzinfo=UTC)


class Traced:
    """Every connection the engine opens writes libpq's protocol trace to one file."""

    def __init__(self, engine: sa.Engine, file: IO[bytes]) -> None:
        self.file = file
        sa.event.listen(engine, "connect", self._connected)

    def _connected(self, dbapi_connection: Any, _record: Any) -> None:
        assert isinstance(dbapi_connection, psycopg.Connection)
        dbapi_connection.pgconn.trace(self.file.fileno())
        dbapi_connection.pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)

    def requests(self) -> list[str]:
        """Requests sent since the last call: a simple query's text, or "query" for an
        extended one (its Sync), each one round trip."""
        self.file.seek(0)
        sent = [line.split("\t") for line in self.file.read().decode().splitlines()]
        self.file.seek(0)
        self.file.truncate()
        return [fields[3].strip().strip('"') if fields[2] == "Query" else "query"
                for fields in sent if fields[0] == "F" and fields[2] in ("Query", "Sync")]


@pytest.fixture
def engine() -> Iterator[sa.Engine]:
    with postgres_schema() as url:
        engine = create_engine_for(url)
        migrate(engine)
        yield engine
        engine.dispose()


def test_a_card_and_a_roaming_token_are_looked_up_without_begin_and_rollback(
        engine: sa.Engine) -> None:
    cards, tokens = IdTagRepository(engine), OcpiTokenRepository(engine)
    cards.put_many([IdTagWrite("04A1B2C3", "Accepted")], AT)
    tokens.save(OcpiTokenRow(key="NL*EMS*04A1B2C3", uid_key="04A1B2C3", partner_id=1,
                             token="{}", whitelist="ALWAYS", last_updated=AT))
    with tempfile.TemporaryFile() as file:
        traced = Traced(engine, file)
        engine.dispose()  # from here on every connection is traced
        assert cards.get("04a1b2c3") is not None  # the first opens the connection
        assert tokens.by_uid("04a1b2c3") is not None
        traced.requests()
        # The pool's liveness ping (";") and the query: no BEGIN before it, no ROLLBACK after.
        card = cards.get("04a1b2c3")
        assert card is not None and card.status == "Accepted"
        assert traced.requests() == [";", "query"]
        token = tokens.by_uid("04a1b2c3")
        assert token is not None and token.partner_id == 1
        assert traced.requests() == [";", "query"]
        assert cards.get("UNKNOWN") is None
        assert traced.requests() == [";", "query"]
