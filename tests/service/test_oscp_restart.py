"""A service restart in the middle of a grid operator's block keeps the group capped
(issue 22): the forecast is stored before its 204 and read back at start, on a SQLite
file and on PostgreSQL — the same database, a new service."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AsyncExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pole_link.sim.clock import SimClock
from tests.oscp_support import capacity_provider
from tests.service.test_oscp_group_balancing import actual_a, charge, group_profile
from tests.support import connected_pole, postgres_schema, running_service, until

pytestmark = pytest.mark.asyncio

START = datetime(2026, 11, 25, 11, tzinfo=UTC)  # 12:00 in Amsterdam: outside the peak
GROUP = "cable-7"
POLE = "PW-0001"


@contextmanager
def database(kind: str, tmp_path: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'csms.sqlite'}"
        return
    with postgres_schema() as url:
        yield url


def fresh_admin_token(tmp_path: Path) -> None:
    """The test's API client needs a token it can read: the token file is made anew (the
    service keeps its database, OSCP key file and everything else)."""
    (tmp_path / "tokens.json").unlink()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database(request.param, tmp_path) as url:
        yield url


async def test_eis32_restart_mid_block_keeps_the_group_capped(tmp_path: Path,
                                                              db_url: str) -> None:
    clock = SimClock(START)
    block = {"group_id": GROUP, "type": "CONSUMPTION", "forecasted_blocks": [
        {"capacity": 12, "phase": "ALL", "unit": "A",
         "start_time": (START - timedelta(seconds=1)).isoformat(),
         "end_time": (START + timedelta(seconds=900)).isoformat()}]}
    async with AsyncExitStack() as outer:
        async with running_service(tmp_path, db_url, clock=clock.now) as before:
            provider = before.service.services.oscp
            _partner, initial = await provider.add_partner("enexis", "Enexis")
            await provider.set_group(POLE, GROUP)
            cp = await outer.enter_async_context(capacity_provider(before.url, initial))
            await cp.register()
            await cp.handshake(heartbeat_interval=60)
            await until(lambda: provider.partners.by_id["enexis"].base_url is not None)
            answer = await cp.call("update_group_capacity_forecast", block)
            assert answer.status_code == 204
            limit = provider.limit(GROUP)
            assert limit is not None and limit.amps == 12
        # The same database and key files, a new service: the cap is still in force.
        fresh_admin_token(tmp_path)
        async with running_service(tmp_path, db_url, clock=clock.now) as after:
            services = after.service.services
            limit = services.oscp.limit(GROUP)
            assert limit is not None and limit.amps == 12
            assert limit.end == START + timedelta(seconds=900)
            services.grid.raise_delay_s = 2.5
            async with connected_pole(after.service.ocpp_url, tmp_path, POLE,
                                      start=clock.now()) as connected:
                pole = connected.pole
                await charge(pole)
                await until(lambda: group_profile(pole) is not None, timeout=20)
                assert services.grid.states[GROUP].split.offers == {POLE: 12.0}
                await until(lambda: actual_a(pole) > 6, timeout=15)
                assert pole.limit_a() <= 12.0
                assert actual_a(pole) <= 12.0 + 0.05
            listed = await after.client.get("/api/v1/grid-groups")
            assert listed.json()[0]["limitA"] == 12


async def test_removing_a_capacity_provider_forgets_its_stored_forecasts(
        tmp_path: Path) -> None:
    clock = SimClock(START)
    block = {"group_id": GROUP, "type": "CONSUMPTION", "forecasted_blocks": [
        {"capacity": 20, "phase": "ALL", "unit": "A", "start_time": START.isoformat(),
         "end_time": (START + timedelta(seconds=900)).isoformat()}]}
    async with AsyncExitStack() as outer:
        async with running_service(tmp_path, clock=clock.now) as before:
            provider = before.service.services.oscp
            _partner, initial = await provider.add_partner("enexis", "Enexis")
            await provider.set_group(POLE, GROUP)
            cp = await outer.enter_async_context(capacity_provider(before.url, initial))
            await cp.register()
            await cp.handshake(heartbeat_interval=60)
            assert (await cp.call("update_group_capacity_forecast", block)).status_code == 204
            assert (await before.client.delete("/api/v1/oscp/partners/enexis")).is_success
        fresh_admin_token(tmp_path)
        async with running_service(tmp_path, clock=clock.now) as after:
            assert after.service.services.oscp.limit(GROUP) is None


