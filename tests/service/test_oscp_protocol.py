"""OSCP 2.0 as the Flexibility Provider (issue 22; eis 32, 63): a grid operator's system
registers, shakes hands, beats and sends forecasts over real HTTP both ways."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from service.oscp.partners import PartnerState
from service.oscp.provider import FlexibilityProvider
from tests.oscp_support import capacity_provider
from tests.support import Api, running_service, until

pytestmark = pytest.mark.asyncio


def provider_of(api: Api) -> FlexibilityProvider:
    return api.service.services.oscp


def block(start: datetime, minutes: int, amps: float, unit: str = "A") -> dict[str, object]:
    return {"capacity": amps, "phase": "ALL", "unit": unit, "start_time": start.isoformat(),
            "end_time": (start + timedelta(minutes=minutes)).isoformat()}


async def test_eis63_grid_operator_registers_shakes_hands_and_beats(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with running_service(tmp_path) as api:
        fp = provider_of(api)
        fp.heartbeat_interval_s = 30
        partner, initial = fp.partners.add("enexis", "Enexis")
        async with capacity_provider(api.url, initial) as cp:
            await cp.register()
            assert cp.of("register")[0].headers["authorization"] == f"Token {cp.token}"
            back = cp.of("register")[0].body
            assert back["version_url"] == [{"version": "2.0",
                                            "base_url": f"{api.url}/oscp/fp/2.0"}]
            # The initial token only registers: once replaced it is refused, and recorded.
            stale = await cp.call("heartbeat", {"offline_mode_at": "2030-01-01T00:00:00Z"},
                                  token=initial)
            assert stale.status_code == 401
            assert fp.partners.refusals[-1].reason == "unknown or replaced token"

            ack = await cp.handshake(heartbeat_interval=1)
            assert ack.headers["x-correlation-id"] == "handshake-1"
            assert ack.body["required_behaviour"]["heartbeat_interval"] == 30
            assert partner.state is PartnerState.HANDSHAKEN

            beat = await cp.call("heartbeat", {"offline_mode_at": (
                datetime.now(UTC) + timedelta(minutes=1)).isoformat()})
            assert beat.status_code == 204 and beat.content == b""
            assert partner.state is PartnerState.ONLINE
            ours = await cp.next("heartbeat")  # we beat every second, as it asked
            assert datetime.fromisoformat(ours.body["offline_mode_at"]) > datetime.now(UTC)
            await cp.next("heartbeat", after=1)

            forecast = await cp.call("update_group_capacity_forecast", {
                "group_id": "cable-7", "type": "CONSUMPTION",
                "forecasted_blocks": [block(datetime.now(UTC) - timedelta(minutes=1), 30,
                                            40)]})
            assert forecast.status_code == 204
            limit = fp.limit("cable-7")
            assert limit is not None and limit.amps == 40
            assert cp.refused == []
        text = caplog.text
        assert cp.token not in text and initial not in text and cp.fp_token not in text


async def test_eis63_requests_without_token_or_request_id_are_refused_and_recorded(
        tmp_path: Path) -> None:
    async with running_service(tmp_path) as api:
        fp = provider_of(api)
        _partner, initial = fp.partners.add("liander", "Liander")
        async with capacity_provider(api.url, initial) as cp:
            no_id = await cp.http.post(f"{cp.fp_url}/heartbeat", json={},
                                       headers={"Authorization": f"Token {initial}"})
            assert no_id.status_code == 400
            assert "X-Request-ID" in no_id.json()["message"]
            wrong = await cp.call("register", {"token": "x" * 20, "version_url": [
                {"version": "2.0", "base_url": cp.url}]}, token="guessed-token")
            assert wrong.status_code == 401
            # Before registering, the initial token opens nothing but register.
            early = await cp.call("handshake", {"required_behaviour": {}})
            assert early.status_code == 403
            assert [r.path for r in fp.partners.refusals] == [
                "/oscp/fp/2.0/heartbeat", "/oscp/fp/2.0/register", "/oscp/fp/2.0/handshake"]
            old = await cp.call("register", {"token": "x" * 20, "version_url": [
                {"version": "1.0", "base_url": cp.url}]})
            assert old.status_code == 400 and "2.0" in old.json()["message"]


async def test_eis63_partner_whose_heartbeats_stop_goes_offline(tmp_path: Path) -> None:
    async with running_service(tmp_path) as api:
        fp = provider_of(api)
        fp.tick_s = 0.05
        partner, initial = fp.partners.add("stedin", "Stedin")
        async with capacity_provider(api.url, initial) as cp:
            await cp.register()
            await cp.handshake(heartbeat_interval=60)
            await cp.call("heartbeat", {"offline_mode_at": (
                datetime.now(UTC) + timedelta(seconds=0.5)).isoformat()})
            assert partner.state is PartnerState.ONLINE
            await until(lambda: partner.state is PartnerState.OFFLINE)
            # A later heartbeat brings it back.
            await cp.call("heartbeat", {"offline_mode_at": (
                datetime.now(UTC) + timedelta(minutes=5)).isoformat()})
            assert partner.state is PartnerState.ONLINE


async def test_eis63_group_measurements_sent_from_the_poles_meter_values(
        tmp_path: Path) -> None:
    async with running_service(tmp_path) as api:
        fp = provider_of(api)
        _partner, initial = fp.partners.add("enexis", "Enexis")
        repository = api.service.repository
        at = datetime(2026, 12, 1, 12, tzinfo=UTC)
        for pole_id, wh in (("PW-0001", 1000.0), ("PW-0002", 2500.0)):
            repository.upsert_pole(pole_id)
            energy = {"pole_id": pole_id, "measurand": "Energy.Active.Import.Register"}
            repository.add_meter_values([
                energy | {"connector_id": 1, "timestamp": at - timedelta(hours=1),
                          "value": 10.0, "unit": "Wh"},
                energy | {"connector_id": 1, "timestamp": at, "value": wh, "unit": "Wh"},
                energy | {"connector_id": 2, "timestamp": at, "value": 1.5, "unit": "kWh"},
                {"pole_id": pole_id, "connector_id": 1, "timestamp": at, "value": 16.0,
                 "unit": "A", "measurand": "Current.Import", "phase": "L1"}])
            fp.groups.set(pole_id, "cable-7")
        async with capacity_provider(api.url, initial) as cp:
            await cp.register()
            await cp.handshake(heartbeat_interval=60)
            assert await fp.send_measurements() == 1
            sent = await cp.next("update_group_measurements")
            assert sent.body["group_id"] == "cable-7"
            [measurement] = sent.body["measurements"]
            assert measurement["value"] == 1000.0 + 2500.0 + 2 * 1500.0
            assert measurement["unit"] == "WH" and measurement["direction"] == "IMPORT"
            assert datetime.fromisoformat(measurement["measure_time"]) == at
