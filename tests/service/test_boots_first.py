"""Boots first in a reconnect storm (issue 20): while poles wait for their boot — for an
admission place, or admitted and not yet answered — the service's own calls (capacity
profile, grid limit, keys) wait entirely, so the CPU goes to the waiting boots; a cap keeps
an endless storm from starving them. The budget and admission alone with an injected clock,
and the real service over WebSockets on 127.0.0.1 with `ocpp`-library poles."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest
from ocpp.v16 import call
from websockets.asyncio.client import connect

from service.ocpp.call_budget import Admission, CallBudget
from service.ocpp.pole_handler import CsmsSettings
from service.server import RunningService, start_service
from tests.service.test_reconnect_storm import OCPP, RecordingPole, boot, started_pole
from tests.support import until


async def test_a_service_call_waits_until_the_waiting_pole_is_admitted_and_answered() -> None:
    """One place: pole A holds it, pole B waits in its upgrade. A call the service asks
    for meanwhile goes out only after A is answered, B admitted and B answered."""
    admission = Admission(1)
    budget = CallBudget(boots=admission)
    order: list[str] = []
    await admission.enter()  # A
    b_enters = asyncio.create_task(admission.enter())
    await until(lambda: admission.waiting == 1)

    async def service_call() -> None:
        await budget.slot()
        order.append("service call")

    asked = asyncio.create_task(service_call())
    await until(lambda: budget.waiting == 1)
    admission.leave()  # A answered
    order.append("A answered")
    await b_enters
    order.append("B admitted")
    admission.leave()  # B answered
    order.append("B answered")
    await asked
    assert order == ["A answered", "B admitted", "B answered", "service call"]
    assert budget.sent == 1


async def test_the_cap_lets_a_call_out_during_an_endless_storm() -> None:
    """A pole that never gets its answer (an endless storm) holds the service's calls back
    for `boots_first_s` and no longer: after that they go out at the budget's pace."""
    now = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    admission = Admission(1)
    await admission.enter()  # never answered
    budget = CallBudget(rate=10.0, boots=admission, boots_first_s=60.0,
                        clock=lambda: now[0], sleep=sleep)
    await budget.slot()
    assert now[0] == pytest.approx(60.0)
    await budget.slot()  # the storm goes on: no second hold, only the pace
    assert slept == pytest.approx([60.0, 0.1])
    assert budget.sent == 2


async def test_without_the_hold_the_calls_do_not_wait_for_boots() -> None:
    """``boots_first_s=0`` (the setting's off switch): a waiting boot holds nothing back."""
    admission = Admission(1)
    await admission.enter()
    budget = CallBudget(boots=admission, boots_first_s=0)
    await budget.slot()
    assert budget.sent == 1


def test_a_negative_hold_is_refused_in_words() -> None:
    with pytest.raises(ValueError, match="boots must be ≥ 0 s"):
        CallBudget(boots_first_s=-1)


async def _booted_quietly(poles: list[RecordingPole]) -> None:
    """Every booted pole asks a Heartbeat: a later event on its socket, so whatever the
    service sent it before that answer it has handled by now — and nothing may have been."""
    for pole in poles:
        await pole.call(call.Heartbeat())
        assert pole.service_calls == [], pole.id


async def test_the_services_first_calls_reach_poles_only_after_every_waiting_boot(
        tmp_path: Path) -> None:
    """Two places, five poles at once: the capacity-profile deployment's first call
    (GetConfiguration) reaches a booted pole only after every waiting pole's
    BootNotification was answered; then every pole gets its deployment."""
    running: RunningService = await start_service(
        f"sqlite:///{tmp_path / 'csms.sqlite'}", token_file=tmp_path / "tokens",
        settings=CsmsSettings(boots_in_flight=2))
    admission = running.services.admission
    ids = [f"PW-STORM-{n}" for n in range(5)]
    upgrades = {asyncio.create_task(connect(f"{running.ocpp_url}/{pole_id}",
                                            subprotocols=OCPP).__aenter__()): pole_id
                for pole_id in ids}
    try:
        async with contextlib.AsyncExitStack() as stack:
            await until(lambda: admission.waiting == 3)
            booted: list[RecordingPole] = []
            pending = set(upgrades)
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for upgrade in done:
                    websocket = await upgrade
                    stack.push_async_callback(websocket.close)
                    pole = await stack.enter_async_context(
                        started_pole(websocket, upgrades[upgrade]))
                    assert await boot(pole) == "Accepted"
                    booted.append(pole)
                    if len(booted) < len(ids):
                        await _booted_quietly(booted)
            assert admission.admitted == len(ids)
            for pole in booted:
                await until(lambda pole=pole: "GetCompositeSchedule" in pole.service_calls)  # type: ignore[misc]
                assert pole.service_calls[0] == "GetConfiguration"
    finally:
        await running.stop()
