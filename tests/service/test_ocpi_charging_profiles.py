"""Charging profiles from an eMSP (issue 21, eis 62): a SetChargingProfile for a running
session reaches the virtual pole as an OCPP TxProfile and the socket's offer follows it;
the active profile is read back from the pole's composite schedule; clearing it restores
the pole's own limit. Each answered at once, its result POSTed to the response_url."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pole_link.sim.pole import VirtualPole
from pole_link.sim.vehicles import EvType
from service.ocpi.models import (
    ActiveChargingProfile,
    ActiveChargingProfileResult,
    ChargingProfileResponse,
    ChargingProfileResult,
)
from service.ocpp.pole_handler import CsmsSettings
from tests.service.ocpi_emsp import Emsp, running_emsp
from tests.service.test_ocpi_locations import registered_emsp
from tests.support import (
    audited,
    connected_pole,
    eventually,
    postgres_schema,
    running_service,
    until,
)

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)  # outside the 17:00–21:00 peak


async def charging_on_the_emsp_card(pole: VirtualPole) -> str:
    """A vehicle on socket 1 started with the eMSP's card: the session id the CSMS gave."""
    pole.plug(1, EvType.EV3)
    pole.present_card(1, "04A1B2C3D4E5")
    await until(lambda: pole.socket(1).transaction is not None
                and pole.socket(1).transaction.csms_id is not None)
    return str(pole.socket(1).transaction.csms_id)  # type: ignore[union-attr]


def posted(emsp: Emsp, name: str) -> dict[str, object] | None:
    return next((push.body for push in emsp.pushes if push.path == f"profiles/{name}"), None)


async def test_eis62_an_emsp_charging_profile_reaches_the_pole_as_a_tx_profile(
        tmp_path: Path) -> None:
    settings = CsmsSettings(accept_unknown_id_tags=False)
    async with running_service(tmp_path, settings=settings) as api, running_emsp() as emsp:
        await registered_emsp(api, emsp)
        await emsp.push_token(emsp.token("04A1B2C3D4E5", "ALWAYS"))
        profiles = emsp.cpo_url("chargingprofiles", "RECEIVER")
        async with connected_pole(api.service.ocpp_url, tmp_path, start=NOW) as connected:
            pole = connected.pole
            session_id = await charging_on_the_emsp_card(pole)
            await until(lambda: pole.socket(1).offered_a > 16)

            response = await emsp.call("PUT", f"{profiles}/{session_id}", body={
                "response_url": f"{emsp.base}/emsp/2.2.1/profiles/set-1",
                "charging_profile": {"charging_rate_unit": "A", "charging_profile_period": [
                    {"start_period": 0, "limit": 10.0}]}})
            immediate = ChargingProfileResponse.model_validate(response.json()["data"])
            assert immediate.result == "ACCEPTED"
            await until(lambda: posted(emsp, "set-1") is not None)
            assert ChargingProfileResult.model_validate(posted(emsp, "set-1")).result == \
                "ACCEPTED"
            store = api.service.services.ocpi_profiles.store  # type: ignore[union-attr]
            assert store is not None
            [row] = await store.listed()  # followed after a restart too
            assert (row.transaction_id, row.asked) == (int(session_id), 10.0)
            pole.scheduler.advance(60)  # past the eis 64 start-up grace (30 s)
            await until(lambda: pole.socket(1).offered_a <= 10.0)
            # The eMSP is told the limits the pole really applies (its Sender interface).
            pushed = [push for push in emsp.pushes
                      if push.method == "PUT" and push.path == f"chargingprofiles/{session_id}"]
            assert pushed, "the active charging profile was not pushed"
            active_pushed = ActiveChargingProfile.model_validate(pushed[0].body)
            assert (active_pushed.charging_profile.charging_profile_period or [])[0].limit \
                <= 10.0

            active = await emsp.call(
                "GET", f"{profiles}/{session_id}?duration=900&response_url="
                       f"{emsp.base}/emsp/2.2.1/profiles/get-1")
            assert active.json()["data"]["result"] == "ACCEPTED"
            await until(lambda: posted(emsp, "get-1") is not None)
            result = ActiveChargingProfileResult.model_validate(posted(emsp, "get-1"))
            assert result.result == "ACCEPTED" and result.profile is not None
            periods = result.profile.charging_profile.charging_profile_period or []
            assert periods and periods[0].limit <= 10.0

            cleared = await emsp.call(
                "DELETE", f"{profiles}/{session_id}?response_url="
                          f"{emsp.base}/emsp/2.2.1/profiles/clear-1")
            assert cleared.json()["data"]["result"] == "ACCEPTED"
            await until(lambda: posted(emsp, "clear-1") is not None)
            assert ChargingProfileResult.model_validate(posted(emsp, "clear-1")).result == \
                "ACCEPTED"
            assert await store.listed() == []  # the eMSP no longer shapes the session
            await until(lambda: pole.socket(1).offered_a > 16)

            unknown = await emsp.call("PUT", f"{profiles}/999999", body={
                "response_url": f"{emsp.base}/emsp/2.2.1/profiles/set-2",
                "charging_profile": {"charging_rate_unit": "A"}})
            assert unknown.json()["data"]["result"] == "UNKNOWN_SESSION"


