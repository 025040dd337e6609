"""A pole's stored message log as the ordered calls and results a replay steps through.

The service keeps each message as it went over the wire (`MessageRecord`): the payload as
text, the action on both the call and its result, newest first. A replay needs the
opposite: oldest first, the payload parsed, and whether each line is a call or the answer
to one. The log does not store the frame type, so it is told from who may call what:
OCPP 1.6 fixes which side calls each action (a pole sends StatusNotification, the CSMS
sends SetChargingProfile), and a DataTransfer call, the one action both sides make,
carries a ``vendorId`` its answer never has.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pole_link.service_api import MessageRecord

POLE_CALLS = frozenset({
    "Authorize", "BootNotification", "DiagnosticsStatusNotification",
    "FirmwareStatusNotification", "Heartbeat", "MeterValues", "StartTransaction",
    "StatusNotification", "StopTransaction", "SecurityEventNotification",
    "SignedFirmwareStatusNotification", "LogStatusNotification", "SignCertificate",
})
"""Actions a pole calls (direction ``in``); every other action but DataTransfer is the
CSMS's (direction ``out``)."""


@dataclass(frozen=True, slots=True)
class ReplayMessage:
    """One line of the log, ready to replay."""

    index: int
    """Its place in the replay, 0 = oldest."""
    time: datetime
    """When the service received or sent it: one clock for both directions, unlike the
    timestamps inside payloads, which are the pole's own (and may be off)."""
    direction: str
    action: str
    unique_id: str
    is_call: bool
    payload: Any
    """The parsed payload (a dict for calls and results, a list for a CALLERROR)."""

    @property
    def from_pole(self) -> bool:
        return self.direction == "in"

    def summary(self) -> str:
        """One line for the replay bar: what was said, in the log's own words."""
        arrow = "→" if self.from_pole else "←"
        kind = "" if self.is_call else " (answer)"
        text = json.dumps(self.payload, separators=(",", ":"), ensure_ascii=False) \
            if not isinstance(self.payload, str) else self.payload
        if len(text) > 160:
            text = text[:157] + "…"
        return f"{arrow} {self.action}{kind} {text}"


def replay_messages(records: Iterable[MessageRecord], first_index: int = 0
                    ) -> list[ReplayMessage]:
    """The log's records (newest first, as `ServiceClient.messages` gives them) oldest
    first, numbered from ``first_index`` (a later page continues the numbers); records
    without a time or an action (frames the service could not read) are left out: they
    cannot be placed or applied."""
    timed = [(record.time, record) for record in records
             if record.time is not None and record.action]
    # Newest first with ties in reverse insertion order: reversing, then a stable sort,
    # keeps a call before its answer when both carry the same time.
    timed.reverse()
    timed.sort(key=lambda pair: pair[0])
    messages = []
    for index, (time, record) in enumerate(timed):
        payload = _parse(record.payload)
        messages.append(ReplayMessage(first_index + index, time, record.direction, record.action,
                                      record.unique_id, _is_call(record, payload), payload))
    return messages


def _parse(payload: Any) -> Any:
    if isinstance(payload, str):
        try:
            return json.loads(payload)
        except ValueError:
            return payload
    return payload


def _is_call(record: MessageRecord, payload: Any) -> bool:
    if isinstance(payload, list):
        return False  # a CALLERROR's [code, description, details]
    if record.action == "DataTransfer":
        return isinstance(payload, dict) and "vendorId" in payload
    pole_calls = record.action in POLE_CALLS
    return pole_calls == (record.direction == "in")


def message_labels(messages: Sequence[ReplayMessage], zone: ZoneInfo) -> list[str]:
    """One line per message for a "jump to" list, its time on the pole's wall clock.

    Thousands of these take a good part of a second to format: build them off the GUI
    thread (`asyncio.to_thread`) and hand them to the list ready-made.
    """
    return [f"{m.time.astimezone(zone).strftime('%d-%m-%Y %H:%M:%S')}  {m.summary()[:90]}"
            for m in messages]
