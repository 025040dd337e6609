"""The virtual pole's OCPP 1.6J side against a real ``ocpp`` central system on 127.0.0.1.

Every frame the pole sends is checked against the OCPP 1.6 schemas by the stub, and
the fixture fails the test if any was not valid.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pole_link.sim.clock import SimClock
from pole_link.sim.ocpp_client import PoleOcppClient
from pole_link.sim.outbox import Outbox, OutboxEntry, Synchronous
from pole_link.sim.pole import VirtualPole
from pole_link.sim.vehicles import EvType
from pole_link.timeutil import format_time
from tests.csms_stub import CsmsStub
from tests.support import until

START = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)


@dataclass
class OnlinePole:
    pole: VirtualPole
    client: PoleOcppClient
    outbox: Outbox
    task: asyncio.Task[None]
    clock_task: asyncio.Task[None]

    async def stop(self) -> None:
        for task in (self.task, self.clock_task):
            task.cancel()
        await asyncio.gather(self.task, self.clock_task, return_exceptions=True)
        self.outbox.close()
        assert self.pole.scheduler.failures == []


def start_online(pole_id: str, url: str, outbox: Outbox) -> OnlinePole:
    """A virtual pole on its own clock with its OCPP client to ``url``, running."""
    pole = VirtualPole(pole_id, clock=SimClock(START))
    client = PoleOcppClient(pole, url, outbox)
    return OnlinePole(pole, client, outbox, asyncio.create_task(client.run()),
                      asyncio.create_task(pole.scheduler.run()))


@pytest.fixture
async def csms() -> AsyncIterator[CsmsStub]:
    stub = CsmsStub(blocked_tags={"BLOCKED"})
    await stub.start()
    yield stub
    await stub.stop()
    assert stub.schema_errors == [], "the pole sent frames that break OCPP 1.6"


Connect = Callable[..., Awaitable[OnlinePole]]


@pytest.fixture
async def connect_pole(csms: CsmsStub, tmp_path: Path) -> AsyncIterator[Connect]:
    """Start virtual poles with their OCPP client against the stub; stop them afterwards."""
    started: list[OnlinePole] = []

    async def connect(pole_id: str = "PW-0001", *, online: bool = True,
                      synchronous: Synchronous = "FULL") -> OnlinePole:
        pole = VirtualPole(pole_id, clock=SimClock(START))
        pole.online = online
        outbox = Outbox(tmp_path / pole_id / "outbox.sqlite", synchronous=synchronous)
        client = PoleOcppClient(pole, csms.url, outbox)
        online_pole = OnlinePole(pole, client, outbox,
                                 asyncio.create_task(client.run()),
                                 asyncio.create_task(pole.scheduler.run()))
        started.append(online_pole)
        if online:
            await csms.wait_connected(pole_id)
            await csms.wait_for("StatusNotification", 3)
            await until(lambda: len(outbox) == 0)  # every answer processed
        return online_pole

    yield connect
    for online_pole in started:
        await online_pole.stop()




async def charge_online(csms: CsmsStub, online: OnlinePole, connector_id: int, id_tag: str,
                        ev_type: EvType = EvType.EV3) -> None:
    """Plug in and present a card at a connected pole; return once the CSMS's id is known."""
    online.pole.plug(connector_id, ev_type)
    online.pole.present_card(connector_id, id_tag)
    await csms.wait_for("StartTransaction", where=lambda r: r.payload["idTag"] == id_tag)
    await until(lambda: len(online.outbox) == 0)  # answered: the CSMS id is assigned


async def test_boot_then_status_of_connectors_0_1_2(csms: CsmsStub, connect_pole: Connect) -> None:
    await connect_pole()
    boot = csms.calls("BootNotification")[0].payload
    assert boot["chargePointVendor"] == "Paalwerk"
    statuses = csms.calls("StatusNotification")
    assert [s.payload["connectorId"] for s in statuses[:3]] == [0, 1, 2]
    assert all(s.payload["status"] == "Available" for s in statuses[:3])
    order = [r.action for r in csms.received]
    assert order.index("BootNotification") < order.index("StatusNotification")


