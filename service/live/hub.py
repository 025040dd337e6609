"""Fan-out of fleet events to live-feed clients, and ``LiveSubscribe`` while anyone watches.

A pole streams ``Live`` over its OCPP connection only while an operator looks at it
(PROTOCOL.md: the CSMS sends ``LiveSubscribe`` while anyone watches, and stops after),
so a fleet of thousands costs nothing until someone opens a pole. The fastest interval
any watcher asked for wins; the pole is told to stop when the last watcher leaves, and
told again when it reconnects while still watched.

With several service processes (`service.cluster`), ``forward`` sends every event of this
process's poles to the others, which offer it to their clients (`publish_local`), and a
watch on a pole held elsewhere is merged there, with that process's own watchers
(`remote_watch`).

A slow client never slows the service: each has a bounded queue, and when it is full the
oldest event is dropped and counted (the client can re-read state over the API).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from pole_link.errors import PoleLinkError
from pole_link.protocol.vendor import VendorMessage, data_transfer_payload
from pole_link.queues import put_dropping_oldest
from service.live.events import Event, live_event, watching_event

LOGGER = logging.getLogger(__name__)

MIN_INTERVAL_MS = 1000
"""PROTOCOL.md: ≥ 1000 ms over OCPP (a modem link is not a service cable)."""
QUEUE_LIMIT = 4096
SUBSCRIBE_TIMEOUT_S = 10.0


class Caller(Protocol):
    async def call_action(self, action: str, payload: dict[str, Any], *,
                          timeout: float | None = None) -> dict[str, Any]: ...


@runtime_checkable
class WatchForwarder(Protocol):
    """A pole held by another process of this service (`service.cluster.RemotePole`)."""

    async def forward_watch(self, interval_ms: int) -> tuple[str, str]: ...


class LiveClient:
    """One connected feed client: its queue, the poles it watches and at what interval."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=QUEUE_LIMIT)
        self.watching: dict[str, int] = {}
        self.dropped = 0

    def offer(self, event: Event) -> None:
        if put_dropping_oldest(self.queue, event):
            self.dropped += 1


