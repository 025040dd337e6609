"""``/api/v1/live`` over a real WebSocket, fed by virtual poles over real OCPP connections."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

from pole_link.sim.vehicles import EvType
from tests.support import Api, ConnectedPole, connected_pole, until

T0 = datetime(2026, 11, 25, 11, tzinfo=UTC)


class Feed:
    """A live-feed client that keeps every event, so tests can wait for the one they need."""

    def __init__(self, websocket: ClientConnection) -> None:
        self.websocket = websocket
        self.events: list[dict[str, Any]] = []

    async def pump(self) -> None:
        async for text in self.websocket:
            self.events.append(json.loads(text))

    async def send(self, request: Any) -> None:
        await self.websocket.send(request if isinstance(request, str) else json.dumps(request))

    async def next(self, match: Callable[[dict[str, Any]], bool], *,
                   after: int = 0, timeout: float = 15.0) -> dict[str, Any]:
        async with asyncio.timeout(timeout):
            while True:
                for event in self.events[after:]:
                    if match(event):
                        return event
                await asyncio.sleep(0.02)


@asynccontextmanager
async def live_feed(api: Api) -> AsyncIterator[Feed]:
    url = f"ws://127.0.0.1:{api.service.port}/api/v1/live"
    async with connect(url, additional_headers={"Authorization": f"Bearer {api.token}"}
                       ) as websocket:
        feed = Feed(websocket)
        pump = asyncio.create_task(feed.pump())
        try:
            yield feed
        finally:
            pump.cancel()
            await asyncio.gather(pump, return_exceptions=True)


@asynccontextmanager
async def pole_at(api: Api, tmp_path: Path, pole_id: str = "PW-0001"
                  ) -> AsyncIterator[ConnectedPole]:
    async with connected_pole(api.service.ocpp_url, tmp_path, pole_id, start=T0) as pole:
        yield pole


def of(kind: str, **fields: Any) -> Callable[[dict[str, Any]], bool]:
    return lambda event: event.get("type") == kind and all(
        event.get(key) == value for key, value in fields.items())


def streaming(pole: ConnectedPole) -> bool:
    end = pole.client.end
    return end is not None and end.live.running


async def test_the_feed_refuses_a_client_without_a_valid_token(api: Api) -> None:
    url = f"ws://127.0.0.1:{api.service.port}/api/v1/live"
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        with pytest.raises(InvalidStatus) as refused:
            async with connect(url, additional_headers=headers):
                pass
        assert refused.value.response.status_code == 403
    async with connect(f"{url}?token={api.token}") as websocket:
        await websocket.send(json.dumps({"watch": "PW-0404"}))
        answer = json.loads(await websocket.recv())
        assert answer["type"] == "watching" and answer["status"] == "PoleOffline"


async def test_fleet_events_reach_every_client(api: Api, tmp_path: Path) -> None:
    async with live_feed(api) as feed, pole_at(api, tmp_path) as pole:
        await feed.next(of("connection", poleId="PW-0001", connected=True))
        available = await feed.next(of("status", poleId="PW-0001", connectorId=1))
        assert available["status"] == "Available" and available["errorCode"] == "NoError"

        pole.pole.plug(1, EvType.EV3)
        started = await api.client.post("/api/v1/poles/PW-0001/remote-start",
                                        json={"connectorId": 1, "idTag": "HELPDESK"})
        assert started.json() == {"result": {"status": "Accepted"}}
        transaction = await feed.next(of("transaction", event="started", connectorId=1))
        assert isinstance(transaction["transactionId"], int)
        await feed.next(of("status", connectorId=1, status="Charging"))

        # The first sample may come before the vehicle draws current; a charging
        # three-phase vehicle shows power within a few readings.
        for _ in range(10):
            before = len(feed.events)
            triggered = await api.client.post("/api/v1/poles/PW-0001/trigger", json={
                "requestedMessage": "MeterValues", "connectorId": 1})
            assert triggered.json() == {"result": {"status": "Accepted"}}
            meter = await feed.next(of("meterValues", connectorId=1), after=before)
            assert meter["transactionId"] == transaction["transactionId"]
            assert meter["energyWh"] is not None and meter["powerW"] is not None
            if meter["powerW"] > 0:
                break
            await asyncio.sleep(0.3)
        assert meter["powerW"] > 0, "a charging three-phase vehicle draws power"

        stopped = await api.client.post("/api/v1/poles/PW-0001/remote-stop", json={
            "transactionId": transaction["transactionId"]})
        assert stopped.json() == {"result": {"status": "Accepted"}}
        ended = await feed.next(of("transaction", event="stopped"))
        assert ended["transactionId"] == transaction["transactionId"]
        assert ended["connectorId"] == 1
    await feed_closes_with_the_pole(api, tmp_path)


async def feed_closes_with_the_pole(api: Api, tmp_path: Path) -> None:
    async with live_feed(api) as feed:
        async with pole_at(api, tmp_path, "PW-0002"):
            await feed.next(of("connection", poleId="PW-0002", connected=True))
        await feed.next(of("connection", poleId="PW-0002", connected=False))


async def test_live_data_flows_only_while_someone_watches(api: Api, tmp_path: Path) -> None:
    async with pole_at(api, tmp_path) as pole, live_feed(api) as first, \
            live_feed(api) as second:
        assert not streaming(pole), "nobody watches: the pole must not stream"
        await first.send({"watch": "PW-0001", "intervalMs": 1000})
        accepted = await first.next(of("watching", poleId="PW-0001"))
        assert accepted["status"] == "Accepted"
        await until(lambda: streaming(pole))
        live = await first.next(of("live", poleId="PW-0001"))
        assert [s["connectorId"] for s in live["data"]["sockets"]] == [1, 2]
        assert live["data"]["limitA"] > 0

        await second.send({"watch": "PW-0001", "intervalMs": 1000})
        await second.next(of("live", poleId="PW-0001"))
        await first.send({"unwatch": "PW-0001"})
        count = len(second.events)
        await second.next(of("live"), after=count)
        assert streaming(pole), "one watcher left: the stream goes on for the other"

        await second.send({"unwatch": "PW-0001"})
        await until(lambda: not streaming(pole))
        # Nothing is kept for a pole nobody watches (a day of browsing the fleet leaks none).
        await until(lambda: not api.service.live_hub._locks)


async def test_a_watched_pole_streams_again_after_it_reconnects(api: Api,
                                                                tmp_path: Path) -> None:
    async with live_feed(api) as feed:
        await feed.send({"watch": "PW-0001", "intervalMs": 1000})
        offline = await feed.next(of("watching", poleId="PW-0001"))
        assert offline["status"] == "PoleOffline"
        assert "when it connects" in offline["description"]
        async with pole_at(api, tmp_path) as pole:
            await feed.next(of("live", poleId="PW-0001"))
            assert streaming(pole)


async def test_a_bad_request_gets_an_error_and_the_feed_goes_on(api: Api,
                                                               tmp_path: Path) -> None:
    async with live_feed(api) as feed:
        for request, complaint in [("{not json", "not JSON"), ("[1, 2]", "JSON object"),
                                   ({"watch": 7}, "pole id"),
                                   ({"watch": "PW-0001", "intervalMs": "fast"}, "intervalMs"),
                                   ({"subscribe": "PW-0001"}, "unknown request")]:
            before = len(feed.events)
            await feed.send(request)
            error = await feed.next(of("error"), after=before)
            assert complaint in error["description"]
        async with pole_at(api, tmp_path):
            await feed.next(of("connection", poleId="PW-0001", connected=True))