def active_limits(emsp: Emsp, session_id: str) -> list[float]:
    """The limit in force of every ActiveChargingProfile pushed to the eMSP, in order."""
    return [(ActiveChargingProfile.model_validate(push.body).charging_profile
             .charging_profile_period or [])[0].limit
            for push in emsp.pushes
            if push.method == "PUT" and push.path == f"chargingprofiles/{session_id}"]


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
async def test_eis62_the_peak_lowering_an_emsp_session_is_pushed_and_the_cap_audited(
        tmp_path: Path, database: str) -> None:
    # 15:00 UTC is 16:00 in Amsterdam: an hour before the tender's peak (3x7 A).
    before_peak = datetime(2026, 12, 4, 15, tzinfo=UTC)
    settings = CsmsSettings(accept_unknown_id_tags=False)
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(postgres_schema()) if database == "postgresql" else None
        await peak_lowers_the_session(tmp_path, url, settings, before_peak)


async def peak_lowers_the_session(tmp_path: Path, url: str | None, settings: CsmsSettings,
                                  before_peak: datetime) -> None:
    async with running_service(tmp_path, url, settings=settings, clock=lambda: before_peak) \
            as api, running_emsp() as emsp:
        await registered_emsp(api, emsp)
        await emsp.push_token(emsp.token("04A1B2C3D4E5", "ALWAYS"))
        profiles = emsp.cpo_url("chargingprofiles", "RECEIVER")
        async with connected_pole(api.service.ocpp_url, tmp_path, start=before_peak) \
                as connected:
            pole = connected.pole
            session_id = await charging_on_the_emsp_card(pole)
            await emsp.call("PUT", f"{profiles}/{session_id}", body={
                "response_url": f"{emsp.base}/emsp/2.2.1/profiles/set-16",
                "charging_profile": {"charging_rate_unit": "A", "charging_profile_period": [
                    {"start_period": 0, "limit": 16.0}]}})
            await until(lambda: posted(emsp, "set-16") is not None)
            assert ChargingProfileResult.model_validate(posted(emsp, "set-16")).result == \
                "ACCEPTED"
            await until(lambda: active_limits(emsp, session_id) == [16.0])
            assert not audited(api.service.services.repository.engine,
                               "chargingprofiles capped")

            pole.scheduler.advance(75 * 60)  # 17:15 in Amsterdam: the peak
            await until(lambda: pole.socket(1).offered_a <= 7.0)
            # The pole's next meter values tell the CSMS; the eMSP hears the new limit.
            await until(lambda: active_limits(emsp, session_id)[-1:] == [7.0])
            assert active_limits(emsp, session_id) == [16.0, 7.0]
            capped = audited(api.service.services.repository.engine,
                             "chargingprofiles capped")
            assert len(capped) == 1
            assert f"session {session_id} asks 16 A; the pole gives 7 A" in capped[0]


