"""The one "drop the oldest" queue of live data, for every link and every watcher.

Why dropping: a Live sample or a pole's call is news; when a reader falls behind (a
busy GUI thread, a slow network), the newest sample matters and the oldest does not, and
a queue that grows without bound would end the program. The end of a stream (a link
lost) travels in the same queue as an exception, so a reader sees the data before it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TypeVar

__all__ = ["drain", "put_dropping_oldest"]

_T = TypeVar("_T")


def put_dropping_oldest(queue: asyncio.Queue[_T], item: _T) -> bool:
    """Put `item`; when the queue is full, drop its oldest item first (True if it did)."""
    dropped = False
    if queue.full():
        with contextlib.suppress(asyncio.QueueEmpty):
            queue.get_nowait()
            dropped = True
    queue.put_nowait(item)
    return dropped


async def drain(queue: asyncio.Queue[_T | BaseException], *, shared: bool = False
                ) -> AsyncIterator[_T]:
    """Yield the queue's items until an exception arrives, then raise it.

    `shared`: other readers take from the same queue, so the exception is put back for
    them (the end of a link is everyone's end).
    """
    while True:
        item = await queue.get()
        if isinstance(item, BaseException):
            if shared:
                put_dropping_oldest(queue, item)
            raise item
        yield item
