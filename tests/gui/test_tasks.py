"""`TaskRunner`: what a Qt slot starts runs on the loop — also when the window is built
before the loop runs — and nothing breaks once the loop has ended (a Qt timer may still
fire while the window closes)."""

from __future__ import annotations

import asyncio
import warnings

from gui.tasks import TaskRunner


def test_a_slot_firing_after_the_event_loop_ended_starts_nothing_and_raises_nothing() -> None:
    ran: list[str] = []

    async def read_the_service() -> None:
        ran.append("read")

    loop = asyncio.new_event_loop()
    loop.close()
    asyncio.set_event_loop(loop)  # what is left once the app's loop has ended
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "coroutine … was never awaited" would fail
            assert TaskRunner().run("Reading what the service knows",
                                    read_the_service()) is None
    finally:
        asyncio.set_event_loop(None)
    assert ran == []


def test_a_task_started_before_the_loop_runs_runs_once_it_does() -> None:
    """The app builds its window (which connects to the demo pole) before it runs the
    loop: that first connection must not be lost."""
    results: list[str] = []

    async def connect() -> str:
        return "connected"

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        task = TaskRunner().run("Connect to the demo pole", connect(), results.append)
        assert task is not None
        loop.run_until_complete(task)
        loop.run_until_complete(asyncio.sleep(0))  # the done-callback's turn
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    assert results == ["connected"]


async def test_a_slot_on_the_running_loop_runs_and_reports_its_result() -> None:
    results: list[int] = []

    async def answer() -> int:
        return 42

    task = TaskRunner().run("Answer", answer(), results.append)
    assert task is not None
    await task
    await asyncio.sleep(0)  # the done-callback runs on the next turn of the loop
    assert results == [42]
