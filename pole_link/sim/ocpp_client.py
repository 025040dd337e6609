"""The virtual pole's OCPP 1.6J side: a real ``ocpp`` client to the CSMS.

Everything the pole owes the back office goes through its durable outbox first
(eis 53): transaction events, meter values, status changes and reports are written
to disk when they happen and sent strictly in order, so a connection that drops
half-way loses nothing and a restarted simulator picks up where it stopped. The
connection itself is retried forever with backoff (eis 52); while it is down the
pole is offline and accepts every card (eis 50).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ocpp.v16 import call_result
from ocpp.v16.enums import (
    Action,
    CertificateSignedStatus,
    ChargePointErrorCode,
    ChargePointStatus,
    DataTransferStatus,
    ResetType,
    TriggerMessageStatus,
)
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.typing import Subprotocol

from pole_link.errors import CallError, LinkLost, LinkTimeout, PoleLinkError
from pole_link.protocol.routing import StrictChargePoint, after, on
from pole_link.protocol.vendor import VENDOR_ID, VendorMessage, decode_data, encode_data
from pole_link.sim.certificate_store import CENTRAL_SYSTEM
from pole_link.sim.metering import Metering
from pole_link.sim.outbox import Outbox
from pole_link.sim.pole import MODEL, VENDOR, VirtualPole
from pole_link.sim.pole_actions import PoleActions
from pole_link.sim.sim_controls import SimControls
from pole_link.sim.sockets import EndedTransaction, Socket, Transaction
from pole_link.sim.vendor_handlers import LiveStream, overrule, self_test
from pole_link.timeutil import format_time, parse_time

LOGGER = logging.getLogger(__name__)

OCPP_CALL_TIMEOUT_S = 30.0
"""PROTOCOL.md: 30 s for an answer over OCPP."""
BACKOFF_FIRST_S = 1.0
BACKOFF_MAX_S = 30.0
"""SPEC.md "Network cut": at most 30 s between attempts, forever (eis 52)."""
MIN_OCPP_LIVE_MS = 1000
CLOSE_TIMEOUT_S = 2.0
"""A closing handshake the CSMS does not finish is not worth waiting longer for."""
SUBPROTOCOL = Subprotocol("ocpp1.6")


class CsmsEnd(PoleActions, StrictChargePoint):
    """The pole's end of the OCPP connection: the same handlers as its service port."""

    def __init__(self, pole: VirtualPole, connection: ClientConnection,
                 client: PoleOcppClient) -> None:
        super().__init__(pole.pole_id, connection, response_timeout=OCPP_CALL_TIMEOUT_S)
        self.pole = pole
        self.client = client
        self.live = LiveStream(pole, self.call_action, min_interval_ms=MIN_OCPP_LIVE_MS)
        self.frames_in = 0
        self.frames_out = 0

    async def route_message(self, raw_msg: str) -> None:
        self.frames_in += 1
        await super().route_message(raw_msg)

    async def _send(self, message: str) -> None:
        self.frames_out += 1
        await super()._send(message)

    def pole_rebooted(self) -> None:
        self.client.rebooted()

    @on(Action.certificate_signed)
    def on_certificate_signed(self, certificate_chain: str) -> call_result.CertificateSigned:
        """The certificate the CSMS's CA signed for the CSR this pole sent (profile 3)."""
        installed = self.pole.security.install_chain(certificate_chain, self.pole.pole_id)
        return call_result.CertificateSigned(
            status=CertificateSignedStatus.accepted if installed
            else CertificateSignedStatus.rejected)

    @after(Action.change_configuration)
    def after_security_profile(self, key: str, value: str) -> None:
        """A raised SecurityProfile counts from the next connection: reconnect with it once
        the answer is on the wire (OCPP security whitepaper)."""
        if key.lower() == "securityprofile" and value == str(self.pole.security.profile):
            self.client.rebooted()

    @on(Action.extended_trigger_message)
    def on_extended_trigger_message(self, requested_message: str,
                                    connector_id: int | None = None
                                    ) -> call_result.ExtendedTriggerMessage:
        """The security whitepaper's TriggerMessage: also LogStatusNotification and
        SignChargePointCertificate; FirmwareStatusNotification means the signed one."""
        self.security_extension_only("ExtendedTriggerMessage")
        if connector_id is not None:
            self.connector_exists(connector_id)
        status = self.client.extended_trigger(requested_message, connector_id)
        return call_result.ExtendedTriggerMessage(status=TriggerMessageStatus(status))

    @on(Action.data_transfer)
    def on_data_transfer(self, vendor_id: str, message_id: str | None = None,
                         data: str | None = None) -> call_result.DataTransfer:
        if vendor_id != VENDOR_ID:
            return call_result.DataTransfer(status=DataTransferStatus.unknown_vendor_id)
        handlers: dict[str, Callable[[Any], dict[str, Any]]] = {
            VendorMessage.OVERRULE: lambda request: overrule(self.pole, request),
            VendorMessage.SELF_TEST: lambda request: self_test(self.pole, request),
            VendorMessage.LIVE_SUBSCRIBE: self.live.subscribe,
            VendorMessage.LINK_STATS: lambda _: {"framesIn": self.frames_in,
                                                 "framesOut": self.frames_out,
                                                 "dropped": 0, "crcErrors": 0},
            # A test's hands on the pole also through its back office (the service relays
            # vendor DataTransfers), so a commissioning run over --service plugs a
            # simulated car as it does over the cable.
            **SimControls(self.pole).handlers(),
            VendorMessage.REVOKE_SERVICE_TOKENS: self._revoke_service_tokens,
        }
        handler = handlers.get(message_id or "")
        if handler is None:
            return call_result.DataTransfer(status=DataTransferStatus.unknown_message_id)
        try:
            answer = handler(decode_data(data))
        except (ValueError, KeyError, TypeError) as exc:
            return call_result.DataTransfer(status=DataTransferStatus.rejected,
                                            data=f"{message_id}: {exc}")
        return call_result.DataTransfer(status=DataTransferStatus.accepted,
                                        data=encode_data(answer))

    def _revoke_service_tokens(self, request: Any) -> dict[str, Any]:
        """``RevokeServiceTokens {jtis}`` (PROTOCOL.md): kept until they can have expired."""
        jtis = request.get("jtis") if isinstance(request, dict) else None
        if not isinstance(jtis, list) or not all(isinstance(j, str) for j in jtis):
            raise ValueError("jtis must be a list of token ids")
        self.pole.service_access.revoke(jtis, self.pole.clock.now())
        return {"status": "Accepted"}


