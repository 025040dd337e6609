"""The drop-the-oldest queue every link and watcher uses for live data."""

from __future__ import annotations

import asyncio

import pytest

from pole_link.errors import LinkLost
from pole_link.queues import drain, put_dropping_oldest


async def test_a_full_queue_keeps_the_newest_items_and_says_it_dropped() -> None:
    queue: asyncio.Queue[int | BaseException] = asyncio.Queue(maxsize=2)
    assert [put_dropping_oldest(queue, n) for n in (1, 2, 3)] == [False, False, True]
    assert [queue.get_nowait(), queue.get_nowait()] == [2, 3]


async def test_the_end_of_a_shared_stream_reaches_every_reader() -> None:
    queue: asyncio.Queue[int | BaseException] = asyncio.Queue(maxsize=4)
    for item in (1, 2, LinkLost("cable pulled")):
        put_dropping_oldest(queue, item)
    seen = []
    with pytest.raises(LinkLost):
        async for item in drain(queue, shared=True):
            seen.append(item)
    assert seen == [1, 2]
    with pytest.raises(LinkLost, match="cable pulled"):  # a second reader learns it too
        async for _ in drain(queue, shared=True):
            pass
