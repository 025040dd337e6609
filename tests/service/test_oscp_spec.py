"""OSCP 2.0 message shapes, endpoints and statuses as the published descriptions give them
(issue 22; eis 63). Sources (no copy of the OCA's own text was obtainable here): the
OpenAPI behind ``andreibesleaga/oscp-sdk`` (endpoints per role, enums, optional fields),
the ``vemo-oscp`` restatement of the specification (its handshake example, 204 for
success, 400 with a ``message`` for a malformed one) and the fixture of SolarNetwork's
Flexibility Provider tests (a kW block for ``ALL`` phases)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from service.oscp.messages import EnergyMeasurement
from service.oscp.partners import Partner, PartnerState
from service.oscp.provider import FlexibilityProvider
from tests.oscp_support import CapacityProvider, capacity_provider
from tests.support import Api, running_service

pytestmark = pytest.mark.asyncio

FP_ENDPOINTS = {("POST", "/oscp/fp/2.0/register"), ("PUT", "/oscp/fp/2.0/register"),
                ("DELETE", "/oscp/fp/2.0/register"), ("POST", "/oscp/fp/2.0/handshake"),
                ("POST", "/oscp/fp/2.0/handshake_acknowledge"),
                ("POST", "/oscp/fp/2.0/heartbeat"),
                ("POST", "/oscp/fp/2.0/update_group_capacity_forecast")}
"""The Flexibility Provider's end in the published OpenAPI (``oscp.fp.v20``)."""

HANDSHAKE_EXAMPLE = {"required_behaviour": {"heartbeat_interval": 10,
                                            "measurement_configuration": ["CONTINUOUS"]}}


def provider_of(api: Api) -> FlexibilityProvider:
    return api.service.services.oscp


@asynccontextmanager
async def registered_enexis(tmp_path: Path) -> AsyncIterator[
        tuple[FlexibilityProvider, Partner, CapacityProvider]]:
    """A running service with grid operator Enexis registered as its capacity provider."""
    async with running_service(tmp_path) as api:
        fp = provider_of(api)
        partner, initial = fp.partners.add("enexis", "Enexis")
        async with capacity_provider(api.url, initial) as cp:
            await cp.register()
            yield fp, partner, cp


def kw_block(start: datetime, capacity: float) -> dict[str, object]:
    """Shaped as the SolarNetwork fixture: 123.456 kW, phase ALL, a quarter-hour."""
    return {"capacity": capacity, "phase": "ALL", "unit": "KW",
            "start_time": start.isoformat().replace("+00:00", "Z"),
            "end_time": (start + timedelta(minutes=15)).isoformat().replace("+00:00", "Z")}


async def test_eis63_our_oscp_end_is_the_flexibility_providers_of_the_spec(
        tmp_path: Path) -> None:
    async with running_service(tmp_path) as api:
        spec = (await api.client.get("/openapi.json")).json()
        ours = {(method.upper(), path) for path, ops in spec["paths"].items()
                for method in ops if path.startswith("/oscp/")}
        assert ours == FP_ENDPOINTS
        fp = provider_of(api)
        _partner, initial = fp.partners.add("enexis", "Enexis")
        async with capacity_provider(api.url, initial) as cp:
            await cp.register()
            # adjust_group_capacity_forecast and the compliance error go to the grid
            # operator, not to us.
            for endpoint in ("adjust_group_capacity_forecast",
                             "group_capacity_compliance_error"):
                assert (await cp.call(endpoint, {"message": "x"})).status_code == 404


async def test_eis63_spec_examples_are_accepted_and_our_answers_have_the_spec_shape(
        tmp_path: Path) -> None:
    async with registered_enexis(tmp_path) as (fp, partner, cp):
        answer = await cp.call("handshake", HANDSHAKE_EXAMPLE, request_id="hs-example")
        assert answer.status_code == 204 and answer.content == b""
        ack = await cp.next("handshake_acknowledge")
        assert ack.headers["x-correlation-id"] == "hs-example"
        assert ack.body["required_behaviour"]["measurement_configuration"] == [
            "CONTINUOUS"]
        assert partner.heartbeat_interval_s == 10
        # offline_mode_at is optional in the published OpenAPI.
        assert (await cp.call("heartbeat", {})).status_code == 204
        assert partner.state is PartnerState.ONLINE and partner.offline_mode_at is None
        start = datetime(2030, 10, 8, 18, tzinfo=UTC)
        forecast = {"group_id": "cable-7", "type": "CONSUMPTION",
                    "forecasted_blocks": [kw_block(start, 123.456)]}
        assert (await cp.call("update_group_capacity_forecast", forecast)
                ).status_code == 204
        limit = fp.limit("cable-7", start + timedelta(minutes=1))
        assert limit is not None and round(limit.amps, 1) == 178.9  # 123.456 kW / 3 / 230 V
        # Generation is negative (energy back to the grid): accepted, caps no charging.
        generation = {"group_id": "cable-7", "type": "GENERATION",
                      "forecasted_blocks": [kw_block(start, -50.0)]}
        assert (await cp.call("update_group_capacity_forecast", generation)
                ).status_code == 204


async def test_eis63_malformed_messages_are_refused_with_400_and_a_message(
        tmp_path: Path) -> None:
    async with registered_enexis(tmp_path) as (fp, _partner, cp):
        start = datetime(2030, 10, 8, 18, tzinfo=UTC)
        for bad, words in (
                (kw_block(start, 10.0) | {"unit": "EUR"}, "unit"),
                (kw_block(start, -10.0), "cannot be negative"),
                (kw_block(start, 10.0) | {"phase": "L1"}, "phase")):
            answer = await cp.call("update_group_capacity_forecast", {
                "group_id": "cable-7", "type": "CONSUMPTION", "forecasted_blocks": [bad]})
            assert answer.status_code == 400, answer.text
            assert words in answer.json()["message"]
        assert fp.limit("cable-7", start) is None  # nothing kept from them


