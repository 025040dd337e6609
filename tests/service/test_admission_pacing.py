"""Admission paced by the calls in hand (issue 20): in a reconnect storm a new pole's
handshake waits behind the calls of the poles already admitted, so their calls are answered
first and a call's wait stays bounded (Little's law) instead of every admitted pole's boot and
StatusNotifications slowing down together. Counted, never timed: the admission and the budget
alone, and the real service over WebSockets on 127.0.0.1 with `ocpp`-library poles."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from ocpp.v16 import call
from websockets.asyncio.client import connect

from service.ocpp.call_budget import BOOT_CALLS, Admission, CallBudget
from service.ocpp.pole_handler import CsmsSettings
from service.server import start_service
from tests.service.test_reconnect_storm import OCPP, boot, ocpp_pole
from tests.support import until


def paced(calls_limit: int, places: int = 10) -> tuple[Admission, CallBudget]:
    admission = Admission(places)
    budget = CallBudget(boots=admission)
    admission.pace_by(budget, calls_limit)
    return admission, budget


async def test_a_pole_waits_while_the_admitted_poles_calls_fill_the_room() -> None:
    """Places are free, but two booting poles' calls are in hand (limit 2): the next pole
    is admitted only once one of those calls is answered."""
    admission, budget = paced(2)
    await admission.enter()  # A: admitted, its boot not answered yet
    admission.handshaken()
    budget.pole_call_started(booting=True)  # A's boot
    budget.pole_call_started(booting=True)  # a booted pole's StatusNotification
    entering = asyncio.create_task(admission.enter())
    await until(lambda: admission.paced == 1)
    assert not entering.done() and admission.waiting == 1
    budget.pole_call_done(booting=True)  # the StatusNotification answered: 1 call in hand
    await entering
    assert admission.in_flight == 2 and admission.waiting == 0


async def test_paced_poles_are_admitted_in_the_order_they_came() -> None:
    admission, budget = paced(1)
    await admission.enter()
    admission.handshaken()
    budget.pole_call_started(booting=True)
    order: list[int] = []

    async def pole(n: int) -> None:
        await admission.enter()
        order.append(n)

    waiting = [asyncio.create_task(pole(n)) for n in range(3)]
    await until(lambda: admission.waiting == 3)
    for n in range(3):  # each answered call makes room for one, the longest waiting
        budget.pole_call_done(booting=True)
        await until(lambda n=n: len(order) == n + 1)  # type: ignore[misc]
        admission.handshaken()  # the admitted pole's upgrade answered …
        budget.pole_call_started(booting=True)  # … and its boot in hand: full again
    await asyncio.gather(*waiting)
    assert order == [0, 1, 2]


async def test_booting_calls_above_the_limit_never_stop_admissions() -> None:
    """Booted poles' StatusNotifications alone above the limit (no pole in flight): one
    pole at a time is still admitted, so a reconnecting pole is never locked out."""
    admission, budget = paced(2)
    for _ in range(5):
        budget.pole_call_started(booting=True)
    await admission.enter()  # nobody in flight: in at once
    assert admission.paced == 0
    second = asyncio.create_task(admission.enter())
    await until(lambda: admission.paced == 1)
    assert not second.done()
    admission.leave()  # the first one answered: nobody in flight again
    await second
    assert admission.in_flight == 1


async def test_a_backlog_or_steady_traffic_never_holds_a_boot_back() -> None:
    """Calls after a pole's first `BOOT_CALLS` (a day's backlog, steady traffic) are not
    counted: however many are in hand, the next pole is admitted at once."""
    admission, budget = paced(2)
    await admission.enter()  # one pole in flight
    for _ in range(1000):
        budget.pole_call_started()  # booted poles flushing their queues
    await admission.enter()
    assert admission.paced == 0 and admission.in_flight == 2


async def test_a_pole_leaving_while_paced_gives_its_place_back() -> None:
    admission, budget = paced(1, places=2)
    await admission.enter()
    admission.handshaken()
    budget.pole_call_started(booting=True)
    leaving = asyncio.create_task(admission.enter())
    await until(lambda: admission.paced == 1)
    leaving.cancel()
    with pytest.raises(asyncio.CancelledError):
        await leaving
    assert admission.waiting == 0 and admission.in_flight == 1
    budget.pole_call_done(booting=True)
    await admission.enter()  # its place was given back: both places usable
    assert admission.in_flight == 2


def test_a_calls_limit_below_one_is_refused_in_words() -> None:
    with pytest.raises(ValueError, match="at least one call"):
        Admission().pace_by(CallBudget(), 0)


async def test_an_upgrade_being_answered_paces_the_next_pole() -> None:
    """An admitted pole's upgrade (the gate's checks, the 101) is the service's work too:
    until it is answered the next pole waits; a pole's own wait to send is not counted."""
    admission, _budget = paced(1)
    await admission.enter()
    second = asyncio.create_task(admission.enter())
    await until(lambda: admission.paced == 1)
    assert not second.done()
    admission.handshaken()  # the first upgrade answered; its boot not sent yet
    await second
    assert admission.in_flight == 2 and admission.handshaking == 1


