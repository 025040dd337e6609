"""`TaskRunner`: what a Qt slot starts runs on the loop, and nothing breaks once the loop
has ended (a Qt timer may still fire while the window closes)."""

from __future__ import annotations

import asyncio
import warnings

from gui.tasks import TaskRunner


def test_a_slot_firing_after_the_event_loop_ended_starts_nothing_and_raises_nothing() -> None:
    ran: list[str] = []

    async def read_the_service() -> None:
        ran.append("read")

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "coroutine … was never awaited" would fail here
        assert TaskRunner().run("Reading what the service knows", read_the_service()) is None
    assert ran == []


async def test_a_slot_on_the_running_loop_runs_and_reports_its_result() -> None:
    results: list[int] = []

    async def answer() -> int:
        return 42

    task = TaskRunner().run("Answer", answer(), results.append)
    assert task is not None
    await task
    await asyncio.sleep(0)  # the done-callback runs on the next turn of the loop
    assert results == [42]
