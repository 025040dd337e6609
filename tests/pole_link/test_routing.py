"""Strict OCPP-J routing over a fake connection: the exact JSON each side sends.

As in the ``ocpp`` library's own tests: a fake connection records what is sent and
a fixed id generator makes calls predictable.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from ocpp.routing import on
from ocpp.v16 import call_result
from ocpp.v16.enums import Action, ResetStatus

from pole_link.errors import CallError, FrameError, LinkLost, LinkTimeout, NotAuthorised
from pole_link.protocol.routing import StrictChargePoint


class FakeConnection:
    def __init__(self) -> None:
        self.sent: list[Any] = []
        self.incoming: asyncio.Queue[str] = asyncio.Queue()

    async def send(self, text: str) -> None:
        self.sent.append(json.loads(text))

    async def recv(self) -> str:
        return await self.incoming.get()


class Pole(StrictChargePoint):
    @on(Action.reset)
    def on_reset(self, type: str) -> call_result.Reset:
        return call_result.Reset(status=ResetStatus.accepted)

    @on(Action.unlock_connector)
    def on_unlock(self, connector_id: int) -> call_result.UnlockConnector:
        raise RuntimeError("lock motor jammed")


@pytest.fixture
def pole() -> tuple[Pole, FakeConnection, list[str]]:
    connection = FakeConnection()
    dropped: list[str] = []
    cp = Pole("PW-0001", connection, 0.2, on_dropped=dropped.append)
    return cp, connection, dropped


async def test_valid_call_gets_its_result(pole: tuple[Pole, FakeConnection, list[str]]) -> None:
    cp, connection, _ = pole
    await cp.route_message('[2,"a","Reset",{"type":"Soft"}]')
    assert connection.sent == [[3, "a", {"status": "Accepted"}]]


@pytest.mark.parametrize(("raw", "code"), [
    ('[2,"b","Reset",[]]', "FormationViolation"),
    ('[2,"b","Reset"]', "FormationViolation"),
    ('[2,"b","Reset",{}]', "OccurenceConstraintViolation"),
    ('[2,"b","Reset",{"type":5}]', "TypeConstraintViolation"),
    ('[2,"b","Reset",{"type":"Warm"}]', "PropertyConstraintViolation"),
    ('[2,"b","Reset",{"type":"Soft","extra":1}]', "FormationViolation"),
    ('[2,"b","FlyToTheMoon",{}]', "NotImplemented"),
    ('[2,"b","ReserveNow",{}]', "NotSupported"),
    ('[2,"b","UnlockConnector",{"connectorId":1}]', "InternalError"),
    ('[7,"b","Reset",{}]', "FormationViolation"),
])
async def test_bad_calls_get_the_ocpp16_error_code(
    pole: tuple[Pole, FakeConnection, list[str]], raw: str, code: str
) -> None:
    cp, connection, dropped = pole
    await cp.route_message(raw)
    assert len(connection.sent) == 1
    message = connection.sent[0]
    assert message[:3] == [4, "b", code]
    assert isinstance(message[3], str) and message[3]
    assert dropped == []


@pytest.mark.parametrize("raw", ['{"a":1}', "[2]", "[2, 17, \"Reset\", {}]", "not json",
                                 '[2,"' + "x" * 37 + '","Reset",{}]', '[3,"z"]'])
async def test_unanswerable_input_is_dropped_and_counted(
    pole: tuple[Pole, FakeConnection, list[str]], raw: str
) -> None:
    cp, connection, dropped = pole
    await cp.route_message(raw)
    assert connection.sent == []
    assert len(dropped) == 1


async def answered_reset(cp: Pole, answer: str) -> asyncio.Task[dict[str, Any]]:
    """Make a Reset call and feed the peer's ``answer`` (with ``{id}`` for the call id)."""
    cp._unique_id_generator = lambda: "call-1"
    pending = asyncio.create_task(cp.call_action("Reset", {"type": "Soft"}))
    await asyncio.sleep(0)
    await cp.route_message(answer.replace("{id}", "call-1"))
    return pending


async def test_call_returns_result_payload(pole: tuple[Pole, FakeConnection, list[str]]) -> None:
    cp, connection, _ = pole
    cp._unique_id_generator = lambda: "c1"
    pending = asyncio.create_task(cp.call_action("Heartbeat", {}))
    await asyncio.sleep(0)
    assert connection.sent == [[2, "c1", "Heartbeat", {}]]
    await cp.route_message('[3,"c1",{"currentTime":"2026-11-25T12:00:00Z"}]')
    assert await pending == {"currentTime": "2026-11-25T12:00:00Z"}


