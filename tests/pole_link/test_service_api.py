"""The typed client of the operator API against a real service on 127.0.0.1, and the live
feed's contract: what the service's builders send is what the client's dataclasses parse."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from pole_link.errors import CallError, ConnectError, LinkLost, NotAuthorised
from pole_link.live import LiveSample, SocketLive
from pole_link.service_api import (
    ConnectionEvent,
    LiveEvent,
    MeterValuesEvent,
    PoleRecord,
    RolloutEvent,
    RolloutPoleEvent,
    SecurityEventRecord,
    SecurityEventReported,
    ServiceClient,
    ServiceEndpoint,
    StatusEvent,
    TransactionEvent,
    WatchingEvent,
    parse_event,
)
from pole_link.sim.vehicles import EvType
from service.live import events
from tests.support import Api, connected_pole, until

AT = datetime(2026, 11, 25, 16, 30, tzinfo=UTC)


def test_every_event_the_service_builds_parses_back_to_the_same_value() -> None:
    sample = {"timestamp": "2026-11-25T16:30:00.000Z", "limitA": 7.0, "sockets": []}
    built = [
        (events.connection_event("PW-1", True, AT), ConnectionEvent("PW-1", True, AT)),
        (events.status_event("PW-1", 1, "Faulted", "GroundFailure", AT),
         StatusEvent("PW-1", 1, "Faulted", "GroundFailure", AT)),
        (events.transaction_event("PW-1", "stopped", None, 42, AT, 1234),
         TransactionEvent("PW-1", "stopped", None, 42, AT, 1234)),
        (events.watching_event("PW-1", "Rejected", "not connected"),
         WatchingEvent("PW-1", "Rejected", "not connected")),
        (events.live_event("PW-1", sample),
         LiveEvent("PW-1", LiveSample.from_json(sample))),
        (events.security_event(SecurityEventRecord(
            "PW-1", "InvalidFirmwareSignature", "tampered", AT, AT, 3)),
         SecurityEventReported("PW-1", SecurityEventRecord(
             "PW-1", "InvalidFirmwareSignature", "tampered", AT, AT, 3))),
        (events.rollout_event(3, "halted", "halted: 2 of 5 poles failed", AT),
         RolloutEvent(3, "halted", "halted: 2 of 5 poles failed", AT)),
        (events.rollout_pole_event(3, "PW-1", "failed", "DownloadFailed", "DownloadFailed",
                                   AT),
         RolloutPoleEvent(3, "PW-1", "failed", "DownloadFailed", "DownloadFailed", AT)),
        (events.rollout_pole_event(3, "PW-1", "sent", None, None, AT),
         RolloutPoleEvent(3, "PW-1", "sent", None, None, AT)),
    ]
    for json_event, typed in built:
        assert parse_event(json_event) == typed
        assert typed.to_json() == json_event or typed.kind == "live"
    meter = events.meter_values_event("PW-1", 2, 7, [{
        "timestamp": "2026-11-25T16:30:00Z",
        "sampled_value": [
            {"value": "10", "measurand": "Current.Import", "phase": "L1", "unit": "A"},
            {"value": "12.5", "measurand": "Energy.Active.Import.Register", "unit": "kWh"}]}])
    parsed = parse_event(meter)
    assert isinstance(parsed, MeterValuesEvent)
    assert (parsed.connector_id, parsed.transaction_id, parsed.power_w, parsed.energy_wh) == (
        2, 7, 2300.0, 12_500.0)
    assert parsed.time == datetime(2026, 11, 25, 16, 30, tzinfo=UTC)
    assert parsed.to_json() == meter


def test_a_malformed_event_says_which_field_and_an_unknown_kind_is_skipped() -> None:
    with pytest.raises(ValueError, match="connectorId"):
        parse_event({"type": "status", "poleId": "PW-1", "status": "Charging",
                     "at": "2026-11-25T16:30:00Z"})
    assert parse_event({"type": "teleported", "poleId": "PW-1"}) is None
    with pytest.raises(ValueError, match="rolloutId"):  # the kind without a pole, too
        parse_event({"type": "rollout", "state": "running", "at": "2026-11-25T16:30:00Z"})
    with pytest.raises(ValueError, match="JSON object"):
        parse_event(["status"])


async def test_client_reads_poles_and_commands_a_pole_through_the_service(
        api: Api, tmp_path: Path) -> None:
    endpoint = ServiceEndpoint(api.url, api.token)
    async with connected_pole(api.service.ocpp_url, tmp_path, "PW-0007",
                              start=datetime.now(UTC)) as connected, \
            ServiceClient(endpoint) as client:
        [record] = await client.poles()
        assert isinstance(record, PoleRecord) and record.id == "PW-0007" and record.connected
        assert [c.connector_id for c in record.sockets] == [1, 2]
        assert (await client.pole("PW-0007")).vendor == "Paalwerk"
        assert (await client.configure("PW-0007", "LightIntensity", "40"))["status"] == \
            "Accepted"
        connected.pole.plug(1, EvType.EV3)
        assert (await client.remote_start("PW-0007", 1, "TECH-1"))["status"] == "Accepted"
        await until(lambda: connected.pole.socket(1).transaction is not None)
        with pytest.raises(CallError) as refused:
            await client.call("PW-0007", "Teleport", {})
        assert refused.value.code == "NotImplemented"
        log = await client.messages("PW-0007", "RemoteStartTransaction")
        assert {entry.direction for entry in log} == {"in", "out"}
    async with ServiceClient(endpoint) as client:
        with pytest.raises(LinkLost):  # 409: the pole left
            await client.reset("PW-0007")
        with pytest.raises(ConnectError, match="PW-9999"):
            await client.pole("PW-9999")


async def test_a_wrong_token_and_an_absent_service_are_named(api: Api) -> None:
    async with ServiceClient(ServiceEndpoint(api.url, "wrong")) as client:
        with pytest.raises(NotAuthorised, match="refused the API token"):
            await client.poles()
    with pytest.raises(NotAuthorised):
        async with ServiceClient(ServiceEndpoint(api.url, "wrong")).live():
            pass
    async with ServiceClient(ServiceEndpoint("http://127.0.0.1:9", "x")) as client:
        with pytest.raises(ConnectError, match="cannot reach the service"):
            await client.poles()


async def test_live_feed_gives_typed_events_and_the_poles_own_samples(
        api: Api, tmp_path: Path) -> None:
    endpoint = ServiceEndpoint(api.url, api.token)
    async with ServiceClient(endpoint).live() as feed, \
            connected_pole(api.service.ocpp_url, tmp_path, "PW-0008", start=AT) as connected:
        await feed.watch("PW-0008", 1000)
        seen: list[object] = []
        async for event in feed:
            seen.append(event)
            if isinstance(event, LiveEvent):
                break
        answer = next(e for e in seen if isinstance(e, WatchingEvent))
        assert answer.status == "Accepted"
        live = seen[-1]
        assert isinstance(live, LiveEvent)
        assert isinstance(live.sample.sockets[0], SocketLive)
        # The pole's own clock, not this machine's: it runs at AT.
        assert abs((live.sample.timestamp - connected.pole.clock.now()).total_seconds()) < 5
