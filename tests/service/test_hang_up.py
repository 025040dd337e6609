"""Hanging up on a pole whose side of the socket is already gone.

A pole that loses its network and comes back opens a new connection before the service
has read the end of its old one; the service then hangs up on the old socket
(`service.app`'s "replaced"). When the old socket was already dead, closing it raised,
which failed the pole's *new* connection; the pole reconnected, met the same dead handler,
and so on — thousands of refused reconnects in the key-rotation test until the pole gave up.
Here a real uvicorn server holds a real WebSocket whose client has aborted its TCP
connection, and the endpoint has not read since: exactly the old socket at that moment.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket
from websockets.asyncio.client import connect

from service.ocpp.connection_end import EndReason
from service.ocpp.websocket_connection import WebSocketConnection
from tests.support import served_on_loopback, until


@asynccontextmanager
async def unread_endpoint(held: dict[str, WebSocketConnection],
                          done: asyncio.Event) -> AsyncIterator[tuple[str, uvicorn.Server]]:
    """An endpoint that accepts, keeps the connection and reads nothing until `done`."""

    async def endpoint(websocket: WebSocket) -> None:
        await websocket.accept()
        pole_id = str(websocket.path_params["pole_id"])
        held[pole_id] = WebSocketConnection(websocket, pole_id)
        await done.wait()

    app = Starlette(routes=[WebSocketRoute("/ocpp/{pole_id}", endpoint)])
    async with served_on_loopback(app) as (base, server):
        try:
            yield f"{base}/ocpp", server
        finally:
            done.set()  # the endpoint returns before the server stops


async def test_hanging_up_on_a_socket_the_pole_already_dropped_keeps_the_reason_and_raises_nothing(
        ) -> None:
    held: dict[str, WebSocketConnection] = {}
    done = asyncio.Event()
    async with unread_endpoint(held, done) as (url, server):
        pole = await connect(f"{url}/PW-0001")
        await until(lambda: "PW-0001" in held)
        pole.transport.abort()  # the pole's network is gone: no closing handshake
        await until(lambda: not server.server_state.connections)  # the server saw it go

        old = held["PW-0001"]
        await old.hang_up(EndReason.CLOSED, "replaced")  # raised WebSocketDisconnect
        assert old.end_reason is EndReason.CLOSED
        await old.hang_up(EndReason.CLOSED, "replaced")  # and again: still nothing raised
