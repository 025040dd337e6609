"""``paalwerk sim --csms … --serial`` as a real process: restarted offline, it loses nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from ocpp.v16.enums import ChargePointStatus

from pole_link.session import PoleSession
from pole_link.transports.serial import SerialLink
from tests.csms_stub import CsmsStub
from tests.support import SimProcess

CHARGING = {ChargePointStatus.charging, ChargePointStatus.suspended_ev,
            ChargePointStatus.suspended_evse}


async def charging_started(session: PoleSession) -> None:
    """Wait until the pole's live data shows connector 1 in a transaction."""
    async with session.live(100) as samples, asyncio.timeout(30):
        async for sample in samples:
            if sample.sockets[0].status in CHARGING:
                return


async def test_eis53_simulator_restarted_while_offline_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAALWERK_STATE_DIR", str(tmp_path))
    csms = CsmsStub()
    await csms.start()
    sim = SimProcess("--csms", csms.url, "--plug", "1:ev3")
    try:
        path = sim.read_ports(1)["PW-0001"]
        await csms.wait_for("StatusNotification", 3)
        async with PoleSession(SerialLink(path)) as session:
            await session.authenticate("demo")
            # A technician on site makes the pole report to the back office (local TriggerMessage).
            assert await session.trigger("BootNotification") == "Accepted"  # type: ignore[arg-type]
            await csms.wait_for("BootNotification", 2)
            await csms.stop()  # the back office is gone
            card = await session.data_transfer("SimPresentCard",
                                               {"connectorId": 1, "idTag": "NIGHT-1"})
            # Offline every card is accepted (eis 50): at once, or, when the card beats the
            # pole to noticing that the back office is gone, once its Authorize is lost.
            assert card["status"] in ("Accepted", "Authorising")
            await charging_started(session)
            await session.data_transfer("SimClock", {"advanceSeconds": 3600})
        assert sim.stop() == 0  # the transaction ends as on a power cut (eis 43)

        sim = SimProcess("--csms", csms.url)  # same state directory, still offline
        sim.read_ports(1)
        await csms.restart()
        stop = (await csms.wait_for("StopTransaction", timeout=30))[0].payload
        start = csms.calls("StartTransaction")[0].payload
        transaction_id = next(iter(csms.transactions))
        assert start["idTag"] == "NIGHT-1"
        assert stop["transactionId"] == transaction_id and stop["reason"] == "PowerLoss"
        periodic = [r.payload for r in csms.calls("MeterValues")
                    if r.payload.get("transactionId") == transaction_id]
        assert len(periodic) >= 4  # a sample every 15 minutes of the hour offline
        order = [r.action for r in csms.received if r.action in (
            "StartTransaction", "StopTransaction")]
        assert order == ["StartTransaction", "StopTransaction"]
        assert csms.schema_errors == []
    finally:
        if sim.process.poll() is None:
            sim.stop()
        await csms.stop()
