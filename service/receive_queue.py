"""The two asyncio primitives uvicorn's WebSocket protocol keeps per connection, slimmed.

uvicorn's sans-I/O protocol holds an ``asyncio.Queue`` (the messages read, for the app's
``receive``) and an ``asyncio.Event`` (``writable``, for the transport's flow control) for
the whole life of every connection. On Python 3.11 each holds deques made eagerly, of
760 traced bytes each: a queue has four (its items, its getters, its putters and the
``Event`` of its ``join``), the event one: 3.8 KB a connection, where ours held 16.7 KB
a connection more than the ``ocpp`` library's plain example at 10,000 poles (issue 20,
`benchmarks/connection_memory.py`), although almost every one of those connections has
nothing queued and nobody waiting. `ReceiveQueue` and `Flag` do the same jobs with
a list and a future made only while someone waits.

Both serve one event loop and the methods uvicorn calls (``put_nowait``, ``get``,
``qsize``, ``empty``; ``set``, ``clear``, ``is_set``, ``wait``); nothing else is offered.
"""

from __future__ import annotations

import asyncio
from typing import Any

__all__ = ["Flag", "ReceiveQueue"]


class _Waiters:
    """Futures of the coroutines waiting, made and listed only while they wait."""

    __slots__ = ("_waiters",)

    def __init__(self) -> None:
        self._waiters: list[asyncio.Future[None]] | None = None

    def _waiter(self) -> asyncio.Future[None]:
        """A new waiter, listed; the caller awaits it, then `_done` (no coroutine of its
        own: each frame waiting is a few hundred bytes for as long as a pole is idle)."""
        waiter = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        return waiter

    def _done(self, waiter: asyncio.Future[None]) -> None:
        waiters = self._waiters
        if waiters is not None:
            waiters.remove(waiter)
            if not waiters:
                self._waiters = None

    def _wake_one(self) -> bool:
        for waiter in self._waiters or ():
            if not waiter.done():
                waiter.set_result(None)
                return True
        return False

    def _wake_all(self) -> None:
        for waiter in self._waiters or ():
            if not waiter.done():
                waiter.set_result(None)


class ReceiveQueue(_Waiters):
    """An unbounded FIFO with ``asyncio.Queue``'s ``put_nowait``/``get``/``qsize``/``empty``."""

    __slots__ = ("_items",)

    def __init__(self) -> None:
        super().__init__()
        self._items: list[Any] = []
        """Seldom more than one message: uvicorn stops reading the socket at a few."""

    def put_nowait(self, item: Any) -> None:
        self._items.append(item)
        self._wake_one()

    async def get(self) -> Any:
        while not self._items:
            waiter = self._waiter()
            try:
                await waiter
            except asyncio.CancelledError:
                self._done(waiter)
                # Woken for an item and cancelled before taking it: another getter may.
                if self._items:
                    self._wake_one()
                raise
            self._done(waiter)
        return self._items.pop(0)

    def qsize(self) -> int:
        return len(self._items)

    def empty(self) -> bool:
        return not self._items


class Flag(_Waiters):
    """``asyncio.Event``'s ``set``/``clear``/``is_set``/``wait``."""

    __slots__ = ("_value",)

    def __init__(self, value: bool = False) -> None:
        super().__init__()
        self._value = value

    def is_set(self) -> bool:
        return self._value

    def set(self) -> None:
        if not self._value:
            self._value = True
            self._wake_all()

    def clear(self) -> None:
        self._value = False

    async def wait(self) -> bool:
        if not self._value:
            waiter = self._waiter()
            try:
                await waiter
            finally:
                self._done(waiter)
        return True
