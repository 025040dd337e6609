"""When the virtual pole's MID meters report to the CSMS (eis 56), on the pole's clock.

Two series, as SPEC.md "Decisions / Meter values" sets them: samples every
``MeterValueSampleInterval`` counted from each transaction's start (``Sample.Periodic``,
with its ``transactionId``), and clock-aligned readings every
``ClockAlignedDataInterval`` on clock quarter-hours for every connector
(``Sample.Clock``, with a ``transactionId`` only while one runs). Both are scheduled
events on the pole clock, so a 30-day ``SimClock`` jump produces every reading at its
own original time, in order.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from ocpp.v16.enums import ChargePointErrorCode, ChargePointStatus, ReadingContext

from pole_link.sim.clock import ScheduledEvent
from pole_link.sim.meter_values import (
    MeterReading,
    main_meter_reading,
    meter_values_payload,
    next_clock_aligned,
    next_sampled,
    sampled_values,
)
from pole_link.sim.pole import VirtualPole
from pole_link.sim.sockets import NOMINAL_VOLTAGE_V, EndedTransaction, Socket, Transaction

Queue = Callable[[str, dict[str, Any], datetime, int | None], None]
"""Where a MeterValues request goes: (action, payload, created, local transaction id)."""

_INTERVAL_KEYS = frozenset({"ClockAlignedDataInterval", "MeterValueSampleInterval"})


class Metering:
    """Schedules a pole's meter values and hands each to ``queue`` (the durable outbox)."""

    def __init__(self, pole: VirtualPole, queue: Queue) -> None:
        self.pole = pole
        self._queue = queue
        self._aligned: dict[int, ScheduledEvent] = {}
        self._sampled: dict[int, ScheduledEvent] = {}
        pole.observers.append(self)
        pole.metering = self
        pole.configuration.subscribe(self._configuration_changed)
        self._arm_aligned()

    # ------------------------------------------------------------ readings
    def reading(self, connector_id: int) -> MeterReading:
        self.pole.physics.meter()
        now = self.pole.clock.now()
        if connector_id == 0:
            sockets = [self._socket_reading(socket, now) for socket in self.pole.sockets]
            grid = (NOMINAL_VOLTAGE_V,) * 3 if self.pole.powered else (0.0,) * 3
            return main_meter_reading(sockets, now, grid)
        return self._socket_reading(self.pole.socket(connector_id), now)

    @staticmethod
    def _socket_reading(socket: Socket, now: datetime) -> MeterReading:
        return MeterReading(
            connector_id=socket.connector_id, timestamp=now,
            phase_energy_wh=tuple(socket.phase_energy_wh),  # type: ignore[arg-type]
            current_a=tuple(socket.current_a),  # type: ignore[arg-type]
            voltage_v=socket.voltage_v, offered_a=socket.offered_a)

    def _send(self, connector_id: int, context: ReadingContext, measurands_key: str) -> None:
        reading = self.reading(connector_id)
        values = sampled_values(reading, self.pole.configuration.measurands(measurands_key),
                                context)
        if not values:
            return
        transaction = (self.pole.socket(connector_id).transaction if connector_id else None)
        payload = meter_values_payload(connector_id, [(reading.timestamp, values)],
                                       transaction.id if transaction else None)
        self._queue("MeterValues", payload, reading.timestamp,
                    transaction.local_id if transaction else None)

    def sample_now(self, connector_id: int | None) -> bool:
        """TriggerMessage MeterValues: a reading of one or every connector, now."""
        targets = [connector_id] if connector_id is not None else [
            0, *(s.connector_id for s in self.pole.sockets)]
        for target in targets:
            self._send(target, ReadingContext.trigger, "MeterValuesSampledData")
        return True

    # ------------------------------------------------------------ clock-aligned
    def _arm_aligned(self) -> None:
        for event in self._aligned.values():
            event.cancel()
        self._aligned.clear()
        interval = self.pole.configuration.int_value("ClockAlignedDataInterval")
        following = next_clock_aligned(self.pole.clock.now(), interval)
        if following is None:
            return
        for connector_id in (0, *(s.connector_id for s in self.pole.sockets)):
            self._aligned[connector_id] = self.pole.scheduler.call_at(
                following, lambda c=connector_id: self._aligned_due(c),  # type: ignore[misc]
                name="clock-aligned meter value")

    def _aligned_due(self, connector_id: int) -> None:
        if self.pole.powered:
            self._send(connector_id, ReadingContext.sample_clock, "MeterValuesAlignedData")
        interval = self.pole.configuration.int_value("ClockAlignedDataInterval")
        following = next_clock_aligned(self.pole.clock.now(), interval)
        if following is not None:
            self._aligned[connector_id] = self.pole.scheduler.call_at(
                following, lambda: self._aligned_due(connector_id),
                name="clock-aligned meter value")

    # ------------------------------------------------------------ sampled, per transaction
    def _arm_sampled(self, socket: Socket, transaction: Transaction) -> None:
        pending = self._sampled.pop(socket.connector_id, None)
        if pending is not None:
            pending.cancel()
        interval = self.pole.configuration.int_value("MeterValueSampleInterval")
        following = next_sampled(transaction.started, self.pole.clock.now(), interval)
        if following is None:
            return

        def due() -> None:
            if socket.transaction is not transaction:
                return
            self._send(socket.connector_id, ReadingContext.sample_periodic,
                       "MeterValuesSampledData")
            self._arm_sampled(socket, transaction)

        self._sampled[socket.connector_id] = self.pole.scheduler.call_at(
            following, due, name="sampled meter value")

    def _configuration_changed(self, key: str, value: str) -> None:
        if key not in _INTERVAL_KEYS:
            return
        self._arm_aligned()
        for socket in self.pole.sockets:
            if socket.transaction is not None:
                self._arm_sampled(socket, socket.transaction)

    # ------------------------------------------------------------ PoleObserver
    def transaction_started(self, socket: Socket, transaction: Transaction) -> None:
        self._arm_sampled(socket, transaction)

    def transaction_ended(self, socket: Socket, ended: EndedTransaction) -> None:
        pending = self._sampled.pop(socket.connector_id, None)
        if pending is not None:
            pending.cancel()

    def status_changed(self, connector_id: int, status: ChargePointStatus,
                       error_code: ChargePointErrorCode, at: datetime) -> None:
        """Statuses are not the meter's business."""

    def report(self, message_id: str, data: dict[str, Any], at: datetime) -> None:
        """Reports are not the meter's business."""

    def notify(self, action: str, payload: dict[str, Any], at: datetime) -> None:
        """Nor are other messages."""
