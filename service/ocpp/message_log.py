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
_SKIPPED = ""


class MessageLog:
    """Logs one pole's traffic; call `incoming` and `outgoing` with the raw JSON text."""

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

    async def incoming(self, raw: str) -> None:
        await self._log("in", raw, self._received, self._sent)

    async def outgoing(self, raw: str) -> None:
        await self._log("out", raw, self._sent, self._received)

    async def _log(self, direction: str, raw: str, calls_from_sender: dict[str, tuple[str, float]],
                   calls_to_sender: dict[str, tuple[str, float]]) -> None:
        raw = redact(raw)  # a pole's AuthorizationKey never reaches the log (issue 16)
        try:
            message = json.loads(raw)
            kind, unique_id = message[0], str(message[1])
        except (ValueError, TypeError, IndexError, KeyError):
            await self._store(direction, None, "", raw, None)  # unreadable: kept as received
            return
        now = self._clock()
        if kind == 2 and len(message) > 3:
            action = str(message[2])
            if self._is_live(action, message[3]) and not self._live_due(now):
                calls_from_sender[unique_id] = (_SKIPPED, now)  # its answer is skipped too
                return
            calls_from_sender[unique_id] = (action, now)
            await self._store(direction, action, unique_id,
                              _payload_text(raw, message, unique_id, action), None)
            return
        answered = calls_to_sender.pop(unique_id, None)
        if answered is None:
            await self._store(direction, None, unique_id, message[2:], None)
            return
        action, asked_at = answered
        if action == _SKIPPED:
            return
        payload = _payload_text(raw, message, unique_id, "") if kind == 3 else message[2:]
        await self._store(direction, action, unique_id, payload, (now - asked_at) * 1000)

    @staticmethod
    def _is_live(action: str, payload: Any) -> bool:
        return (action == "DataTransfer" and isinstance(payload, dict)
                and payload.get("messageId") == "Live")

    def _live_due(self, now: float) -> bool:
        if now - self._last_live < LIVE_SAMPLE_INTERVAL_S:
            return False
        self._last_live = now
        return True

    async def _store(self, direction: str, action: str | None, unique_id: str, payload: Any,
                     latency_ms: float | None) -> None:
        await self._write(self.pole_id, direction, action, unique_id, payload,
                          at=datetime.now(UTC), latency_ms=latency_ms)
        self._count += 1
        if self._prune is not None and self._count % PRUNE_EVERY == 0:
            await self._prune(KEEP_PER_POLE, self.pole_id)  # this pole's log only


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
