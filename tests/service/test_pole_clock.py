"""A pole's clock against the CSMS's: measured, shown, set, and never a false "verified".

Service and poles run on clocks the tests set (`SimClock`), never on today's date.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pole_link.sim.clock import SimClock
from pole_link.sim.vehicles import EvType
from service.ocpp.pole_handler import CsmsSettings
from tests.support import Api, ConnectedPole, connected_pole, running_service, until

NOW = datetime(2026, 12, 4, 14, 30, tzinfo=UTC)  # 15:30 in Amsterdam, a winter Friday
DAY = timedelta(days=1)


def limit_at_pole_time(pole: object, moment: datetime) -> float:
    """Run the pole to `moment` on its own clock and read its pole-wide limit."""
    from pole_link.sim.pole import VirtualPole

    assert isinstance(pole, VirtualPole)
    pole.scheduler.advance((moment - pole.clock.now()).total_seconds())
    pole.refresh()
    return pole.limit_a()


@asynccontextmanager
async def service_and_pole(tmp_path: Path, service_now: datetime, pole_id: str,
                           pole_start: datetime, *, deploy_on_boot: bool = False,
                           ) -> AsyncIterator[tuple[Api, ConnectedPole]]:
    """A CSMS on its own clock and one virtual pole on another (that keeps it)."""
    settings = CsmsSettings(deploy_capacity_profile=deploy_on_boot)
    async with (running_service(tmp_path, clock=SimClock(service_now).now,
                                settings=settings) as api,
                connected_pole(api.service.ocpp_url, tmp_path, pole_id,
                               start=pole_start) as connected):
        yield api, connected


async def pole_offset(api: Api, pole_id: str) -> float | None:
    answer = await api.client.get(f"/api/v1/poles/{pole_id}")
    assert answer.status_code == 200
    offset = answer.json()["clock_offset_s"]
    return None if offset is None else float(offset)


async def test_eis24_a_pole_nine_days_behind_limits_its_evening_and_its_clock_is_shown(
        tmp_path: Path) -> None:
    async with service_and_pole(tmp_path, NOW, "PW-LATE", NOW - 9 * DAY,
                                deploy_on_boot=True) as (api, connected):
        repository = api.service.repository
        await until(lambda: any(r.verified_at is not None
                                for r in repository.charging_profiles("PW-LATE")))
        offset = await pole_offset(api, "PW-LATE")
        assert offset == pytest.approx(-9 * 86_400, abs=5)
        # 17:30 on the pole's own (wrong) day: the peak holds there too.
        evening = datetime(2026, 11, 25, 16, 30, tzinfo=UTC)
        assert limit_at_pole_time(connected.pole, evening) == 7.0


async def test_eis24_a_pole_behind_the_last_dst_change_is_not_verified_and_says_why(
        tmp_path: Path) -> None:
    """Its clock puts today's profile in its future: the pole would charge at 30 A."""
    service_now = datetime(2026, 11, 1, 11, tzinfo=UTC)  # after the 25 October change
    async with service_and_pole(tmp_path, service_now, "PW-OLD",
                                service_now - 9 * DAY) as (api, connected):
        result = await api.service.policy.deploy("PW-OLD")
        assert (result.status, result.verified) == ("Accepted", False)
        assert result.differences[0] == "the pole's clock is 9 days behind"
        assert "17:00–21:00: pole says 30.0 A, expected 7.0 A" in result.differences
        assert result.clock_offset_s == pytest.approx(-9 * 86_400, abs=5)
        [record] = api.service.repository.charging_profiles("PW-OLD")
        assert record.verified_at is None
        # And that is what the pole does: its 17:30 CEST on 23 October is not limited.
        assert limit_at_pole_time(connected.pole,
                                  datetime(2026, 10, 23, 15, 30, tzinfo=UTC)) == 30.0


async def test_eis24_a_pole_hours_off_limits_the_wrong_hours_and_is_not_verified(
        tmp_path: Path) -> None:
    async with service_and_pole(tmp_path, NOW, "PW-SKEW",
                                NOW - 9 * DAY - timedelta(hours=2)) as (api, _):
        result = await api.service.policy.deploy("PW-SKEW")
    assert (result.status, result.verified) == ("Accepted", False)
    assert result.differences == [
        "the pole's clock is 9 days 2 h behind",
        "17:00–19:00: pole says 30.0 A, expected 7.0 A",  # its 17:00 is our 19:00
        "21:00–23:00: pole says 7.0 A, expected 30.0 A",
    ]


async def test_eis24_a_pole_with_the_right_clock_is_verified_and_shows_no_offset(
        tmp_path: Path) -> None:
    async with service_and_pole(tmp_path, NOW, "PW-RIGHT", NOW) as (api, _):
        result = await api.service.policy.deploy("PW-RIGHT")
        assert (result.status, result.verified, result.differences) == (
            "Accepted", True, [])
        assert abs(await pole_offset(api, "PW-RIGHT") or 99) < 2


async def test_the_service_sets_a_pole_clock_that_is_behind_through_the_heartbeat(
        tmp_path: Path) -> None:
    """OCPP 1.6 sets a clock only through currentTime: at boot, and by a triggered Heartbeat
    when the service sees the clock is off."""
    service_clock = SimClock(NOW)
    async with running_service(tmp_path, clock=service_clock.now,
                               settings=CsmsSettings(deploy_capacity_profile=False)) as api:
        async with connected_pole(api.service.ocpp_url, tmp_path, "PW-SET",
                                  start=NOW - timedelta(hours=1), adopt_csms_time=True) as on:
            # At boot: the BootNotification's currentTime.
            assert abs((on.pole.clock.now() - service_clock.now()).total_seconds()) < 2
        async with connected_pole(api.service.ocpp_url, tmp_path, "PW-DRIFT",
                                  start=NOW - timedelta(hours=1)) as drifting:
            await until(lambda: api.service.repository.get_pole("PW-DRIFT") is not None
                        and api.service.repository.get_pole("PW-DRIFT").clock_offset_s
                        is not None)
            # The pole now listens; an hour later the service sees it is still behind.
            drifting.client.adopt_csms_time = True
            service_clock.jump_to(service_clock.now() + timedelta(hours=1))
            drifting.pole.plug(1, EvType.EV3)  # a StatusNotification with the pole's time
            await until(lambda: abs((drifting.pole.clock.now()
                                     - service_clock.now()).total_seconds()) < 2)
