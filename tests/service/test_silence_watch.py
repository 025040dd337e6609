"""The silence sweeper on its own: a silent pole is hung up on, a talking one is kept.

`SilenceWatch` is one sweeper for every connection of a process (issue 20); a wrong
comparison there would either show half-open poles online for ever (eis 48's uptime
counts them connected) or hang up on poles that talk. Real WebSockets on 127.0.0.1 carry
the pole's words into real `WebSocketConnection` objects; only the clock the watch and
the connections read is stepped by the test, so the minutes of silence take no time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from pole_link.errors import LinkLost
from service.ocpp.connection_end import EndReason
from service.ocpp.silence_watch import SilenceWatch
from service.ocpp.websocket_connection import WebSocketConnection
from tests.support import ManualClock, served_on_loopback

LIMIT_S = 100.0


@asynccontextmanager
async def watched_endpoint(watch: SilenceWatch, clock: ManualClock,
                           held: dict[str, WebSocketConnection]) -> AsyncIterator[str]:
    """A WebSocket endpoint that echoes each message and is watched for silence."""

    async def endpoint(websocket: WebSocket) -> None:
        await websocket.accept()
        pole_id = str(websocket.path_params["pole_id"])
        connection = WebSocketConnection(websocket, pole_id, clock=clock)
        held[pole_id] = connection
        watch.watch(connection)
        try:
            while True:
                await connection.send(await connection.recv())
        except LinkLost:
            pass
        finally:
            watch.forget(connection)

    app = Starlette(routes=[WebSocketRoute("/ocpp/{pole_id}", endpoint)])
    async with served_on_loopback(app) as (base, _):
        yield f"{base}/ocpp"


async def test_eis48_the_sweeper_hangs_up_on_the_silent_pole_and_keeps_the_talking_one(
        ) -> None:
    clock = ManualClock(seconds=1_000.0)
    watch = SilenceWatch(LIMIT_S, clock=clock)
    held: dict[str, WebSocketConnection] = {}
    async with (watched_endpoint(watch, clock, held) as url,
                connect(f"{url}/PW-MUTE") as mute,
                connect(f"{url}/PW-TALK") as talk):
        await mute.send("hello")  # both have spoken at 1,000 s
        assert await mute.recv() == "hello"
        await talk.send("hello")
        assert await talk.recv() == "hello"

        clock.advance(60)
        watch.sweep()  # 60 s of silence: nobody is hung up on yet
        await talk.send("still here")  # the talking pole speaks at 1,060 s
        assert await talk.recv() == "still here"
        await mute.send("are you there")  # PW-MUTE's last word, also at 1,060 s
        assert await mute.recv() == "are you there"

        clock.advance(LIMIT_S)  # 1,160 s: PW-MUTE silent for the whole limit
        await talk.send("heartbeat")
        assert await talk.recv() == "heartbeat"
        mute_spoke_at = held["PW-MUTE"].last_received
        assert clock() - mute_spoke_at == LIMIT_S
        watch.sweep()

        try:
            await asyncio.wait_for(mute.recv(), 10)
        except ConnectionClosed as closed:
            assert closed.rcvd is not None
            assert (closed.rcvd.code, closed.rcvd.reason) == (1001, "missed heartbeats")
        else:
            raise AssertionError("the silent pole got a message instead of being hung up on")
        assert held["PW-MUTE"].end_reason is EndReason.SILENT

        # The talking pole is still served after the sweep that ended the other one.
        await talk.send("after the sweep")
        assert await talk.recv() == "after the sweep"
        assert held["PW-TALK"].end_reason is None
