"""The capacity policy against the real CSMS and virtual poles over WebSockets (SPEC "Time")."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from pole_link.profiles.tender import TenderProfileSettings
from pole_link.sim.pole import VirtualPole
from service.ocpp.pole_handler import CsmsSettings
from service.policy.capacity import CapacityPolicy
from service.server import RunningService, start_service
from service.storage.repository import AsyncRepository
from tests.support import connected_pole as shared_connected_pole
from tests.support import until


@pytest.fixture
async def csms(tmp_path: Path) -> AsyncIterator[RunningService]:
    # The tests drive the policy themselves: no automatic deployment on boot here.
    service = await start_service(f"sqlite:///{tmp_path / 'csms.sqlite'}",
                                  settings=CsmsSettings(deploy_capacity_profile=False))
    yield service
    await service.stop()




def connections_of(csms: RunningService) -> Any:
    """The app's registry; start_service does not expose the app, uvicorn's config does."""
    app: Any = csms.server.config.app
    return app.state.connections


@asynccontextmanager
async def connected_pole(csms: RunningService, tmp_path: Path, pole_id: str,
                         start: datetime) -> AsyncIterator[VirtualPole]:
    async with shared_connected_pole(csms.ocpp_url, tmp_path, pole_id, start=start) as connected:
        await until(lambda: pole_id in connections_of(csms))
        yield connected.pole


def policy_for(csms: RunningService, pole: VirtualPole, **kwargs: Any) -> CapacityPolicy:
    """A policy whose clock is the pole's, so both agree on the local day."""
    return CapacityPolicy(connections_of(csms), AsyncRepository(csms.repository),
                          clock=pole.clock.now, **kwargs)


def limit_at(pole: VirtualPole, moment: datetime) -> float:
    pole.scheduler.advance((moment - pole.clock.now()).total_seconds())
    pole.refresh()
    return pole.limit_a()


WINTER_NOON = datetime(2026, 11, 25, 11, tzinfo=UTC)  # 12:00 Amsterdam (UTC+1)


async def test_eis24_deploy_is_accepted_verified_and_stored_and_limits_the_peak(
    csms: RunningService, tmp_path: Path
) -> None:
    async with connected_pole(csms, tmp_path, "PW-C1", WINTER_NOON) as pole:
        result = await policy_for(csms, pole).deploy("PW-C1")
        assert (result.status, result.verified, result.differences) == ("Accepted", True, [])
        assert result.local_day == date(2026, 11, 25)
        [record] = csms.repository.charging_profiles("PW-C1")
        assert record.connector_id == 0 and record.verified_at is not None
        # eis 69: the service's own action on the pole is in the audit trail.
        assert [(e.actor, e.result) for e in csms.repository.audit_entries(pole_id="PW-C1")
                if e.action.startswith("SetChargingProfile")] == [
            ("capacity policy", "Accepted verified")]
        assert limit_at(pole, datetime(2026, 11, 25, 16, 30, tzinfo=UTC)) == 7.0  # 17:30 local
        assert limit_at(pole, datetime(2026, 11, 25, 20, 30, tzinfo=UTC)) == 30.0  # 21:30 local


async def test_eis33_a_3x25_connection_still_verifies(
    csms: RunningService, tmp_path: Path
) -> None:
    async with connected_pole(csms, tmp_path, "PW-C2", WINTER_NOON) as pole:
        assert pole.configuration.change("GridConnectionMaxCurrent", "25") == "Accepted"
        result = await policy_for(csms, pole).deploy("PW-C2")
        assert (result.status, result.verified, result.differences) == ("Accepted", True, [])


