"""Running coroutines from Qt slots, on the qasync loop, without losing their errors.

A slot cannot ``await``; a bare ``asyncio.create_task`` in a slot may be garbage
collected mid-flight and its exception is only logged at exit. `TaskRunner` keeps a
reference to every task, hands failures to one callback (the window shows them as a
non-modal message) and cancels what is left when its owner closes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

LOGGER = logging.getLogger(__name__)

ErrorHandler = Callable[[str, BaseException], None]
"""``(what was being done, the exception)``."""


class TaskRunner:
    """Owns background tasks of one part of the GUI."""

    def __init__(self, on_error: ErrorHandler | None = None) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self.on_error = on_error

    def run(self, what: str, coroutine: Coroutine[Any, Any, Any],
            on_done: Callable[[Any], None] | None = None) -> asyncio.Task[Any] | None:
        """Start ``coroutine``; ``on_done(result)`` runs on success, `on_error` on failure.

        Before the loop runs (a window built before ``run_until_complete``) the task
        waits for it. None, with the coroutine closed unstarted, once there is no loop to
        run it any more: a Qt timer may still fire while the window closes."""
        try:
            task = asyncio.ensure_future(coroutine)
        except RuntimeError:  # no current event loop, or a closed one
            coroutine.close()
            LOGGER.debug("%s not started: the event loop has ended", what)
            return None
        self._tasks.add(task)

        def finished(done: asyncio.Task[Any]) -> None:
            self._tasks.discard(done)
            if done.cancelled():
                return
            error = done.exception()
            if error is not None:
                if self.on_error is not None:
                    self.on_error(what, error)
                else:
                    LOGGER.error("%s failed", what, exc_info=error)
            elif on_done is not None:
                on_done(done.result())

        task.add_done_callback(finished)
        return task

    def run_blocking(self, what: str, function: Callable[[], Any],
                     on_done: Callable[[Any], None] | None = None
                     ) -> asyncio.Task[Any] | None:
        """`run` for blocking work (files, formatting): ``function()`` on a worker thread,
        its result or failure back on the GUI thread, like a coroutine's."""
        return self.run(what, asyncio.to_thread(function), on_done)

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    async def cancel_all(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
