"""One service process among several that share a fleet (``paalwerk service --workers N``).

A pole's WebSocket lands on whichever process the kernel hands it to, and an operator's
request on whichever process it hands that to, so each process keeps:

* who holds which pole (`holders`, told by every process as its poles come and go), so an
  operator command for a pole held elsewhere goes to that process (`RemotePole`) and its
  answer or error comes back as if the pole were local;
* which poles it holds, told in batches (`HELD_FLUSH_S`): after an outage poles arrive by
  the thousand, and a message per arrival made the bus a queue of its own;
* the live feed: events of local poles go to every process that has feed clients (batched,
  `EVENT_FLUSH_S`; none at all while nobody watches the feed), so a client sees the whole
  fleet wherever it is connected; a watch on a pole held elsewhere is merged there with
  that process's own watchers (`LiveHub.remote_watch`);
* the state operators change at one process and another may need: per-pole settings
  (applied at the pole's next boot by whichever process gets it) and diagnostics upload
  slots (the pole's upload may reach any process).

Everything travels over `PgBus`. A process that stops says goodbye, and the others forget
the poles it held; those poles reconnect, to whichever process, by themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import secrets
import socket
from typing import Any, Protocol

import psycopg

from pole_link.errors import CallError, FrameError, LinkLost, LinkTimeout, PoleLinkError
from service.cluster.bus import Message, PgBus
from service.live.events import Event
from service.live.hub import LiveHub

LOGGER = logging.getLogger(__name__)

EVENT_FLUSH_S = 0.05
"""Fleet events are sent to the other processes in batches, at most this much later."""
HELD_FLUSH_S = 0.05
"""Poles arriving at or leaving this process are told to the others at most this much later,
all of them in one message."""
REPLY_GRACE_S = 2.0
"""How much longer than the call's own timeout a relayed call waits for its answer."""
ROSTER_WAIT_S = 1.0
"""At start, how long to wait for the other processes to say which poles they hold."""

_ERRORS: dict[str, type[PoleLinkError]] = {
    "LinkTimeout": LinkTimeout, "LinkLost": LinkLost, "FrameError": FrameError}


class Commandable(Protocol):
    async def call_action(self, action: str, payload: dict[str, Any], *,
                          timeout: float | None = None) -> dict[str, Any]: ...


class LocalPoles(Protocol):
    """This process's connections (`service.connections.Connections`)."""

    def local(self, pole_id: str) -> Commandable | None: ...

    def local_ids(self) -> list[str]: ...

    def replaced_elsewhere(self, pole_id: str) -> None: ...


class SharedState(Protocol):
    """Something operators change at one process that the others must know."""

    def adopt(self, data: dict[str, Any]) -> None: ...


def new_worker_id() -> str:
    """Unique per process *and* per service instance (tests run two in one process)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class RemotePole:
    """A pole held by another process, commanded as if it were here."""

    def __init__(self, cluster: Cluster, pole_id: str, holder: str) -> None:
        self.cluster = cluster
        self.pole_id = pole_id
        self.holder = holder

    async def call_action(self, action: str, payload: dict[str, Any], *,
                          timeout: float | None = None) -> dict[str, Any]:
        wait = timeout if timeout is not None else 30.0
        answer = await self.cluster.request(
            self.holder, {"kind": "call", "pole": self.pole_id, "action": action,
                          "payload": payload, "timeout": wait}, wait + REPLY_GRACE_S)
        _raise_error(answer)
        result: dict[str, Any] = answer.get("result") or {}
        return result

    async def forward_watch(self, interval_ms: int) -> tuple[str, str]:
        """This process's watchers want ``interval_ms`` (0: none); the holder merges."""
        try:
            answer = await self.cluster.request(
                self.holder, {"kind": "watch", "pole": self.pole_id, "interval": interval_ms},
                10.0 + REPLY_GRACE_S)
        except LinkLost as exc:
            return "LinkLost", str(exc)
        return str(answer.get("status")), str(answer.get("description") or "")


def _raise_error(answer: Message) -> None:
    error = answer.get("error")
    if not error:
        return
    kind, description = str(error.get("type")), str(error.get("description") or "")
    if kind == "CallError":
        raise CallError(str(error.get("code")), description, error.get("details") or {})
    raise _ERRORS.get(kind, LinkLost)(description)


