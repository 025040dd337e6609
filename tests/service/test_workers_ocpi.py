"""OCPI (issue 21) with ``paalwerk service --workers 2`` on PostgreSQL: an eMSP's calls —
each on a fresh connection, so the kernel hands them to either process — reach poles held
by either process: a token it pushed works at a pole, a START_SESSION command starts a
charge, a charging profile becomes the pole's TxProfile and its active profile is read
back, and a limit the operator lowers later is pushed to the eMSP — whichever process took
the call and whichever holds the pole.

The real command in a process of its own (like `test_workers_oscp.py`), the stand-in eMSP
over HTTP and two virtual poles over real OCPP.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pole_link.sim.vehicles import EvType
from service.ocpi.models import ActiveChargingProfileResult, ChargingProfileResult, CommandResult
from tests.service.ocpi_emsp import Emsp, running_emsp
from tests.service.test_ocpi_charging_profiles import active_limits
from tests.support import connected_pole, postgres_schema, until
from tests.workers_support import two_workers

pytestmark = pytest.mark.asyncio

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)  # outside the 17:00–21:00 peak
LIMITS = (28.0, 10.0)
"""What the eMSP asks for the sessions at PW-0001 and PW-0002."""
ROUNDS = 6
"""Active-profile reads per pole: fresh connections spread over both processes, so some
of them reach the process that does not hold the pole (all missing it: 1 in 2**6)."""


@pytest.fixture
def pg_url() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


def posted(emsp: Emsp, path: str) -> dict[str, object] | None:
    return next((push.body for push in emsp.pushes if push.path == path), None)


async def test_eis62_with_two_workers_an_emsp_reaches_poles_held_by_either_process(
        pg_url: str, tmp_path: Path) -> None:
    async with two_workers(pg_url, tmp_path) as workers, running_emsp() as emsp, \
            AsyncExitStack() as stack:
        async with workers.api() as client:
            invited = await client.post("/api/v1/ocpi/partners/invite",
                                        json={"name": "Stand-in eMSP"})
        assert invited.status_code == 200, invited.text
        await emsp.register_with(f"{workers.base_url}/ocpi/versions",
                                 invited.json()["tokenA"])
        card = await emsp.push_token(emsp.token("04A1B2C3D4E5", "ALWAYS"))
        assert card.status_code == 200, card.text
        poles = [(await stack.enter_async_context(connected_pole(
            workers.ocpp_url, tmp_path, pole_id, start=NOW))).pole
            for pole_id in ("PW-0001", "PW-0002")]
        for pole in poles:
            pole.plug(1, EvType.EV3)

        # The token pushed through one process works at a pole, wherever it is held.
        poles[0].present_card(1, "04A1B2C3D4E5")
        # A command through either process starts a charge at the other pole.
        commands = emsp.cpo_url("commands", "RECEIVER")
        started = await emsp.call("POST", f"{commands}/START_SESSION", body={
            "response_url": f"{emsp.base}/emsp/2.2.1/commands/start-2",
            "token": emsp.token("APP-USER-7", "ALLOWED"), "location_id": "PW-0002",
            "evse_uid": "PW-0002-1"})
        assert started.json()["data"]["result"] == "ACCEPTED", started.text
        await until(lambda: posted(emsp, "commands/start-2") is not None, timeout=30)
        assert CommandResult.model_validate(posted(emsp, "commands/start-2")).result == \
            "ACCEPTED"
        for pole in poles:
            await until(lambda pole=pole: pole.socket(1).transaction is not None  # type: ignore[misc]
                        and pole.socket(1).transaction.csms_id is not None, timeout=30)
        sessions = [str(pole.socket(1).transaction.csms_id)  # type: ignore[union-attr]
                    for pole in poles]

        # Each session's charging profile reaches its pole as a TxProfile.
        profiles = emsp.cpo_url("chargingprofiles", "RECEIVER")
        for number, (session, limit) in enumerate(zip(sessions, LIMITS, strict=True),
                                                  start=1):
            answer = await emsp.call("PUT", f"{profiles}/{session}", body={
                "response_url": f"{emsp.base}/emsp/2.2.1/profiles/set-{number}",
                "charging_profile": {"charging_rate_unit": "A", "charging_profile_period": [
                    {"start_period": 0, "limit": limit}]}})
            assert answer.json()["data"]["result"] == "ACCEPTED", answer.text
        for number, (pole, limit) in enumerate(zip(poles, LIMITS, strict=True), start=1):
            await until(lambda number=number: posted(  # type: ignore[misc]
                emsp, f"profiles/set-{number}") is not None, timeout=30)
            assert ChargingProfileResult.model_validate(
                posted(emsp, f"profiles/set-{number}")).result == "ACCEPTED"
            pole.scheduler.advance(60)  # past the eis 64 start-up grace
            await until(lambda pole=pole, limit=limit:  # type: ignore[misc]
                        pole.socket(1).offered_a <= limit, timeout=30)

        # The first pole's connection turns out to be 3x25 A: whichever process takes the
        # operator's call redeploys it, and the eMSP that asked 28 A hears of 25 A — the
        # process that took the eMSP's profile shared that it follows the session.
        async with workers.api() as client:
            changed = await client.put("/api/v1/poles/PW-0001/settings",
                                       json={"connectionSize": "3x25"})
        assert changed.status_code == 200, changed.text
        await until(lambda: 25.0 in active_limits(emsp, sessions[0]), timeout=30)

        # Reading the active profile back works through either process, every time.
        for number, session in enumerate(sessions, start=1):
            for round_ in range(ROUNDS):
                name = f"profiles/get-{number}-{round_}"
                asked = await emsp.call(
                    "GET", f"{profiles}/{session}?duration=900&response_url="
                           f"{emsp.base}/emsp/2.2.1/{name}")
                assert asked.json()["data"]["result"] == "ACCEPTED", asked.text
                await until(lambda name=name: posted(emsp, name) is not None,  # type: ignore[misc]
                            timeout=30)
                result = ActiveChargingProfileResult.model_validate(posted(emsp, name))
                assert result.result == "ACCEPTED" and result.profile is not None
                periods = result.profile.charging_profile.charging_profile_period or []
                assert periods and periods[0].limit <= LIMITS[number - 1]
