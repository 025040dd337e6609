"""The per-pole message log: calls paired with their answers, Live sampled once a minute."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from pole_link.service_api import ServiceClient, ServiceEndpoint
from service.ocpp.message_log import MessageLog
from service.server import RunningService
from tests.support import Api, ManualClock


def new_log() -> tuple[MessageLog, list[dict[str, Any]], ManualClock]:
    rows: list[dict[str, Any]] = []
    clock = ManualClock(seconds=100.0)

    async def write(pole_id: str, direction: str, action: str | None, unique_id: str,
                    payload: Any, *, at: object, latency_ms: float | None) -> None:
        rows.append({"direction": direction, "action": action, "id": unique_id,
                     "payload": payload, "latency_ms": latency_ms})

    return MessageLog("PW-0001", write, clock=clock), rows, clock


def live(unique_id: str) -> str:
    return json.dumps([2, unique_id, "DataTransfer",
                       {"vendorId": "paalwerk", "messageId": "Live", "data": "{}"}])


async def test_answers_carry_the_action_they_answer_and_their_latency() -> None:
    log, rows, clock = new_log()
    await log.incoming(
        '[2,"a1","BootNotification",{"chargePointVendor":"X","chargePointModel":"Y"}]')
    clock.advance(0.25)
    await log.outgoing('[3,"a1",{"status":"Accepted"}]')
    await log.outgoing('[2,"c1","Reset",{"type":"Soft"}]')
    clock.advance(1.5)
    await log.incoming('[4,"c1","NotSupported","no",{}]')
    assert [(r["direction"], r["action"], r["latency_ms"]) for r in rows] == [
        ("in", "BootNotification", None), ("out", "BootNotification", 250.0),
        ("out", "Reset", None), ("in", "Reset", 1500.0)]


async def test_live_relays_are_kept_at_most_once_a_minute_answers_included() -> None:
    log, rows, clock = new_log()
    for second in range(0, 130, 1):
        clock.set(100.0 + second)
        await log.incoming(live(f"l{second}"))
        await log.outgoing(f'[3,"l{second}",{{"status":"Accepted"}}]')
    kept = [r["id"] for r in rows]
    assert kept == ["l0", "l0", "l60", "l60", "l120", "l120"]


async def test_unreadable_input_is_kept_as_received() -> None:
    log, rows, _ = new_log()
    await log.incoming("not json at all")
    assert rows == [{"direction": "in", "action": None, "id": "", "payload": "not json at all",
                     "latency_ms": None}]


async def test_payloads_are_kept_as_the_pole_wrote_them() -> None:
    log, rows, _ = new_log()
    await log.incoming('[2, "a1", "Heartbeat", {} ]')
    await log.outgoing('[3,"a1",{"currentTime":"2026-11-25T17:00:00Z"}]')
    await log.incoming('[2,"b2","StatusNotification",{"connectorId": 1, "errorCode": '
                       '"NoError", "status": "Available", "info": "[x]{y}"}]')
    assert [r["payload"] for r in rows] == [
        "{}", '{"currentTime":"2026-11-25T17:00:00Z"}',
        '{"connectorId": 1, "errorCode": "NoError", "status": "Available", "info": "[x]{y}"}']
    # An id with a brace in it: the payload cannot be cut out for certain, so it is re-read.
    await log.incoming('[2,"{odd}","Heartbeat",{"a":[1]}]')
    assert rows[-1]["payload"] == {"a": [1]}
    for row in rows[:3]:
        json.loads(row["payload"])  # every kept text is the payload itself, whole


async def test_a_pole_prunes_its_own_log_as_it_grows() -> None:
    """Retention is kept per pole, by the pole's own log: a fleet-wide pass would read
    every pole's messages each time any one pole had logged a few hundred."""
    from service.ocpp.message_log import KEEP_PER_POLE, PRUNE_EVERY

    pruned: list[tuple[int, str]] = []

    async def write(*_: Any, **__: Any) -> None:
        return None

    async def prune(keep: int, pole_id: str) -> None:
        pruned.append((keep, pole_id))

    log = MessageLog("PW-0007", write, prune, clock=ManualClock(seconds=100.0))
    for n in range(PRUNE_EVERY * 2):
        await log.incoming(f'[2,"h{n}","Heartbeat",{{}}]')
    assert pruned == [(KEEP_PER_POLE, "PW-0007")] * 2


async def test_a_replay_reads_a_window_of_the_log_from_its_start(api: Api) -> None:
    """Issue 19: ``start``/``end`` bound the window, ``order=oldest`` reads it from its
    start (a replay begins there); the client hands it back newest first like any list."""
    t0 = datetime(2026, 11, 24, 17, tzinfo=UTC)
    repository = api.service.repository
    for minute in range(10):
        repository.log_message("PW-0009", "in", "Heartbeat", f"h{minute}", {},
                               at=t0 + timedelta(minutes=minute))
    async with ServiceClient(ServiceEndpoint(api.url, api.token)) as client:
        window = await client.messages("PW-0009", start=t0 + timedelta(minutes=2),
                                       end=t0 + timedelta(minutes=8), limit=3,
                                       oldest_first=True)
        assert [m.unique_id for m in window] == ["h4", "h3", "h2"]
        newest = await client.messages("PW-0009", end=t0 + timedelta(minutes=8), limit=3)
        assert [m.unique_id for m in newest] == ["h7", "h6", "h5"]  # end is exclusive
        everything = await client.messages("PW-0009")
        assert len(everything) == 10


async def test_a_received_frame_is_decoded_once_and_logged_as_the_pole_wrote_it(
        service: RunningService, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 20: the router's decode of a frame reaches the message log, which decoded every
    frame a second time (a tenth of a reconnect storm's OCPP handling); the row is still the
    text as sent. Counted over a real WebSocket: decodes of this frame's text anywhere in the
    process (the pole here decodes only its answers)."""
    payload = '{"connectorId": 1, "errorCode": "NoError", "status": "Available"}'
    frame = f'[2, "once-1", "StatusNotification", {payload}]'
    decoded: list[str] = []
    loads = json.loads

    def counting_loads(text: Any, *args: Any, **kwargs: Any) -> Any:
        if text == frame:
            decoded.append(text)
        return loads(text, *args, **kwargs)

    async with connect(f"{service.ocpp_url}/PW-0042",
                       subprotocols=[Subprotocol("ocpp1.6")]) as websocket:
        await websocket.send(json.dumps([2, "boot-1", "BootNotification", {
            "chargePointVendor": "Test", "chargePointModel": "Raw"}]))
        assert (await answer_to(websocket, "boot-1"))[0] == 3
        monkeypatch.setattr(json, "loads", counting_loads)
        await websocket.send(frame)
        answer = await answer_to(websocket, "once-1")
        monkeypatch.undo()
    assert answer == [3, "once-1", {}]
    assert len(decoded) == 1
    rows = service.repository.message_log("PW-0042", action="StatusNotification")
    assert [row.payload for row in rows if row.direction == "in"] == [payload]


async def answer_to(websocket: ClientConnection, unique_id: str) -> list[Any]:
    """The service's answer to the pole's call ``unique_id`` (its own calls skipped)."""
    async with asyncio.timeout(10):
        while True:
            message = json.loads(await websocket.recv())
            if message[0] in (3, 4) and message[1] == unique_id:
                return list(message)
