"""One query for the same per-pole read asked by many connections at once.

Every connection attempt reads the pole's credentials, and every boot asks whether the pole
is registered and whether a firmware rollout follows it: three one-row reads a pole, each
on a worker thread. On SQLite such a read is in-process; on PostgreSQL it is a pool checkout
with its ping, ``BEGIN``, the query and the ``ROLLBACK`` as the connection goes back: four
round trips, each waiting for a PostgreSQL process on the same busy cores, and a thread hop
with its GIL handovers. A reconnect storm asks them by the thousand within seconds (issue
20: with ``--workers 2`` on PostgreSQL only 7,687–8,233 of 10,000 boots were answered within
30 s, where one process on SQLite answered all of them).

`BatchedReads` answers every key asked while the previous query ran with one query (``…
WHERE pole_id IN (…)``), at most `MOST_KEYS` at a time, one query at a time per kind: a quiet
service still reads one key per query as soon as it is asked, a storm reads hundreds per
round trip.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Mapping
from typing import Generic, TypeVar

__all__ = ["MOST_KEYS", "BatchedReads"]

K = TypeVar("K")
V = TypeVar("V")

#: Keys per query at most: an ``IN`` list this long is still one cheap index scan, and the
#: first callers are answered while the rest are read.
MOST_KEYS = 500


class BatchedReads(Generic[K, V]):
    """``get(key)`` for many callers, answered by ``fetch`` of the keys asked meanwhile.

    ``fetch`` runs on a worker thread with the keys in the order they were first asked and
    returns the value of each key it found; a key it leaves out gets ``missing``. If it
    raises, every caller of that round gets the exception. A caller that stops waiting
    (its pole left) costs nothing more than its place in the ``IN`` list."""

    def __init__(self, fetch: Callable[[list[K]], Mapping[K, V]], missing: V, *,
                 most: int = MOST_KEYS) -> None:
        if most < 1:
            raise ValueError(f"most = {most!r}: at least one key per query")
        self._fetch = fetch
        self._missing = missing
        self.most = most
        self._asked: dict[K, list[asyncio.Future[V]]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        """Reading rounds while not done; a key asked meanwhile joins its next round."""
        self.queries = 0
        """Queries made (for diagnosis and tests)."""
        self.keys = 0
        """Keys read by them (for diagnosis and tests)."""

    async def get(self, key: K) -> V:
        """``key``'s value (``missing`` if there is none), read with every key asked meanwhile.
        """
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # first use, or a new loop (tests): nothing carries over
            self._loop, self._asked, self._task = loop, {}, None
        future: asyncio.Future[V] = loop.create_future()
        self._asked.setdefault(key, []).append(future)
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._read_rounds())
        return await future

    async def _read_rounds(self) -> None:
        """Read what was asked, round after round, until nothing is left to read."""
        asked = self._asked
        while asked:
            keys = list(itertools.islice(asked, self.most))  # a dict keeps the asking order
            waiting = {key: asked.pop(key) for key in keys}
            self.queries += 1
            self.keys += len(keys)
            try:
                found = await asyncio.to_thread(self._fetch, keys)
            except Exception as error:
                for futures in waiting.values():
                    for future in futures:
                        if not future.done():
                            future.set_exception(error)
                continue
            for key, futures in waiting.items():
                value = found.get(key, self._missing)
                for future in futures:
                    if not future.done():
                        future.set_result(value)