async def test_card_online_is_authorised_and_transaction_gets_the_csms_id(
    csms: CsmsStub, connect_pole: Connect
) -> None:
    online = await connect_pole()
    pole = online.pole
    pole.plug(1, EvType.EV3)
    assert pole.present_card(1, "CARD-1") == "Authorising"
    start = (await csms.wait_for("StartTransaction"))[0].payload
    assert csms.calls("Authorize")[0].payload == {"idTag": "CARD-1"}
    assert start["connectorId"] == 1 and start["idTag"] == "CARD-1"
    await until(lambda: pole.socket(1).transaction is not None
                and pole.socket(1).transaction.csms_id == 1000)
    assert pole.live_sample().socket(1).transaction_id == 1000
    pole.scheduler.advance(3600)
    assert pole.present_card(1, "CARD-1") == "Stopped"
    stop = (await csms.wait_for("StopTransaction"))[0].payload
    assert stop["transactionId"] == 1000 and stop["reason"] == "Local"
    assert stop["meterStop"] > start["meterStart"]


async def test_blocked_card_online_does_not_start(csms: CsmsStub, connect_pole: Connect) -> None:
    online = await connect_pole()
    online.pole.plug(1, EvType.EV3)
    online.pole.present_card(1, "BLOCKED")
    await csms.wait_for("Authorize")
    await asyncio.sleep(0.2)
    assert online.pole.socket(1).transaction is None
    assert csms.calls("StartTransaction") == []


async def test_eis50_eis53_offline_every_card_accepted_and_events_delivered_in_order(
    csms: CsmsStub, connect_pole: Connect
) -> None:
    online = await connect_pole()
    pole = online.pole
    pole.set_network(False)
    assert not online.client.connected  # offline at once, as a modem drop is
    await until(lambda: not csms.connected("PW-0001"))
    pole.plug(1, EvType.EV3)
    assert pole.present_card(1, "UNKNOWN-CARD") == "Accepted"  # eis 50
    local_id = pole.socket(1).transaction.id  # type: ignore[union-attr]
    assert local_id < 0
    pole.scheduler.advance(1800)
    assert pole.present_card(1, "UNKNOWN-CARD") == "Stopped"  # eis 54
    ended = pole.ended[-1]
    queued = [action for action, _ in online.outbox.backlog() if action != "MeterValues"]
    assert queued == ["StartTransaction", "StopTransaction"]
    pole.set_network(True)
    stop = (await csms.wait_for("StopTransaction"))[0].payload
    start = csms.calls("StartTransaction")[0].payload
    transaction_id = next(iter(csms.transactions))
    assert stop["transactionId"] == transaction_id  # the CSMS id, not the local one
    # Original timestamps, not the moment of delivery:
    assert start["timestamp"] == format_time(ended.transaction.started)
    assert stop["timestamp"] == format_time(ended.stopped)
    assert (ended.stopped - ended.transaction.started).total_seconds() >= 1800
    actions = [r.action for r in csms.received if r.action in ("StartTransaction",
                                                               "StopTransaction")]
    assert actions == ["StartTransaction", "StopTransaction"]


async def test_eis55_blocked_card_found_later_stops_energy_but_keeps_transaction_open(
    csms: CsmsStub, connect_pole: Connect
) -> None:
    online = await connect_pole(online=False)
    pole = online.pole
    pole.plug(1, EvType.EV3)
    assert pole.present_card(1, "BLOCKED") == "Accepted"  # offline: accepted (eis 50)
    pole.scheduler.advance(10)
    assert pole.socket(1).status == "Charging"
    pole.set_network(True)
    await csms.wait_for("StartTransaction")
    socket = pole.socket(1)
    await until(lambda: socket.transaction is not None and socket.transaction.refused)
    pole.scheduler.advance(10)
    assert socket.current_a == [0.0, 0.0, 0.0] and socket.offered_a == 0.0
    assert socket.transaction is not None  # open, cable locked
    assert socket.status == "SuspendedEVSE"
    await asyncio.sleep(0.2)
    assert csms.calls("StopTransaction") == []
    assert pole.present_card(1, "BLOCKED") == "Stopped"  # the driver ends it
    stop = (await csms.wait_for("StopTransaction"))[0].payload
    assert stop["transactionId"] == 1000


async def test_eis43_power_cut_stop_transaction_sent_when_back_with_the_cut_time(
    csms: CsmsStub, connect_pole: Connect
) -> None:
    online = await connect_pole()
    pole = online.pole
    await charge_online(csms, online, 1, "CARD-1")
    pole.scheduler.advance(600)
    cut_at = pole.clock.now()
    pole.power_cut(120)
    await until(lambda: not csms.connected("PW-0001"))
    pole.scheduler.advance(121)
    stop = (await csms.wait_for("StopTransaction"))[0].payload
    assert stop["reason"] == "PowerLoss"
    stopped = datetime.fromisoformat(stop["timestamp"].replace("Z", "+00:00"))
    assert abs((stopped - cut_at).total_seconds()) < 1
    await asyncio.sleep(0.3)
    assert len(csms.calls("StartTransaction")) == 1  # nothing restarted by itself
    assert len(csms.calls("BootNotification")) == 2


