"""One connected pole, as the CSMS sees it: the charge-point-initiated OCPP 1.6 actions.

Built on the same strict routing as the poles' own ports, so a pole that sends a
malformed frame gets an OCPP 1.6 CALLERROR and keeps its connection. Everything a
pole reports is stored before it is acknowledged: a pole deletes a queued message
once answered, so answering first would lose it on a crash.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from ocpp.v16 import call_result
from ocpp.v16.enums import Action, AuthorizationStatus, DataTransferStatus, RegistrationStatus

from pole_link.errors import PoleLinkError
from pole_link.profiles.intent import CLOCK_TOLERANCE_S, describe_offset
from pole_link.protocol.connection import JsonText
from pole_link.protocol.routing import StrictChargePoint, after, on
from pole_link.protocol.vendor import VENDOR_ID, VendorMessage
from pole_link.service_api import SecurityEventRecord
from pole_link.timeutil import format_time, parse_time
from service.cards.authority import IdTagAuthority
from service.live.events import (
    Event,
    meter_values_event,
    security_event,
    status_event,
    transaction_event,
)
from service.ocpp import crash_hook, gc_policy
from service.ocpp.call_budget import (
    BOOT_CALLS,
    DEFAULT_BOOTS_FIRST_S,
    DEFAULT_BOOTS_IN_FLIGHT,
    DEFAULT_CALLS_IN_FLIGHT,
    DEFAULT_RATE,
    SHARED_CALLS_IN_FLIGHT,
    CallBudget,
)
from service.ocpp.clock_watch import ClockWatch
from service.ocpp.later_calls import DEFAULT_LATER_CALLS
from service.ocpp.message_log import MessageLog

LOGGER = logging.getLogger(__name__)


class PoleStore(Protocol):
    """What the OCPP side needs from storage (async: the event loop never blocks on I/O)."""

    async def pole_known(self, pole_id: str) -> bool: ...

    async def pole_booted(self, pole_id: str, *, vendor: str, model: str, serial: str | None,
                          firmware: str | None, auto_registered: bool, at: datetime) -> None: ...

    async def pole_seen(self, pole_id: str, at: datetime, *, connected: bool) -> None: ...

    async def connection_ended(self, pole_id: str, at: datetime, reason: str) -> None:
        """The pole's connection is gone (``reason``: a `connection_end.EndReason`)."""

    async def record_status(self, pole_id: str, connector_id: int, status: str, error_code: str,
                            at: datetime, *, stamped_on_arrival: bool = False) -> None:
        """``stamped_on_arrival``: the pole sent no timestamp; ``at`` is the receive time
        (`Repository.record_status`: such an event is kept only if it changes the state)."""

    async def start_transaction(self, pole_id: str, connector_id: int, id_tag: str,
                                meter_start: int, started: datetime) -> int: ...

    async def stop_transaction(self, transaction_id: int, meter_stop: int, stopped: datetime,
                               reason: str | None) -> None: ...

    async def mark_overrule(self, transaction_id: int, at: datetime, source: str) -> None: ...

    async def mark_low_current(self, transaction_id: int, at: datetime) -> None: ...

    async def firmware_status(self, pole_id: str, status: str, at: datetime) -> None: ...

    async def security_event(self, pole_id: str, kind: str, tech_info: str | None,
                             timestamp: datetime, received_at: datetime
                             ) -> SecurityEventRecord:
        """Store a SecurityEventNotification; the stored record (with its id)."""

    async def pole_clock(self, pole_id: str, offset_s: float, at: datetime) -> None: ...

    async def add_meter_values(self, pole_id: str, connector_id: int,
                               transaction_id: int | None,
                               meter_value: list[dict[str, Any]]) -> None: ...

    def log_message(self, pole_id: str, direction: str, action: str | None,
                    unique_id: str, payload: Any, *, at: datetime,
                    latency_ms: float | None) -> Awaitable[Any]:
        """Queue one row of the message log; done once it is stored. Best a future (no
        task per row: `MessageLog`), a coroutine works too."""

    async def prune_message_log(self, keep_per_pole: int, pole_id: str | None = None
                                ) -> None: ...


