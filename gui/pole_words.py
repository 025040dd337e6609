"""What a pole's faults and outages mean, in words a technician acts on.

The pole and the service speak OCPP codes (``GroundFailure``) and the service stores how
a connection ended (``dropped``). A technician in the rain needs "earth-fault trip (RCD)
on socket 1" and "the connection broke without a goodbye": the code stays available as
the detail, because that is what a manual or a vendor's helpdesk asks for.

Qt-free like `gui.fleet.rows`: templates are marked for translation and translated by
whoever shows them (`Reason.text(translate)`).
"""

from __future__ import annotations

from gui.fleet.rows import QT_TRANSLATE_NOOP, Reason, socket_reason
from pole_link.service_api import EndReason

_FAULT_ON = QT_TRANSLATE_NOOP("FleetRows", "%1 on %2")
_UNKNOWN_FAULT = QT_TRANSLATE_NOOP("FleetRows", "fault %1")

FAULT_WORDS: dict[str, str] = {
    "ConnectorLockFailure": QT_TRANSLATE_NOOP("FleetRows", "socket lock failed"),
    "EVCommunicationError": QT_TRANSLATE_NOOP(
        "FleetRows", "no communication with the vehicle (control pilot)"),
    "GroundFailure": QT_TRANSLATE_NOOP("FleetRows", "earth-fault trip (RCD)"),
    "HighTemperature": QT_TRANSLATE_NOOP("FleetRows", "too hot"),
    "InternalError": QT_TRANSLATE_NOOP("FleetRows", "internal error of the pole"),
    "LocalListConflict": QT_TRANSLATE_NOOP("FleetRows", "conflict in the local card list"),
    "OtherError": QT_TRANSLATE_NOOP("FleetRows", "fault the pole does not name"),
    "OverCurrentFailure": QT_TRANSLATE_NOOP("FleetRows", "overcurrent trip"),
    "OverVoltage": QT_TRANSLATE_NOOP("FleetRows", "mains voltage too high"),
    "PowerMeterFailure": QT_TRANSLATE_NOOP("FleetRows", "energy meter failure"),
    "PowerSwitchFailure": QT_TRANSLATE_NOOP("FleetRows", "contactor (power switch) failure"),
    "ReaderFailure": QT_TRANSLATE_NOOP("FleetRows", "card reader failure"),
    "ResetFailure": QT_TRANSLATE_NOOP("FleetRows", "reset failed"),
    "UnderVoltage": QT_TRANSLATE_NOOP("FleetRows", "mains voltage too low"),
    "WeakSignal": QT_TRANSLATE_NOOP("FleetRows", "weak mobile signal"),
}
"""OCPP 1.6 ChargePointErrorCode → what it means at the pole."""

SELF_TEST_FAULT = {"rcd": "GroundFailure", "lock": "ConnectorLockFailure",
                   "meter": "PowerMeterFailure"}
"""The PROTOCOL.md self tests that find a socket's fault, and the OCPP code each means."""

END_WORDS: dict[EndReason, str] = {
    EndReason.CLOSED: QT_TRANSLATE_NOOP(
        "FleetRows", "the pole closed the connection itself (restart or instruction)"),
    EndReason.DROPPED: QT_TRANSLATE_NOOP(
        "FleetRows", "the connection broke without a goodbye: network or mains lost at the "
        "pole"),
    EndReason.SILENT: QT_TRANSLATE_NOOP(
        "FleetRows", "the pole went silent (heartbeats missed); the service hung up"),
    EndReason.SERVICE_STOPPED: QT_TRANSLATE_NOOP(
        "FleetRows", "the service was stopped while the pole was connected"),
}
_END_UNKNOWN = QT_TRANSLATE_NOOP("FleetRows", "how it ended was not recorded")


def fault_reason(error_code: str) -> Reason:
    """``GroundFailure`` → "earth-fault trip (RCD)"; unknown codes as the pole sent them."""
    words = FAULT_WORDS.get(error_code)
    return Reason(words) if words else Reason(_UNKNOWN_FAULT, (error_code,))


def fault_on_socket(error_code: str, connector_id: int) -> Reason:
    """"earth-fault trip (RCD) on socket 1" (connector 0: "on pole")."""
    return Reason(_FAULT_ON, (fault_reason(error_code), socket_reason(connector_id)))


def end_reason(reason: EndReason | None) -> Reason:
    return Reason(END_WORDS[reason]) if reason is not None else Reason(_END_UNKNOWN)
