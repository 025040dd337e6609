"""The ``replay`` transport: a `ReplayPlayer` behind the one `PoleLink` interface.

The Pole view shows a replay through the same `PoleSession` and `PoleController` as a
cable, a radio or the service, so it needs no replay branch to display it. What makes it a
replay is said here, once:

- ``Hello`` names the replayed pole as its last BootNotification described it;
- ``LiveSubscribe`` starts the replay's heartbeat: every interval of real time the player
  advances (``speed`` × that interval) and its state goes out as a ``Live`` sample —
  paused too, so the session never mistakes a paused replay for a silent pole;
- the Pole view's own questions get answers from the log: its fault self tests fail when
  the stored errorCode is theirs (so the view names a replayed GroundFailure), and the
  schedule is not available;
- the link is read only (`read_only_reason`), and every other call — any command, even one
  the view should never send — is refused with `NotAuthorised`: a replay has no pole to
  reach, and nothing typed while watching one may act on the real pole.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, ClassVar

from pole_link.cancel import cancel_and_wait
from pole_link.errors import CallError, ConnectError, LinkLost, NotAuthorised
from pole_link.protocol.vendor import VENDOR_ID, VendorMessage, decode_data, encode_data
from pole_link.queues import drain, put_dropping_oldest
from pole_link.replay.player import ReplayPlayer
from pole_link.timeutil import format_time
from pole_link.transports.base import PoleAddress, PoleLink, PoleMessage

__all__ = ["REPLAY_READ_ONLY", "ReplayLink"]

REPLAY_READ_ONLY = "Replay"
"""The `PoleAccess` reason of a replay: nothing can be written."""
MIN_INTERVAL_S = 0.05
SELF_TEST_CODES = {"rcd": "GroundFailure", "lock": "ConnectorLockFailure",
                   "meter": "PowerMeterFailure"}
"""PROTOCOL.md's fault self tests and the OCPP errorCode each finds."""


class ReplayLink(PoleLink):
    """A `PoleLink` to a replayed pole's history."""

    transport: ClassVar[str] = "replay"
    read_only_reason: ClassVar[str | None] = REPLAY_READ_ONLY

    def __init__(self, pole_id: str, *, player: ReplayPlayer | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        if player is None:
            raise ConnectError("a replay needs its messages: load them from the service's "
                               "message log first (Message log › Replay…)")
        self.pole_id = pole_id
        self.player = player
        self._monotonic = monotonic
        self._open = False
        self._ticker: asyncio.Task[None] | None = None
        self._messages: asyncio.Queue[PoleMessage | BaseException] = asyncio.Queue(maxsize=64)

    @classmethod
    async def discover(cls) -> list[PoleAddress]:
        return []  # a replay is opened from a message log, never found on a port

    @property
    def connected(self) -> bool:
        return self._open

    @property
    def description(self) -> str:
        return f"replay of {self.pole_id}'s message log"

    async def connect(self) -> None:
        self._open = True

    async def call(self, action: str, payload: dict[str, Any], *,
                   timeout: float | None = None) -> dict[str, Any]:
        if not self._open:
            raise LinkLost(f"{action}: the replay of {self.pole_id} is closed")
        message_id = payload.get("messageId") if payload.get("vendorId") == VENDOR_ID else None
        if action == "DataTransfer" and message_id == VendorMessage.HELLO:
            return _accepted(self._hello())
        if action == "DataTransfer" and message_id == VendorMessage.LIVE_SUBSCRIBE:
            request = decode_data(payload.get("data"))
            interval = int(request.get("intervalMs", 0)) if isinstance(request, dict) else 0
            await self._subscribe(interval / 1000)
            return _accepted({"status": "Accepted"})
        if action == "DataTransfer" and message_id == VendorMessage.SELF_TEST:
            return _accepted(self._self_test(decode_data(payload.get("data"))))
        if action == "GetCompositeSchedule":
            return {"status": "Rejected"}  # the real pole is not asked for its schedule
        what = f"DataTransfer {message_id}" if message_id else action
        if message_id == VendorMessage.AUTH:
            raise CallError("NotSupported", "a replay shows the stored messages only: the "
                            "real pole is not asked", action=what)
        raise NotAuthorised("this is a replay of the message log: nothing is sent to the "
                            "real pole", {"reason": REPLAY_READ_ONLY}, action=what)

    def _hello(self) -> dict[str, Any]:
        pole = self.player.pole
        return {"poleId": self.pole_id, "vendor": pole.vendor, "model": pole.model,
                "serialNumber": pole.serial_number, "firmwareVersion": pole.firmware_version,
                "protocolVersion": 1, "sockets": len(pole.sockets), "maxFrame": 65536,
                "time": format_time(self.player.clock)}

    def _self_test(self, request: Any) -> dict[str, Any]:
        """A self test the Pole view asks to explain a fault, answered from the log, not
        run: the fault test fails when the socket's stored errorCode is the one it finds,
        and the back-office link (``modem``) passes: every replayed message came through
        it."""
        test = str(request.get("test")) if isinstance(request, dict) else ""
        connector_id = int(request.get("connectorId", 1)) if isinstance(request, dict) else 1
        if test == "modem":
            return {"result": "Passed", "detail": "replay: the service received these messages"}
        code = self.player.pole.socket(connector_id).error_code
        failed = SELF_TEST_CODES.get(test) == code
        return {"result": "Failed" if failed else "Passed",
                "detail": f"replay: the message log's errorCode is {code}"}

    async def _subscribe(self, interval_s: float) -> None:
        ticker, self._ticker = self._ticker, None
        if ticker is not None:
            await cancel_and_wait(ticker)
        if interval_s > 0:
            self._ticker = asyncio.create_task(self._tick(max(MIN_INTERVAL_S, interval_s)),
                                               name=f"replay {self.pole_id}")

    async def _tick(self, interval_s: float) -> None:
        last = self._monotonic()
        while True:
            now = self._monotonic()
            self.player.advance(now - last)
            last = now
            put_dropping_oldest(self._messages, PoleMessage(
                "DataTransfer", {"vendorId": VENDOR_ID, "messageId": VendorMessage.LIVE},
                decoded=self.player.sample()))
            await asyncio.sleep(interval_s)

    async def pole_messages(self) -> AsyncIterator[PoleMessage]:
        async for message in drain(self._messages, shared=True):
            yield message

    async def close(self) -> None:
        was_open, self._open = self._open, False
        ticker, self._ticker = self._ticker, None
        if ticker is not None:
            await cancel_and_wait(ticker)
        if was_open:
            put_dropping_oldest(self._messages, LinkLost(f"the replay of {self.pole_id} ended"))


def _accepted(data: Any) -> dict[str, Any]:
    return {"status": "Accepted", "data": encode_data(data)}