async def test_call_error_keeps_the_peers_code(
    pole: tuple[Pole, FakeConnection, list[str]]
) -> None:
    pending = await answered_reset(
        pole[0], '[4,"{id}","PropertyConstraintViolation","no such type",{}]')
    with pytest.raises(CallError) as caught:
        await pending
    assert caught.value.code == "PropertyConstraintViolation"
    assert caught.value.action == "Reset"


async def test_security_error_becomes_not_authorised(
    pole: tuple[Pole, FakeConnection, list[str]]
) -> None:
    pending = await answered_reset(pole[0], '[4,"{id}","SecurityError","authenticate first",{}]')
    with pytest.raises(NotAuthorised):
        await pending


async def test_schema_breaking_answer_is_a_frame_error(
    pole: tuple[Pole, FakeConnection, list[str]]
) -> None:
    pending = await answered_reset(pole[0], '[3,"{id}",{"status":"Maybe"}]')
    with pytest.raises(FrameError, match=r"OCPP 1\.6 schema"):
        await pending


async def test_unanswered_call_times_out(pole: tuple[Pole, FakeConnection, list[str]]) -> None:
    cp, _, _ = pole
    with pytest.raises(LinkTimeout, match="no answer"):
        await cp.call_action("Heartbeat", {})


async def test_lost_connection_fails_pending_call_at_once(
    pole: tuple[Pole, FakeConnection, list[str]]
) -> None:
    cp, _, _ = pole
    cp._response_timeout = 30
    pending = asyncio.create_task(cp.call_action("Heartbeat", {}))
    await asyncio.sleep(0)
    cp.connection_lost(LinkLost("cable pulled"))
    with pytest.raises(LinkLost):
        await asyncio.wait_for(pending, 1)
    with pytest.raises(LinkLost):
        await cp.call_action("Heartbeat", {})


async def test_a_call_cancelled_while_the_link_drops_leaves_no_unread_error(
    pole: tuple[Pole, FakeConnection, list[str]]
) -> None:
    """A service stopping mid-call must not log "Future exception was never retrieved"
    (asyncio's complaint about an error nobody read) for each call it was still sending."""
    import gc

    cp, connection, _ = pole
    stuck = asyncio.Event()

    async def send_that_hangs(text: str) -> None:
        await stuck.wait()

    connection.send = send_that_hangs  # type: ignore[method-assign]
    complaints: list[str] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _, context: complaints.append(context["message"]))
    try:
        sending = asyncio.create_task(cp.call_action("Heartbeat", {}))
        await asyncio.sleep(0)
        cp.connection_lost(LinkLost("service stopping"))
        sending.cancel()
        with pytest.raises(asyncio.CancelledError):
            await sending
        del sending
        gc.collect()
        await asyncio.sleep(0)  # asyncio reports an unread error from the loop
        await asyncio.sleep(0)
    finally:
        loop.set_exception_handler(None)
    assert complaints == []


async def test_an_answer_that_cannot_go_out_does_not_lose_the_answers_read_behind_it(
    pole: tuple[Pole, FakeConnection, list[str]]
) -> None:
    """A pole that accepts a raised SecurityProfile answers and closes at once. If the
    service was still answering the pole's own call (a Heartbeat) that answer cannot go
    out, but the pole's Accepted sits unread behind it: the service's call must get it,
    not a "link lost"."""
    cp, connection, _ = pole
    cp._response_timeout = 5
    asking = asyncio.create_task(cp.call_action("ChangeConfiguration",
                                                {"key": "SecurityProfile", "value": "3"}))
    await asyncio.sleep(0)
    [[_, unique_id, _, _]] = connection.sent

    async def closing(text: str) -> None:
        raise LinkLost("PW-0001: cannot send (close message sent)")

    connection.send = closing  # type: ignore[method-assign]
    reading = asyncio.create_task(cp.start())
    connection.incoming.put_nowait('[2,"h1","Reset",{"type":"Soft"}]')
    connection.incoming.put_nowait(f'[3,"{unique_id}",{{"status":"Accepted"}}]')
    try:
        assert await asyncio.wait_for(asking, 5) == {"status": "Accepted"}
    finally:
        reading.cancel()
        await asyncio.gather(reading, return_exceptions=True)