class PoleOcppClient:
    """Keeps one pole connected to its CSMS and delivers its outbox in order."""

    def __init__(self, pole: VirtualPole, url: str, outbox: Outbox, *,
                 adopt_csms_time: bool = False) -> None:
        self.pole = pole
        self.url = url.rstrip("/")
        self.outbox = outbox
        self.adopt_csms_time = adopt_csms_time
        self.end: CsmsEnd | None = None
        self.connected = False
        self.connections = 0
        """How many times a connection was made (tests and the GUI read it)."""
        self._wake = asyncio.Event()
        self._reachable = asyncio.Event()
        self._unreachable = asyncio.Event()
        self._websocket: ClientConnection | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        pole.continue_local_ids_below(outbox.lowest_local_transaction_id())
        pole.observers.append(self)
        pole.remote_files.link = self
        pole.reboot_listeners.append(self.rebooted)
        self.metering = Metering(pole, self._queue)
        pole.subscribe(self._pole_changed)
        self._pole_changed()

    # ------------------------------------------------------------ the connection loop
    async def run(self) -> None:
        """Connect, serve, reconnect — forever (eis 52).

        Every wait here uses ``asyncio.timeout`` rather than ``wait_for``: on Python 3.11
        ``wait_for(event.wait(), t)`` swallows a cancellation that arrives as the event is
        set — exactly what a shutdown does (it cuts power, then cancels) — and the task
        would never stop.
        """
        try:
            await self._connect_forever()
        finally:
            self.pole.remote_files.cancel()  # the simulator stops: so do its transfers

    async def _connect_forever(self) -> None:
        backoff = BACKOFF_FIRST_S
        while True:
            await self._reachable.wait()
            try:
                security = self.pole.security  # issue 16: Basic, TLS, client certificate
                websocket = await connect(f"{self.url}/{self.pole.pole_id}",
                                          subprotocols=[SUBPROTOCOL], open_timeout=10,
                                          ping_interval=None,
                                          additional_headers=security.headers(
                                              self.pole.pole_id),
                                          ssl=security.ssl_context(
                                              self.url, self.pole.certificates.pem(
                                                  CENTRAL_SYSTEM)))
            except (OSError, InvalidHandshake, InvalidURI, TimeoutError) as exc:
                delay = backoff * random.uniform(0.8, 1.2)  # jitter: poles do not reconnect in step
                LOGGER.warning("%s: cannot reach the CSMS (%s); retrying in %.0f s",
                               self.pole.pole_id, exc, delay)
                await self._sleep_unless_unreachable(delay)
                backoff = min(backoff * 2, BACKOFF_MAX_S)
                continue
            backoff = BACKOFF_FIRST_S
            self.connections += 1
            try:
                await self._serve(websocket)
            except (ConnectionClosed, LinkLost, LinkTimeout) as exc:
                LOGGER.warning("%s: connection to the CSMS lost: %s", self.pole.pole_id, exc)
            finally:
                await self._disconnected(websocket)

    async def _sleep_unless_unreachable(self, seconds: float) -> None:
        """Back off, but stop waiting at once if the network goes (no point retrying then)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):  # not wait_for: see `PoleOcppClient.run`
                await self._unreachable.wait()

    def _pole_changed(self) -> None:
        reachable = self.pole.online and self.pole.powered
        if reachable:
            self._reachable.set()
            self._unreachable.clear()
        else:
            self._reachable.clear()
            self._unreachable.set()
            # Offline from this moment: cards follow the offline rules, statuses wait.
            self.connected = False
            self.pole.authoriser = None
            if self._websocket is not None:
                # The modem drops (SimNetwork) or the pole dies (SimPowerCut): no closing
                # handshake, the connection is simply gone, as SPEC.md "Network cut" says.
                self._websocket.transport.abort()

    async def _serve(self, websocket: ClientConnection) -> None:
        self._websocket = websocket
        end = CsmsEnd(self.pole, websocket, self)
        self.end = end
        reader = asyncio.create_task(end.start(), name=f"{self.pole.pole_id} ocpp reader")
        sessions: set[asyncio.Task[None]] = {reader}
        try:
            await self._boot(end)
            self.connected = True
            self.pole.authoriser = self
            if self.pole.security.profile >= 2 and self.pole.security.certificate is None:
                self._spawn(self._request_certificate(end))  # for profile 3 (issue 16)
            self._queue_all_statuses()
            sessions.add(asyncio.create_task(self._deliver(end), name="deliver"))
            done, _ = await asyncio.wait(sessions, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()  # raise what ended the session
        finally:
            for task in (*sessions, *self._tasks):
                task.cancel()
            await asyncio.gather(*sessions, return_exceptions=True)

    async def _disconnected(self, websocket: ClientConnection) -> None:
        self.connected = False
        self.pole.authoriser = None
        if self.end is not None:
            self.end.live.stop()
        self.end = None
        self._websocket = None
        with contextlib.suppress(Exception):
            async with asyncio.timeout(CLOSE_TIMEOUT_S):
                await websocket.close()
        self.pole.card_answers_lost()

    async def _boot(self, end: CsmsEnd) -> None:
        """BootNotification until Accepted; the pole sends nothing else before (OCPP 1.6)."""
        while True:
            result = await end.call_action("BootNotification", self._boot_payload())
            interval = int(result.get("interval", 0))
            if result.get("status") == "Accepted":
                if interval > 0:
                    self.pole.configuration.change("HeartbeatInterval", str(interval))
                self._adopt_time(result.get("currentTime"))
                return
            await asyncio.sleep(max(interval, 10))

    def _boot_payload(self) -> dict[str, Any]:
        return {"chargePointVendor": VENDOR, "chargePointModel": MODEL,
                "chargePointSerialNumber": self.pole.serial_number,
                "firmwareVersion": self.pole.firmware_version}

    def _adopt_time(self, current_time: str | None) -> None:
        """Follow the CSMS's clock forward unless the simulation was given its own start.

        Forward only: pole time is the scheduler's, whose events never run backwards (a
        real pole would also step back; a virtual one ahead of its CSMS stays ahead)."""
        if not self.adopt_csms_time or not current_time:
            return
        ahead = (parse_time(current_time) - self.pole.clock.now()).total_seconds()
        if ahead > 1:
            self.pole.scheduler.advance(ahead)

    # ------------------------------------------------------------ delivery
    async def _deliver(self, end: CsmsEnd) -> None:
        """Send the outbox head, wait for the answer, remove it; heartbeat when idle."""
        attempts = 0
        while True:
            # Cleared before looking, not after: a message queued while the outbox is read
            # (in a thread) sets it again, so it is not left waiting for the heartbeat.
            self._wake.clear()
            entry = await asyncio.to_thread(self.outbox.peek)
            if entry is None:
                interval = self.pole.configuration.int_value("HeartbeatInterval")
                try:
                    async with asyncio.timeout(interval if interval > 0 else None):
                        await self._wake.wait()
                except TimeoutError:
                    await self._heartbeat(end)
                continue
            try:
                result = await end.call_action(entry.action, entry.payload)
            except CallError as exc:
                attempts += 1
                limit = max(1, self.pole.configuration.int_value("TransactionMessageAttempts"))
                if attempts < limit:
                    retry = self.pole.configuration.int_value("TransactionMessageRetryInterval")
                    LOGGER.warning("%s: CSMS refused %s (%s); attempt %d of %d", self.pole.pole_id,
                                   entry.action, exc.code, attempts, limit)
                    await asyncio.sleep(retry * attempts)
                    continue
                LOGGER.error("%s: CSMS refused %s %d times; dropped: %s", self.pole.pole_id,
                             entry.action, attempts, exc)
                await asyncio.to_thread(self.outbox.delivered, entry.seq)
                attempts = 0
                continue
            attempts = 0
            if entry.action == "StartTransaction" and entry.local_transaction_id is not None:
                await self._started(entry.seq, entry.local_transaction_id, result)
            else:
                await asyncio.to_thread(self.outbox.delivered, entry.seq)

    async def _started(self, seq: int, local_id: int, result: dict[str, Any]) -> None:
        csms_id = int(result["transactionId"])
        await asyncio.to_thread(self.outbox.delivered_start_transaction, seq, csms_id)
        self.pole.assign_transaction_id(local_id, csms_id)
        status = result.get("idTagInfo", {}).get("status")
        if status != "Accepted":
            LOGGER.info("%s: CSMS refused transaction %d (%s)", self.pole.pole_id, csms_id,
                        status)
            self.pole.transaction_refused(local_id)

    def _queue(self, action: str, payload: dict[str, Any], created: datetime,
               local_transaction_id: int | None = None) -> None:
        self.outbox.append(action, payload, created=created,
                           local_transaction_id=local_transaction_id)
        self._wake.set()

    def _queue_all_statuses(self) -> None:
        now = self.pole.clock.now()
        for connector_id, (status, error) in self.pole.connector_statuses().items():
            self.status_changed(connector_id, status, error, now)

    # ------------------------------------------------------------ PoleObserver
    def transaction_started(self, socket: Socket, transaction: Transaction) -> None:
        self._queue("StartTransaction", {
            "connectorId": socket.connector_id, "idTag": transaction.id_tag,
            "meterStart": round(transaction.meter_start_wh),
            "timestamp": format_time(transaction.started)},
            transaction.started, transaction.local_id)

    def transaction_ended(self, socket: Socket, ended: EndedTransaction) -> None:
        transaction = ended.transaction
        self._queue("StopTransaction", {
            "transactionId": transaction.id, "idTag": transaction.id_tag,
            "meterStop": round(ended.meter_stop_wh), "timestamp": format_time(ended.stopped),
            "reason": ended.reason.value},
            ended.stopped, transaction.local_id)

    def status_changed(self, connector_id: int, status: ChargePointStatus,
                       error_code: ChargePointErrorCode, at: datetime) -> None:
        if not self.connected:
            return  # offline: the current status is sent on reconnection instead
        self._queue("StatusNotification", {
            "connectorId": connector_id, "status": status.value,
            "errorCode": error_code.value, "timestamp": format_time(at)}, at)

    def report(self, message_id: str, data: dict[str, Any], at: datetime) -> None:
        transaction_id = data.get("transactionId")
        local = transaction_id if isinstance(transaction_id, int) and transaction_id < 0 else None
        self._queue("DataTransfer", {"vendorId": VENDOR_ID, "messageId": message_id,
                                     "data": encode_data(data)}, at, local)

    def notify(self, action: str, payload: dict[str, Any], at: datetime) -> None:
        self._queue(action, payload, at)

    # ------------------------------------------------------------ CardAuthoriser
    def authorise(self, connector_id: int, id_tag: str) -> None:
        self._spawn(self._authorise(connector_id, id_tag))

    async def _authorise(self, connector_id: int, id_tag: str) -> None:
        end = self.end
        status: str | None = None
        if end is not None:
            try:
                result = await end.call_action("Authorize", {"idTag": id_tag})
                status = str(result.get("idTagInfo", {}).get("status"))
            except PoleLinkError as exc:
                LOGGER.info("%s: Authorize failed (%s): offline rules apply",
                            self.pole.pole_id, exc)
        self.pole.card_answer(connector_id, id_tag, status)

    def trigger(self, message: str, connector_id: int | None) -> bool:
        end = self.end
        if end is None or not self.connected:
            return False
        now = self.pole.clock.now()
        if message == "StatusNotification":
            for cid, (status, error) in self.pole.connector_statuses().items():
                if connector_id is None or cid == connector_id:
                    self.status_changed(cid, status, error, now)
            return True
        direct = {
            "BootNotification": ("BootNotification", self._boot_payload()),
            "DiagnosticsStatusNotification": ("DiagnosticsStatusNotification", {"status": "Idle"}),
            "FirmwareStatusNotification": ("FirmwareStatusNotification", {"status": "Idle"}),
        }
        if message == "MeterValues":
            return self.pole.meter_now(connector_id)
        if message == "Heartbeat":
            self._spawn(self._triggered_heartbeat(end))
            return True
        if message not in direct:
            return False
        action, payload = direct[message]
        self._spawn(self._call_quietly(end, action, payload))
        return True

    def extended_trigger(self, message: str, connector_id: int | None) -> str:
        """ExtendedTriggerMessage: Accepted (the message follows), Rejected (not now) or
        NotImplemented."""
        end = self.end
        if end is None or not self.connected:
            return "Rejected"
        if message == "LogStatusNotification":
            self._spawn(self._call_quietly(end, message, self.pole.logs.current()))
            return "Accepted"
        if message == "FirmwareStatusNotification":
            self._spawn(self._call_quietly(end, "SignedFirmwareStatusNotification",
                                           self.pole.signed_updates.current()))
            return "Accepted"
        if message == "SignChargePointCertificate":
            self._spawn(self._request_certificate(end))
            return "Accepted"
        if message in ("BootNotification", "Heartbeat", "MeterValues", "StatusNotification"):
            return "Accepted" if self.trigger(message, connector_id) else "Rejected"
        return "NotImplemented"

    async def _request_certificate(self, end: CsmsEnd) -> None:
        """SignCertificate with a fresh CSR; the certificate comes in CertificateSigned."""
        csr = self.pole.security.certificate_request(self.pole.pole_id)
        try:
            result = await end.call_action("SignCertificate", {"csr": csr})
        except PoleLinkError as exc:
            LOGGER.warning("%s: SignCertificate failed: %s", self.pole.pole_id, exc)
            return
        if result.get("status") != "Accepted":
            LOGGER.warning("%s: the CSMS refused to sign a certificate", self.pole.pole_id)

    async def _heartbeat(self, end: CsmsEnd) -> None:
        """A Heartbeat; its answer's ``currentTime`` sets the clock (OCPP 1.6's time sync)."""
        result = await end.call_action("Heartbeat", {})
        self._adopt_time(result.get("currentTime"))

    async def _triggered_heartbeat(self, end: CsmsEnd) -> None:
        with contextlib.suppress(PoleLinkError):
            await self._heartbeat(end)

    async def _call_quietly(self, end: CsmsEnd, action: str, payload: dict[str, Any]) -> None:
        with contextlib.suppress(PoleLinkError):
            await end.call_action(action, payload)

    # ------------------------------------------------------------ TransferLink
    async def send_status(self, action: str, payload: dict[str, Any]) -> None:
        """Firmware/diagnostics statuses: sent while connected, else lost (OCPP does not
        queue them); awaited, so a transfer's statuses arrive in order."""
        end = self.end
        if end is not None and self.connected:
            await self._call_quietly(end, action, payload)

    def reboot(self) -> None:
        """An installed firmware update restarts the pole, as a soft Reset does."""
        self.pole.reset(ResetType.soft)
        self.rebooted()

    def rebooted(self) -> None:
        """A Reset: the pole restarts, so the connection does too."""
        if self._websocket is not None:
            self._spawn(self._websocket.close())

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
