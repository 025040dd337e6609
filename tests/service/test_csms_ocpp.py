"""The CSMS's OCPP 1.6J endpoint with virtual poles over real WebSockets on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Subprotocol

from pole_link.sim.clock import SimClock
from pole_link.sim.vehicles import EvType
from service.ocpp.pole_handler import CsmsSettings
from service.server import RunningService, start_service
from tests.support import connected_pole, until

OCPP = [Subprotocol("ocpp1.6")]


@pytest.fixture
async def csms(tmp_path: Path) -> AsyncIterator[RunningService]:
    service = await start_service(f"sqlite:///{tmp_path / 'csms.sqlite'}")
    yield service
    await service.stop()




async def call(websocket: object, message: list[object]) -> list[object]:
    """Send a call as a pole would and return its answer, skipping the CSMS's own calls
    (after a boot it deploys the capacity profile)."""
    await websocket.send(json.dumps(message))  # type: ignore[attr-defined]
    async with asyncio.timeout(5):
        while True:
            answer = json.loads(await websocket.recv())  # type: ignore[attr-defined]
            if isinstance(answer, list) and answer[0] != 2:
                return answer


BOOT = {"chargePointVendor": "Test", "chargePointModel": "Raw"}


async def test_virtual_pole_boots_charges_and_everything_is_stored(
    csms: RunningService, tmp_path: Path
) -> None:
    repository = csms.repository
    async with connected_pole(csms.ocpp_url, tmp_path,
                              start=datetime(2026, 11, 25, 11, tzinfo=UTC)) as connected:
        pole, outbox = connected.pole, connected.outbox
        stored = repository.get_pole("PW-0001")
        assert stored is not None and stored.vendor == "Paalwerk" and stored.auto_registered
        assert {c.connector_id: c.status for c in repository.connectors("PW-0001")} == {
            0: "Available", 1: "Available", 2: "Available"}
        pole.plug(1, EvType.EV3)
        pole.present_card(1, "CARD-1")
        await until(lambda: pole.socket(1).transaction is not None
                    and pole.socket(1).transaction.csms_id is not None)
        transaction_id = pole.socket(1).transaction.csms_id  # type: ignore[union-attr]
        pole.scheduler.advance(3600)  # four sampled meter values
        pole.present_card(1, "CARD-1")
        await until(lambda: len(outbox) == 0)
        transaction = repository.get_transaction(transaction_id)  # type: ignore[arg-type]
        assert transaction is not None and transaction.stop_reason == "Local"
        assert transaction.meter_stop is not None and transaction.meter_stop > 20_000
        start = datetime(2026, 11, 25, 11, tzinfo=UTC)
        rows = repository.meter_values("PW-0001", start, start + timedelta(hours=2),
                                       connector_id=1)
        periodic = [r for r in rows if r.context == "Sample.Periodic"
                    and r.measurand == "Energy.Active.Import.Register"]
        assert len(periodic) == 4
        assert all(r.transaction_id == transaction_id for r in periodic)
        assert {r.phase for r in rows if r.measurand == "Current.Import"} == {"L1", "L2", "L3"}


async def test_malformed_frames_get_the_right_callerror_and_the_connection_survives(
    csms: RunningService,
) -> None:
    async with connect(f"{csms.ocpp_url}/RAW-1", subprotocols=OCPP) as websocket:
        assert (await call(websocket, [2, "b1", "BootNotification", BOOT]))[2]["status"] == \
            "Accepted"  # type: ignore[index]
        missing = await call(websocket, [2, "m1", "StatusNotification", {"connectorId": 1}])
        assert missing[:3] == [4, "m1", "OccurenceConstraintViolation"]
        wrong_type = await call(websocket, [2, "m2", "Heartbeat", []])
        assert wrong_type[:3] == [4, "m2", "FormationViolation"]
        extra = await call(websocket, [2, "m3", "Authorize", {"idTag": "A", "pin": 1}])
        assert extra[:3] == [4, "m3", "FormationViolation"]
        bad_enum = await call(websocket, [2, "m4", "StatusNotification", {
            "connectorId": 1, "errorCode": "NoError", "status": "Sleeping"}])
        assert bad_enum[:3] == [4, "m4", "PropertyConstraintViolation"]
        unknown = await call(websocket, [2, "m5", "Teleport", {}])
        assert unknown[:3] == [4, "m5", "NotImplemented"]
        await websocket.send("this is not JSON")  # dropped: no id to answer
        alive = await call(websocket, [2, "h1", "Heartbeat", {}])
        assert alive[:2] == [3, "h1"]


async def test_a_resent_start_transaction_gets_the_same_id(csms: RunningService) -> None:
    start = {"connectorId": 1, "idTag": "TAG", "meterStart": 0,
             "timestamp": "2026-11-25T11:00:00.000Z"}
    async with connect(f"{csms.ocpp_url}/RAW-2", subprotocols=OCPP) as websocket:
        await call(websocket, [2, "b", "BootNotification", BOOT])
        first = await call(websocket, [2, "s1", "StartTransaction", start])
    async with connect(f"{csms.ocpp_url}/RAW-2", subprotocols=OCPP) as websocket:
        await call(websocket, [2, "b", "BootNotification", BOOT])
        again = await call(websocket, [2, "s2", "StartTransaction", start])
    assert first[2]["transactionId"] == again[2]["transactionId"]  # type: ignore[index]


async def test_without_the_ocpp16_subprotocol_the_connection_is_refused_with_a_reason(
    csms: RunningService,
) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(f"{csms.ocpp_url}/RAW-3"):
            pass
    assert refused.value.response.status_code == 400
    assert b"ocpp1.6" in refused.value.response.body


async def test_closed_registration_rejects_unknown_poles(tmp_path: Path) -> None:
    service = await start_service(f"sqlite:///{tmp_path / 'closed.sqlite'}",
                                  settings=CsmsSettings(registration_open=False))
    try:
        async with connect(f"{service.ocpp_url}/STRANGER", subprotocols=OCPP) as websocket:
            answer = await call(websocket, [2, "b", "BootNotification", BOOT])
        assert answer[2]["status"] == "Rejected"  # type: ignore[index]
        assert service.repository.get_pole("STRANGER") is None
    finally:
        await service.stop()


def test_paalwerk_service_command_serves_and_stops_on_sigterm(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys

    from tests.support import REPO

    environment = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path / "config"))
    command = [sys.executable, "-m", "paalwerk", "service", "--db",
               f"sqlite:///{tmp_path / 'cli.sqlite'}", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=REPO, env=environment)
    try:
        assert process.stdout is not None
        token_line = process.stdout.readline()
        assert token_line.startswith("Operator API token (shown once")
        line = process.stdout.readline()
        assert "poles connect to ws://127.0.0.1:" in line and "/ocpp/<pole-id>" in line
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(15) == 0
    again = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=REPO, env=environment)
    try:
        assert again.stdout is not None
        assert "poles connect to" in again.stdout.readline()  # the token is shown only once
    finally:
        again.send_signal(signal.SIGTERM)
        assert again.wait(15) == 0


async def test_eis24_a_pole_gets_the_capacity_profile_when_it_connects(tmp_path: Path) -> None:
    """Service and pole on one controlled clock, 15:30 in Amsterdam on a winter day."""
    afternoon = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)  # 15:30 CET
    service = await start_service(f"sqlite:///{tmp_path / 'csms.sqlite'}",
                                  clock=SimClock(afternoon).now)
    try:
        async with connected_pole(service.ocpp_url, tmp_path, "PW-0042",
                                  start=afternoon) as connected:
            await until(lambda: bool(service.repository.charging_profiles("PW-0042"))
                        and service.repository.charging_profiles("PW-0042")[-1].verified_at
                        is not None)
            connected.pole.scheduler.advance(2 * 3600)
            assert connected.pole.limit_a() == 7.0  # 17:30: the peak, deployed and verified
    finally:
        await service.stop()


async def test_message_log_holds_every_message_with_latency(csms: RunningService) -> None:
    async with connect(f"{csms.ocpp_url}/RAW-LOG", subprotocols=OCPP) as websocket:
        await call(websocket, [2, "b", "BootNotification", BOOT])
        await call(websocket, [2, "h", "Heartbeat", {}])
    await until(lambda: len(csms.repository.message_log("RAW-LOG", "Heartbeat")) == 2)
    heartbeat = csms.repository.message_log("RAW-LOG", "Heartbeat")
    assert {entry.direction for entry in heartbeat} == {"in", "out"}
    answered = next(entry for entry in heartbeat if entry.direction == "out")
    assert answered.latency_ms is not None and answered.latency_ms >= 0
