"""eis 49: OCPP 1.6J complete but for reservations, both directions, through the real CSMS.

Every central-system → pole action of the Core, Firmware Management, Local Auth List
Management, Remote Trigger and Smart Charging profiles goes through the operator API's
pass-through to a virtual pole over a real WebSocket; the CSMS validates each answer
against the OCPP 1.6 schema (a schema violation would be a 502), so a 200 is a conforming
answer. Every pole → central-system action is sent by a raw OCPP client and must get a
CALLRESULT. Reservations are refused with ``NotSupported``.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from pole_link.sim.vehicles import EvType
from pole_link.timeutil import format_time
from tests.support import Api, connected_pole

T0 = datetime(2026, 11, 25, 11, tzinfo=UTC)
NOW = format_time(T0)
TX_PROFILE = {"chargingProfileId": 9, "stackLevel": 1,
              "chargingProfilePurpose": "TxDefaultProfile", "chargingProfileKind": "Absolute",
              "chargingSchedule": {"chargingRateUnit": "A", "startSchedule": NOW,
                                   "chargingSchedulePeriod": [{"startPeriod": 0,
                                                               "limit": 16.0}]}}

CENTRAL_SYSTEM_ACTIONS: list[tuple[str, dict[str, Any], str | None]] = [
    # Core
    ("ChangeAvailability", {"connectorId": 2, "type": "Inoperative"}, "status"),
    ("ChangeConfiguration", {"key": "LightIntensity", "value": "60"}, "status"),
    ("ClearCache", {}, "status"),
    ("DataTransfer", {"vendorId": "paalwerk", "messageId": "LinkStats", "data": "{}"},
     "status"),
    ("GetConfiguration", {"key": ["HeartbeatInterval"]}, "configurationKey"),
    ("RemoteStartTransaction", {"connectorId": 1, "idTag": "CONFORMANCE"}, "status"),
    ("UnlockConnector", {"connectorId": 2}, "status"),
    ("Reset", {"type": "Soft"}, "status"),
    # Firmware Management
    ("GetDiagnostics", {"location": "http://127.0.0.1:9/diagnostics/"}, None),
    ("UpdateFirmware", {"location": "http://127.0.0.1:9/fw.bin",
                        "retrieveDate": "2030-01-01T00:00:00Z"}, None),
    # Local Auth List Management
    ("GetLocalListVersion", {}, "listVersion"),
    ("SendLocalList", {"listVersion": 3, "updateType": "Full",
                       "localAuthorizationList": [{"idTag": "CARD-1",
                                                   "idTagInfo": {"status": "Accepted"}}]},
     "status"),
    # Remote Trigger
    ("TriggerMessage", {"requestedMessage": "StatusNotification", "connectorId": 1}, "status"),
    # Smart Charging
    ("SetChargingProfile", {"connectorId": 1, "csChargingProfiles": TX_PROFILE}, "status"),
    ("GetCompositeSchedule", {"connectorId": 1, "duration": 3600}, "status"),
    ("ClearChargingProfile", {"id": 9}, "status"),
]


@pytest.mark.parametrize(("action", "payload", "field"), CENTRAL_SYSTEM_ACTIONS,
                         ids=[case[0] for case in CENTRAL_SYSTEM_ACTIONS])
async def test_eis49_every_central_system_action_reaches_the_pole_and_conforms(
        api: Api, tmp_path: Path, action: str, payload: dict[str, Any],
        field: str | None) -> None:
    async with connected_pole(api.service.ocpp_url, tmp_path, start=T0) as connected:
        if action == "RemoteStartTransaction":
            connected.pole.plug(1, EvType.EV3)
        if action == "ClearChargingProfile":  # something to clear
            installed = await api.client.post("/api/v1/poles/PW-0001/call", json={
                "action": "SetChargingProfile",
                "payload": {"connectorId": 1, "csChargingProfiles": TX_PROFILE}})
            assert installed.json()["result"] == {"status": "Accepted"}
        answer = await api.client.post("/api/v1/poles/PW-0001/call",
                                       json={"action": action, "payload": payload})
        assert answer.status_code == 200, answer.text
        result = answer.json()["result"]
        assert isinstance(result, dict)
        if field is not None:
            assert field in result
        if "status" in result:
            assert result["status"] in {"Accepted", "Scheduled", "Unlocked", "NotSupported",
                                        "UnlockFailed"}, result


async def test_eis49_reservations_are_refused_as_not_supported(api: Api,
                                                               tmp_path: Path) -> None:
    async with connected_pole(api.service.ocpp_url, tmp_path, start=T0):
        for action, payload in [("ReserveNow", {"connectorId": 1, "expiryDate": NOW,
                                                "idTag": "CARD-1", "reservationId": 1}),
                                ("CancelReservation", {"reservationId": 1})]:
            refused = await api.client.post("/api/v1/poles/PW-0001/call",
                                            json={"action": action, "payload": payload})
            assert refused.status_code == 502
            assert refused.json()["error"] == "NotSupported"


POLE_ACTIONS: list[tuple[str, dict[str, Any], str | None]] = [
    ("BootNotification", {"chargePointVendor": "Conformance", "chargePointModel": "Raw"},
     "status"),
    ("Authorize", {"idTag": "CARD-1"}, "idTagInfo"),
    ("Heartbeat", {}, "currentTime"),
    ("StatusNotification", {"connectorId": 1, "errorCode": "NoError", "status": "Preparing",
                            "timestamp": NOW}, None),
    ("StartTransaction", {"connectorId": 1, "idTag": "CARD-1", "meterStart": 1000,
                          "timestamp": NOW}, "transactionId"),
    ("MeterValues", {"connectorId": 1, "meterValue": [{"timestamp": NOW, "sampledValue": [
        {"value": "1500", "measurand": "Energy.Active.Import.Register", "unit": "Wh"}]}]},
     None),
    ("StopTransaction", {"meterStop": 2000, "timestamp": NOW, "transactionId": 0,
                         "reason": "Local"}, None),
    ("DataTransfer", {"vendorId": "paalwerk", "messageId": "Live", "data": "{}"}, "status"),
    ("DiagnosticsStatusNotification", {"status": "Uploaded"}, None),
    ("FirmwareStatusNotification", {"status": "Installed"}, None),
]


async def test_eis49_every_pole_action_is_answered_by_the_csms(api: Api) -> None:
    url = f"{api.service.ocpp_url}/CONF-0001"
    async with connect(url, subprotocols=[Subprotocol("ocpp1.6")]) as websocket:
        transaction_id = 0
        for number, (action, payload, field) in enumerate(POLE_ACTIONS):
            if action == "StopTransaction":
                payload = {**payload, "transactionId": transaction_id}
            await websocket.send(json.dumps([2, f"c{number}", action, payload]))
            answer = await _answer_to(websocket, f"c{number}")
            assert answer[0] == 3, f"{action}: {answer}"
            if field is not None:
                assert field in answer[2], f"{action}: {answer}"
            if action == "StartTransaction":
                transaction_id = answer[2]["transactionId"]
    stored = api.service.repository.get_transaction(transaction_id)
    assert stored is not None and stored.meter_stop == 2000


async def _answer_to(websocket: Any, unique_id: str) -> list[Any]:
    """The answer to our call; the CSMS's own calls (capacity profile after boot) are
    answered as a pole would, so it is not left waiting."""
    async with asyncio.timeout(10):
        while True:
            message = json.loads(await websocket.recv())
            if message[0] == 2:
                await websocket.send(json.dumps([3, message[1], _pole_answer(message[2])]))
                continue
            if message[1] == unique_id:
                return list(message)


def _pole_answer(action: str) -> dict[str, Any]:
    if action == "GetConfiguration":
        return {"configurationKey": []}
    if action == "GetCompositeSchedule":
        return {"status": "Rejected"}
    return {"status": "Accepted"}
