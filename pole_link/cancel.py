"""Stopping a helper task without swallowing the caller's own cancellation.

``task.cancel(); with suppress(CancelledError): await task`` is the usual way to stop a
reader or pump, but if the *caller* is cancelled while it waits there, that cancellation is
swallowed too: the caller carries on as if nothing happened (a controller whose window
closed went on reconnecting for ever). `cancel_and_wait` re-raises when the caller itself is
being cancelled.
"""

from __future__ import annotations

import asyncio
from typing import Any


async def cancel_and_wait(task: asyncio.Future[Any],
                          *expected: type[BaseException]) -> None:
    """Cancel ``task`` and wait until it has ended; its own CancelledError and the
    ``expected`` errors it may end with are absorbed, a cancellation of the caller is not."""
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            raise
    except expected:
        pass
