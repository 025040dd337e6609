"""A MeterValues through the service's own handler, end to end (issue 20: the event loop's
path of a backlog's calls was made cheaper: snake-casing and the live event copy what needs
no renaming). What a pole is told, what the message log keeps and which rows are stored
must stay exactly as they were, timestamps with offsets and fractions included, and a
malformed timestamp is refused with the same CALLERROR.

A real service on a SQLite file (`start_service`, as `paalwerk service` builds it: its
store, writer, live hub and the grid balancer listening); the pole's connection keeps what
is sent to it, and frames are handed to the handler as the WebSocket would.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from service.ocpp.pole_handler import CsmsSettings, PoleHandler
from service.server import RunningService, start_service

POLE = "PW-0042"
T0 = datetime(2026, 3, 1, 18, 0, tzinfo=UTC)


class KeptConnection:
    """Keeps every frame sent to the pole (the answers)."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def recv(self) -> str:
        raise AssertionError("frames are handed to route_message directly")

    async def send(self, text: str) -> None:
        self.sent.append(text)


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[RunningService]:
    service = await start_service(
        f"sqlite:///{tmp_path / 'csms.sqlite'}", clock=lambda: T0,
        settings=CsmsSettings(deploy_capacity_profile=False, push_local_lists=False),
        token_file=tmp_path / "tokens")
    try:
        yield service
    finally:
        await service.stop()


async def _pole(running: RunningService) -> tuple[PoleHandler, KeptConnection]:
    s = running.services
    connection = KeptConnection()
    handler: PoleHandler = s.pole_handler(POLE, connection, s.store, s.settings,
                                          clock=lambda: T0, events=s.pole_events,
                                          authority=s.authority, budget=s.budget)
    await handler.route_message(json.dumps([2, "boot-1", "BootNotification", {
        "chargePointVendor": "Paalwerk", "chargePointModel": "PW-2"}]))
    return handler, connection


async def _committed(running: RunningService) -> None:
    await running.services.async_repository.writer.submit([])


SAMPLED = [
    {"value": "12345", "context": "Sample.Periodic", "measurand":
     "Energy.Active.Import.Register", "location": "Outlet", "unit": "Wh"},
    {"value": "16.5", "context": "Sample.Periodic", "measurand": "Current.Import",
     "phase": "L1", "location": "Outlet", "unit": "A"},
    {"value": "231", "measurand": "Voltage", "phase": "L1-N", "unit": "V"},
    {"value": "-2.25", "measurand": "Current.Import", "phase": "L2", "format": "Raw"},
    {"value": "not a number", "measurand": "Current.Import", "phase": "L3"},
]


async def test_a_meter_values_is_answered_logged_and_stored_as_sent(
        running: RunningService) -> None:
    handler, connection = await _pole(running)
    # An offset and microseconds: stored as that moment, logged as the text sent.
    payload = {"connectorId": 2, "meterValue": [
        {"timestamp": "2026-03-01T19:59:59.123456+02:00", "sampledValue": SAMPLED[:2]},
        {"timestamp": "2026-03-01T17:59:58.5Z", "sampledValue": SAMPLED[2:]}]}
    text = json.dumps([2, "mv-1", "MeterValues", payload], separators=(", ", ": "))
    await handler.route_message(text)
    await _committed(running)

    assert connection.sent[-1] == '[3,"mv-1",{}]'
    repository = running.services.repository
    log = sorted(repository.message_log(POLE, action="MeterValues"),
                 key=lambda row: row.direction)
    assert [(row.direction, row.unique_id, row.payload, row.latency_ms is None)
            for row in log] == [("in", "mv-1", json.dumps(payload, separators=(", ", ": ")),
                                 True),
                                ("out", "mv-1", "{}", False)]
    rows = repository.meter_values(POLE, T0 - timedelta(hours=1), T0 + timedelta(hours=1))
    first = datetime(2026, 3, 1, 17, 59, 59, 123456, tzinfo=UTC)
    second = datetime(2026, 3, 1, 17, 59, 58, 500000, tzinfo=UTC)
    assert sorted((row.timestamp, row.connector_id, row.transaction_id, row.measurand,
                   row.phase, row.value, row.unit, row.context, row.location)
                  for row in rows) == sorted([
        (first, 2, None, "Energy.Active.Import.Register", None, 12345.0, "Wh",
         "Sample.Periodic", "Outlet"),
        (first, 2, None, "Current.Import", "L1", 16.5, "A", "Sample.Periodic", "Outlet"),
        (second, 2, None, "Voltage", "L1-N", 231.0, "V", None, None),
        (second, 2, None, "Current.Import", "L2", -2.25, None, None, None)])


@pytest.mark.parametrize(("stamp", "cause"), [
    ("2026-03-01T18:00:00", "ValueError: time '2026-03-01T18:00:00' has no UTC offset"),
    ("yesterday", "ValueError: Invalid isoformat string: 'yesterday'"),
])
async def test_a_malformed_timestamp_is_refused_and_nothing_is_stored(
        running: RunningService, stamp: str, cause: str) -> None:
    handler, connection = await _pole(running)
    payload: dict[str, Any] = {"connectorId": 1, "meterValue": [
        {"timestamp": stamp, "sampledValue": SAMPLED[:1]}]}
    await handler.route_message(json.dumps([2, "mv-2", "MeterValues", payload]))
    await _committed(running)

    assert json.loads(connection.sent[-1]) == [
        4, "mv-2", "InternalError", "MeterValues failed inside the handler",
        {"cause": cause}]
    repository = running.services.repository
    assert repository.meter_values(POLE, T0 - timedelta(days=400),
                                   T0 + timedelta(days=400)) == []
    assert [row.direction for row in repository.message_log(POLE, action="MeterValues")
            ] == ["out", "in"]
