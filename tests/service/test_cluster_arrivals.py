"""A reconnect storm through two service processes (``--workers 2``): poles arrive at one
process by the hundred, and the other must learn who holds them without the cluster bus
(PostgreSQL ``LISTEN``/``NOTIFY``) carrying a message per pole.

Real `PgBus` connections on real PostgreSQL; the poles are stand-ins for the process's
connections (the messages are what is tested, not the WebSockets: `test_cluster.py` has
whole services).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import pytest

from service.cluster.bus import Message, PgBus
from service.cluster.cluster import Cluster, new_worker_id
from service.live.hub import LiveHub
from tests.support import postgres_schema, until


@pytest.fixture
def pg_url() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


class HeldHere:
    """The poles connected to one process (what `service.connections.Connections` is)."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.replaced: list[str] = []

    def local(self, pole_id: str) -> None:
        return None

    def local_ids(self) -> list[str]:
        return sorted(self.ids)

    def replaced_elsewhere(self, pole_id: str) -> None:
        self.replaced.append(pole_id)


class CountingBus(PgBus):
    """A `PgBus` that counts what it hands its process."""

    def __init__(self, db_url: str, worker_id: str) -> None:
        super().__init__(db_url, worker_id)
        self.received: list[Message] = []

    async def start(self, deliver: object) -> None:
        def counted(message: Message) -> None:
            self.received.append(message)
            deliver(message)  # type: ignore[operator]
        await super().start(counted)


@asynccontextmanager
async def process(pg_url: str, here: HeldHere) -> AsyncIterator[Cluster]:
    cluster = Cluster(CountingBus(pg_url, new_worker_id()))
    await cluster.start(here, LiveHub(lambda _pole: None))
    try:
        yield cluster
    finally:
        await cluster.close()


async def test_a_storm_of_arrivals_reaches_the_other_process_in_a_few_messages(
        pg_url: str) -> None:
    here_a, here_b = HeldHere(), HeldHere()
    async with process(pg_url, here_a) as a, process(pg_url, here_b) as b:
        assert isinstance(b.bus, CountingBus)
        before = len(b.bus.received)
        poles = [f"PW-{n:04d}" for n in range(500)]
        for pole_id in poles:
            here_a.ids.add(pole_id)
            a.pole_held(pole_id, True)
        # Within the same moments one pole came and went, another went and came back.
        a.pole_held("PW-0007", False)
        a.pole_held("PW-0009", False)
        a.pole_held("PW-0009", True)
        a.pole_held("PW-0500", True)  # the last change: once it is in, all are
        await until(lambda: "PW-0500" in b.holders)
        expected = [p for p in poles if p != "PW-0007"] + ["PW-0500"]
        assert b.holders == dict.fromkeys(expected, a.worker_id)
        told = [m for m in b.bus.received[before:] if m.get("kind") == "held"]
        assert 1 <= len(told) <= 5, f"{len(told)} messages for {len(poles)} arrivals"
        assert set(here_b.replaced) == set(expected)  # a stale socket of each at B closes
        # A pole B then takes over: B says so, and A knows where it is now.
        b.pole_held("PW-0001", True)
        await until(lambda: "PW-0001" in a.holders)
        assert a.holders == {"PW-0001": b.worker_id}


async def test_a_batch_of_events_longer_than_a_notification_arrives_whole(
        pg_url: str) -> None:
    """A storm's batch of fleet events is far over PostgreSQL's 8,000-byte ``NOTIFY``: it
    goes in pieces, in one statement, and the other process gets it whole, quotes and
    backslashes as sent."""
    here_a, here_b = HeldHere(), HeldHere()
    async with process(pg_url, here_a) as a, process(pg_url, here_b) as b:
        assert isinstance(b.bus, CountingBus)
        events = [{"type": "meterValues", "poleId": f"PW-{n:04d}", "note": 'a "quoted" \\ é'}
                  for n in range(600)]
        await a.bus.send({"kind": "test-batch", "events": events})
        await until(lambda: any(m.get("kind") == "test-batch" for m in b.bus.received))
        [got] = [m for m in b.bus.received if m.get("kind") == "test-batch"]
        assert got["events"] == events
