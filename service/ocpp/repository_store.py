"""The OCPP side's `PoleStore`, on top of the storage repository.

Kept apart from both so that storage knows nothing of OCPP payloads and the OCPP
handler knows nothing of tables: the OCPP ``meterValue`` structure is flattened
into one row per measurand and phase here, and only here.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any, Protocol

from pole_link.service_api import SecurityEventRecord
from pole_link.timeutil import parse_time
from service.api.security_events import record_of
from service.storage.models import SecurityEvent
from service.storage.repository import AsyncRepository, MeterSample


def meter_samples(pole_id: str, connector_id: int, transaction_id: int | None,
                  meter_value: list[dict[str, Any]]) -> list[MeterSample]:
    """OCPP 1.6 ``meterValue`` (snake_case, as handlers receive it) → storage rows, as
    the tuples the storage writes (`MeterSample`): a backlog's MeterValues calls are most
    of a reconnect storm, and a dict per sampled value was built only to be taken apart
    again (issue 20).

    A value that is not a number (OCPP allows ``SignedData``) is skipped rather than
    stored wrongly; everything numeric is kept.
    """
    rows: list[MeterSample] = []
    for sample in meter_value:
        at = parse_time(sample["timestamp"])
        for value in sample.get("sampled_value", ()):
            try:
                number = float(value["value"])
            except (TypeError, ValueError):
                continue
            get = value.get
            rows.append((pole_id, connector_id, transaction_id, at,
                         get("measurand", "Energy.Active.Import.Register"), get("phase"),
                         number, get("unit"), get("context"), get("location")))
    return rows


class FirmwareWatch(Protocol):
    """Who follows firmware across the fleet (`service.rollouts.RolloutRunner`): told what
    a pole reported once it is stored, before the pole gets its answer."""

    async def firmware_status(self, pole_id: str, status: str, at: datetime) -> None: ...

    async def pole_booted(self, pole_id: str, firmware: str | None, at: datetime) -> None: ...


class RepositoryStore:
    """`PoleStore` over `AsyncRepository`."""

    def __init__(self, repository: AsyncRepository,
                 firmware_watch: FirmwareWatch | None = None) -> None:
        self.repository = repository
        self.firmware_watch = firmware_watch

    async def pole_known(self, pole_id: str) -> bool:
        return await self.repository.pole_known(pole_id)

    async def pole_booted(self, pole_id: str, *, vendor: str, model: str, serial: str | None,
                          firmware: str | None, auto_registered: bool, at: datetime) -> None:
        """The pole's details, contact and a new connection session, in one commit."""
        await self.repository.pole_booted(pole_id, vendor=vendor, model=model, serial=serial,
                                          firmware=firmware, auto_registered=auto_registered,
                                          at=at)
        if self.firmware_watch is not None:
            await self.firmware_watch.pole_booted(pole_id, firmware, at)

    async def pole_seen(self, pole_id: str, at: datetime, *, connected: bool) -> None:
        await self.repository.pole_seen(pole_id, at, connected=connected)
        if not connected:
            await self.repository.session_ended(pole_id, at)

    async def connection_ended(self, pole_id: str, at: datetime, reason: str) -> None:
        await self.repository.pole_seen(pole_id, at, connected=False)
        await self.repository.session_ended(pole_id, at, reason)

    async def record_status(self, pole_id: str, connector_id: int, status: str, error_code: str,
                            at: datetime, *, stamped_on_arrival: bool = False) -> None:
        await self.repository.record_status(pole_id, connector_id, status, error_code, at,
                                            stamped_on_arrival=stamped_on_arrival)

    async def start_transaction(self, pole_id: str, connector_id: int, id_tag: str,
                                meter_start: int, started: datetime) -> int:
        transaction_id: int = await self.repository.start_transaction(
            pole_id, connector_id, id_tag, meter_start, started)
        return transaction_id

    async def stop_transaction(self, transaction_id: int, meter_stop: int, stopped: datetime,
                               reason: str | None) -> None:
        await self.repository.stop_transaction(transaction_id, meter_stop, stopped, reason)

    async def mark_overrule(self, transaction_id: int, at: datetime, source: str) -> None:
        await self.repository.mark_overrule(transaction_id, at, source)

    async def mark_low_current(self, transaction_id: int, at: datetime) -> None:
        await self.repository.mark_low_current(transaction_id, at)

    async def firmware_status(self, pole_id: str, status: str, at: datetime) -> None:
        await self.repository.firmware_status(pole_id, status, at)
        if self.firmware_watch is not None:
            await self.firmware_watch.firmware_status(pole_id, status, at)

    async def security_event(self, pole_id: str, kind: str, tech_info: str | None,
                             timestamp: datetime, received_at: datetime
                             ) -> SecurityEventRecord:
        row = await self.repository.add_security_event(SecurityEvent(
            pole_id=pole_id, type=kind, tech_info=tech_info, timestamp=timestamp,
            received_at=received_at))
        return record_of(row)

    async def pole_clock(self, pole_id: str, offset_s: float, at: datetime) -> None:
        await self.repository.pole_clock(pole_id, offset_s, at)

    def log_message(self, pole_id: str, direction: str, action: str | None,
                    unique_id: str, payload: Any, *, at: datetime,
                    latency_ms: float | None) -> asyncio.Future[Any]:
        """`AsyncRepository.log_message`'s future, returned as it is (no task per row)."""
        return self.repository.log_message(pole_id, direction, action, unique_id, payload,
                                           at=at, latency_ms=latency_ms)

    async def prune_message_log(self, keep_per_pole: int, pole_id: str | None = None
                                ) -> None:
        await self.repository.prune_message_log(keep_per_pole, pole_id)

    async def add_meter_values(self, pole_id: str, connector_id: int,
                               transaction_id: int | None,
                               meter_value: list[dict[str, Any]]) -> None:
        await self.repository.add_meter_samples(
            meter_samples(pole_id, connector_id, transaction_id, meter_value))
