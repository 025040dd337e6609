"""``/api/v1/live``: the operator live feed as a WebSocket.

The client authenticates like the rest of the API (``Authorization: Bearer …``, or
``?token=`` for clients that cannot set headers, such as browsers), then receives every
fleet event (see `service.live.events`) and sends, as JSON text::

    {"watch": "PW-0001", "intervalMs": 1000}   relay this pole's Live data (≥ 1000 ms)
    {"unwatch": "PW-0001"}

Anything else gets ``{"type": "error", "description": …}`` and the feed goes on: a
client's mistake must not cost it the events it already relies on.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from service.accounts.guard import Refusal, identify
from service.api.tokens import TokenStore
from service.live.hub import MIN_INTERVAL_MS, LiveClient, LiveHub

POLICY_VIOLATION = 1008


def build_live_router(hub: LiveHub, tokens: TokenStore | None, prefix: str) -> APIRouter:
    router = APIRouter(prefix=prefix)

    @router.websocket("/live")
    async def live(websocket: WebSocket) -> None:
        token = _bearer(websocket)
        try:
            caller = None if token is None else await identify(tokens, token)
        except Refusal:
            caller = None
        if caller is None:
            await websocket.close(code=POLICY_VIOLATION,
                                  reason="send 'Authorization: Bearer <token>' or ?token=")
            return
        await websocket.accept()
        client = hub.join(f"{websocket.client}")
        sender = asyncio.create_task(_send_events(websocket, client))
        try:
            while True:
                text = await websocket.receive_text()
                reply = _handle(hub, client, text)
                if reply is not None:
                    client.offer(reply)
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            hub.leave(client)
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError):
                await sender

    return router


def _bearer(websocket: WebSocket) -> str | None:
    header = websocket.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return websocket.query_params.get("token")


async def _send_events(websocket: WebSocket, client: LiveClient) -> None:
    while True:
        event = await client.queue.get()
        await websocket.send_text(json.dumps(event, separators=(",", ":")))


def _handle(hub: LiveHub, client: LiveClient, text: str) -> dict[str, Any] | None:
    """One client request; returns an error event for anything it cannot act on."""
    try:
        request = json.loads(text)
    except ValueError:
        return _error("not JSON: send {\"watch\": \"<pole id>\"} or {\"unwatch\": …}")
    if not isinstance(request, dict):
        return _error("a request is a JSON object")
    if "watch" in request:
        pole_id = request["watch"]
        interval = request.get("intervalMs", MIN_INTERVAL_MS)
        if not isinstance(pole_id, str) or not pole_id:
            return _error("watch: give a pole id as a string")
        if not isinstance(interval, int) or isinstance(interval, bool) or interval <= 0:
            return _error(f"watch: intervalMs must be a positive integer (≥ {MIN_INTERVAL_MS})")
        hub.watch(client, pole_id, interval)
        return None
    if "unwatch" in request:
        pole_id = request["unwatch"]
        if not isinstance(pole_id, str):
            return _error("unwatch: give a pole id as a string")
        hub.unwatch(client, pole_id)
        return None
    return _error(f"unknown request {sorted(request)}: use 'watch' or 'unwatch'")


def _error(description: str) -> dict[str, Any]:
    return {"type": "error", "description": description}