async def test_a_pole_that_holds_something_else_shows_the_differences(
    csms: RunningService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with connected_pole(csms, tmp_path, "PW-C3", WINTER_NOON) as pole:
        original = pole.set_charging_profile

        def sloppy(connector_id: int, data: dict[str, Any]) -> Any:
            schedule = dict(data["chargingSchedule"])
            schedule["chargingSchedulePeriod"] = [
                {**p, "limit": 10.0 if p["limit"] == 7.0 else p["limit"]}
                for p in schedule["chargingSchedulePeriod"]]
            return original(connector_id, {**data, "chargingSchedule": schedule})

        monkeypatch.setattr(pole, "set_charging_profile", sloppy)
        result = await policy_for(csms, pole).deploy("PW-C3")
        assert (result.status, result.verified) == ("Accepted", False)
        assert result.differences == ["17:00–21:00: pole says 10.0 A, expected 7.0 A"]
        [record] = csms.repository.charging_profiles("PW-C3")
        assert record.verified_at is None


async def test_a_refused_stack_level_is_an_error_with_the_code(
    csms: RunningService, tmp_path: Path
) -> None:
    async with connected_pole(csms, tmp_path, "PW-C4", WINTER_NOON) as pole:
        policy = policy_for(csms, pole,
                            settings_for=lambda _: TenderProfileSettings(stack_level=9))
        result = await policy.deploy("PW-C4")
        assert (result.status, result.verified) == ("Error", False)
        assert "PropertyConstraintViolation" in result.differences[0]
        assert csms.repository.charging_profiles("PW-C4") == []


async def test_an_offline_pole_is_reported_at_once(csms: RunningService) -> None:
    policy = CapacityPolicy(connections_of(csms), AsyncRepository(csms.repository),
                            clock=lambda: WINTER_NOON)
    async with asyncio.timeout(2):
        result = await policy.deploy("PW-GONE")
    assert (result.status, result.verified) == ("Offline", False)
    assert await policy.on_boot("PW-GONE") is not None  # nothing stored: it tries


async def test_eis24_on_boot_after_a_dst_change_redeploys_and_moves_the_peak(
    csms: RunningService, tmp_path: Path
) -> None:
    async with connected_pole(csms, tmp_path, "PW-C5",
                              datetime(2026, 10, 24, 10, tzinfo=UTC)) as pole:
        policy = policy_for(csms, pole)
        first = await policy.deploy("PW-C5")
        assert first.verified and first.local_day == date(2026, 10, 24)
        assert await policy.on_boot("PW-C5") is None  # same day: still right
        pole.clock.jump_to(datetime(2026, 10, 25, 10, tzinfo=UTC))  # after 03:00 CEST→CET
        pole.refresh()
        again = await policy.on_boot("PW-C5")
        assert again is not None and again.local_day == date(2026, 10, 25)
        assert (again.status, again.verified) == ("Accepted", True)
        assert len(csms.repository.charging_profiles("PW-C5")) == 2
        assert await policy.on_boot("PW-C5") is None
        # 16:30 CET is 15:30 UTC: the stale profile would still have said 7 A there.
        assert limit_at(pole, datetime(2026, 10, 25, 15, 30, tzinfo=UTC)) == 30.0
        assert limit_at(pole, datetime(2026, 10, 25, 16, 30, tzinfo=UTC)) == 7.0


async def test_eis24_run_redeploys_at_local_midnight_before_the_dst_change(
    csms: RunningService, tmp_path: Path
) -> None:
    async with connected_pole(csms, tmp_path, "PW-C6",
                              datetime(2026, 10, 24, 21, 59, 50, tzinfo=UTC)) as pole:
        slept: list[float] = []

        async def sleep(seconds: float) -> None:
            slept.append(seconds)
            if seconds < 3600:  # move the pole (and so the policy) to the re-deploy time
                pole.scheduler.advance(seconds)
                await asyncio.sleep(0)
            else:
                await asyncio.Event().wait()

        policy = policy_for(csms, pole, sleep=sleep)
        task = asyncio.create_task(policy.run())
        try:
            await until(lambda: any(r.verified_at is not None
                                    for r in csms.repository.charging_profiles("PW-C6")))
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        assert slept[0] == pytest.approx(10, abs=1)
        [record] = csms.repository.charging_profiles("PW-C6")
        assert '"startSchedule": "2026-10-24T22:00:00' in record.profile
