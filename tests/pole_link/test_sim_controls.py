"""Every ``Sim*`` message is accepted over the service port and changes the pole plainly.

(The charging physics behind them — response delays, balancing, timers — are tested
with the model; here the point is that a test or a technician can drive the pole.)
"""

from __future__ import annotations

import asyncio

import pytest

from pole_link.errors import CallError
from pole_link.live import LiveSample
from pole_link.session import PoleSession
from tests.conftest import ServedPole


async def sample(session: PoleSession) -> LiveSample:
    async with session.live(50) as samples:
        async with asyncio.timeout(5):
            return await anext(samples)


@pytest.fixture
async def technician(session: PoleSession) -> PoleSession:
    await session.authenticate("demo")
    return session


async def test_plug_card_and_card_again_start_and_stop(technician: PoleSession,
                                                       served_pole: ServedPole) -> None:
    assert (await technician.data_transfer("SimPlug", {"connectorId": 2, "evType": "ev1"}))[
        "status"] == "Accepted"
    assert (await technician.data_transfer("SimPlug", {"connectorId": 2, "evType": "ev3"}))[
        "status"] == "Occupied"
    await technician.data_transfer("SimPresentCard", {"connectorId": 2, "idTag": "A1"})
    await technician.data_transfer("SimClock", {"advanceSeconds": 3})  # the car responds
    live = (await sample(technician)).socket(2)
    assert live.status == "Charging" and live.current_a == (30.0, 0.0, 0.0)  # one phase
    wrong = await technician.data_transfer("SimPresentCard", {"connectorId": 2, "idTag": "B2"})
    assert wrong["status"] == "Rejected"
    stop = await technician.data_transfer("SimPresentCard", {"connectorId": 2, "idTag": "A1"})
    assert stop["status"] == "Stopped"
    assert served_pole.pole.ended[-1].reason == "Local"


async def test_unplug_ends_the_transaction(technician: PoleSession,
                                           served_pole: ServedPole) -> None:
    await technician.data_transfer("SimPlug", {"connectorId": 1, "evType": "ev3"})
    await technician.remote_start(1, "REMOTE")
    assert (await technician.data_transfer("SimUnplug", {"connectorId": 1}))[
        "status"] == "Accepted"
    assert served_pole.pole.ended[-1].reason == "EVDisconnected"
    assert (await sample(technician)).socket(1).status == "Available"


async def test_overrule_flags_the_running_transaction(technician: PoleSession) -> None:
    none = await technician.data_transfer("SimOverrule", {"connectorId": 1})
    assert none["status"] == "NoTransaction"
    await technician.data_transfer("SimPlug", {"connectorId": 1, "evType": "ev3"})
    await technician.remote_start(1, "REMOTE")
    assert (await technician.data_transfer("SimOverrule", {"connectorId": 1}))[
        "status"] == "Accepted"
    assert (await sample(technician)).socket(1).overruled


async def test_fault_makes_socket_faulted_and_blinking_red(technician: PoleSession,
                                                           served_pole: ServedPole) -> None:
    await technician.data_transfer("SimFault", {"connectorId": 1, "kind": "rcd"})
    live = (await sample(technician)).socket(1)
    assert live.status == "Faulted"
    assert (live.led.colour, live.led.blinking) == ("red", True)
    assert served_pole.pole.socket(1).error_code == "GroundFailure"
    test = await technician.data_transfer("SelfTest", {"test": "rcd", "connectorId": 1})
    assert test["result"] == "Failed"
    await technician.data_transfer("SimFault", {"connectorId": 1, "kind": "clear"})
    assert (await sample(technician)).socket(1).status == "Available"
    with pytest.raises(CallError, match="unknown fault"):
        await technician.data_transfer("SimFault", {"connectorId": 1, "kind": "fire"})


async def test_network_and_clock_controls(technician: PoleSession,
                                          served_pole: ServedPole) -> None:
    await technician.data_transfer("SimNetwork", {"online": False})
    assert not served_pole.pole.online
    modem = await technician.data_transfer("SelfTest", {"test": "modem", "connectorId": 1})
    assert modem["result"] == "Failed"
    before = (await sample(technician)).timestamp
    answer = await technician.data_transfer("SimClock", {"advanceSeconds": 7200, "speed": 10})
    assert answer["status"] == "Accepted"
    after = (await sample(technician)).timestamp
    assert (after - before).total_seconds() >= 7200
    assert served_pole.pole.clock.speed == 10
    with pytest.raises(CallError, match="speed and/or advanceSeconds"):
        await technician.data_transfer("SimClock", {})


async def test_eis45_authorisation_lapses_without_a_vehicle(technician: PoleSession) -> None:
    await technician.data_transfer("SimPresentCard", {"connectorId": 1, "idTag": "A1"})
    assert (await sample(technician)).socket(1).status == "Preparing"
    await technician.data_transfer("SimClock", {"advanceSeconds": 121})
    assert (await sample(technician)).socket(1).status == "Available"


async def test_eis43_power_cut_ends_transaction_and_nothing_restarts(
    technician: PoleSession, served_pole: ServedPole
) -> None:
    await technician.data_transfer("SimPlug", {"connectorId": 1, "evType": "ev3"})
    await technician.remote_start(1, "REMOTE")
    await technician.data_transfer("SimPowerCut", {"seconds": 10})
    pole = served_pole.pole
    assert pole.ended[-1].reason == "PowerLoss"
    pole.scheduler.advance(11)
    socket = pole.socket(1)
    assert pole.powered and socket.transaction is None
    assert socket.voltage_v == (0.0, 0.0, 0.0)
