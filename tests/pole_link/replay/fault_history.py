"""A scripted evening of PW-0007 as the service's message log holds it (newest first).

17:00 a car starts charging on socket 1 (transaction 41, 16 A on three phases);
18:30 socket 2 faults with GroundFailure (the aardlekschakelaar trips) and stays faulted;
19:00 the service lowers the pole limit to 10 A for the peak;
19:30 the mains go; at 19:32 the pole boots, reports the transaction stopped by PowerLoss
and sends fresh statuses.
Before the window (16:00) socket 2 was already unavailable once and came back.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from pole_link.service_api import MessageRecord

POLE = "PW-0007"
DAY = datetime(2026, 11, 24, tzinfo=UTC)


def at(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return DAY + timedelta(hours=hour, minutes=minute, seconds=second)


def _record(time: datetime, direction: str, action: str, unique_id: str,
            payload: Any) -> MessageRecord:
    return MessageRecord(time, direction, action, unique_id,
                         json.dumps(payload, separators=(",", ":")), None)


def _status(time: datetime, uid: str, connector: int, status: str,
            error: str = "NoError") -> list[MessageRecord]:
    return [_record(time, "in", "StatusNotification", uid,
                    {"connectorId": connector, "errorCode": error, "status": status}),
            _record(time, "out", "StatusNotification", uid, {})]


def _meter(time: datetime, uid: str, connector: int, amps: float, wh: float
           ) -> list[MessageRecord]:
    sampled = [{"measurand": "Current.Import", "phase": phase, "unit": "A",
                "value": f"{amps:.1f}"} for phase in ("L1", "L2", "L3")]
    sampled.append({"measurand": "Energy.Active.Import.Register", "unit": "Wh",
                    "value": f"{wh:.0f}"})
    return [_record(time, "in", "MeterValues", uid, {
                "connectorId": connector, "transactionId": 41,
                "meterValue": [{"timestamp": time.isoformat(), "sampledValue": sampled}]}),
            _record(time, "out", "MeterValues", uid, {})]


def lead_in() -> list[MessageRecord]:
    """Messages before the window, newest first (as `ServiceClient.messages` gives them)."""
    oldest_first = [
        _record(at(15), "in", "BootNotification", "b0", {
            "chargePointVendor": "Paalwerk", "chargePointModel": "PW-2",
            "chargePointSerialNumber": "SN-7", "firmwareVersion": "1.4.2"}),
        _record(at(15), "out", "BootNotification", "b0",
                {"status": "Accepted", "currentTime": at(15).isoformat(), "interval": 300}),
        *_status(at(15, 0, 1), "s0", 1, "Available"),
        *_status(at(15, 0, 1), "s1", 2, "Unavailable"),
        *_status(at(16), "s2", 2, "Available"),
    ]
    return oldest_first[::-1]


def window() -> list[MessageRecord]:
    """17:00–20:00, newest first."""
    oldest_first = [
        *_status(at(17), "w1", 1, "Preparing"),
        _record(at(17, 0, 5), "in", "StartTransaction", "w2", {
            "connectorId": 1, "idTag": "DRIVER-9", "meterStart": 1000,
            "timestamp": at(17, 0, 5).isoformat()}),
        _record(at(17, 0, 5), "out", "StartTransaction", "w2",
                {"transactionId": 41, "idTagInfo": {"status": "Accepted"}}),
        *_status(at(17, 0, 6), "w3", 1, "Charging"),
        *_meter(at(18), "w4", 1, 16.0, 12_000),
        *_status(at(18, 30), "w5", 2, "Faulted", "GroundFailure"),
        _record(at(19), "out", "SetChargingProfile", "c1", {
            "connectorId": 0, "csChargingProfiles": {
                "chargingProfileId": 9, "stackLevel": 1,
                "chargingProfilePurpose": "ChargePointMaxProfile",
                "chargingProfileKind": "Absolute", "chargingSchedule": {
                    "chargingRateUnit": "A",
                    "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 10.0}]}}}),
        _record(at(19), "in", "SetChargingProfile", "c1", {"status": "Accepted"}),
        *_meter(at(19, 1), "w6", 1, 10.0, 25_000),
        _record(at(19, 32), "in", "BootNotification", "w8", {
            "chargePointVendor": "Paalwerk", "chargePointModel": "PW-2",
            "chargePointSerialNumber": "SN-7", "firmwareVersion": "1.4.2"}),
        _record(at(19, 32), "out", "BootNotification", "w8", {"status": "Accepted"}),
        _record(at(19, 32, 1), "in", "StopTransaction", "w7", {
            "transactionId": 41, "meterStop": 30_000, "reason": "PowerLoss",
            "timestamp": at(19, 30).isoformat()}),
        _record(at(19, 32, 1), "out", "StopTransaction", "w7",
                {"idTagInfo": {"status": "Accepted"}}),
        *_status(at(19, 32, 2), "w9", 1, "Available"),
        *_status(at(19, 32, 2), "w10", 2, "Faulted", "GroundFailure"),
    ]
    return oldest_first[::-1]