async def test_eis52_reconnects_when_the_csms_returns(csms: CsmsStub,
                                                      connect_pole: Connect) -> None:
    online = await connect_pole()
    await csms.stop()
    await until(lambda: not online.client.connected)
    online.pole.plug(2, EvType.EV1)
    online.pole.present_card(2, "CARD-2")  # offline meanwhile
    await asyncio.sleep(1.5)  # a few failed attempts
    await csms.restart()
    await csms.wait_for("StartTransaction", timeout=20)
    assert online.client.connections == 2


async def test_trigger_message_from_csms_and_from_the_service_port(
    csms: CsmsStub, connect_pole: Connect
) -> None:
    online = await connect_pole()
    before = len(csms.calls("StatusNotification"))
    answer = await csms.call("PW-0001", "TriggerMessage",
                             {"requestedMessage": "StatusNotification", "connectorId": 2})
    assert answer == {"status": "Accepted"}
    await csms.wait_for("StatusNotification", before + 1)
    assert online.pole.trigger("BootNotification", None)  # as the local TriggerMessage does
    await csms.wait_for("BootNotification", 2)


async def test_overrule_at_the_pole_is_reported_to_the_csms(csms: CsmsStub, connect_pole: Connect
                                                            ) -> None:
    online = await connect_pole()
    pole = online.pole
    await charge_online(csms, online, 1, "CARD-1")
    assert pole.overrule_at_pole(1) == "Accepted"
    report = (await csms.wait_for(
        "DataTransfer", where=lambda r: r.payload.get("messageId") == "Overrule"))[0]
    assert '"source":"pole"' in report.payload["data"]
    assert '"transactionId":1000' in report.payload["data"]
    assert '"timestamp":"2026-11-25T' in report.payload["data"]  # the moment, for eis 25


async def test_phone_overrule_from_the_csms_and_remote_start(csms: CsmsStub, connect_pole: Connect
                                                             ) -> None:
    online = await connect_pole()
    pole = online.pole
    pole.plug(1, EvType.EV3)
    assert (await csms.call("PW-0001", "RemoteStartTransaction",
                            {"idTag": "APP", "connectorId": 1}))["status"] == "Accepted"
    await csms.wait_for("StartTransaction")
    answer = await csms.call("PW-0001", "DataTransfer", {
        "vendorId": "paalwerk", "messageId": "Overrule",
        "data": '{"connectorId": 1, "source": "phone"}'})
    assert answer["status"] == "Accepted" and '"Accepted"' in answer["data"]
    assert pole.socket(1).transaction is not None and pole.socket(1).transaction.overruled


@pytest.mark.timeout(300)  # 11,520 messages through the real OCPP stack
async def test_eis53_eis56_a_month_offline_delivers_every_quarter_hour_sample_in_order(
    csms: CsmsStub, connect_pole: Connect
) -> None:
    # Order and completeness, not power loss (test_sim_outbox's subject): the outbox's bulk
    # mode spares the 23,000 fsyncs of queueing and delivering a month, one by one.
    online = await connect_pole(online=False, synchronous="NORMAL")
    pole = online.pole
    pole.plug(1, EvType.EV3)
    assert pole.present_card(1, "LONG-HAUL") == "Accepted"
    started = pole.socket(1).transaction.started  # type: ignore[union-attr]
    pole.scheduler.advance(30 * 86_400)  # eis 59: the clock keeps running
    pole.set_network(True)
    await until(lambda: len(online.outbox) == 0, timeout=240)
    periodic = [r.payload for r in csms.calls("MeterValues")
                if r.payload["connectorId"] == 1
                and r.payload["meterValue"][0]["sampledValue"][0]["context"] == "Sample.Periodic"]
    assert len(periodic) == 30 * 96  # ≈ 2,880 per charging connector
    transaction_id = next(iter(csms.transactions))
    assert {p["transactionId"] for p in periodic} == {transaction_id}
    times = [datetime.fromisoformat(p["meterValue"][0]["timestamp"].replace("Z", "+00:00"))
             for p in periodic]
    assert times == sorted(times)
    # Every 15 minutes from the transaction's start. The pole's clock runs on while an
    # event reads it, so a busy machine adds its scheduling delay (30 ms seen under load):
    # a second's tolerance still tells this series from any other.
    assert [(t - started).total_seconds() for t in times[:2]] == pytest.approx([900, 1800],
                                                                                abs=1.0)
    aligned_0 = [r for r in csms.calls("MeterValues") if r.payload["connectorId"] == 0]
    assert len(aligned_0) == 30 * 96  # every connector, clock-aligned
    registers = [float(p["meterValue"][0]["sampledValue"][0]["value"]) for p in periodic]
    assert registers == sorted(registers) and registers[-1] > registers[0]
    first = [r.action for r in csms.received].index("StartTransaction")
    assert all(r.action != "MeterValues" or r.payload["connectorId"] != 1
               or "transactionId" not in r.payload for r in csms.received[:first])


