"""One rollout runner per fleet: when several service processes share one PostgreSQL
database (``paalwerk service --workers N``), only the process holding an advisory lock
starts poles, so the concurrency limit holds across processes.

What poles report is followed in every process (each stores what its own poles say, by
compare-and-set); only starting poles, timing out and halting need one decider. The lock
lives on its own connection: when that process dies, PostgreSQL ends the session and
releases it, and another process takes over at its next look.

Several tasks of one process ask at once (the rollout runner, the OSCP heartbeat and the
grid balancer all start with the service), so the asking is serialised: two concurrent
first asks would each open a connection, one would win the lock and the other's answer
could be the one kept — a process sure it leads on a session that holds nothing, while
the session that did hold the lock is dropped and another process takes it. Two leaders.

A held lock is also checked again (at most every ``recheck_s``): a session can end without
this process noticing — the database restarted, the network dropped, an administrator
ended it — and psycopg only learns that on the next statement. Without one, the process
would go on leading while another takes the freed lock.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from typing import Any, Protocol

import psycopg

from service.cluster.bus import channel_for, libpq_url

LOGGER = logging.getLogger(__name__)


class Leader(Protocol):
    async def held(self) -> bool:
        """Is this process the one that runs rollouts (now)?"""


def lock_key(db_url: str) -> int:
    """A signed 64-bit advisory-lock key for this database and schema's rollouts."""
    digest = hashlib.sha256(f"{channel_for(db_url)} rollouts".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class PgLeader:
    """`Leader` by ``pg_try_advisory_lock`` on a connection kept for it."""

    def __init__(self, db_url: str, *, recheck_s: float = 1.0) -> None:
        self.url = libpq_url(db_url)
        self.key = lock_key(db_url)
        self.recheck_s = recheck_s
        self._connection: psycopg.AsyncConnection[Any] | None = None
        self._held = False
        self._checked = 0.0
        self._asking = asyncio.Lock()

    async def held(self) -> bool:
        async with self._asking:  # one session, one answer (module docstring)
            return await self._ask()

    async def _ask(self) -> bool:
        if self._held and await self._still_held():
            return True
        self._held = False
        try:
            if self._connection is None or self._connection.closed:
                self._connection = await psycopg.AsyncConnection.connect(self.url,
                                                                         autocommit=True)
            cursor = await self._connection.execute("SELECT pg_try_advisory_lock(%s)",
                                                    (self.key,))
            row = await cursor.fetchone()
        except psycopg.OperationalError as exc:
            LOGGER.warning("rollouts: cannot check the runner lock: %s", exc)
            return False
        self._held = bool(row and row[0])
        self._checked = time.monotonic()
        if self._held:
            LOGGER.info("rollouts: this process runs the fleet's rollouts")
        return self._held

    async def _still_held(self) -> bool:
        """Is the session holding the lock still there? (Asked of the server once per
        ``recheck_s``; a session-level lock lives exactly as long as its session.)"""
        if self._connection is None or self._connection.closed:
            return False
        if time.monotonic() - self._checked < self.recheck_s:
            return True
        try:
            await self._connection.execute("SELECT 1")
        except psycopg.OperationalError as exc:
            LOGGER.warning("rollouts: the runner lock's session ended (%s); asking again",
                           exc)
            await self._connection.close()
            self._connection = None
            return False
        self._checked = time.monotonic()
        return True

    async def close(self) -> None:
        async with self._asking:
            if self._connection is not None:
                await self._connection.close()
                self._connection = None
            self._held = False
