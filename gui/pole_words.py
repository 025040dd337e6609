"""What a pole's faults and outages mean, in words a technician acts on.

The pole and the service speak OCPP codes (``GroundFailure``) and the service stores how
a connection ended (``dropped``). A technician in the rain needs "earth-fault trip (RCD)
on socket 1" and "the connection broke without a goodbye": the code stays available as
the detail, because that is what a manual or a vendor's helpdesk asks for.

Qt-free like `gui.fleet.rows`: templates are marked for translation and translated by
whoever shows them (`Reason.text(translate)`).
"""

from __future__ import annotations

from gui.fleet.rows import QT_TRANSLATE_NOOP, Reason, fault_reason, socket_reason
from pole_link.service_api import EndReason

_FAULT_ON = QT_TRANSLATE_NOOP("FleetRows", "%1 on %2")

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


def fault_on_socket(error_code: str, connector_id: int) -> Reason:
    """"earth-fault trip (RCD) on socket 1" (connector 0: "on pole")."""
    return Reason(_FAULT_ON, (fault_reason(error_code), socket_reason(connector_id)))


def end_reason(reason: EndReason | None) -> Reason:
    return Reason(END_WORDS[reason]) if reason is not None else Reason(_END_UNKNOWN)


_END_SHORT = {
    EndReason.CLOSED: QT_TRANSLATE_NOOP("FleetRows", "closed"),
    EndReason.DROPPED: QT_TRANSLATE_NOOP("FleetRows", "dropped"),
    EndReason.SILENT: QT_TRANSLATE_NOOP("FleetRows", "went silent"),
    EndReason.SERVICE_STOPPED: QT_TRANSLATE_NOOP("FleetRows", "service stopped"),
}
_END_SHORT_UNKNOWN = QT_TRANSLATE_NOOP("FleetRows", "ended")


def end_word(reason: EndReason | None) -> Reason:
    """How a connection ended in a word or two, for a history line."""
    return Reason(_END_SHORT[reason] if reason is not None else _END_SHORT_UNKNOWN)