def test_the_librarys_route_map_is_built_once_per_class_not_per_connection(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The `ocpp` library looks up every registered handler name on each new ChargePoint;
    a CSMS connection skips that once its class's shared map exists (issue 20)."""
    import ocpp.charge_point

    built: list[object] = []
    original = ocpp.charge_point.create_route_map

    def counted(obj: object) -> Any:
        built.append(obj)
        return original(obj)

    monkeypatch.setattr(ocpp.charge_point, "create_route_map", counted)

    class Fresh(Pole):  # a class no connection was made of yet
        pass

    first, second, third = (Fresh(f"PW-{n}", FakeConnection(), 0.2) for n in range(3))
    assert built == [first]
    assert second.route_map is first.route_map is third.route_map


def attributes(obj: object) -> dict[str, Any]:
    """Every attribute set on ``obj``: its slots' (`StrictChargePoint` is slotted) and its
    dict's."""
    slotted = {name for cls in type(obj).__mro__ for name in vars(cls).get("__slots__", ())}
    found = {name: getattr(obj, name) for name in slotted if hasattr(obj, name)}
    return found | vars(obj)


async def test_a_connection_made_without_the_library_init_is_the_same() -> None:
    """The second connection of a class (made without the library's `__init__`) holds the
    same attributes as the first and answers the same."""

    class Again(Pole):
        pass

    first = Again("PW-1", FakeConnection(), 0.2)
    second_connection = FakeConnection()
    second = Again("PW-2", second_connection, 0.2)
    assert attributes(first).keys() == attributes(second).keys()
    assert {k: type(v) for k, v in attributes(first).items()} == {
        k: type(v) for k, v in attributes(second).items()}
    await second.route_message('[2,"a","Reset",{"type":"Soft"}]')
    assert second_connection.sent == [[3, "a", {"status": "Accepted"}]]


async def until_sent(connection: FakeConnection, count: int) -> None:
    """Until ``count`` frames are sent (the test's own fake: no clock, a bounded spin)."""
    for _ in range(100):
        if len(connection.sent) >= count:
            return
        await asyncio.sleep(0)
    raise AssertionError(f"{len(connection.sent)} frames sent, not {count}")


async def test_calls_go_one_at_a_time_and_an_idle_connection_keeps_no_lock_or_queue(
        pole: tuple[Pole, FakeConnection, list[str]]) -> None:
    """OCPP 1.6 allows one outstanding call: the second waits for the first's answer. The
    lock that orders them exists only while a call holds or waits for it, and the library's
    response queue not at all (issue 20: 10,000 idle poles held 3 KB each in them)."""
    cp, connection, _ = pole
    assert not hasattr(cp, "_response_queue")
    assert cp._call_lock is None
    first = asyncio.create_task(cp.call_action("Heartbeat", {}))
    second = asyncio.create_task(cp.call_action("Heartbeat", {}))
    await until_sent(connection, 1)
    for _ in range(10):
        await asyncio.sleep(0)
    assert len(connection.sent) == 1  # the second waits for the first's answer
    assert cp._call_lock is not None
    await cp.route_message(json.dumps(
        [3, connection.sent[0][1], {"currentTime": "2026-12-05T10:00:00Z"}]))
    assert await first == {"currentTime": "2026-12-05T10:00:00Z"}
    await until_sent(connection, 2)
    await cp.route_message(json.dumps(
        [3, connection.sent[1][1], {"currentTime": "2026-12-05T10:00:01Z"}]))
    assert await second == {"currentTime": "2026-12-05T10:00:01Z"}
    assert cp._call_lock is None


async def test_a_cancelled_waiting_call_leaves_the_lock_to_the_others(
        pole: tuple[Pole, FakeConnection, list[str]]) -> None:
    cp, connection, _ = pole
    first = asyncio.create_task(cp.call_action("Heartbeat", {}))
    waiting = asyncio.create_task(cp.call_action("Heartbeat", {}))
    await until_sent(connection, 1)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert cp._call_lock is not None  # the first still holds it
    await cp.route_message(json.dumps(
        [3, connection.sent[0][1], {"currentTime": "2026-12-05T10:00:00Z"}]))
    await first
    assert cp._call_lock is None and len(connection.sent) == 1
