"""A reconnect storm does not make the service misjudge the poles' clocks (issue 20).

In a storm the service reads each pole's frames seconds after the pole sent them, so a
right clock looks seconds behind. Here the storm is the poles' calls it keeps in flight
(held on the service's real `CallBudget`, as its handlers hold them), and a frame read late
is a pole whose clock is that much behind: the service cannot tell the two apart, which is
the point. Service and poles run on clocks the tests set (`SimClock`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pole_link.sim.clock import SimClock
from pole_link.sim.vehicles import EvType
from service.ocpp.call_budget import BUSY_POLE_CALLS, CALM_AFTER_S
from service.ocpp.pole_handler import CsmsSettings
from tests.support import Api, connected_pole, running_service, until

NOW = datetime(2026, 12, 4, 14, 30, tzinfo=UTC)
READ_LATE = timedelta(seconds=2.5)
"""How late the 10,000-pole storm read the poles' frames (the 2–3 s "behind")."""


def clock_offset(api: Api, pole_id: str) -> float | None:
    pole = api.service.repository.get_pole(pole_id)
    assert pole is not None
    return pole.clock_offset_s


def triggers_sent(api: Api, pole_id: str) -> int:
    """The service's TriggerMessage calls to the pole (each sets off a Heartbeat)."""
    return sum(message.direction == "out" for message
               in api.service.repository.message_log(pole_id, "TriggerMessage"))


async def test_a_storm_of_late_frames_sets_no_clock_but_a_wrong_clock_is_set_once_calm(
        tmp_path: Path) -> None:
    service_clock = SimClock(NOW)
    async with running_service(tmp_path, clock=service_clock.now,
                               settings=CsmsSettings(deploy_capacity_profile=False)) as api:
        budget = api.service.services.budget
        url = api.service.ocpp_url
        storm = BUSY_POLE_CALLS + 1
        for _ in range(storm):  # the other poles' calls a storm keeps in flight
            budget.pole_call_started()
        now = service_clock.now
        async with connected_pole(url, tmp_path, "PW-SLOW",
                                  start=now() - timedelta(minutes=2)) as slow:
            async with (connected_pole(url, tmp_path, "PW-RIGHT", start=now() - READ_LATE),
                        connected_pole(url, tmp_path, "PW-FAST",
                                       start=now() + timedelta(minutes=2))):
                # Ahead is never a delay: that clock is judged (and set) even mid-storm;
                # its frames came after the others', so their judgement is done by now.
                await until(lambda: api.service.repository.get_pole("PW-FAST") is not None
                            and clock_offset(api, "PW-FAST") is not None)
                assert clock_offset(api, "PW-FAST") == pytest.approx(120, abs=2)
                await until(lambda: triggers_sent(api, "PW-FAST") == 1)
            # Behind by what a storm's delay explains: no offset stored, no time sync.
            assert clock_offset(api, "PW-RIGHT") is None
            assert clock_offset(api, "PW-SLOW") is None
            assert triggers_sent(api, "PW-RIGHT") == triggers_sent(api, "PW-SLOW") == 0

            # The storm is over; the pole truly 2 min behind is found and set.
            for _ in range(storm):
                budget.pole_call_done()
            service_clock.jump_to(now() + timedelta(seconds=CALM_AFTER_S))
            slow.pole.scheduler.advance(CALM_AFTER_S)  # its clock goes on, as wrong
            slow.client.adopt_csms_time = True
            slow.pole.plug(1, EvType.EV3)  # a StatusNotification with the pole's time
            await until(lambda: abs((slow.pole.clock.now() - now()).total_seconds()) < 2)
            assert triggers_sent(api, "PW-SLOW") == 1
            # What a helpdesk reads afterwards: the clock as it is now, right.
            slow.pole.unplug(1)  # its next timestamp, by the clock it was given
            await until(lambda: abs(clock_offset(api, "PW-SLOW") or 99) < 2)


def profile_deployments(api: Api, pole_id: str) -> list[str]:
    """The capacity policy's deployments to the pole, as the audit trail has them."""
    return [entry.result for entry in api.service.repository.audit_entries(pole_id=pole_id)
            if entry.action == "SetChargingProfile (capacity profile)"]


async def test_a_verification_answer_read_late_in_a_storm_sets_no_clock(
        tmp_path: Path) -> None:
    """The profile check reads the pole's own now in its GetCompositeSchedule answer; read
    late mid-storm, a right clock looks behind, and is not set. Ahead it still is."""
    service_clock = SimClock(NOW)
    async with running_service(tmp_path, clock=service_clock.now) as api:
        budget = api.service.services.budget
        url = api.service.ocpp_url
        for _ in range(BUSY_POLE_CALLS + 1):  # the other poles' calls a storm keeps in flight
            budget.pole_call_started()
        now = service_clock.now
        async with (connected_pole(url, tmp_path, "PW-RIGHT", start=now() - READ_LATE),
                    connected_pole(url, tmp_path, "PW-FAST",
                                   start=now() + timedelta(minutes=2))):
            await until(lambda: len(profile_deployments(api, "PW-RIGHT")) == 1
                        and len(profile_deployments(api, "PW-FAST")) == 1)
            assert profile_deployments(api, "PW-RIGHT") == ["Accepted verified"]
            assert clock_offset(api, "PW-RIGHT") is None
            assert triggers_sent(api, "PW-RIGHT") == 0
            assert clock_offset(api, "PW-FAST") == pytest.approx(120, abs=2)
            await until(lambda: triggers_sent(api, "PW-FAST") == 1)
