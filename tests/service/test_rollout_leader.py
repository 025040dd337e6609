"""One leader among the service processes on one PostgreSQL database (`PgLeader`): the
rollout runner, the OSCP heartbeats and the grid balancer act only in the process that
holds the advisory lock — never in two at once, or a grid operator gets two heartbeat
series and a fleet two rollout runners."""

from __future__ import annotations

import asyncio

import psycopg
import pytest

from service.rollouts.leader import PgLeader
from tests.support import eventually, postgres_schema

pytestmark = pytest.mark.asyncio


async def lock_holders(leader: PgLeader) -> list[int]:
    """The backends (PostgreSQL sessions) holding ``leader``'s lock, as the server sees it."""
    unsigned = leader.key & 0xFFFF_FFFF_FFFF_FFFF
    async with await psycopg.AsyncConnection.connect(leader.url, autocommit=True) as seer:
        cursor = await seer.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND classid = %s AND objid = %s AND objsubid = 1",
            (unsigned >> 32, unsigned & 0xFFFF_FFFF))
        return [pid for (pid,) in await cursor.fetchall()]


async def test_of_several_service_processes_only_one_runs_the_rollouts() -> None:
    with postgres_schema() as url:
        first, second = PgLeader(url), PgLeader(url)
        try:
            assert await first.held()
            assert not await second.held()
            assert await first.held()
            await first.close()  # that process is gone: its session, and the lock, too
            await eventually(second.held)  # once the server has ended that session
        finally:
            await first.close()
            await second.close()


async def test_tasks_asking_at_once_get_one_answer_from_the_session_that_holds_the_lock(
        ) -> None:
    """At start-up the rollout runner, the OSCP tick and the balancer ask together. Each
    round, asked by four tasks at once, the process must say the same to all of them,
    and say "leads" only on the very session the server shows holding the lock — once a
    process believed it led on a session holding nothing, and both processes beat."""
    with postgres_schema() as url:
        first, second = PgLeader(url), PgLeader(url)
        try:
            for _ in range(5):
                answers = await asyncio.gather(*(first.held() for _ in range(4)))
                assert answers == [True] * 4
                assert first._connection is not None
                assert await lock_holders(first) == [first._connection.info.backend_pid]
                assert not await second.held()
                await first.close()
                await eventually(second.held)  # the other process takes over ...
                await second.close()  # ... and is gone in turn
                await eventually(lambda: _no_holder(first))
        finally:
            await first.close()
            await second.close()


async def _no_holder(leader: PgLeader) -> bool:
    return not await lock_holders(leader)


async def test_a_leader_whose_session_the_server_ended_stops_leading() -> None:
    """The database restarted, the network dropped: the server ended the leader's session
    (and so freed the lock) without that process noticing; another process takes over.
    The first must then stop leading, not go on beside the new leader."""
    with postgres_schema() as url:
        first, second = PgLeader(url, recheck_s=0), PgLeader(url, recheck_s=0)
        try:
            assert await first.held()
            [pid] = await lock_holders(first)
            async with await psycopg.AsyncConnection.connect(first.url,
                                                             autocommit=True) as admin:
                await admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            await eventually(second.held)
            assert not await first.held()
            assert await second.held()
        finally:
            await first.close()
            await second.close()