def oscp_refusal(answer: httpx.Response, status: int) -> str:
    """The sentence of an OSCP refusal, after checking its shape: ``{"message"}`` only."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert set(body) == {"message"} and body["message"].strip(), body
    return str(body["message"])


async def test_eis63_refusals_401_and_403_carry_an_oscp_message_not_fastapis_detail(
        tmp_path: Path) -> None:
    async with running_service(tmp_path) as api:
        fp = provider_of(api)
        _partner, initial = fp.partners.add("enexis", "Enexis")
        async with capacity_provider(api.url, initial) as cp:
            forecast = {"group_id": "cable-7", "type": "CONSUMPTION", "forecasted_blocks": []}
            for endpoint, body in (("heartbeat", {}),
                                   ("update_group_capacity_forecast", forecast)):
                # 403: the initial token registers, nothing else.
                early = oscp_refusal(await cp.call(endpoint, body), 403)
                assert "register first" in early
                # 401: a guessed token, and none at all.
                guessed = await cp.call(endpoint, body, token="guessed-token")
                assert "unknown or replaced token" in oscp_refusal(guessed, 401)
                assert guessed.headers["www-authenticate"] == "Token"
                bare = await cp.http.post(f"{cp.fp_url}/{endpoint}", json=body,
                                          headers={"X-Request-ID": "r-1"})
                assert "Authorization: Token" in oscp_refusal(bare, 401)
            # A missing X-Request-ID, a wrong method, an endpoint that is not ours: the
            # same shape, and a sentence that says what to do.
            no_id = await cp.http.post(f"{cp.fp_url}/heartbeat", json={},
                                       headers={"Authorization": f"Token {initial}"})
            assert "X-Request-ID" in oscp_refusal(no_id, 400)
            assert "method" in oscp_refusal(await cp.call("heartbeat", {}, method="GET"), 405)
            assert "/oscp/fp/2.0" in oscp_refusal(
                await cp.call("adjust_group_capacity_forecast", {}), 404)
            # Still recorded, with the reason and never the token.
            assert [r.reason for r in fp.partners.refusals][:3] == [
                "register first: the initial token only registers",
                "unknown or replaced token",
                "no Authorization header: OSCP asks 'Authorization: Token …'"]
            recorded = json.dumps([vars(r) for r in fp.partners.refusals], default=str)
            assert initial not in recorded and "guessed-token" not in recorded


async def test_eis63_a_fault_of_ours_is_a_500_with_a_message_to_send_again(
        tmp_path: Path) -> None:
    async with registered_enexis(tmp_path) as (fp, _partner, cp):

        def broken(*_args: object) -> None:
            raise RuntimeError("a fault injected by the test")

        fp.heartbeat = broken  # type: ignore[method-assign]
        answer = await cp.call("heartbeat", {})
        assert "send it again" in oscp_refusal(answer, 500)
        assert "injected" not in answer.text  # no internals to a partner


async def test_eis63_the_operator_apis_and_ocpis_refusals_keep_their_own_shapes(
        tmp_path: Path) -> None:
    """The OSCP handlers answer only under /oscp/: the operator API's 401 and 422 and
    OCPI's 401 envelope are as before."""
    async with running_service(tmp_path) as api:
        async with httpx.AsyncClient(base_url=api.url) as anyone:
            unauthorised = await anyone.get("/api/v1/poles")
            ocpi = await anyone.get("/ocpi/versions")
            unknown = await anyone.get("/api/v1/no-such-thing")
        assert unauthorised.status_code == 401
        assert unauthorised.json()["error"] == "Unauthorized"
        assert unauthorised.json()["description"] and "message" not in unauthorised.json()
        assert ocpi.status_code == 401 and ocpi.json()["status_code"] == 2000
        assert "message" not in ocpi.json()
        assert (unknown.status_code, unknown.json()) == (404, {"detail": "Not Found"})
        invalid = await api.client.post("/api/v1/oscp/partners", json={"id": ""})
        assert invalid.status_code == 422
        assert invalid.json()["error"] == "InvalidRequest" and "message" not in invalid.json()


async def test_eis63_partner_unregisters_and_registers_again(tmp_path: Path) -> None:
    async with registered_enexis(tmp_path) as (_fp, partner, cp):
        await cp.handshake(heartbeat_interval=60)
        assert (await cp.call("register", None, method="DELETE")).status_code == 204
        assert partner.state is PartnerState.NEW and partner.their_token is None
        assert (await cp.call("heartbeat", {})).status_code == 403
        again = await cp.call("register", {"token": cp.token, "version_url": [
            {"version": "2.0", "base_url": cp.url}]}, method="PUT")
        assert again.status_code == 204, again.text
        back = await cp.next("register", after=1)
        assert back.body["token"] != cp.fp_token  # a fresh token of ours
        cp.fp_token = back.body["token"]
        assert partner.state is PartnerState.REGISTERED
        await cp.handshake(heartbeat_interval=60)


async def test_eis63_measurement_times_always_carry_an_offset() -> None:
    naive = EnergyMeasurement(value=1.0, measure_time=datetime(2026, 12, 1, 12))
    sent = naive.model_dump(mode="json", exclude_none=True)
    assert sent["measure_time"].endswith(("Z", "+00:00"))
    assert sent | {"measure_time": "t"} == {"value": 1.0, "phase": "ALL", "unit": "WH",
                                            "energy_type": "TOTAL", "direction": "IMPORT",
                                            "measure_time": "t"}
