"""A booted pole's later calls (its backlog) below the other poles' boots (issue 20): at
most `limit` handled at once while poles wait for their boot, the rest wait first come first
served until there is room, the boots settle, or `hold_s` passes. Counted, never timed: the
gate alone, and the real service over WebSockets on 127.0.0.1 with `ocpp`-library poles."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from ocpp.v16 import call

from service.ocpp.call_budget import BOOT_CALLS
from service.ocpp.later_calls import LaterCalls
from service.ocpp.pole_handler import CsmsSettings
from service.server import start_service
from tests.service.test_reconnect_storm import boot, ocpp_pole
from tests.support import until


class Boots:
    """Poles waiting for their boot or not, as the test says."""

    def __init__(self, settled: bool) -> None:
        self.settled = asyncio.Event()
        if settled:
            self.settled.set()


async def test_while_poles_boot_a_call_beyond_the_limit_waits_for_room() -> None:
    gate = LaterCalls(Boots(settled=False), limit=2)
    await gate.turn()
    await gate.turn()
    third = asyncio.create_task(gate.turn())
    await until(lambda: gate.waiting == 1)
    assert not third.done() and gate.held == 1
    gate.done()  # one of the two handled: room for the waiting one
    await third
    assert gate.in_hand == 2 and gate.waiting == 0


async def test_waiting_calls_go_on_in_the_order_they_came() -> None:
    gate = LaterCalls(Boots(settled=False), limit=1)
    await gate.turn()
    order: list[int] = []

    async def pole(n: int) -> None:
        await gate.turn()
        order.append(n)

    poles = [asyncio.create_task(pole(n)) for n in range(3)]
    await until(lambda: gate.waiting == 3)
    for n in range(3):
        gate.done()
        await until(lambda n=n: len(order) == n + 1)  # type: ignore[misc]
    await asyncio.gather(*poles)
    assert order == [0, 1, 2]


async def test_a_new_call_does_not_overtake_the_waiting_ones() -> None:
    """Room appears while calls wait: a call arriving then queues behind them."""
    gate = LaterCalls(Boots(settled=False), limit=1)
    await gate.turn()
    first = asyncio.create_task(gate.turn())
    await until(lambda: gate.waiting == 1)
    gate.done()  # the room goes to the waiting call …
    second = asyncio.create_task(gate.turn())
    await first
    await until(lambda: gate.waiting == 1)  # … and the newcomer waits its turn
    assert not second.done()
    gate.done()
    await second


async def test_with_no_pole_booting_no_call_waits() -> None:
    gate = LaterCalls(Boots(settled=True), limit=1)
    for _ in range(5):
        await gate.turn()
    assert gate.in_hand == 5 and gate.held == 0


async def test_once_the_boots_settle_the_held_calls_drain_a_batch_at_a_time() -> None:
    """A fleet's held backlog goes on once no pole waits for its boot, but at most
    ``drain_limit`` at once (a last pole's StatusNotifications wait behind those, not
    behind every pole's backlog); once none waits, nothing is held at all."""
    boots = Boots(settled=False)
    gate = LaterCalls(boots, limit=1, drain_limit=3)
    await gate.turn()
    waiting = [asyncio.create_task(gate.turn()) for _ in range(5)]
    await until(lambda: gate.waiting == 5)
    boots.settled.set()
    gate.done()  # the next call in hand to end brings the news
    await until(lambda: gate.in_hand == 3)
    assert gate.waiting == 2
    gate.done()
    gate.done()
    await asyncio.gather(*waiting)
    assert gate.in_hand == 3 and gate.waiting == 0 and gate.expired == 0
    for _ in range(4):  # none waiting, boots settled: beyond the drain limit, at once
        await gate.turn()
    assert gate.in_hand == 7 and gate.held == 5


async def test_no_call_waits_longer_than_the_hold() -> None:
    """However long the boots go on and whatever is in hand, a call waits at most
    ``hold_s`` (here a few milliseconds: the pole's own 30 s timeout is what this protects)."""
    gate = LaterCalls(Boots(settled=False), limit=1, hold_s=0.01)
    await gate.turn()
    await asyncio.wait_for(gate.turn(), 60)  # no room ever made: the hold lets it on
    assert gate.expired == 1 and gate.in_hand == 2


async def test_a_pole_that_leaves_while_waiting_gives_no_room_away() -> None:
    gate = LaterCalls(Boots(settled=False), limit=1)
    await gate.turn()
    leaving = asyncio.create_task(gate.turn())
    staying = asyncio.create_task(gate.turn())
    await until(lambda: gate.waiting == 2)
    leaving.cancel()
    with pytest.raises(asyncio.CancelledError):
        await leaving
    gate.done()  # the room skips the pole that left and goes to the one still waiting
    await staying
    assert gate.in_hand == 1


async def test_a_pole_let_in_and_gone_before_it_ran_gives_its_room_back() -> None:
    gate = LaterCalls(Boots(settled=False), limit=1)
    await gate.turn()
    leaving = asyncio.create_task(gate.turn())
    await until(lambda: gate.waiting == 1)
    gate.done()  # room given to it …
    leaving.cancel()  # … but it is cancelled before it resumes
    with pytest.raises(asyncio.CancelledError):
        await leaving
    assert gate.in_hand == 0


@pytest.mark.parametrize(("limit", "drain_limit", "hold_s"),
                         [(0, 800, 20.0), (1, 0, 20.0), (1, 800, 0.0)])
def test_a_gate_that_could_never_let_a_call_on_is_refused(limit: int, drain_limit: int,
                                                          hold_s: float) -> None:
    with pytest.raises(ValueError, match=r"limit|longest"):
        LaterCalls(Boots(settled=False), limit=limit, drain_limit=drain_limit, hold_s=hold_s)


def test_the_service_holds_later_calls_by_default() -> None:
    """A storm's boots within 30 s with a day's backlog depend on it."""
    assert CsmsSettings().later_calls > 0


async def test_a_booted_poles_backlog_waits_while_another_pole_boots(tmp_path: Path) -> None:
    """The real service, one later call at a time: pole B is admitted and not yet booted,
    and the one room is taken. Pole A, booted, sends a MeterValues from its backlog: it is
    held, not answered, while B's BootNotification is answered; once the call in hand ends,
    A's is answered too, and stored once."""
    running = await start_service(f"sqlite:///{tmp_path / 'csms.sqlite'}",
                                  token_file=tmp_path / "tokens",
                                  settings=CsmsSettings(later_calls=1,
                                                        deploy_capacity_profile=False))
    services = running.services
    gate = services.budget.later
    assert gate is not None
    try:
        async with ocpp_pole(running, "PW-A") as a:
            assert await boot(a) == "Accepted"
            for connector in range(BOOT_CALLS - 1):
                await a.call(call.StatusNotification(connector_id=connector,
                                                     error_code="NoError",
                                                     status="Available"))
            async with ocpp_pole(running, "PW-B") as b:
                await until(lambda: services.admission.in_flight == 1)  # B: not booted yet
                await gate.turn()  # another pole's later call in hand: the one room taken
                sampled = services.clock()  # the pole's clock right: no time sync asked
                backlog = asyncio.create_task(a.call(call.MeterValues(
                    connector_id=1, meter_value=[{
                        "timestamp": sampled.isoformat(),
                        "sampledValue": [{"value": "1234", "measurand":
                                          "Energy.Active.Import.Register", "unit": "Wh"}]}])))
                await until(lambda: gate.waiting == 1)
                assert await boot(b) == "Accepted"
                assert not backlog.done()
                gate.done()  # the other call ends: A's goes on
                await backlog
        assert gate.held == 1 and gate.expired == 0
        stored = services.repository.meter_values("PW-A", sampled - timedelta(seconds=1),
                                                  sampled + timedelta(seconds=1))
        assert [value.value for value in stored] == [1234.0]
    finally:
        await running.stop()
