"""Starlette's WebSocket as the ``recv``/``send`` connection the ``ocpp`` library expects."""

from __future__ import annotations

from starlette.websockets import WebSocket, WebSocketDisconnect

from pole_link.errors import LinkLost


class WebSocketConnection:
    """Adapts one accepted WebSocket; a disconnect becomes `LinkLost`."""

    def __init__(self, websocket: WebSocket, pole_id: str) -> None:
        self.websocket = websocket
        self.pole_id = pole_id

    async def recv(self) -> str:
        try:
            message = await self.websocket.receive()
        except (WebSocketDisconnect, RuntimeError) as exc:
            raise LinkLost(f"{self.pole_id}: connection closed ({exc})") from None
        if message["type"] == "websocket.disconnect":
            raise LinkLost(f"{self.pole_id}: connection closed (code {message.get('code')})")
        text = message.get("text")
        if text is None:
            data = message.get("bytes") or b""
            return data.decode("utf-8", errors="replace")  # routing drops it as not JSON
        return str(text)

    async def send(self, text: str) -> None:
        try:
            await self.websocket.send_text(text)
        except (WebSocketDisconnect, RuntimeError) as exc:
            raise LinkLost(f"{self.pole_id}: cannot send ({exc})") from None