async def test_status_notification_on_every_change(csms: CsmsStub, connect_pole: Connect
                                                   ) -> None:
    online = await connect_pole()
    pole = online.pole
    await charge_online(csms, online, 2, "CARD-2")
    pole.scheduler.advance(5)
    pole.fault(2, "overcurrent")
    faulted = (await csms.wait_for(
        "StatusNotification", where=lambda r: r.payload["status"] == "Faulted"))[0].payload
    assert faulted["connectorId"] == 2 and faulted["errorCode"] == "OverCurrentFailure"
    seen = [r.payload["status"] for r in csms.calls("StatusNotification")
            if r.payload["connectorId"] == 2]
    assert seen[-4:] == ["Preparing", "SuspendedEV", "Charging", "Faulted"]


async def test_heartbeat_only_when_nothing_else_was_sent(tmp_path: Path) -> None:
    async with CsmsStub(heartbeat_interval=1) as csms:
        running = start_online("PW-0009", csms.url, Outbox(tmp_path / "outbox.sqlite"))
        pole = running.pole
        try:
            await csms.wait_for("Heartbeat", 2, timeout=10)
            assert pole.configuration.value("HeartbeatInterval") == "1"  # from BootNotification
        finally:
            await running.stop()


class OutboxQueuedDuringPeek(Outbox):
    """The real outbox, with one message queued while an empty `peek` is still running.

    That is the moment a clock jump's samples or a status change arrive while the
    delivery loop reads the outbox in its thread; here it is made to happen for certain.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.during_empty_peek: Callable[[], None] | None = None
        self._loop = asyncio.get_running_loop()

    def peek(self) -> OutboxEntry | None:
        entry = super().peek()
        action = self.during_empty_peek
        if entry is None and action is not None:
            self.during_empty_peek = None
            queued = threading.Event()

            def on_loop() -> None:
                action()
                queued.set()

            self._loop.call_soon_threadsafe(on_loop)
            assert queued.wait(30), "the event loop did not run the queued action"
        return entry


async def test_eis53_a_message_queued_while_the_outbox_is_read_is_sent_at_once(
        tmp_path: Path) -> None:
    # A heartbeat interval far beyond the test: only the queued message can wake delivery.
    async with CsmsStub(heartbeat_interval=86_400) as csms:
        outbox = OutboxQueuedDuringPeek(tmp_path / "outbox.sqlite")
        running = start_online("PW-0010", csms.url, outbox)
        pole, client = running.pole, running.client
        try:
            await csms.wait_connected("PW-0010")
            await until(lambda: client.connected and len(outbox) == 0)
            outbox.during_empty_peek = lambda: pole.plug(2, EvType.EV3)
            pole.plug(1, EvType.EV3)  # delivered, then the outbox is read empty: plug 2 then
            await csms.wait_for("StatusNotification", where=lambda r: (
                r.payload["connectorId"], r.payload["status"]) == (2, "Preparing"))
            assert outbox.during_empty_peek is None  # the race did happen
        finally:
            await running.stop()


async def test_eis30_low_current_vehicle_reported_to_the_csms(csms: CsmsStub,
                                                              connect_pole: Connect) -> None:
    online = await connect_pole()
    pole = online.pole
    peak = {"chargingProfileId": 3, "stackLevel": 0,
            "chargingProfilePurpose": "ChargePointMaxProfile", "chargingProfileKind": "Absolute",
            "chargingSchedule": {"chargingRateUnit": "A", "startSchedule": "2026-01-01T00:00:00Z",
                                 "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 7.0}]}}
    assert pole.set_charging_profile(0, peak) == "Accepted"
    await charge_online(csms, online, 1, "ZOE-DRIVER", EvType.ZOE)
    pole.scheduler.advance(90)
    report = (await csms.wait_for(
        "DataTransfer", where=lambda r: r.payload.get("messageId") == "LowCurrentVehicle"))[0]
    assert '"connectorId":1' in report.payload["data"]
    assert '"transactionId":1000' in report.payload["data"]
