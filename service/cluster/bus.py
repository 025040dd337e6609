"""Messages between the processes of one service, over PostgreSQL ``LISTEN``/``NOTIFY``.

Several service processes share a fleet through one PostgreSQL database (ARCHITECTURE.md),
so the database is also how they talk: every process listens on one channel and sends
JSON messages to all, or to one by its id. No broker to run, and a process that cannot
reach the database cannot serve poles anyway.

A ``NOTIFY`` payload is at most 8,000 bytes. A longer message (a GetConfiguration answer
with every key, a batch of events) is cut into pieces sent in one transaction, which
PostgreSQL delivers together and in order; the receiver joins them again.

Sending costs one round trip and no disk flush: the sending connection is in autocommit
with ``synchronous_commit`` off, and a message's pieces go in one ``SELECT pg_notify(…) FROM
(VALUES …)`` — one statement, so one transaction, delivered together and in order. A
notification is not kept through a database crash anyway (the queue is not in the WAL), so
waiting for the commit record's flush bought nothing; in a reconnect storm every pole's
arrival is a message, and a flush each made the bus, not the poles, the slow part.

A lost database connection (a PostgreSQL restart, a network blip) is reopened: sending
retries once on a fresh connection, listening reconnects with a growing pause and then
calls ``on_reconnect`` — notifications sent meanwhile are lost, so the cluster asks the
others again what they hold.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import json
import logging
from collections.abc import Callable
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

LOGGER = logging.getLogger(__name__)

PIECE_CHARS = 7_000
"""Characters of a message per ``NOTIFY`` (ASCII JSON, so also bytes; below 8,000)."""
RECONNECT_PAUSES_S = (0.2, 1.0, 5.0)
"""Pauses before listening again after a lost connection (the last one repeats)."""

Message = dict[str, Any]


def libpq_url(db_url: str) -> str:
    """The SQLAlchemy URL as psycopg's connection string (no ``+driver`` part)."""
    return make_url(db_url).set(drivername="postgresql").render_as_string(hide_password=False)


def channel_for(db_url: str) -> str:
    """One channel per database *and* schema: notifications are database-wide, and two
    services (or two test runs) in different schemas of one database must not mix."""
    return "paalwerk_" + hashlib.sha256(db_url.encode()).hexdigest()[:16]


class PgBus:
    """Sends and receives `Message` dicts among the processes of one service."""

    def __init__(self, db_url: str, worker_id: str) -> None:
        self.url = libpq_url(db_url)
        self.channel = channel_for(db_url)
        self.worker_id = worker_id
        self._listen: psycopg.AsyncConnection[Any] | None = None
        self._send_conn: psycopg.AsyncConnection[Any] | None = None
        self._send_lock = asyncio.Lock()
        self._reader: asyncio.Task[None] | None = None
        self._numbers = itertools.count()
        self._partial: dict[str, list[str]] = {}
        self.on_reconnect: Callable[[], None] | None = None

    async def start(self, deliver: Callable[[Message], None]) -> None:
        """Listen; ``deliver`` gets every message from another process meant for this one."""
        await self._open_listener()
        self._send_conn = await self._open_sender()
        self._reader = asyncio.create_task(self._read(deliver), name="cluster bus")

    async def _open_listener(self) -> None:
        self._listen = await psycopg.AsyncConnection.connect(self.url, autocommit=True)
        await self._listen.execute(f'LISTEN "{self.channel}"')

    async def _open_sender(self) -> psycopg.AsyncConnection[Any]:
        connection = await psycopg.AsyncConnection.connect(self.url, autocommit=True)
        await connection.execute("SET synchronous_commit = off")
        return connection

    async def send(self, message: Message, to: str | None = None) -> None:
        """To every other process, or only to worker ``to``."""
        text = json.dumps({**message, "from": self.worker_id, "to": to},
                          separators=(",", ":"), ensure_ascii=True)
        number = f"{self.worker_id}#{next(self._numbers)}"
        pieces = [text[i:i + PIECE_CHARS] for i in range(0, len(text), PIECE_CHARS)]
        if self._send_conn is None:
            raise RuntimeError("the cluster bus is not started")
        async with self._send_lock:
            try:
                await self._notify(number, pieces)
            except psycopg.OperationalError as exc:
                LOGGER.warning("cluster bus: sending failed (%s); reconnecting", exc)
                await self._send_conn.close()
                self._send_conn = await self._open_sender()
                await self._notify(number, pieces)

    async def _notify(self, number: str, pieces: list[str]) -> None:
        """Every piece in one statement: one round trip, one transaction (in order)."""
        assert self._send_conn is not None
        payloads = [f"{number}|{index}|{len(pieces)}|{piece}"
                    for index, piece in enumerate(pieces)]
        if len(payloads) == 1:
            await self._send_conn.execute("SELECT pg_notify(%s, %s)",
                                          (self.channel, payloads[0]))
            return
        # Plain text parameters: a text[] would be escaped quote by quote in Python (the
        # JSON is full of them), which cost a worker seconds in a storm.
        rows = ", ".join(f"({index}, %s)" for index in range(len(payloads)))
        await self._send_conn.execute(
            f"SELECT pg_notify(%s, payload) FROM (VALUES {rows}) AS piece(position, payload) "
            "ORDER BY position", (self.channel, *payloads))

    async def _read(self, deliver: Callable[[Message], None]) -> None:
        failures = 0
        while True:
            try:
                if self._listen is None or self._listen.closed:
                    await self._open_listener()
                    LOGGER.warning("cluster bus: listening again")
                    if self.on_reconnect is not None:
                        self.on_reconnect()
                failures = 0
                assert self._listen is not None
                async for notify in self._listen.notifies():
                    self._receive(notify.payload, deliver)
            except psycopg.OperationalError as exc:
                pause = RECONNECT_PAUSES_S[min(failures, len(RECONNECT_PAUSES_S) - 1)]
                failures += 1
                LOGGER.error("cluster bus lost its database connection (%s); "
                             "retrying in %g s", exc, pause)
                if self._listen is not None:
                    await self._listen.close()
                await asyncio.sleep(pause)

    def _receive(self, payload: str, deliver: Callable[[Message], None]) -> None:
        message = self._join(payload)
        if message is None or message.get("from") == self.worker_id:
            return
        if message.get("to") not in (None, self.worker_id):
            return
        try:
            deliver(message)
        except Exception:
            LOGGER.exception("cluster message %s not handled", message.get("kind"))

    def _join(self, payload: str) -> Message | None:
        """A whole message once its last piece is in; None until then (or if malformed)."""
        try:
            number, index, count, piece = payload.split("|", 3)
            position, total = int(index), int(count)
        except ValueError:
            LOGGER.warning("cluster bus: malformed notification ignored")
            return None
        if total == 1:
            text = piece
        else:
            parts = self._partial.setdefault(number, [])
            if position != len(parts):  # pieces of one transaction arrive in order
                self._partial.pop(number, None)
                LOGGER.warning("cluster bus: message %s arrived out of order; dropped", number)
                return None
            parts.append(piece)
            if len(parts) < total:
                return None
            text = "".join(self._partial.pop(number))
        try:
            message = json.loads(text)
        except ValueError:
            LOGGER.warning("cluster bus: message %s is not JSON; dropped", number)
            return None
        return message if isinstance(message, dict) else None

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        for connection in (self._listen, self._send_conn):
            if connection is not None:
                await connection.close()
