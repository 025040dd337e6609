"""Vendor messages a pole answers the same way on its service port and its OCPP connection.

PROTOCOL.md: "SelfTest, LinkStats and Overrule work the same" over OCPP, and the CSMS
relays ``Live`` exactly as a local client receives it. So the logic lives here once
and each connection only supplies how it sends a call.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from pole_link.errors import PoleLinkError
from pole_link.protocol.vendor import VendorMessage, data_transfer_payload
from pole_link.sim.pole import VirtualPole

LOGGER = logging.getLogger(__name__)

SendCall = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]

_SELF_TEST_FAULTS = {"rcd": "rcd", "lock": "lock", "meter": "meter"}


def self_test(pole: VirtualPole, request: Any) -> dict[str, Any]:
    """``SelfTest``: a test fails where the socket has the matching fault."""
    test = str(request["test"])
    connector = pole.socket(int(request.get("connectorId", 1)))
    if test == "led":
        pole.led_self_test(connector.connector_id)
        return {"result": "Passed", "detail": "all LED segments respond; showing every colour"}
    if test == "modem":
        # What a technician at the pole needs to know: does it reach its back office?
        if not pole.online:
            return {"result": "Failed", "detail": "no network"}
        if pole.authoriser is None:
            return {"result": "Failed", "detail": "network up, back office not reachable"}
        return {"result": "Passed", "detail": "connected to the back office"}
    if test not in _SELF_TEST_FAULTS:
        raise ValueError(f"unknown test {test!r} (rcd, led, lock, meter, modem)")
    if connector.fault == _SELF_TEST_FAULTS[test]:
        return {"result": "Failed", "detail": f"{test} fault on connector {connector.connector_id}"}
    return {"result": "Passed", "detail": f"{test} on connector {connector.connector_id} ok"}


def overrule(pole: VirtualPole, request: Any) -> dict[str, Any]:
    """``Overrule`` asked of the pole (phone page via the CSMS, or the service port)."""
    connector_id = int(request["connectorId"])
    socket = pole.socket(connector_id)
    wanted = request.get("transactionId")
    if socket.transaction is None or (wanted is not None and int(wanted) not in (
            socket.transaction.local_id, socket.transaction.csms_id)):
        return {"status": "NoTransaction"}
    return {"status": pole.overrule(connector_id)}


class LiveStream:
    """Sends ``Live`` at the subscribed interval until stopped or the peer stops answering."""

    def __init__(self, pole: VirtualPole, send: SendCall, *, min_interval_ms: int) -> None:
        self.pole = pole
        self._send = send
        self.min_interval_ms = min_interval_ms
        self.interval_ms = 0
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def subscribe(self, request: Any) -> dict[str, Any]:
        interval = int(request["intervalMs"])
        if interval == 0:
            self.stop()
            return {"status": "Accepted"}
        if interval < self.min_interval_ms:
            raise ValueError(f"intervalMs must be 0 or at least {self.min_interval_ms}")
        self.interval_ms = interval
        if not self.running:
            self._task = asyncio.create_task(self._stream(), name="live")
        return {"status": "Accepted"}

    def stop(self) -> None:
        self.interval_ms = 0
        task, self._task = self._task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()

    async def _stream(self) -> None:
        next_at = time.monotonic()
        while self.interval_ms:
            payload = data_transfer_payload(VendorMessage.LIVE, self.pole.live_sample().to_json())
            try:
                await self._send("DataTransfer", payload)
            except PoleLinkError as exc:
                LOGGER.info("%s: live stream stopped: %s", self.pole.pole_id, exc)
                self.interval_ms = 0
                break
            next_at += self.interval_ms / 1000
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            next_at = max(next_at, time.monotonic() - 1.0)  # never burst to catch up
        self._task = None