class LiveHub:
    """Every live-feed client of this process, and the live subscriptions they need."""

    def __init__(self, connection_of: Callable[[str], Caller | None]) -> None:
        self._connection_of = connection_of
        self._clients: set[LiveClient] = set()
        self._subscribed: dict[str, int] = {}
        """Interval (ms) each pole was last asked for; absent = not streaming."""
        self._tasks: set[asyncio.Task[None]] = set()
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}
        """Per pole: one subscription change at a time, and how many tasks use the lock
        (it is dropped when none does, so a day of browsing leaves no lock behind)."""
        self._remote: dict[str, dict[str, int]] = {}
        """Pole → other service process → the interval its watchers want."""
        self.forward: Callable[[Event], None] | None = None
        """Set by `service.cluster`: events of this process's poles for the others."""
        self.on_audience: Callable[[bool], None] | None = None
        """Set by `service.cluster`: told when this process gets its first feed client
        (True) or loses its last (False), so others send events only where someone reads."""

    # ------------------------------------------------------------ clients
    def join(self, name: str) -> LiveClient:
        client = LiveClient(name)
        self._clients.add(client)
        if len(self._clients) == 1 and self.on_audience is not None:
            self.on_audience(True)
        return client

    @property
    def has_clients(self) -> bool:
        return bool(self._clients)

    @property
    def listened_to(self) -> bool:
        """Does an event published now reach anyone, here or in another process?"""
        return bool(self._clients) or self.forward is not None

    def leave(self, client: LiveClient) -> None:
        if client in self._clients:
            self._clients.discard(client)
            if not self._clients and self.on_audience is not None:
                self.on_audience(False)
        for pole_id in list(client.watching):
            del client.watching[pole_id]
            self._reconcile(pole_id)

    def watch(self, client: LiveClient, pole_id: str, interval_ms: int) -> None:
        client.watching[pole_id] = max(MIN_INTERVAL_MS, interval_ms)
        self._reconcile(pole_id, answer=client)

    def unwatch(self, client: LiveClient, pole_id: str) -> None:
        if client.watching.pop(pole_id, None) is not None:
            self._reconcile(pole_id)

    def watchers(self, pole_id: str) -> list[LiveClient]:
        return [client for client in self._clients if pole_id in client.watching]

    # ------------------------------------------------------------ events
    def publish(self, event: Event) -> None:
        """An event of this process's poles: to its clients, and to the other processes."""
        self.publish_local(event)
        if self.forward is not None:
            self.forward(event)

    def publish_local(self, event: Event) -> None:
        """Fleet events go to every client; ``live`` data only to the pole's watchers."""
        if event.get("type") == "live":
            for client in self.watchers(str(event.get("poleId"))):
                client.offer(event)
            return
        for client in self._clients:
            client.offer(event)

    def relay_live(self, pole_id: str, data: Any) -> None:
        self.publish(live_event(pole_id, data))

    def pole_connected(self, pole_id: str) -> None:
        """A (re)connected pole forgot any stream: ask again if someone still watches."""
        self._subscribed.pop(pole_id, None)
        self._reconcile(pole_id)

    def pole_disconnected(self, pole_id: str) -> None:
        self._subscribed.pop(pole_id, None)

    def connected_elsewhere(self, pole_id: str) -> None:
        """A pole (re)connected to another process: this one's watchers tell it again."""
        if self.watchers(pole_id):
            self._reconcile(pole_id)

    def process_left(self, process: str) -> None:
        """Another process stopped: its watchers no longer count."""
        for pole_id in [p for p, remote in self._remote.items() if process in remote]:
            del self._remote[pole_id][process]
            if not self._remote[pole_id]:
                del self._remote[pole_id]
            self._reconcile(pole_id)

    # ------------------------------------------------------------ subscriptions
    def _reconcile(self, pole_id: str, answer: LiveClient | None = None) -> None:
        task = asyncio.create_task(self._subscribe(pole_id, answer),
                                   name=f"live subscription {pole_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _subscribe(self, pole_id: str, answer: LiveClient | None) -> None:
        status, description = await self._bring_in_line(pole_id)
        if answer is not None:
            answer.offer(watching_event(pole_id, status, description))

    async def remote_watch(self, pole_id: str, process: str, interval_ms: int
                           ) -> tuple[str, str]:
        """Another process's watchers of a pole held here want ``interval_ms`` (0: none)."""
        remote = self._remote.setdefault(pole_id, {})
        if interval_ms:
            remote[process] = max(MIN_INTERVAL_MS, interval_ms)
        else:
            remote.pop(process, None)
        if not remote:
            del self._remote[pole_id]
        return await self._bring_in_line(pole_id)

    def _local_interval(self, pole_id: str) -> int:
        intervals = [client.watching[pole_id] for client in self.watchers(pole_id)]
        return min(intervals) if intervals else 0

    async def _bring_in_line(self, pole_id: str) -> tuple[str, str]:
        """Bring the pole's stream in line with its watchers; one change at a time per pole."""
        lock, users = self._locks.get(pole_id) or (asyncio.Lock(), 0)
        self._locks[pole_id] = (lock, users + 1)
        try:
            async with lock:
                return await self._change_stream(pole_id)
        finally:
            lock, users = self._locks[pole_id]
            if users > 1:
                self._locks[pole_id] = (lock, users - 1)
            else:
                del self._locks[pole_id]

    async def _change_stream(self, pole_id: str) -> tuple[str, str]:
        local = self._local_interval(pole_id)
        connection = self._connection_of(pole_id)
        if connection is None:
            self._subscribed.pop(pole_id, None)
            return ("PoleOffline",
                    "the pole is not connected; its live data follows when it connects")
        if isinstance(connection, WatchForwarder):  # held by another process: it merges
            return await connection.forward_watch(local)
        wanted = min((i for i in (local, *self._remote.get(pole_id, {}).values()) if i),
                     default=0)
        if wanted == self._subscribed.get(pole_id, 0):
            return "Accepted", ""
        status, description = await self._send_subscribe(connection, pole_id, wanted)
        if status == "Accepted":
            if wanted:
                self._subscribed[pole_id] = wanted
            else:
                self._subscribed.pop(pole_id, None)
        return status, description

    @staticmethod
    async def _send_subscribe(connection: Caller, pole_id: str, interval_ms: int
                              ) -> tuple[str, str]:
        payload = data_transfer_payload(VendorMessage.LIVE_SUBSCRIBE,
                                        {"intervalMs": interval_ms})
        try:
            result = await connection.call_action("DataTransfer", payload,
                                                  timeout=SUBSCRIBE_TIMEOUT_S)
        except PoleLinkError as exc:
            LOGGER.info("%s: LiveSubscribe %d ms failed: %s", pole_id, interval_ms, exc)
            return type(exc).__name__, str(exc)
        status = str(result.get("status"))
        if status != "Accepted":
            return status, f"the pole answered {status} to LiveSubscribe"
        return "Accepted", ""

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
