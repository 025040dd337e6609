"""Stopping a helper task must not swallow the caller's own cancellation (a Pole view
whose window closed went on reconnecting for ever)."""

from __future__ import annotations

import asyncio

import pytest

from pole_link.cancel import cancel_and_wait


async def _slow_to_stop(stopping: asyncio.Event) -> None:
    """A helper that needs a moment to end once cancelled (like a reader closing a port)."""
    try:
        await asyncio.Event().wait()
    finally:
        stopping.set()
        await asyncio.sleep(0.05)


async def test_the_helpers_own_cancellation_is_absorbed() -> None:
    helper = asyncio.create_task(_slow_to_stop(asyncio.Event()))
    await asyncio.sleep(0)
    await cancel_and_wait(helper)
    assert helper.cancelled()


async def test_a_cancellation_of_the_caller_while_it_waits_is_not_swallowed() -> None:
    stopping = asyncio.Event()
    helper = asyncio.create_task(_slow_to_stop(stopping))
    await asyncio.sleep(0)
    carried_on: list[str] = []

    async def closing() -> None:
        await cancel_and_wait(helper)
        carried_on.append("went on after being cancelled")

    caller = asyncio.create_task(closing())
    await stopping.wait()  # the caller now waits for the helper to end
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    assert carried_on == []
    assert helper.done()
