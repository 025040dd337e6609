"""The ``paalwerk`` vendor messages carried in OCPP ``DataTransfer`` (PROTOCOL.md).

OCPP 1.6 has no live Mode 3 stream, no session authentication for a service port
and no firmware chunks; these fill the gaps while staying plain OCPP on the wire.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

VENDOR_ID = "paalwerk"
PROTOCOL_VERSION = 1


class VendorMessage(StrEnum):
    HELLO = "Hello"
    AUTH = "Auth"
    LIVE_SUBSCRIBE = "LiveSubscribe"
    LIVE = "Live"
    LINK_STATS = "LinkStats"
    SELF_TEST = "SelfTest"
    OVERRULE = "Overrule"
    LOW_CURRENT_VEHICLE = "LowCurrentVehicle"
    FIRMWARE_BEGIN = "FirmwareBegin"
    FIRMWARE_COMMIT = "FirmwareCommit"
    REVOKE_SERVICE_TOKENS = "RevokeServiceTokens"
    """CSMS → pole over OCPP only (PROTOCOL.md, Service tokens)."""
    # Virtual poles only: a real pole answers UnknownMessageId.
    SIM_PLUG = "SimPlug"
    SIM_UNPLUG = "SimUnplug"
    SIM_PRESENT_CARD = "SimPresentCard"
    SIM_OVERRULE = "SimOverrule"
    SIM_POWER_CUT = "SimPowerCut"
    SIM_NETWORK = "SimNetwork"
    SIM_FAULT = "SimFault"
    SIM_CLOCK = "SimClock"


READ_MESSAGES = frozenset({VendorMessage.HELLO, VendorMessage.LINK_STATS,
                           VendorMessage.LIVE_SUBSCRIBE})
"""Vendor messages a session may send before ``Auth`` (PROTOCOL.md, Session 2)."""

READ_ACTIONS = frozenset({"GetConfiguration", "GetCompositeSchedule", "GetLocalListVersion"})
"""Standard actions that only read, so need no ``Auth``."""

SIM_MESSAGES = frozenset(m for m in VendorMessage if m.value.startswith("Sim"))


def encode_data(value: Any) -> str:
    """``data`` is always a JSON string (PROTOCOL.md)."""
    return json.dumps(value, separators=(",", ":"))


def decode_data(data: str | None) -> Any:
    """Parse a ``data`` string; raise ``ValueError`` saying what was wrong."""
    if data is None:
        return {}
    try:
        return json.loads(data)
    except ValueError as exc:
        raise ValueError(f"data is not a JSON string: {exc}") from None


def data_transfer_payload(message_id: str, data: Any) -> dict[str, Any]:
    return {"vendorId": VENDOR_ID, "messageId": message_id, "data": encode_data(data)}
