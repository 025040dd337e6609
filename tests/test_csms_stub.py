"""The OCPP 1.6J CSMS stub, driven by the ``ocpp`` library's own charge point over WebSockets."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar, cast

import pytest
import websockets
from ocpp.routing import on as _untyped_on
from ocpp.v16 import ChargePoint, call, call_result
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import InvalidStatus
from websockets.typing import Subprotocol

from tests.csms_stub import CallErrorReceived, CsmsStub

POLE = "PW-TEST"
OCPP16 = [Subprotocol("ocpp1.6")]

_Handler = TypeVar("_Handler", bound=Callable[..., Any])


def on(action: str) -> Callable[[_Handler], _Handler]:
    """``ocpp.routing.on`` with a type mypy can see."""
    return cast(Callable[[_Handler], _Handler], _untyped_on(action))


class Client(ChargePoint):  # type: ignore[misc]  # ocpp ships no type hints
    """A charge point from the ``ocpp`` library that answers TriggerMessage."""

    def __init__(self, pole_id: str, connection: ClientConnection) -> None:
        super().__init__(pole_id, connection, response_timeout=5)
        self.triggered: list[str] = []

    @on("TriggerMessage")
    def on_trigger_message(self, requested_message: str, **_: Any) -> call_result.TriggerMessage:
        self.triggered.append(requested_message)
        return call_result.TriggerMessage(status="Accepted")


@asynccontextmanager
async def client(stub: CsmsStub, pole_id: str = POLE) -> AsyncIterator[Client]:
    """Connect an ``ocpp`` charge point to the stub and run its receive loop."""
    async with websockets.connect(f"{stub.url}/{pole_id}", subprotocols=OCPP16) as ws:
        charge_point = Client(pole_id, ws)
        task = asyncio.create_task(charge_point.start())
        try:
            await stub.wait_connected(pole_id, timeout=5)
            yield charge_point
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


@asynccontextmanager
async def raw_socket(stub: CsmsStub, pole_id: str = POLE) -> AsyncIterator[ClientConnection]:
    """A bare WebSocket to the stub, for frames the ``ocpp`` library would never send."""
    async with websockets.connect(f"{stub.url}/{pole_id}", subprotocols=OCPP16) as ws:
        await stub.wait_connected(pole_id, timeout=5)
        yield ws


@pytest.fixture
async def stub() -> AsyncIterator[CsmsStub]:
    csms = CsmsStub(blocked_tags={"BLOCKED"}, unknown_tags={"NOBODY"}, heartbeat_interval=60)
    await csms.start()
    yield csms
    await csms.stop()


async def test_boot_notification_answered_and_recorded_camel_case(stub: CsmsStub) -> None:
    async with client(stub) as cp:
        result = await cp.call(call.BootNotification(charge_point_model="PW-2",
                                                     charge_point_vendor="Paalwerk",
                                                     firmware_version="1.0.0"), suppress=False)
        assert stub.connected(POLE)
    assert result.status == "Accepted"
    assert result.interval == 60
    assert result.current_time.endswith("Z")
    [boot] = stub.calls("BootNotification", POLE)
    assert boot.payload == {"chargePointModel": "PW-2", "chargePointVendor": "Paalwerk",
                            "firmwareVersion": "1.0.0"}
    assert boot.at.tzinfo is not None
    assert stub.schema_errors == []


async def test_boot_status_is_configurable() -> None:
    csms = CsmsStub(boot_status="Pending")
    async with csms, client(csms) as cp:
        result = await cp.call(call.BootNotification(charge_point_model="M",
                                                     charge_point_vendor="V"), suppress=False)
    assert result.status == "Pending"
    assert not csms.connected(POLE)


async def test_authorize_accepted_blocked_and_unknown(stub: CsmsStub) -> None:
    async with client(stub) as cp:
        statuses = [
            (await cp.call(call.Authorize(id_tag=tag), suppress=False)).id_tag_info["status"]
            for tag in ("GOOD", "BLOCKED", "NOBODY")
        ]
        stub.blocked_tags.add("GOOD")  # the tag lists may change while running
        later = await cp.call(call.Authorize(id_tag="GOOD"), suppress=False)
    assert statuses == ["Accepted", "Blocked", "Invalid"]
    assert later.id_tag_info["status"] == "Blocked"
    assert [r.payload["idTag"] for r in stub.calls("Authorize")] == [
        "GOOD", "BLOCKED", "NOBODY", "GOOD"]
    assert stub.schema_errors == []


async def test_transactions_get_consecutive_ids_and_stop_is_kept(stub: CsmsStub) -> None:
    async with client(stub) as cp:
        first = await cp.call(call.StartTransaction(
            connector_id=1, id_tag="GOOD", meter_start=1200,
            timestamp="2025-01-06T17:00:00.000Z"), suppress=False)
        second = await cp.call(call.StartTransaction(
            connector_id=2, id_tag="BLOCKED", meter_start=0,
            timestamp="2025-01-06T17:01:00.000Z"), suppress=False)
        stopped = await cp.call(call.StopTransaction(
            meter_stop=5200, timestamp="2025-01-06T18:00:00.000Z",
            transaction_id=first.transaction_id, id_tag="GOOD", reason="Local"), suppress=False)
    assert (first.transaction_id, second.transaction_id) == (1000, 1001)
    assert first.id_tag_info["status"] == "Accepted"
    assert second.id_tag_info["status"] == "Blocked"
    assert stopped.id_tag_info["status"] == "Accepted"
    assert stub.transactions[1000] == {
        "pole_id": POLE, "connectorId": 1, "idTag": "GOOD", "meterStart": 1200,
        "timestamp": "2025-01-06T17:00:00.000Z",
        "stop": {"meterStop": 5200, "timestamp": "2025-01-06T18:00:00.000Z",
                 "transactionId": 1000, "idTag": "GOOD", "reason": "Local"},
    }
    assert stub.transactions[1001]["stop"] is None
    assert stub.schema_errors == []


async def test_first_transaction_id_is_configurable() -> None:
    csms = CsmsStub(first_transaction_id=7)
    async with csms, client(csms) as cp:
        started = await cp.call(call.StartTransaction(
            connector_id=1, id_tag="A", meter_start=0, timestamp="2025-01-06T17:00:00Z"),
            suppress=False)
    assert started.transaction_id == 7


async def test_meter_values_recorded_exactly(stub: CsmsStub) -> None:
    sampled = [
        {"value": "12345", "context": "Sample.Periodic", "measurand":
         "Energy.Active.Import.Register", "unit": "Wh"},
        {"value": "15.9", "measurand": "Current.Import", "phase": "L1", "unit": "A"},
        {"value": "231.0", "measurand": "Voltage", "phase": "L1-N", "unit": "V"},
    ]
    async with client(stub) as cp:
        await cp.call(call.MeterValues(
            connector_id=1, transaction_id=1000,
            meter_value=[{"timestamp": "2025-01-06T17:15:00.000Z", "sampledValue": sampled}]),
            suppress=False)
    [meter] = await stub.wait_for("MeterValues")
    assert meter.payload == {
        "connectorId": 1, "transactionId": 1000,
        "meterValue": [{"timestamp": "2025-01-06T17:15:00.000Z", "sampledValue": sampled}],
    }
    assert stub.schema_errors == []


async def test_other_charge_point_actions_answered(stub: CsmsStub) -> None:
    async with client(stub) as cp:
        await cp.call(call.Heartbeat(), suppress=False)
        await cp.call(call.StatusNotification(connector_id=1, error_code="NoError",
                                              status="Available"), suppress=False)
        await cp.call(call.FirmwareStatusNotification(status="Idle"), suppress=False)
        await cp.call(call.DiagnosticsStatusNotification(status="Idle"), suppress=False)
        transfers = [
            (await cp.call(call.DataTransfer(vendor_id=vendor, message_id=message,
                                             data=json.dumps({"source": "pole"})),
                           suppress=False)).status
            for vendor, message in [("paalwerk", "Overrule"), ("paalwerk", "LowCurrentVehicle"),
                                    ("paalwerk", "Live"), ("paalwerk", "Other"),
                                    ("acme", "Overrule")]
        ]
    assert transfers == ["Accepted", "Accepted", "Accepted", "UnknownMessageId",
                         "UnknownVendorId"]
    assert [r.action for r in stub.received][:4] == [
        "Heartbeat", "StatusNotification", "FirmwareStatusNotification",
        "DiagnosticsStatusNotification"]
    assert stub.calls("DataTransfer")[0].payload == {
        "vendorId": "paalwerk", "messageId": "Overrule", "data": '{"source": "pole"}'}
    assert stub.schema_errors == []


async def test_wait_for_count_filter_and_timeout_message(stub: CsmsStub) -> None:
    async with client(stub) as cp:
        waiting = asyncio.create_task(stub.wait_for(
            "StatusNotification", 2, where=lambda r: r.payload["connectorId"] > 0))
        for connector in (0, 1, 2):
            await cp.call(call.StatusNotification(connector_id=connector, error_code="NoError",
                                                  status="Available"), suppress=False)
        matched = await waiting
        assert [r.payload["connectorId"] for r in matched] == [1, 2]
        with pytest.raises(AssertionError) as caught:
            await stub.wait_for("Heartbeat", timeout=0.1)
    message = str(caught.value)
    assert "expected 1 × Heartbeat within 0.1 s, got 0" in message
    assert f"3 × {POLE} StatusNotification" in message


async def test_stop_closes_the_socket_and_restart_accepts_on_same_port(stub: CsmsStub) -> None:
    port = stub.port
    async with client(stub) as cp:
        await cp.call(call.Heartbeat(), suppress=False)
        await stub.stop()
        await asyncio.wait_for(cp._connection.wait_closed(), 5)
        assert cp._connection.close_code == 1001
        assert not stub.connected(POLE)
    with pytest.raises(OSError):
        async with client(stub):
            pass

    await stub.restart()
    assert stub.port == port
    async with client(stub) as cp:
        await cp.call(call.Heartbeat(), suppress=False)
    assert [r.action for r in stub.received] == ["Heartbeat", "Heartbeat"]
    assert stub.schema_errors == []


async def test_connection_without_subprotocol_or_pole_id_refused(stub: CsmsStub) -> None:
    with pytest.raises(InvalidStatus) as no_subprotocol:
        async with websockets.connect(f"{stub.url}/{POLE}"):
            pass
    assert no_subprotocol.value.response.status_code == 400
    with pytest.raises(InvalidStatus) as no_pole:
        async with websockets.connect(stub.url + "/", subprotocols=OCPP16):
            pass
    assert no_pole.value.response.status_code == 404
    assert not stub.connected(POLE)


async def test_schema_invalid_frames_recorded(stub: CsmsStub) -> None:
    async with raw_socket(stub) as ws:
        await ws.send(json.dumps([2, "1", "BootNotification", {"chargePointModel": "M"}]))
        answer = json.loads(await ws.recv())
        await ws.send("not json")
        await ws.send(json.dumps([2, "2", "Heartbeat", {"extra": 1}]))
        extra = json.loads(await ws.recv())
        await ws.send(json.dumps([3, "unknown-id", {}]))
        await stub.wait_for("Heartbeat")
        await ws.send(json.dumps([2, "3", "Heartbeat", {}]))
        assert json.loads(await ws.recv())[0] == 3
    assert answer[:2] == [4, "1"]  # the library answers a schema violation with a CALLERROR
    assert extra[:3] == [4, "2", "FormationViolation"]  # 1.6 spelling, not ocpp's 2.0 one
    assert stub.calls("BootNotification")[0].payload == {"chargePointModel": "M"}
    errors = stub.schema_errors
    assert len(errors) == 4, errors
    assert "BootNotification" in errors[0] and "chargePointVendor" in errors[0]
    assert "not valid JSON" in errors[1]
    assert "Heartbeat" in errors[2] and "extra" in errors[2]
    assert "unknown unique id" in errors[3]


async def test_csms_call_round_trip(stub: CsmsStub) -> None:
    async with client(stub) as cp:
        answer = await stub.call(POLE, "TriggerMessage",
                                 {"requestedMessage": "StatusNotification", "connectorId": 1})
        assert answer == {"status": "Accepted"}
        assert cp.triggered == ["StatusNotification"]
        with pytest.raises(CallErrorReceived, match="NotImplemented") as caught:
            await stub.call(POLE, "Reset", {"type": "Soft"})
        assert caught.value.code == "NotImplemented"
        with pytest.raises(ValueError, match="requestedMessage"):
            await stub.call(POLE, "TriggerMessage", {"connectorId": 1})
    with pytest.raises(ConnectionError):
        await stub.call(POLE, "TriggerMessage", {"requestedMessage": "Heartbeat"})
    assert stub.received == []  # calls from the CSMS are not CALLs the pole sent
    assert stub.schema_errors == []


async def test_invalid_call_result_recorded_and_timeout(stub: CsmsStub) -> None:
    async with raw_socket(stub) as ws:
        calling = asyncio.create_task(stub.call(POLE, "ChangeAvailability",
                                                {"connectorId": 0, "type": "Inoperative"}))
        request = json.loads(await ws.recv())
        assert request[0] == 2 and request[2:] == [
            "ChangeAvailability", {"connectorId": 0, "type": "Inoperative"}]
        await ws.send(json.dumps([3, request[1], {"status": "Maybe"}]))
        assert await calling == {"status": "Maybe"}
        with pytest.raises(TimeoutError, match="did not answer Reset"):
            await stub.call(POLE, "Reset", {"type": "Hard"}, timeout=0.1)
    assert len(stub.schema_errors) == 1
    assert "CALLRESULT ChangeAvailability" in stub.schema_errors[0]


async def test_pending_call_fails_when_the_pole_disconnects(stub: CsmsStub) -> None:
    async with raw_socket(stub) as ws:
        calling = asyncio.create_task(stub.call(POLE, "ClearCache", {}))
        await ws.recv()
    with pytest.raises(ConnectionError, match="ClearCache"):
        await calling


async def test_reconnecting_pole_replaces_its_stale_connection(stub: CsmsStub) -> None:
    async with raw_socket(stub) as old, client(stub) as cp:
        await asyncio.wait_for(old.wait_closed(), 5)
        assert old.close_code == 1000
        assert stub.connected(POLE)
        await cp.call(call.Heartbeat(), suppress=False)
        assert await stub.call(POLE, "TriggerMessage", {"requestedMessage": "Heartbeat"}) == {
            "status": "Accepted"}
    assert stub.schema_errors == []
