"""Starlette's WebSocket as the ``recv``/``send`` connection the ``ocpp`` library expects."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable

from starlette.websockets import WebSocket, WebSocketDisconnect

from pole_link.errors import LinkLost
from service.ocpp.connection_end import EndReason, end_reason_of


class WebSocketConnection:
    """Adapts one accepted WebSocket; a disconnect becomes `LinkLost`.

    It also remembers what the end of the connection looked like (`end_reason`) and when
    the pole last sent anything (`last_received`, monotonic), for the silence watchdog.
    Slotted: one per connected pole, and a ``__dict__`` was 200 B of it (issue 20).
    """

    __slots__ = ("_clock", "end_reason", "last_received", "pole_id", "websocket")

    def __init__(self, websocket: WebSocket, pole_id: str,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.websocket = websocket
        self.pole_id = pole_id
        self._clock = clock
        """The silence watch's clock (a test steps it instead of waiting minutes)."""
        self.last_received = clock()
        self.end_reason: EndReason | None = None
        """Set once the connection ended, or when the service decides to end it."""

    async def recv(self) -> str:
        try:
            message = await self.websocket.receive()
        except (WebSocketDisconnect, RuntimeError) as exc:
            code = exc.code if isinstance(exc, WebSocketDisconnect) else None
            self._ended(code)
            raise LinkLost(f"{self.pole_id}: connection closed ({exc})") from None
        if message["type"] == "websocket.disconnect":
            code = message.get("code")
            self._ended(code if isinstance(code, int) else None)
            raise LinkLost(f"{self.pole_id}: connection closed (code {code})")
        self.last_received = self._clock()
        text = message.get("text")
        if text is None:
            data = message.get("bytes") or b""
            return data.decode("utf-8", errors="replace")  # routing drops it as not JSON
        return str(text)

    async def send(self, text: str) -> None:
        try:
            await self.websocket.send_text(text)
        except (WebSocketDisconnect, RuntimeError) as exc:
            self._ended(exc.code if isinstance(exc, WebSocketDisconnect) else None)
            raise LinkLost(f"{self.pole_id}: cannot send ({exc})") from None

    async def hang_up(self, reason: EndReason, text: str) -> None:
        """End the connection from the service's side, remembering why."""
        self.end_reason = reason
        # Already closed by us (RuntimeError), or the pole's side is gone and the service
        # has not read that yet (WebSocketDisconnect: a pole that lost its network and
        # reconnects before its old socket's end is read). Either way it is over and the
        # reason stands; raising here would fail whoever hung up: a reconnecting pole's
        # new connection, a decommissioning, the silence sweep.
        with contextlib.suppress(RuntimeError, WebSocketDisconnect):
            await self.websocket.close(code=1001, reason=text[:120])

    def _ended(self, code: int | None) -> None:
        if self.end_reason is None:
            self.end_reason = end_reason_of(code)