def _error_of(exc: BaseException) -> dict[str, Any]:
    if isinstance(exc, CallError):
        return {"type": "CallError", "code": exc.code, "description": exc.description,
                "details": exc.details}
    if isinstance(exc, TimeoutError):
        return {"type": "LinkTimeout", "description": str(exc) or "no answer in time"}
    return {"type": type(exc).__name__ if type(exc).__name__ in _ERRORS else "LinkLost",
            "description": str(exc)}


class Cluster:
    """This process's part in a multi-process service."""

    def __init__(self, bus: PgBus) -> None:
        """What the rest of the service calls (`remote`, `pole_held`, `share`) needs only
        the bus, so the cluster is made first and handed to them; where the others'
        messages go is given to `start`, which begins delivering them."""
        self.bus = bus
        self.worker_id = bus.worker_id
        self.poles: LocalPoles
        self.hub: LiveHub
        self.shared: dict[str, SharedState] = {}
        self._joined = False
        self.holders: dict[str, str] = {}
        """Pole id → the process that holds its connection (never this one)."""
        self._pending: dict[str, asyncio.Future[Message]] = {}
        self._numbers = itertools.count()
        self._events: list[Event] = []
        self._held_changes: dict[str, bool] = {}
        """Pole id → held (True) or left (False), not told yet; the latest change counts."""
        self._tasks: set[asyncio.Task[Any]] = set()
        self._rostered = asyncio.Event()
        self.audiences: set[str] = set()
        """The other processes with live-feed clients: where events must go."""

    async def start(self, poles: LocalPoles, hub: LiveHub,
                    shared: dict[str, SharedState] | None = None) -> None:
        """Join: listen, then ask the others which poles they hold (briefly).

        ``poles`` are this process's connections, ``hub`` its live feed and ``shared`` the
        state kept alike in every process (by the ``kind`` `share` names)."""
        self.poles, self.hub, self.shared = poles, hub, dict(shared or {})
        self._joined = True
        await self.bus.start(self._deliver)
        self.bus.on_reconnect = self._rejoin
        self.hub.on_audience = self._audience
        await self.bus.send({"kind": "roster?"})
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(ROSTER_WAIT_S):
                await self._rostered.wait()

    async def close(self) -> None:
        if not self._joined:
            await self.bus.close()
            return
        self.hub.forward = None
        self.hub.on_audience = None
        with contextlib.suppress(Exception):
            await self._flush_events()
            await self._flush_held()
            await self.bus.send({"kind": "bye"})
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for future in self._pending.values():
            future.cancel()
        await self.bus.close()

    def _rejoin(self) -> None:
        """After a lost bus connection: what was missed is asked for again, and told."""
        self._spawn(self.bus.send({"kind": "roster?"}))
        self._spawn(self.bus.send({"kind": "roster", "poles": self.poles.local_ids(),
                                   "listening": self.hub.has_clients}))

    # ------------------------------------------------------------ what callers use
    def remote(self, pole_id: str) -> RemotePole | None:
        holder = self.holders.get(pole_id)
        return RemotePole(self, pole_id, holder) if holder is not None else None

    def pole_held(self, pole_id: str, held: bool) -> None:
        """A pole connected to (True) or left (False) this process."""
        if held:
            self.holders.pop(pole_id, None)
        if not self._held_changes:
            self._spawn(self._flush_held_later())
        self._held_changes.pop(pole_id, None)  # keeps the changes in the order they happened
        self._held_changes[pole_id] = held

    async def _flush_held_later(self) -> None:
        await asyncio.sleep(HELD_FLUSH_S)
        await self._flush_held()

    async def _flush_held(self) -> None:
        changes, self._held_changes = self._held_changes, {}
        if changes:
            await self.bus.send({"kind": "held", "poles": changes})

    def share(self, kind: str, data: dict[str, Any]) -> None:
        """Tell the other processes of a change to shared state ``kind``."""
        self._spawn(self.bus.send({"kind": "shared", "state": kind, "data": data}))

    async def request(self, to: str, message: Message, timeout: float) -> Message:
        """Send ``message`` to process ``to`` and wait for its reply."""
        number = f"{self.worker_id}#{next(self._numbers)}"
        future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        self._pending[number] = future
        try:
            try:
                await self.bus.send({**message, "request": number}, to=to)
            except psycopg.Error as exc:
                raise LinkLost(f"cannot reach the other service processes: {exc}") from None
            async with asyncio.timeout(timeout):
                return await future
        except TimeoutError:
            raise LinkLost(f"the service process holding {message.get('pole')} did not "
                           f"answer within {timeout:g} s") from None
        finally:
            self._pending.pop(number, None)

    # ------------------------------------------------------------ events out
    def _audience(self, listening: bool) -> None:
        self._spawn(self.bus.send({"kind": "audience", "listening": listening}))

    def _audiences_changed(self) -> None:
        """Events go out (are even built) only while another process has feed clients."""
        self.hub.forward = self._queue_event if self.audiences else None

    def _queue_event(self, event: Event) -> None:
        if not self._events:
            self._spawn(self._flush_later())
        self._events.append(event)

    async def _flush_later(self) -> None:
        await asyncio.sleep(EVENT_FLUSH_S)
        await self._flush_events()

    async def _flush_events(self) -> None:
        events, self._events = self._events, []
        if events:
            await self.bus.send({"kind": "events", "events": events})

    # ------------------------------------------------------------ messages in
    def _deliver(self, message: Message) -> None:
        kind, sender = message.get("kind"), str(message.get("from"))
        if kind == "held":
            for pole_id, held in dict(message.get("poles") or {}).items():
                self._held(str(pole_id), sender, bool(held))
        elif kind == "roster?":
            self._spawn(self.bus.send({"kind": "roster", "poles": self.poles.local_ids(),
                                       "listening": self.hub.has_clients}, to=sender))
        elif kind == "roster":
            # The sender's whole list: what it no longer holds is forgotten.
            for pole_id in [p for p, holder in self.holders.items() if holder == sender]:
                del self.holders[pole_id]
            for pole_id in message.get("poles") or []:
                if self.poles.local(str(pole_id)) is None:
                    self.holders[str(pole_id)] = sender
            if message.get("listening"):
                self.audiences.add(sender)
                self._audiences_changed()
            self._rostered.set()
        elif kind == "audience":
            if message.get("listening"):
                self.audiences.add(sender)
            else:
                self.audiences.discard(sender)
            self._audiences_changed()
        elif kind == "bye":
            for pole_id in [p for p, holder in self.holders.items() if holder == sender]:
                del self.holders[pole_id]
            self.audiences.discard(sender)
            self._audiences_changed()
            self.hub.process_left(sender)
        elif kind == "events":
            for event in message.get("events") or []:
                self.hub.publish_local(event)
                if event.get("type") == "connection" and event.get("connected"):
                    self.hub.connected_elsewhere(str(event.get("poleId")))
        elif kind == "shared":
            state = self.shared.get(str(message.get("state")))
            if state is not None:
                state.adopt(message.get("data") or {})
        elif kind == "call":
            self._spawn(self._serve_call(message))
        elif kind == "watch":
            self._spawn(self._serve_watch(message))
        elif kind == "reply":
            future = self._pending.get(str(message.get("request")))
            if future is not None and not future.done():
                future.set_result(message)
        else:
            LOGGER.warning("cluster: unknown message kind %r from %s", kind, sender)

    def _held(self, pole_id: str, sender: str, held: bool) -> None:
        if held:
            self.holders[pole_id] = sender
            # The pole reconnected to another process: its socket here is dead.
            self.poles.replaced_elsewhere(pole_id)
        elif self.holders.get(pole_id) == sender:
            del self.holders[pole_id]

    async def _reply(self, message: Message, answer: Message) -> None:
        await self.bus.send({"kind": "reply", "request": message.get("request"), **answer},
                            to=str(message.get("from")))

    async def _serve_call(self, message: Message) -> None:
        pole_id = str(message.get("pole"))
        handler = self.poles.local(pole_id)
        if handler is None:
            await self._reply(message, {"error": {
                "type": "LinkLost", "description": f"{pole_id} is no longer connected"}})
            return
        timeout = float(message.get("timeout") or 30.0)
        try:
            async with asyncio.timeout(timeout):
                result = await handler.call_action(str(message.get("action")),
                                                   dict(message.get("payload") or {}),
                                                   timeout=timeout)
        except (PoleLinkError, TimeoutError) as exc:
            await self._reply(message, {"error": _error_of(exc)})
            return
        await self._reply(message, {"result": result})

    async def _serve_watch(self, message: Message) -> None:
        status, description = await self.hub.remote_watch(
            str(message.get("pole")), str(message.get("from")),
            int(message.get("interval") or 0))
        await self._reply(message, {"status": status, "description": description})

    def _spawn(self, work: Any) -> None:
        task: asyncio.Task[Any] = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            LOGGER.warning("cluster: %s", task.exception())

