"""The slim queue and flag that stand in for uvicorn's per-connection asyncio.Queue and
asyncio.Event (`service.receive_queue`, issue 20): the same behaviour for the methods
uvicorn calls, and no deque or future held while nobody waits."""

from __future__ import annotations

import asyncio

import pytest

from service.receive_queue import Flag, ReceiveQueue


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_items_come_out_in_order_and_a_waiting_getter_gets_the_next() -> None:
    queue = ReceiveQueue()
    queue.put_nowait(1)
    queue.put_nowait(2)
    assert (queue.qsize(), queue.empty()) == (2, False)
    assert [await queue.get(), await queue.get()] == [1, 2]
    assert queue.empty()
    getter = asyncio.create_task(queue.get())
    await settle()
    assert not getter.done()
    queue.put_nowait(3)
    assert await getter == 3
    assert queue._waiters is None  # nothing kept once nobody waits


async def test_two_getters_each_get_one_item() -> None:
    queue = ReceiveQueue()
    getters = [asyncio.create_task(queue.get()) for _ in range(2)]
    await settle()
    queue.put_nowait("a")
    queue.put_nowait("b")
    assert sorted(await asyncio.gather(*getters)) == ["a", "b"]


async def test_a_getter_cancelled_after_being_woken_leaves_the_item_to_another() -> None:
    queue = ReceiveQueue()
    first = asyncio.create_task(queue.get())
    second = asyncio.create_task(queue.get())
    await settle()
    queue.put_nowait("x")  # wakes the first ...
    first.cancel()  # ... which is cancelled before it runs
    with pytest.raises(asyncio.CancelledError):
        await first
    assert await second == "x"


async def test_the_flag_wakes_every_waiter_and_wait_returns_at_once_when_set() -> None:
    flag = Flag(True)
    assert flag.is_set() and await flag.wait()
    flag.clear()
    waiters = [asyncio.create_task(flag.wait()) for _ in range(3)]
    await settle()
    assert not any(waiter.done() for waiter in waiters)
    flag.set()
    assert await asyncio.gather(*waiters) == [True, True, True]
    assert flag._waiters is None


async def test_a_cancelled_flag_waiter_is_forgotten() -> None:
    flag = Flag()
    waiter = asyncio.create_task(flag.wait())
    await settle()
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert flag._waiters is None
