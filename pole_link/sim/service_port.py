"""The pole's end of its local service port: PROTOCOL.md's session rules and vendor messages.

Standard actions come from `PoleActions` (shared with the pole's OCPP side); this
class adds what only the service port has: ``Hello``/``Auth`` sessions where reads
are free and writes need a token, the 60 s idle end, the ``Live`` stream, and the
virtual-pole ``Sim*`` controls.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from ocpp.exceptions import SecurityError
from ocpp.messages import Call
from ocpp.v16 import call_result
from ocpp.v16.enums import Action, ConfigurationStatus, DataTransferStatus

from pole_link.errors import PoleLinkError
from pole_link.protocol.binary import BinaryFrame, FirmwareAck, FirmwareData
from pole_link.protocol.connection import FramedConnection
from pole_link.protocol.routing import StrictChargePoint, after, on
from pole_link.protocol.vendor import (
    PROTOCOL_VERSION,
    READ_ACTIONS,
    READ_MESSAGES,
    VENDOR_ID,
    VendorMessage,
    decode_data,
    encode_data,
)
from pole_link.service_tokens import Rejected
from pole_link.sim.pole import MODEL, VENDOR, VirtualPole
from pole_link.sim.pole_actions import PoleActions
from pole_link.sim.sim_controls import SimControls
from pole_link.sim.vendor_handlers import LiveStream, overrule, self_test
from pole_link.timeutil import format_time

LOGGER = logging.getLogger(__name__)

IDLE_TIMEOUT_S = 60.0
"""PROTOCOL.md: a session with no frame from the client for 60 s ends."""
MIN_LIVE_INTERVAL_MS = 50
KEY_ROLES = frozenset({"admin"})
"""Roles that may change ``ServiceTokenKeys`` on the service port; normally only the CSMS
sets them over OCPP, so a technician on site cannot swap in a key of their own."""
MAX_FRAME = 65_536
_FOREVER = datetime.max.replace(tzinfo=UTC)


class _Session:
    """What the pole remembers about the technician on the other end."""

    def __init__(self) -> None:
        self.client: str | None = None
        self.authorised_until: datetime | None = None
        """By the pole's clock: the token's own expiry (PROTOCOL.md)."""
        self.role: str | None = None
        self.transfer_id: int | None = None
        """The firmware transfer this session began: the only one whose data it may send."""

    def authorised(self, now: datetime) -> bool:
        return self.authorised_until is not None and now < self.authorised_until


class ServicePortEnd(PoleActions, StrictChargePoint):
    """Serves one pole's service port for as long as the pole lives."""

    def __init__(
        self,
        pole: VirtualPole,
        connection: FramedConnection,
        *,
        idle_timeout_s: float = IDLE_TIMEOUT_S,
        wall: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(pole.pole_id, connection, response_timeout=10.0,
                         on_dropped=connection.count_dropped)
        self.pole = pole
        self.port = connection
        self.sim = SimControls(pole)
        self.idle_timeout_s = idle_timeout_s
        self._wall = wall
        self._session = _Session()
        self._last_frame = wall()
        self.live = LiveStream(pole, self.call_action, min_interval_ms=MIN_LIVE_INTERVAL_MS)
        self._was_powered = pole.powered
        connection.on_binary = self._on_binary
        self._reboot_after_answer = False
        self._tasks: set[asyncio.Task[None]] = set()
        pole.subscribe(self._pole_changed)
        pole.reboot_listeners.append(self._pole_restarted)

    # ---------------------------------------------------------------- session rules
    def end_session(self, why: str) -> None:
        if self._session.client or self._session.authorised_until or self.live.running:
            LOGGER.info("%s: service session ended (%s)", self.pole.pole_id, why)
        self._session = _Session()
        self.live.stop()

    def pole_rebooted(self) -> None:
        self.end_session("pole restarted")

    def _pole_restarted(self) -> None:
        """The pole rebooted (a firmware install): the session is over, and a BLE
        central is dropped as a restarting radio drops it."""
        self.end_session("pole restarted")
        drop = getattr(self.port.stream, "drop_central", None)
        if drop is not None:
            self._spawn(drop())

    def _pole_changed(self) -> None:
        if self._was_powered and not self.pole.powered:
            self.end_session("power lost")
            port = self.port.stream
            if hasattr(port, "discard_output"):
                port.discard_output()
        self._was_powered = self.pole.powered

    async def route_message(self, raw_msg: str) -> None:
        if not self.pole.powered:
            return  # a pole without mains answers nothing
        self._last_frame = self._wall()
        await super().route_message(raw_msg)

    def check_call(self, msg: Call) -> None:
        if _allowed_before_auth(msg) or self._session.authorised(self.pole.clock.now()):
            return
        raise SecurityError(
            description=f"{msg.action} writes: authenticate first (DataTransfer Auth)",
            details={"cause": "session not authorised"})

    async def watch_idle(self) -> None:
        """End the session after ``idle_timeout_s`` without a frame from the client."""
        while True:
            await asyncio.sleep(min(1.0, self.idle_timeout_s / 4))
            if self._wall() - self._last_frame >= self.idle_timeout_s and (
                    self._session.client or self._session.authorised_until or self.live.running):
                self.end_session("idle")

    # ---------------------------------------------------------------- vendor messages
    @on(Action.data_transfer)
    async def on_data_transfer(self, vendor_id: str, message_id: str | None = None,
                               data: str | None = None) -> call_result.DataTransfer:
        if vendor_id != VENDOR_ID:
            return call_result.DataTransfer(status=DataTransferStatus.unknown_vendor_id)
        handler = self._vendor_handlers().get(message_id or "")
        if handler is None:
            return call_result.DataTransfer(status=DataTransferStatus.unknown_message_id)
        try:
            request = decode_data(data)
            answer = handler(request)
            if asyncio.iscoroutine(answer):
                answer = await answer
        except (ValueError, KeyError, TypeError, PoleLinkError) as exc:
            reason = f"{message_id}: {exc}" if not isinstance(exc, KeyError) else \
                f"{message_id}: missing field {exc}"
            return call_result.DataTransfer(status=DataTransferStatus.rejected, data=reason)
        return call_result.DataTransfer(status=DataTransferStatus.accepted,
                                        data=encode_data(answer))

    def _vendor_handlers(self) -> dict[str, Callable[[Any], Any]]:
        handlers: dict[str, Callable[[Any], Any]] = {
            VendorMessage.HELLO: self._hello,
            VendorMessage.AUTH: self._auth,
            VendorMessage.LIVE_SUBSCRIBE: self.live.subscribe,
            VendorMessage.LINK_STATS: lambda _: self.port.counters.to_json(),
            VendorMessage.SELF_TEST: lambda request: self_test(self.pole, request),
            VendorMessage.OVERRULE: lambda request: overrule(self.pole, request),
            VendorMessage.FIRMWARE_BEGIN: self._firmware_begin,
            VendorMessage.FIRMWARE_COMMIT: self._firmware_commit,
        }
        handlers.update(self.sim.handlers())
        return handlers

    def _hello(self, request: Any) -> dict[str, Any]:
        self.end_session("new Hello")
        client = request.get("client") if isinstance(request, dict) else None
        self._session.client = str(client or "unknown client")
        pole = self.pole
        return {
            "poleId": pole.pole_id, "vendor": VENDOR, "model": MODEL,
            "serialNumber": pole.serial_number, "firmwareVersion": pole.firmware_version,
            "protocolVersion": PROTOCOL_VERSION, "sockets": len(pole.sockets),
            "maxFrame": MAX_FRAME, "time": format_time(pole.clock.now()),
        }

    def _auth(self, request: Any) -> dict[str, Any]:
        """A service token (or, on a factory-fresh pole, the PIN) checked by the pole's clock."""
        token = request.get("token") if isinstance(request, dict) else None
        verdict = self.pole.service_access.authenticate(
            token, self.pole.configuration.value("PoleId") or self.pole.pole_id,
            self.pole.clock.now())
        if isinstance(verdict, Rejected):
            self._session.authorised_until = None
            self._session.role = None
            return {"status": "Rejected", "reason": str(verdict.reason)}
        # The PIN (no jti) holds for the session, however fast the simulated clock runs.
        self._session.authorised_until = verdict.expires if verdict.jti else _FOREVER
        self._session.role = verdict.role
        return {"status": "Accepted", "role": verdict.role,
                "expires": format_time(verdict.expires)}

    def change_token_keys(self, value: str) -> ConfigurationStatus:
        """On the service port only an admin token may set ``ServiceTokenKeys``."""
        if self._session.role not in KEY_ROLES:
            return ConfigurationStatus.rejected
        return super().change_token_keys(value)

    # ---------------------------------------------------------------- firmware
    def _firmware_begin(self, request: Any) -> dict[str, Any]:
        answer = self.pole.firmware.begin(request)
        if answer["status"] == "Accepted":
            self._session.transfer_id = int(answer["transferId"])
        return answer

    def _firmware_commit(self, request: Any) -> dict[str, Any]:
        if not isinstance(request, dict):
            raise ValueError("data must be a JSON object")
        transfer_id = request["transferId"]
        if isinstance(transfer_id, bool) or not isinstance(transfer_id, int):
            raise ValueError("transferId must be an integer")
        if transfer_id != self._session.transfer_id:
            raise ValueError(f"transfer {transfer_id} was not begun in this session "
                             "(FirmwareBegin first)")
        answer = self.pole.firmware.commit(transfer_id)
        if answer["status"] == "Installed":
            self._session.transfer_id = None
            self._reboot_after_answer = True
        return answer

    @after(Action.data_transfer)
    def after_data_transfer(self, vendor_id: str, message_id: str | None = None,
                            data: str | None = None) -> None:
        """Reboot into new firmware once the ``Installed`` answer is on the wire."""
        if self._reboot_after_answer:
            self._reboot_after_answer = False
            self.pole.reboot()

    def _on_binary(self, frame: BinaryFrame) -> None:
        if not isinstance(frame, FirmwareData) or not self.pole.powered:
            return
        self._last_frame = self._wall()
        if (frame.transfer_id != self._session.transfer_id
                or not self._session.authorised(self.pole.clock.now())):
            # Not begun in this (authorised) session: nothing of it is taken.
            ack: FirmwareAck | None = self.pole.firmware.current_ack(frame.transfer_id)
        else:
            ack = self.pole.firmware.receive(frame)
        if ack is not None:
            self._spawn(self.port.send_binary(ack))

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(_forget(self._tasks))

    async def serve(self) -> None:
        """Serve the port until cancelled."""
        idle = asyncio.create_task(self.watch_idle(), name="idle watch")
        try:
            await self.start()
        finally:
            idle.cancel()
            self.live.stop()
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(idle, *self._tasks, return_exceptions=True)


def _allowed_before_auth(msg: Call) -> bool:
    """Reads, and ``Auth`` itself (PROTOCOL.md, Session 2)."""
    if msg.action in READ_ACTIONS:
        return True
    if msg.action == "DataTransfer" and msg.payload.get("vendorId") == VENDOR_ID:
        message_id = msg.payload.get("messageId")
        return message_id in READ_MESSAGES or message_id == VendorMessage.AUTH
    return False


def _forget(tasks: set[asyncio.Task[None]]) -> Callable[[asyncio.Task[None]], None]:
    """A done-callback: drop the task, log what it raised (an ack the link lost is no news)."""
    def done(task: asyncio.Task[None]) -> None:
        tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            LOGGER.info("sending on the service port failed: %s", task.exception())
    return done