@dataclass(frozen=True)
class CsmsSettings:
    registration_open: bool = True
    """SPEC.md "Unknown poles": accept and register by default; closed → Rejected."""
    heartbeat_interval_s: int = 900
    deploy_capacity_profile: bool = True
    """Deploy and verify the tender profile on every (re)connection (SPEC.md "Time")."""
    accept_unknown_id_tags: bool = True
    """A card the register does not hold is Accepted (eis 60: every e-mobility provider's
    cards must work, and the register holds only the cards the operator entered); False
    answers it Invalid. README "Cards"."""
    push_local_lists: bool = True
    """Keep the local lists of poles that were sent one up to date: after each card change
    and at each boot (`service.cards.auto_push`). False: only by the operator's
    ``POST /api/v1/poles/{id}/local-list``."""
    server_calls_per_s: float = DEFAULT_RATE
    """The service's own calls to poles at boot (capacity profile, grid limit) per second
    per process while none of the poles' calls waits for its answer; the more of those are in
    hand, the slower, down to 120/s (`service.ocpp.call_budget.CallBudget.pace`; 150/s by
    default)."""
    boots_in_flight: int = DEFAULT_BOOTS_IN_FLIGHT
    """Poles admitted at once between their handshake and their first answer; in a
    reconnect storm the rest wait in their upgrade (`service.ocpp.call_budget.Admission`)."""
    calls_in_flight: int = DEFAULT_CALLS_IN_FLIGHT
    """A pole is admitted only while fewer booting poles' calls than this (their first
    `BOOT_CALLS`, poles admitted and not yet answered included) are in hand; 0: admitted by
    `boots_in_flight` alone
    (`service.ocpp.call_budget.Admission.pace_by`)."""
    boots_first_s: float = DEFAULT_BOOTS_FIRST_S
    """The longest the service's own calls wait while poles wait for their boot (their
    admission place or first answer); 0: no such wait (`service.ocpp.call_budget`)."""
    later_calls: int = DEFAULT_LATER_CALLS
    """While poles wait for their boot, at most this many of the booted poles' later
    calls (a backlog, steady traffic) are handled at once, the rest wait (at most
    `DEFAULT_LATER_HOLD_S`); 0: never held (`service.ocpp.later_calls`)."""

    def shared_by(self, processes: int) -> CsmsSettings:
        """These settings for each of ``processes`` service processes on one machine
        (``--workers``). The bounds on calls in hand (`calls_in_flight`, `later_calls`)
        keep a call's wait short by Little's law, calls in hand over calls answered per
        second: each process answers its share of the machine's calls, so each gets its
        share of the bound (rounded up; 0, not paced, stays 0). Measured, 10,000 poles, two
        processes on PostgreSQL, same day (docs/reconnect-storm.md, 5 December 2026): with
        the whole 800 in each, 8,233 boots within 30 s and boot-phase p99 3.64 s; with a
        share each, 7,687 and 1.97 s — the share halved the wait, and the boots within
        30 s came once each boot's PostgreSQL reads were batched (6 December 2026: all
        10,000, p99 0.65–1.00 s). Between them the processes answer a storm's boot calls
        more slowly than one process on SQLite (each boot's PostgreSQL reads and writes run
        on the same cores), so the booting calls' bound is cut to `SHARED_CALLS_IN_FLIGHT`
        of it before it is shared: 800 over two processes is 300 each."""
        if processes < 1:
            raise ValueError(f"processes = {processes!r}: at least one")
        if processes == 1:
            return self
        return replace(self, calls_in_flight=math.ceil(
                           self.calls_in_flight * SHARED_CALLS_IN_FLIGHT / processes),
                       later_calls=math.ceil(self.later_calls / processes))


BootHook = Callable[[str], Awaitable[Any]]
Clock = Callable[[], datetime]

TIME_SYNC_EVERY_S = 3600.0
"""A pole whose clock stays off is asked for a Heartbeat (whose answer sets its time) at
most this often: a pole that ignores ``currentTime`` is not pestered."""


def wall_clock() -> datetime:
    return datetime.now(UTC)


class EventSink(Protocol):
    """Who hears what a pole reported, once it is stored (the live feed's `LiveHub`)."""

    def publish(self, event: Event) -> None: ...

    def relay_live(self, pole_id: str, data: Any) -> None: ...

    @property
    def listened_to(self) -> bool:
        """Does anyone hear events now? If not, they are not even built."""


