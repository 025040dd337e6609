"""OSCP 2.0 (issue 22) with ``paalwerk service --workers 2`` on PostgreSQL: the grid
operator's calls reach either process (each on a fresh connection), yet it is registered
once, heard by both, and only one process beats, measures and balances the grid group —
also a pole held by the other process gets its share.

The real command in a process of its own (like `test_workers_revocation.py`), a capacity
provider stand-in over HTTP and two virtual poles over real OCPP.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from service.oscp.balancer import GROUP_PROFILE_ID
from tests.oscp_support import capacity_provider
from tests.support import connected_pole, eventually, postgres_schema, until
from tests.workers_support import two_workers

pytestmark = pytest.mark.asyncio

POLES = ["PW-0001", "PW-0002"]
GROUP = "cable-7"


@pytest.fixture
def pg_url() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


async def test_eis63_with_two_workers_the_grid_operator_reaches_either_and_one_leads(
        pg_url: str, tmp_path: Path) -> None:
    async with two_workers(pg_url, tmp_path) as workers:
        port, base, api = workers.port, workers.base_url, workers.api
        async with AsyncExitStack() as stack:
            now = datetime.now(UTC)
            poles = [(await stack.enter_async_context(connected_pole(
                f"ws://127.0.0.1:{port}/ocpp", tmp_path, pole_id, start=now))).pole
                for pole_id in POLES]
            async with api() as client:
                added = await client.post("/api/v1/oscp/partners",
                                          json={"id": "enexis", "name": "Enexis"})
                assert added.status_code == 201, added.text
                for pole_id in POLES:
                    grouped = await client.put(f"/api/v1/poles/{pole_id}/grid-group",
                                               json={"group": GROUP})
                    assert grouped.status_code == 200, grouped.text
            cp = await stack.enter_async_context(capacity_provider(
                base, added.json()["token"], fresh_connections=True))
            await cp.register()
            await cp.handshake(heartbeat_interval=1)
            block = {"group_id": GROUP, "type": "CONSUMPTION", "forecasted_blocks": [
                {"capacity": 12, "phase": "ALL", "unit": "A",
                 "start_time": (now - timedelta(seconds=1)).isoformat(),
                 "end_time": (now + timedelta(seconds=600)).isoformat()}]}
            for _ in range(4):  # whichever process takes them: none refused
                assert (await cp.call("heartbeat", {"offline_mode_at": (
                    datetime.now(UTC) + timedelta(seconds=60)).isoformat()})).status_code == 204
                answer = await cp.call("update_group_capacity_forecast", block)
                assert answer.status_code == 204, answer.text

            async def both_know_the_cap() -> bool:
                for _ in range(12):  # the kernel spreads fresh connections over both
                    async with api() as client:
                        [group] = (await client.get("/api/v1/grid-groups")).json()
                    if group["limitA"] != 12 or group["poles"] != POLES:
                        return False
                return True

            await eventually(both_know_the_cap, timeout=30)
            # The leader balanced: each pole holds a share, wherever its connection is.
            await until(lambda: all(any(p.profile_id == GROUP_PROFILE_ID
                                        for _c, p in pole.profiles.profiles())
                                    for pole in poles), timeout=30)
            assert sum(pole.limit_a() for pole in poles) <= 12.0

            async def both_show_the_shares() -> bool:
                for _ in range(12):
                    async with api() as client:
                        [group] = (await client.get("/api/v1/grid-groups")).json()
                    if sorted(group["offers"]) != POLES or sum(group["offers"].values()) > 12:
                        return False
                return True

            await eventually(both_show_the_shares, timeout=30)
            # One process beats: consecutive heartbeats are a full interval apart.
            await cp.next("heartbeat", after=4, timeout=20)
            marks = sorted(datetime.fromisoformat(r.body["offline_mode_at"])
                           for r in cp.of("heartbeat"))
            gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(marks)]
            assert min(gaps) >= 0.9, f"heartbeats from more than one process: {gaps}"
            assert cp.refused == []