async def test_eis62_new_pole_settings_lowering_an_emsp_session_are_pushed_at_once(
        tmp_path: Path) -> None:
    settings = CsmsSettings(accept_unknown_id_tags=False)
    async with running_service(tmp_path, settings=settings, clock=lambda: NOW) as api, \
            running_emsp() as emsp:
        await registered_emsp(api, emsp)
        await emsp.push_token(emsp.token("04A1B2C3D4E5", "ALWAYS"))
        profiles = emsp.cpo_url("chargingprofiles", "RECEIVER")
        async with connected_pole(api.service.ocpp_url, tmp_path, start=NOW) as connected:
            pole = connected.pole
            session_id = await charging_on_the_emsp_card(pole)
            await emsp.call("PUT", f"{profiles}/{session_id}", body={
                "response_url": f"{emsp.base}/emsp/2.2.1/profiles/set-28",
                "charging_profile": {"charging_rate_unit": "A", "charging_profile_period": [
                    {"start_period": 0, "limit": 28.0}]}})
            await until(lambda: active_limits(emsp, session_id) == [28.0])

            # The operator records that the pole's connection is 3x25 A (eis 24/33): the
            # CSMS redeploys its capacity profile, and the eMSP hears of the new limit
            # without waiting for the pole's next meter values (its clock stands still).
            answer = await api.client.put("/api/v1/poles/PW-0001/settings",
                                          json={"connectionSize": "3x25"})
            assert answer.status_code == 200, answer.text
            await until(lambda: active_limits(emsp, session_id) == [28.0, 25.0])
            [capped] = audited(api.service.services.repository.engine,
                               "chargingprofiles capped")
            assert f"session {session_id} asks 28 A; the pole gives 25 A" in capped


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
async def test_eis62_an_emsp_session_is_still_followed_after_a_service_restart(
        tmp_path: Path, database: str) -> None:
    """The eMSP sets 16 A, the service is stopped and started again on the same database
    (and port, so the pole reconnects); the peak then lowers the pole to 7 A and the
    restarted service still tells the eMSP."""
    before_peak = datetime(2026, 12, 4, 15, tzinfo=UTC)  # 16:00 in Amsterdam
    settings = CsmsSettings(accept_unknown_id_tags=False)
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(postgres_schema()) if database == "postgresql" \
            else f"sqlite:///{tmp_path / 'csms.sqlite'}"
        async with contextlib.AsyncExitStack() as outer:
            emsp = await outer.enter_async_context(running_emsp())
            async with running_service(tmp_path, url, settings=settings,
                                       clock=lambda: before_peak) as before:
                await registered_emsp(before, emsp)
                await emsp.push_token(emsp.token("04A1B2C3D4E5", "ALWAYS"))
                connected = await outer.enter_async_context(connected_pole(
                    before.service.ocpp_url, tmp_path, start=before_peak))
                pole = connected.pole
                session_id = await charging_on_the_emsp_card(pole)
                await emsp.call("PUT", f"{emsp.cpo_url('chargingprofiles', 'RECEIVER')}/"
                                       f"{session_id}", body={
                    "response_url": f"{emsp.base}/emsp/2.2.1/profiles/set-16",
                    "charging_profile": {"charging_rate_unit": "A",
                                         "charging_profile_period": [
                                             {"start_period": 0, "limit": 16.0}]}})
                await until(lambda: active_limits(emsp, session_id) == [16.0])
                port = before.service.port
            (tmp_path / "tokens.json").unlink()  # the test client's token, made anew
            async with running_service(tmp_path, url, settings=settings,
                                       clock=lambda: before_peak, port=port) as after:
                await until(lambda: connected.client.connections >= 2
                            and connected.client.connected)
                pole.scheduler.advance(75 * 60)  # 17:15 in Amsterdam: the peak
                await until(lambda: pole.socket(1).offered_a <= 7.0)
                await until(lambda: active_limits(emsp, session_id)[-1:] == [7.0])
                capped = audited(after.service.services.repository.engine,
                                 "chargingprofiles capped")
                assert f"session {session_id} asks 16 A; the pole gives 7 A" in capped[-1]
                # The session ends: nothing more to tell, not after a next restart either.
                store = after.service.services.ocpi_profiles.store  # type: ignore[union-attr]
                assert store is not None
                assert [row.transaction_id for row in await store.listed()] == \
                    [int(session_id)]
                pole.unplug(1)

                async def forgotten() -> bool:
                    return not await store.listed()
                await eventually(forgotten)