class PoleHandler(StrictChargePoint):
    """The CSMS's end of one pole's OCPP connection.

    Slotted like its base (`StrictChargePoint`): one per connected pole, and an instance
    dict of its 29 attributes was 1.6 KB of each idle connection (issue 20). A subclass
    slots what it adds (`service.security.certificates.CertificatePoleHandler`);
    `tests/service/test_connection_memory.py` checks that nothing lands in the dict.
    """

    __slots__ = (
        "_answering", "_background", "_calls_received", "_connector_of", "_incoming_logged",
        "_on_booted", "_time_synced", "accepted", "authority", "budget", "clock",
        "clock_watch", "events", "message_log", "served", "settings", "store")

    def __init__(self, pole_id: str, connection: Any, store: PoleStore,
                 settings: CsmsSettings, *, on_booted: BootHook | None = None,
                 events: EventSink | None = None, clock: Clock = wall_clock,
                 authority: IdTagAuthority | None = None,
                 budget: CallBudget | None = None) -> None:
        super().__init__(pole_id, connection, response_timeout=30.0)
        self.budget = budget
        """Told of each of the pole's own calls, so the service's own wait (priority)."""
        self.served: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        """Done once the first message of the pole has been handled (admission control)."""
        self.clock = clock
        self.authority = authority
        """The card register's judge; None accepts every card (no register)."""
        self.clock_watch = ClockWatch()
        self._time_synced: datetime | None = None
        self._background: set[asyncio.Future[Any]] | None = None
        """Work started on the side (a clock offset to store), held until done; made
        with the first (an empty set is 216 B, every connection had one: issue 20)."""
        self.store = store
        self.settings = settings
        self.accepted = False
        self._on_booted = on_booted
        self.events = events
        self._connector_of: dict[int, int] = {}
        """Connector of each transaction started on this connection, for stop events."""
        self.message_log = MessageLog(pole_id, store.log_message, store.prune_message_log)
        self._incoming_logged: asyncio.Future[Any] | None = None
        """The log row of the message being handled, until it is stored: a done future
        kept between messages was 150 B of every idle connection (issue 20)."""
        self._answering: str | None = None
        """The action of the call being handled, kept only for `crash_hook`."""
        self._calls_received = 0
        """The pole's calls so far on this connection: its first `BOOT_CALLS` pace the
        admission of other poles (`call_budget.Admission.pace_by`)."""

    async def route_message(self, raw_msg: str) -> None:
        gc_policy.tick()
        budget = self.budget if raw_msg[:3].replace(" ", "").startswith("[2") else None
        booting = False
        later = None
        if budget is not None:
            self._calls_received += 1
            booting = self._calls_received <= BOOT_CALLS
            if not booting and budget.later is not None:
                # Below the other poles' boots while a storm lasts; held before it is even
                # parsed or logged, so holding costs nothing but the wait (issue 20).
                later = budget.later
                await later.turn()
        try:
            await self._route(raw_msg, budget, booting)
        finally:
            if later is not None:
                later.done()

    async def _route(self, raw_msg: str, budget: CallBudget | None, booting: bool) -> None:
        """Decode, log, handle and answer one message (``budget``: a call of the pole's,
        counted there; ``booting``: one of its first `BOOT_CALLS`)."""
        if crash_hook.ARMED:  # a test hook (issue 20); otherwise nothing is parsed here
            self._answering = crash_hook.call_action(raw_msg)
        # Decoded once, for both the router and the message log (issue 20); unreadable
        # text goes on as it came, and the router says what is wrong with it.
        try:
            parsed = json.loads(raw_msg)
        except (ValueError, RecursionError):
            parsed = None
        else:
            raw_msg = JsonText(raw_msg, parsed)
        # The log's row is queued beside the handler's own writes (group commit puts them in
        # one transaction when busy); an answer is only sent once it is stored (`_send`).
        self._incoming_logged = self._log(self.message_log.incoming(raw_msg, parsed))
        if budget is not None:
            budget.pole_call_started(booting)
        try:
            await super().route_message(raw_msg)
        finally:
            try:
                await self._incoming_stored()
            finally:
                if budget is not None:
                    budget.pole_call_done(booting)
                if not self.served.done():
                    self.served.set_result(None)

    async def _send(self, message: str) -> None:
        # An answer goes out only once the message it answers is in the log; what we send
        # is logged without holding up this pole's next message.
        await self._incoming_stored()
        if crash_hook.ARMED and message.startswith("[3"):
            crash_hook.before_answer(self._answering, self.id)
        await super()._send(message)
        self._log(self.message_log.outgoing(message))

    async def _incoming_stored(self) -> None:
        """Until the message being handled is in the log; one that could not be stored
        holds nothing up (`_log` has said why)."""
        logged = self._incoming_logged
        if logged is None:
            return
        if not logged.done():
            with contextlib.suppress(Exception):
                await logged
        if self._incoming_logged is logged:  # stored (or not): nothing left to wait for
            self._incoming_logged = None

    def _log(self, stored: asyncio.Future[Any]) -> asyncio.Future[Any]:
        """The log serves diagnosis; a storage hiccup there must never break OCPP: a row
        that could not be stored is reported here, and the exchange goes on."""
        stored.add_done_callback(self._log_failed)
        return stored

    def _log_failed(self, stored: asyncio.Future[Any]) -> None:
        if not stored.cancelled() and stored.exception() is not None:
            LOGGER.error("%s: message not logged", self.id, exc_info=stored.exception())

    def _now(self) -> datetime:
        return self.clock()

    def _pole_time(self, timestamp: str | None) -> datetime:
        """A timestamp the pole sent (its clock), noted for the clock estimate; now if none."""
        received = self._now()
        if not timestamp:
            return received
        at = parse_time(timestamp)
        # Read late by a busy service, a right clock looks behind (`ClockWatch`).
        trusted = self.budget is None or self.budget.calm(received)
        estimate = self.clock_watch.observe(at, received, trusted=trusted)
        if estimate is not None:
            self._in_background(self._clock_measured(estimate, received))
        return at

    async def clock_measured(self, offset_s: float, at: datetime) -> None:
        """A direct measurement of the pole's clock (the capacity policy's verification).

        Its answer read late by a busy service (``at`` is when it was handled), a right
        clock looks behind by the delay: then it counts as one of the pole's own late
        timestamps (`ClockWatch.observe`, untrusted), so only a clock ahead, which no delay
        explains, is believed. After a 10,000-pole storm 583 right clocks were "2 s behind"
        this way, each a warning and a TriggerMessage (issue 20)."""
        if self.budget is not None and not self.budget.calm(at):
            estimate = self.clock_watch.observe(at + timedelta(seconds=offset_s), at,
                                                trusted=False)
            if estimate is not None:
                await self._clock_measured(estimate, at)
            return
        self.clock_watch.measured(offset_s, at)
        await self._clock_measured(offset_s, at)

    async def _clock_measured(self, offset_s: float, at: datetime) -> None:
        try:
            await self.store.pole_clock(self.id, offset_s, at)
        except Exception:
            LOGGER.exception("%s: clock offset not stored", self.id)
        if abs(offset_s) > CLOCK_TOLERANCE_S and (
                self._time_synced is None
                or (at - self._time_synced).total_seconds() >= TIME_SYNC_EVERY_S):
            self._time_synced = at
            await self._set_time()

    async def _set_time(self) -> None:
        """OCPP 1.6's only way to set a pole's clock: a Heartbeat, whose answer carries
        ``currentTime``; TriggerMessage asks for one now instead of at the next interval."""
        LOGGER.warning("%s: clock is %s: asking for a Heartbeat to set it", self.id,
                       describe_offset(self.clock_watch.offset_s or 0.0))
        try:
            if self.budget is not None:  # one of the service's own calls: paced
                await self.budget.slot()
            await self.call_action("TriggerMessage", {"requestedMessage": "Heartbeat"})
        except PoleLinkError as exc:
            LOGGER.info("%s: time not set: %s", self.id, exc)

    def _in_background(self, work: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(work)
        if self._background is None:
            self._background = set()
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    @on(Action.boot_notification)
    async def on_boot(self, charge_point_vendor: str, charge_point_model: str,
                      charge_point_serial_number: str | None = None,
                      firmware_version: str | None = None, **_: Any
                      ) -> call_result.BootNotification:
        known = await self.store.pole_known(self.id)
        if not known and not self.settings.registration_open:
            LOGGER.warning("%s: unknown pole refused (registration closed)", self.id)
            return call_result.BootNotification(current_time=format_time(self._now()),
                                                interval=self.settings.heartbeat_interval_s,
                                                status=RegistrationStatus.rejected)
        await self.store.pole_booted(self.id, vendor=charge_point_vendor,
                                     model=charge_point_model, serial=charge_point_serial_number,
                                     firmware=firmware_version, auto_registered=not known,
                                     at=self._now())
        self.accepted = True
        self.clock_watch.restart()
        return call_result.BootNotification(current_time=format_time(self._now()),
                                            interval=self.settings.heartbeat_interval_s,
                                            status=RegistrationStatus.accepted)

    @after(Action.boot_notification)
    async def after_boot(self, **_: Any) -> None:
        """Once the boot is answered — never inside it — the CSMS may call the pole."""
        if self.accepted and self._on_booted is not None:
            await self._on_booted(self.id)

    @on(Action.heartbeat)
    async def on_heartbeat(self) -> call_result.Heartbeat:
        now = self._now()
        await self.store.pole_seen(self.id, now, connected=True)
        return call_result.Heartbeat(current_time=format_time(now))

    @on(Action.status_notification)
    async def on_status(self, connector_id: int, error_code: str, status: str,
                        timestamp: str | None = None, **_: Any
                        ) -> call_result.StatusNotification:
        at = self._pole_time(timestamp)
        await self.store.record_status(self.id, connector_id, status, error_code, at,
                                       stamped_on_arrival=not timestamp)
        if self._heard():
            self._publish(status_event(self.id, connector_id, status, error_code, at))
        return call_result.StatusNotification()

    async def _id_tag_info(self, id_tag: str, used_at: datetime | None = None
                           ) -> dict[str, Any]:
        """The register's answer for a card (every card Accepted without a register)."""
        if self.authority is None:
            return {"status": AuthorizationStatus.accepted}
        verdict = await self.authority.verdict(id_tag, used_at=used_at)
        if not verdict.accepted:
            LOGGER.info("%s: card %s is %s", self.id, id_tag, verdict.status)
        return verdict.id_tag_info()

    @on(Action.authorize)
    async def on_authorize(self, id_tag: str) -> call_result.Authorize:
        return call_result.Authorize(id_tag_info=await self._id_tag_info(id_tag))

    @on(Action.start_transaction)
    async def on_start(self, connector_id: int, id_tag: str, meter_start: int, timestamp: str,
                       **_: Any) -> call_result.StartTransaction:
        started = self._pole_time(timestamp)
        # Judged first, stored anyway: a refused card's transaction (started offline,
        # eis 55) stays open on the pole until the driver ends it, so it needs an id.
        id_tag_info = await self._id_tag_info(id_tag, used_at=started)
        transaction_id = await self.store.start_transaction(
            self.id, connector_id, id_tag, meter_start, started)
        self._connector_of[transaction_id] = connector_id
        self._publish(transaction_event(self.id, "started", connector_id, transaction_id,
                                        started, meter_start))
        return call_result.StartTransaction(transaction_id=transaction_id,
                                            id_tag_info=id_tag_info)

    @on(Action.stop_transaction)
    async def on_stop(self, meter_stop: int, timestamp: str, transaction_id: int,
                      reason: str | None = None, id_tag: str | None = None,
                      transaction_data: list[dict[str, Any]] | None = None
                      ) -> call_result.StopTransaction:
        stopped = self._pole_time(timestamp)
        await self.store.stop_transaction(transaction_id, meter_stop, stopped, reason)
        self._publish(transaction_event(self.id, "stopped",
                                        self._connector_of.pop(transaction_id, None),
                                        transaction_id, stopped, meter_stop))
        return call_result.StopTransaction(
            id_tag_info=await self._id_tag_info(id_tag) if id_tag else None)

    @on(Action.meter_values, skip_schema_validation=False)
    async def on_meter_values(self, connector_id: int, meter_value: list[dict[str, Any]],
                              transaction_id: int | None = None) -> call_result.MeterValues:
        for sample in meter_value[-1:]:  # the newest reading says most about the clock
            if isinstance(sample, dict) and isinstance(sample.get("timestamp"), str):
                self._pole_time(sample["timestamp"])
        await self.store.add_meter_values(self.id, connector_id, transaction_id, meter_value)
        if self._heard():
            event = meter_values_event(self.id, connector_id, transaction_id, meter_value)
            if event is not None:
                self._publish(event)
        return call_result.MeterValues()

    @on(Action.data_transfer)
    async def on_data_transfer(self, vendor_id: str, message_id: str | None = None,
                               data: str | None = None) -> call_result.DataTransfer:
        if vendor_id != VENDOR_ID:
            return call_result.DataTransfer(status=DataTransferStatus.unknown_vendor_id)
        try:
            body = json.loads(data) if data else {}
        except ValueError:
            return call_result.DataTransfer(status=DataTransferStatus.rejected,
                                            data="data is not a JSON string")
        if message_id == VendorMessage.OVERRULE:
            # A report queued while offline carries the moment of the overrule; use it.
            at = parse_time(body["timestamp"]) if "timestamp" in body else self._now()
            await self.store.mark_overrule(int(body["transactionId"]), at,
                                           str(body.get("source", "pole")))
        elif message_id == VendorMessage.LOW_CURRENT_VEHICLE:
            at = parse_time(body["timestamp"]) if "timestamp" in body else self._now()
            await self.store.mark_low_current(int(body["transactionId"]), at)
        elif message_id == VendorMessage.LIVE:
            if self.events is not None:
                self.events.relay_live(self.id, body)
        else:
            return call_result.DataTransfer(status=DataTransferStatus.unknown_message_id)
        return call_result.DataTransfer(status=DataTransferStatus.accepted)

    def _heard(self) -> bool:
        """Frequent events (status, meter values) cost nothing while nobody listens."""
        return self.events is not None and self.events.listened_to

    def _publish(self, event: Event) -> None:
        """Tell live-feed clients; never let a listener break the pole's OCPP exchange."""
        if self.events is None:
            return
        try:
            self.events.publish(event)
        except Exception:
            LOGGER.exception("%s: event not published", self.id)

    @on(Action.firmware_status_notification)
    async def on_firmware_status(self, status: str
                                 ) -> call_result.FirmwareStatusNotification:
        LOGGER.info("%s: firmware %s", self.id, status)
        await self.store.firmware_status(self.id, status, self._now())
        return call_result.FirmwareStatusNotification()

    @on(Action.signed_firmware_status_notification)
    async def on_signed_firmware_status(self, status: str, request_id: int
                                        ) -> call_result.SignedFirmwareStatusNotification:
        """The security whitepaper's firmware statuses (SignatureVerified,
        InvalidSignature, InstallRebooting, …) are followed like the legacy ones: the
        pole's firmware status and its rollout state move on (`service.rollouts`)."""
        LOGGER.info("%s: signed firmware update %d: %s", self.id, request_id, status)
        await self.store.firmware_status(self.id, status, self._now())
        return call_result.SignedFirmwareStatusNotification()

    @on(Action.security_event_notification)
    async def on_security_event(self, type: str, timestamp: str, tech_info: str | None = None
                                ) -> call_result.SecurityEventNotification:
        """Stored before it is acknowledged (the pole drops it once answered), then shown
        to operators at once on the live feed. ``timestamp`` is the pole's moment of the
        event, which for one queued offline is long before now: it is kept, not used as
        a clock sample."""
        LOGGER.warning("%s: security event %s: %s", self.id, type, tech_info or "")
        record = await self.store.security_event(self.id, type, tech_info,
                                                 parse_time(timestamp), self._now())
        self._publish(security_event(record))
        return call_result.SecurityEventNotification()

    @on(Action.diagnostics_status_notification)
    def on_diagnostics_status(self, status: str
                              ) -> call_result.DiagnosticsStatusNotification:
        LOGGER.info("%s: diagnostics %s", self.id, status)
        return call_result.DiagnosticsStatusNotification()