async def test_an_admitted_poles_call_is_answered_before_the_next_pole_is_handshaken(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real service, ten places, booting calls in hand limited to one: poles A and B
    are admitted; A's BootNotification is in hand (its storage held). Pole C's upgrade is
    answered only after A's boot is, though places are free."""
    running = await start_service(f"sqlite:///{tmp_path / 'csms.sqlite'}",
                                  token_file=tmp_path / "tokens",
                                  settings=CsmsSettings(boots_in_flight=10, calls_in_flight=1,
                                                        deploy_capacity_profile=False))
    services = running.services
    admission = services.admission
    store: Any = services.store
    booting = asyncio.Event()
    release = asyncio.Event()
    booted = store.pole_booted
    order: list[str] = []

    async def held_boot(pole_id: str, **fields: Any) -> None:
        if pole_id == "PW-A":
            booting.set()
            await release.wait()
        await booted(pole_id, **fields)

    async def boot_a(pole: Any) -> None:
        assert await boot(pole) == "Accepted"
        order.append("A answered")

    monkeypatch.setattr(store, "pole_booted", held_boot)
    try:
        async with ocpp_pole(running, "PW-A") as a, ocpp_pole(running, "PW-B") as b:
            a_boots = asyncio.create_task(boot_a(a))
            c_connects: asyncio.Task[Any] | None = None
            try:
                await booting.wait()  # A's boot in hand: 1 ≥ 1
                c_connects = asyncio.create_task(
                    connect(f"{running.ocpp_url}/PW-C", subprotocols=OCPP).__aenter__())
                await until(lambda: admission.waiting == 1 or c_connects.done())
                if c_connects.done():
                    order.append("C handshaken")
                release.set()
                await a_boots
                websocket = await c_connects
                if "C handshaken" not in order:
                    order.append("C handshaken")
                await websocket.close()
                assert await boot(b) == "Accepted"
            finally:  # a failure above leaves nothing waiting for half a minute
                release.set()
                for task in (a_boots, c_connects):
                    if task is not None and not task.done():
                        task.cancel()
                await asyncio.gather(*(t for t in (a_boots, c_connects) if t is not None),
                                     return_exceptions=True)
        assert order == ["A answered", "C handshaken"]
        assert admission.paced >= 1 and admission.admitted == 3
    finally:
        await running.stop()


def test_the_service_is_paced_by_default() -> None:
    """The default settings pace admission by the calls in hand (`DEFAULT_CALLS_IN_FLIGHT`):
    a storm's boot-phase p99 depends on it."""
    assert CsmsSettings().calls_in_flight > 0


async def test_only_a_poles_first_calls_count_as_booting(tmp_path: Path) -> None:
    """The real service counts a pole's first `BOOT_CALLS` calls as booting, not what
    follows: after its boot and three StatusNotifications, a Heartbeat is not counted."""
    running = await start_service(f"sqlite:///{tmp_path / 'csms.sqlite'}",
                                  token_file=tmp_path / "tokens",
                                  settings=CsmsSettings(deploy_capacity_profile=False))
    budget = running.services.budget
    counted: list[bool] = []
    started = budget.pole_call_started

    def noted(booting: bool = False) -> None:
        counted.append(booting)
        started(booting)

    budget.pole_call_started = noted  # type: ignore[method-assign]
    try:
        async with ocpp_pole(running, "PW-COUNT") as pole:
            assert await boot(pole) == "Accepted"
            for connector in (0, 1, 2):
                await pole.call(call.StatusNotification(
                    connector_id=connector, error_code="NoError", status="Available"))
            await pole.call(call.Heartbeat())
        assert counted == [True] * BOOT_CALLS + [False]
        assert budget.booting_calls == 0
    finally:
        await running.stop()


async def test_the_boots_settling_tells_how_many_poles_came_since_they_last_did() -> None:
    """`Admission.on_settled` marks a storm's end for whoever tidies up after one (the C
    heap's trim): told once per settling, with the poles admitted since the last."""
    admission = Admission(10)
    told: list[int] = []
    admission.on_settled = told.append
    for _ in range(3):  # three poles in flight together: one settling when the last leaves
        await admission.enter()
    admission.leave()
    admission.leave()
    assert told == []
    admission.leave()
    assert told == [3]
    await admission.enter()  # a lone pole later
    admission.leave()
    assert told == [3, 1]


def test_each_worker_process_gets_its_share_of_the_calls_in_hand() -> None:
    """``--workers N`` on one machine: the bounds on calls in hand are the machine's (a
    call's wait is calls in hand over calls answered per second), so each process gets its
    share, rounded up; a bound switched off (0) stays off. The booting calls' bound is cut
    first (`SHARED_CALLS_IN_FLIGHT`): the processes and PostgreSQL share the cores, so
    between them they answer a storm's boot calls more slowly than one process on SQLite."""
    settings = CsmsSettings(calls_in_flight=800, later_calls=50)
    assert (settings.shared_by(2).calls_in_flight, settings.shared_by(2).later_calls) == (300, 25)
    assert settings.shared_by(3).calls_in_flight == 200 and settings.shared_by(1) == settings
    assert settings.shared_by(2).calls_in_flight * 2 < settings.calls_in_flight
    off = CsmsSettings(calls_in_flight=0, later_calls=0).shared_by(2)
    assert (off.calls_in_flight, off.later_calls) == (0, 0)
    with pytest.raises(ValueError, match="at least one"):
        settings.shared_by(0)
