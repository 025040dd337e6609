"""What goes into a pole's message log: every OCPP message, with its latency.

Helpdesk staff diagnose a pole from this log, so results carry the action they
answer and how long the answer took. ``Live`` relays are the exception: several a
second while someone watches would drown everything else, so at most one a minute
per pole is kept (ARCHITECTURE.md).

A call's or result's payload is kept as the text that went over the wire (`_payload_text`),
not parsed and written out again: what the helpdesk reads is exactly what was sent, and
every message costs one JSON encoding less.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from pole_link.protocol.redaction import redact

LIVE_SAMPLE_INTERVAL_S = 60.0
KEEP_PER_POLE = 10_000
"""Retention: the newest messages per pole that are kept."""
PRUNE_EVERY = 500
"""Prune after this many logged messages (pruning is a query, not free)."""

LogWriter = Callable[..., Awaitable[Any]]
"""Stores one row: best a future of the storage's queue (`RepositoryStore.log_message`);
a coroutine function works too, at the cost of a task per row."""
_SKIPPED = ""
NOT_PARSED: Any = object()
"""`MessageLog.incoming`'s ``frame`` when the caller has not decoded the frame."""


class MessageLog:
    """Logs one pole's traffic; call `incoming` and `outgoing` with the raw JSON text.

    Each returns a future that is done once the row is stored (at once for a row not kept):
    no task of its own per message, so a handler can queue the log's row beside its own
    writes and answer once both are committed (issue 20: two tasks per message were 5 % of
    a reconnect storm's CPU).

    One per connected pole, so slotted, and its two dicts of calls awaiting an answer are
    cleared once empty: a dict keeps its table of 120 B when its last entry is popped
    (issue 20, memory per idle connection).
    """

    __slots__ = ("_clock", "_count", "_last_live", "_prune", "_received", "_sent", "_tasks",
                 "_write", "pole_id")

    def __init__(self, pole_id: str, write: LogWriter,
                 prune: Callable[[int, str], Awaitable[Any]] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.pole_id = pole_id
        self._write = write
        self._prune = prune
        self._clock = clock
        self._sent: dict[str, tuple[str, float]] = {}  # our call id -> (action, sent at)
        self._received: dict[str, tuple[str, float]] = {}  # their call id -> (action, at)
        self._last_live = -LIVE_SAMPLE_INTERVAL_S
        self._count = 0
        self._tasks: set[asyncio.Future[Any]] | None = None
        """Tasks made here (a coroutine writer, pruning), held until done: the event loop
        keeps only weak references to tasks. Made with the first: the service's writer
        returns futures, so most connections never need it (an empty set is 216 B)."""

    def incoming(self, raw: str, frame: Any = NOT_PARSED) -> asyncio.Future[Any]:
        """Log a received frame; ``frame``: ``raw`` already decoded (by the router's
        caller), so a frame is decoded once — what is logged is still read from ``raw``."""
        return self._log("in", raw, frame, self._received, self._sent)

    def outgoing(self, raw: str) -> asyncio.Future[Any]:
        return self._log("out", raw, NOT_PARSED, self._sent, self._received)

    def _log(self, direction: str, raw: str, frame: Any,
             calls_from_sender: dict[str, tuple[str, float]],
             calls_to_sender: dict[str, tuple[str, float]]) -> asyncio.Future[Any]:
        text = redact(raw)  # a pole's AuthorizationKey never reaches the log (issue 16)
        if frame is NOT_PARSED or text is not raw:  # a redacted frame is read redacted
            try:
                frame = json.loads(text)
            except (ValueError, RecursionError):
                frame = None
        try:
            kind, unique_id = frame[0], str(frame[1])
        except (TypeError, IndexError, KeyError):
            return self._store(direction, None, "", text, None)  # unreadable: as received
        now = self._clock()
        if kind == 2 and len(frame) > 3:
            action = str(frame[2])
            if self._is_live(action, frame[3]) and not self._live_due(now):
                calls_from_sender[unique_id] = (_SKIPPED, now)  # its answer is skipped too
                return done()
            calls_from_sender[unique_id] = (action, now)
            return self._store(direction, action, unique_id,
                               _payload_text(text, frame, unique_id, action), None)
        answered = calls_to_sender.pop(unique_id, None)
        if not calls_to_sender:
            calls_to_sender.clear()
        if answered is None:
            return self._store(direction, None, unique_id, frame[2:], None)
        action, asked_at = answered
        if action == _SKIPPED:
            return done()
        payload = _payload_text(text, frame, unique_id, "") if kind == 3 else frame[2:]
        return self._store(direction, action, unique_id, payload, (now - asked_at) * 1000)

    @staticmethod
    def _is_live(action: str, payload: Any) -> bool:
        return (action == "DataTransfer" and isinstance(payload, dict)
                and payload.get("messageId") == "Live")

    def _live_due(self, now: float) -> bool:
        if now - self._last_live < LIVE_SAMPLE_INTERVAL_S:
            return False
        self._last_live = now
        return True

    def _store(self, direction: str, action: str | None, unique_id: str, payload: Any,
               latency_ms: float | None) -> asyncio.Future[Any]:
        stored = self._held(self._write(self.pole_id, direction, action, unique_id, payload,
                                        at=datetime.now(UTC), latency_ms=latency_ms))
        self._count += 1
        if self._prune is not None and self._count % PRUNE_EVERY == 0:
            return self._held(self._then_prune(stored, self._prune))  # this pole's log only
        return stored

    async def _then_prune(self, stored: Awaitable[Any],
                          prune: Callable[[int, str], Awaitable[Any]]) -> None:
        await stored
        await prune(KEEP_PER_POLE, self.pole_id)

    def _held(self, work: Awaitable[Any]) -> asyncio.Future[Any]:
        future = asyncio.ensure_future(work)  # a future stays as it is: no task
        if isinstance(future, asyncio.Task):
            if self._tasks is None:
                self._tasks = set()
            self._tasks.add(future)
            future.add_done_callback(self._tasks.discard)
        return future


def done() -> asyncio.Future[Any]:
    """A future already done: a row not kept, or nothing logged yet."""
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    future.set_result(None)
    return future


def _payload_text(raw: str, message: list[Any], unique_id: str, action: str) -> Any:
    """The payload (the frame's last element, an object) as the sender wrote it, or the
    parsed payload where its text cannot be told apart for certain.

    Before the payload a frame holds only its type, the id and, for a call, the action; when
    neither string contains a brace, the first ``{`` opens the payload and the last ``]``
    closes the frame.
    """
    payload = message[-1]
    if not isinstance(payload, dict) or "{" in unique_id or "{" in action:
        return payload
    start, end = raw.find("{"), raw.rfind("]")
    return raw[start:end].rstrip() if 0 < start < end else payload
