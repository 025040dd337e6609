"""PoleSession's typed calls against a virtual pole over a real pseudo-terminal."""

from __future__ import annotations

import pytest
from ocpp.v16.enums import AvailabilityType, MessageTrigger, ResetType

from pole_link.errors import CallError, NotAuthorised
from pole_link.profiles import TenderProfileSettings, build_capacity_profile
from pole_link.session import PoleSession
from tests.conftest import ServedPole


@pytest.fixture
async def technician(session: PoleSession) -> PoleSession:
    await session.authenticate("demo")
    return session


def absolute_max_profile(limit: float, stack_level: int = 0, profile_id: int = 7) -> dict:
    return {
        "chargingProfileId": profile_id, "stackLevel": stack_level,
        "chargingProfilePurpose": "ChargePointMaxProfile", "chargingProfileKind": "Absolute",
        "chargingSchedule": {"chargingRateUnit": "A", "startSchedule": "2020-01-01T00:00:00Z",
                             "chargingSchedulePeriod": [{"startPeriod": 0, "limit": limit}]},
    }


async def test_profile_installed_shows_in_composite_schedule_and_clears(
    technician: PoleSession,
) -> None:
    result = await technician.set_charging_profile(0, absolute_max_profile(16.0))
    assert result.status == "Accepted"
    composite = await technician.composite_schedule(0, 3600)
    assert composite["status"] == "Accepted"
    periods = composite["chargingSchedule"]["chargingSchedulePeriod"]
    assert periods == [{"startPeriod": 0, "limit": 16.0}]
    assert (await technician.clear_charging_profile(profile_id=7)).status == "Accepted"
    composite = await technician.composite_schedule(0, 3600)
    assert composite["chargingSchedule"]["chargingSchedulePeriod"] == [
        {"startPeriod": 0, "limit": 30.0}]  # the grid connection alone


async def test_tender_profile_reads_back_through_composite(technician: PoleSession,
                                                           served_pole: ServedPole) -> None:
    today = served_pole.pole.clock.now().date()
    profile = build_capacity_profile(TenderProfileSettings(), today).to_ocpp()
    assert (await technician.set_charging_profile(0, profile)).status == "Accepted"
    composite = await technician.composite_schedule(0, 86_400)
    limits = {p["limit"] for p in composite["chargingSchedule"]["chargingSchedulePeriod"]}
    assert limits == {30.0, 7.0}


async def test_profile_over_the_poles_limits_is_explained(technician: PoleSession) -> None:
    with pytest.raises(CallError) as too_high:
        await technician.set_charging_profile(0, absolute_max_profile(16.0, stack_level=99))
    assert too_high.value.code == "PropertyConstraintViolation"
    assert "ChargeProfileMaxStackLevel" in too_high.value.description
    tx = absolute_max_profile(10.0) | {"chargingProfilePurpose": "TxProfile"}
    assert (await technician.set_charging_profile(1, tx)).status == "Rejected"  # no transaction


async def test_remote_actions_answer_with_ocpp_statuses(technician: PoleSession,
                                                        served_pole: ServedPole) -> None:
    assert await technician.remote_start(1, "REMOTE-1") == "Accepted"
    assert served_pole.pole.socket(1).authorised_tag == "REMOTE-1"
    assert await technician.change_availability(2, AvailabilityType.inoperative) == "Accepted"
    assert served_pole.pole.socket(2).status == "Unavailable"
    assert await technician.unlock(2) == "Unlocked"
    assert await technician.remote_stop(12345) == "Rejected"
    assert await technician.reset(ResetType.soft) == "Accepted"
    # No CSMS is configured yet, so a trigger has nowhere to go.
    assert await technician.trigger(MessageTrigger.status_notification, 1) == "Rejected"


async def test_reset_ends_the_service_session(technician: PoleSession) -> None:
    await technician.reset(ResetType.hard)
    # The raw link, because the session itself would quietly authorise again.
    with pytest.raises(NotAuthorised):
        await technician.link.call("UnlockConnector", {"connectorId": 1})


async def test_hello_reports_the_firmware_the_pole_runs_now(served_pole: ServedPole,
                                                            session: PoleSession) -> None:
    served_pole.pole.firmware_version = "pw2-1.4.0"
    identity = await session.hello()
    assert identity.firmware_version == "pw2-1.4.0"
