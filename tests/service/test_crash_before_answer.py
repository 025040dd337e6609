"""A crash between storing and answering: the pole resends, the service stores it once.

A real ``paalwerk service`` process, killed with SIGKILL exactly in that gap by its test
hook (`service.ocpp.crash_hook`), once for each kind of message a pole must deliver;
restarted on the same database each time, while a virtual pole with its durable outbox
keeps reconnecting and resending what was not answered. Then every row is counted
against what the pole sent — on a SQLite file and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pole_link.protocol.vendor import VENDOR_ID, VendorMessage, encode_data
from pole_link.sim import ocpp_client
from pole_link.sim.clock import SimClock
from pole_link.sim.ocpp_client import PoleOcppClient
from pole_link.sim.outbox import Outbox
from pole_link.sim.pole import VirtualPole
from pole_link.timeutil import format_time
from service.ocpp.crash_hook import CRASH_ENV
from service.storage.database import create_engine_for
from service.storage.repository import Repository
from tests.support import REPO, postgres_schema, until

POLE = "PW-0005"
T0 = datetime(2026, 3, 1, 18, 0, tzinfo=UTC)
"""The pole's reports are from a fixed day (the pole's clock), whatever the date today."""

KILLED_AT = {"StatusNotification": 1, "MeterValues": 2, "StartTransaction": 3,
             "DataTransfer": 5, "SecurityEventNotification": 6, "StopTransaction": 7}
"""One crash in the gap for each kind, in the order the pole sends them: the action, and
the minute after `T0` of the report it is killed on (`queue_reports`)."""

SAMPLED = [{"value": "1200", "measurand": "Energy.Active.Import.Register", "unit": "Wh",
            "context": "Sample.Periodic"}]
SAMPLED += [{"value": "16.0", "measurand": "Current.Import", "phase": phase, "unit": "A",
             "context": "Sample.Periodic"} for phase in ("L1", "L2", "L3")]
SAMPLED += [{"value": "231", "measurand": "Voltage", "phase": f"{phase}-N", "unit": "V",
             "context": "Sample.Periodic"} for phase in ("L1", "L2", "L3")]


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def queue_reports(outbox: Outbox) -> None:
    """What the pole owes the CSMS, queued before it connects (as after an outage)."""
    local = -1  # the transaction's id on the pole until the CSMS answers StartTransaction

    def queue(action: str, payload: dict[str, object], minutes: int,
              transaction: int | None = None) -> None:
        outbox.append(action, payload, created=_at(minutes), local_transaction_id=transaction)

    queue("StatusNotification", {"connectorId": 2, "errorCode": "GroundFailure",
                                 "status": "Faulted", "timestamp": format_time(_at(1))}, 1)
    queue("MeterValues", {"connectorId": 2, "meterValue": [
        {"timestamp": format_time(_at(2)), "sampledValue": SAMPLED}]}, 2)
    queue("StartTransaction", {"connectorId": 2, "idTag": "CARD-5", "meterStart": 1200,
                               "timestamp": format_time(_at(3))}, 3, local)
    queue("MeterValues", {"connectorId": 2, "transactionId": local, "meterValue": [
        {"timestamp": format_time(_at(4)), "sampledValue": SAMPLED}]}, 4, local)
    queue("DataTransfer", {"vendorId": VENDOR_ID, "messageId": VendorMessage.OVERRULE.value,
                           "data": encode_data({"transactionId": local, "source": "pole",
                                                "timestamp": format_time(_at(5))})}, 5, local)
    queue("SecurityEventNotification", {"type": "TamperDetectionActivated",
                                        "timestamp": format_time(_at(6))}, 6)
    queue("StopTransaction", {"transactionId": local, "meterStop": 9200,
                              "timestamp": format_time(_at(7)), "reason": "Local"}, 7, local)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class ServiceProcess:
    """``paalwerk service`` on a fixed port and database, started again and again."""

    def __init__(self, db_url: str, tmp_path: Path) -> None:
        self.db_url = db_url
        self.tmp_path = tmp_path
        self.port = free_port()
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    @property
    def ocpp_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ocpp"

    def errors(self, start: int) -> str:
        return (self.tmp_path / f"service-{start}.err").read_text()

    async def start(self, crash_before_answering: str | None) -> None:
        environment = dict(os.environ, XDG_CONFIG_HOME=str(self.tmp_path / "config"))
        environment.pop(CRASH_ENV, None)
        if crash_before_answering is not None:
            environment[CRASH_ENV] = crash_before_answering
        self.starts += 1
        errors = (self.tmp_path / f"service-{self.starts}.err").open("w")
        with errors:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "paalwerk", "service", "--db", self.db_url,
                "--port", str(self.port), "--token-file", str(self.tmp_path / "tokens.json"),
                "--files-dir", str(self.tmp_path / "files"), cwd=REPO, env=environment,
                stdout=asyncio.subprocess.PIPE, stderr=errors)
        assert self.process.stdout is not None
        async with asyncio.timeout(60):
            while b"poles connect to" not in await self.process.stdout.readline():
                assert self.process.returncode is None, self.errors(self.starts)

    async def exited(self) -> int:
        assert self.process is not None
        async with asyncio.timeout(120):
            return await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(15):
                    await self.process.wait()
            if self.process.returncode is None:
                self.process.kill()
                await self.process.wait()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'csms.sqlite'}"
        return
    with postgres_schema() as url:
        yield url


async def test_a_meter_value_status_report_and_transaction_resent_after_a_crash_are_stored_once(
        db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The pole retries every second instead of backing off to 30 s: the service is down
    # only while it restarts, and the test should not wait out a field pole's patience.
    monkeypatch.setattr(ocpp_client, "BACKOFF_MAX_S", 1.0)
    service = ServiceProcess(db_url, tmp_path)
    outbox = Outbox(tmp_path / "pole" / "outbox.sqlite")
    queue_reports(outbox)
    pole = VirtualPole(POLE, clock=SimClock(T0 + timedelta(hours=1)))
    client = PoleOcppClient(pole, service.ocpp_url, outbox)
    running = asyncio.create_task(client.run(), name="pole ocpp client")
    try:
        for start, action in enumerate(KILLED_AT, start=1):
            await service.start(crash_before_answering=action)
            assert await service.exited() == -signal.SIGKILL, service.errors(start)
            # The kill landed in the gap: after storing, before answering.
            assert f"{POLE} {action} stored, killed before answering" in service.errors(start)
            assert f"test hook {CRASH_ENV} set" in service.errors(start)  # never silently
        await service.start(crash_before_answering=None)
        await until(lambda: len(outbox) == 0, timeout=120)
        assert CRASH_ENV not in service.errors(service.starts)  # inert unless set
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await service.stop()
        outbox.close()

    engine = create_engine_for(db_url)
    try:
        stored = Repository(engine)
        # Each kind arrived twice (the service died before answering the first) …
        for action, minute in KILLED_AT.items():
            received = [m for m in stored.message_log(POLE, action, limit=1000)
                        if m.direction == "in" and format_time(_at(minute)) in m.payload]
            assert len(received) == 2, action
        # … and is stored once, counted against what the pole sent.
        statuses = stored.status_events(POLE, T0, _at(10))
        assert [(s.connector_id, s.status, s.error_code) for s in statuses] == [
            (2, "Faulted", "GroundFailure")]
        samples = stored.meter_values(POLE, T0, _at(10))
        assert len(samples) == 2 * len(SAMPLED)
        assert sorted({s.timestamp for s in samples}) == [_at(2), _at(4)]
        (transaction,) = stored.transactions(POLE, T0, _at(10))
        assert (transaction.meter_start, transaction.meter_stop) == (1200, 9200)
        assert transaction.overruled_at == _at(5) and transaction.stopped == _at(7)
        assert {s.transaction_id for s in samples if s.timestamp == _at(4)} == {transaction.id}
        (event,) = stored.security_events(POLE)
        assert event.type == "TamperDetectionActivated" and event.timestamp == _at(6)
    finally:
        engine.dispose()
