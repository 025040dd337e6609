"""The ``csms`` transport: a pole reached through the service's operator API.

Calls go through ``POST /api/v1/poles/{id}/call`` and the pole's ``Live`` data comes
back on the ``/api/v1/live`` feed — both through `pole_link.service_api`, the one client
of that API — so a `PoleSession` over the service behaves like one over a cable: same
calls, same answers, same Live samples (decoded once, by the feed, with the pole's own
timestamp). Three vendor messages mean something else remotely and are answered here,
not by the pole:

- ``Hello``: built from the service's record of the pole (the pole's OCPP connection has
  no service-port session to start);
- ``Auth``: the operator's bearer token already authorises every call, so it is granted;
- ``LiveSubscribe``: becomes a ``watch`` on the live feed; the service subscribes the pole
  at ≥ 1000 ms (PROTOCOL.md) for as long as anyone watches.

When the pole leaves the service, the link reports `LinkLost` like a pulled cable.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, ClassVar

from pole_link.cancel import cancel_and_wait
from pole_link.errors import ConnectError, LinkLost, LinkTimeout, NotAuthorised, PoleOffline
from pole_link.protocol.vendor import VENDOR_ID, VendorMessage, decode_data, encode_data
from pole_link.queues import drain, put_dropping_oldest
from pole_link.service_api import (
    HTTP_MARGIN_S,
    ConnectionEvent,
    LiveEvent,
    LiveFeed,
    PoleRecord,
    RolloutEvent,
    ServiceClient,
    ServiceEndpoint,
    WatchingEvent,
)
from pole_link.timeutil import format_time
from pole_link.transports.base import PoleAddress, PoleLink, PoleMessage

__all__ = ["REMOTE_CALL_TIMEOUT", "CsmsLink", "ServiceEndpoint"]

REMOTE_CALL_TIMEOUT = 30.0
"""PROTOCOL.md: 30 s over OCPP; the service enforces it towards the pole as well."""
REMOTE_MIN_LIVE_MS = 1000


class CsmsLink(PoleLink):
    """A `PoleLink` to one pole through a running service."""

    transport: ClassVar[str] = "csms"

    def __init__(self, pole_id: str, service: ServiceEndpoint | None = None, *,
                 call_timeout: float = REMOTE_CALL_TIMEOUT) -> None:
        endpoint = service or ServiceEndpoint.from_env()
        if endpoint is None:
            raise ConnectError("no service given: pass service=ServiceEndpoint(url, token) "
                               "or set PAALWERK_SERVICE_URL and PAALWERK_SERVICE_TOKEN")
        self.pole_id = pole_id
        self.service = endpoint
        self.call_timeout = call_timeout
        self._client: ServiceClient | None = None
        self._feed: LiveFeed | None = None
        self._reader: asyncio.Task[None] | None = None
        self._messages: asyncio.Queue[PoleMessage | BaseException] = asyncio.Queue(maxsize=1024)
        self._watch_answers: asyncio.Queue[WatchingEvent] = asyncio.Queue()
        self._lost: LinkLost | None = None
        self._connect_record: PoleRecord | None = None
        """The pole record `connect` just read: the Hello right after it needs no second GET."""

    @classmethod
    async def discover(cls, service: ServiceEndpoint | None = None) -> list[PoleAddress]:
        """Every pole the service knows, connected ones first; [] when no service is set."""
        endpoint = service or ServiceEndpoint.from_env()
        if endpoint is None:
            return []
        async with ServiceClient(endpoint) as client:
            try:
                poles = await client.poles()
            except (NotAuthorised, LinkTimeout) as exc:
                raise ConnectError(str(exc)) from None
        poles.sort(key=lambda pole: (not pole.connected, pole.id))
        return [
            PoleAddress(
                transport=cls.transport, target=pole.id, pole_id=pole.id,
                label=f"{pole.id} ({'online' if pole.connected else 'offline'}"
                      f" at {endpoint.url})",
                details={"service": endpoint.url, "connected": pole.connected},
            )
            for pole in poles
        ]

    @property
    def connected(self) -> bool:
        return self._client is not None and self._lost is None

    @property
    def description(self) -> str:
        return f"{self.pole_id} via {self.service.url}"

    async def connect(self) -> None:
        """Check the service knows the pole and holds its connection, then join the feed."""
        await self.close()
        self._lost = None
        self._client = ServiceClient(self.service, timeout=self.call_timeout + HTTP_MARGIN_S)
        try:
            try:
                pole = await self._client.pole(self.pole_id)
            except (NotAuthorised, LinkTimeout) as exc:
                raise ConnectError(str(exc)) from None
            self._connect_record = pole
            if not pole.connected:
                seen = format_time(pole.last_seen) if pole.last_seen else "never"
                raise PoleOffline(f"{self.pole_id} is not connected to the service "
                                  f"(last seen {seen})")
            feed = self._client.live()
            try:
                await feed.__aenter__()
            except NotAuthorised as exc:
                raise ConnectError(str(exc)) from None
            self._feed = feed
        except BaseException:
            await self.close()
            raise
        self._reader = asyncio.create_task(self._read_feed(feed),
                                           name=f"csms feed {self.pole_id}")

    # ------------------------------------------------------------ calls
    async def call(self, action: str, payload: dict[str, Any], *,
                   timeout: float | None = None) -> dict[str, Any]:
        if self._client is None or self._lost is not None:
            raise self._lost or LinkLost(f"{action}: the link to {self.pole_id} is closed")
        limit = self.call_timeout if timeout is None else timeout
        if action == "DataTransfer" and payload.get("vendorId") == VENDOR_ID:
            message_id = payload.get("messageId")
            if message_id == VendorMessage.HELLO:
                return _accepted(await self._hello())
            if message_id == VendorMessage.AUTH:
                return _accepted({"status": "Accepted", "role": "operator", "expires": None})
            if message_id == VendorMessage.LIVE_SUBSCRIBE:
                return _accepted(await self._watch(decode_data(payload.get("data")), limit))
        try:
            return await self._client.send(self.pole_id, action, payload, timeout=limit)
        except LinkLost as exc:  # 409: the service no longer holds the pole
            raise self._lose(f"{self.pole_id}: {exc}") from None
        except ConnectError as exc:  # the service itself went away
            raise self._lose(str(exc)) from None

    async def _hello(self) -> dict[str, Any]:
        pole, self._connect_record = self._connect_record, None
        if pole is None:
            assert self._client is not None
            try:
                pole = await self._client.pole(self.pole_id)
            except (ConnectError, NotAuthorised, LinkTimeout) as exc:
                raise self._lose(str(exc)) from None
        return {"poleId": pole.id, "vendor": pole.vendor, "model": pole.model,
                "serialNumber": pole.serial, "firmwareVersion": pole.firmware,
                "protocolVersion": 1, "sockets": len(pole.sockets) or 2, "maxFrame": 65536,
                "time": format_time(datetime.now(UTC))}

    async def _watch(self, request: Any, limit: float) -> dict[str, Any]:
        """``LiveSubscribe`` as a feed request; answers with the service's verdict."""
        interval = int(request.get("intervalMs", 0)) if isinstance(request, dict) else 0
        feed = self._feed
        if feed is None:
            raise self._lose("the live feed is closed")
        try:
            if interval <= 0:
                await feed.unwatch(self.pole_id)
                return {"status": "Accepted"}
            await feed.watch(self.pole_id, max(REMOTE_MIN_LIVE_MS, interval))
        except LinkLost as exc:
            raise self._lose(str(exc)) from None
        try:
            async with asyncio.timeout(limit):
                answer = await self._watch_answers.get()
        except TimeoutError:
            raise LinkTimeout(f"LiveSubscribe: the service did not confirm within {limit:g} s"
                              ) from None
        return {"status": answer.status, "description": answer.description}

    # ------------------------------------------------------------ the pole's messages
    async def _read_feed(self, feed: LiveFeed) -> None:
        try:
            async for event in feed:
                if isinstance(event, RolloutEvent) or event.pole_id != self.pole_id:
                    continue  # (a rollout event is about no single pole)
                if isinstance(event, LiveEvent):
                    self._offer(PoleMessage("DataTransfer", {
                        "vendorId": VENDOR_ID, "messageId": VendorMessage.LIVE},
                        decoded=event.sample))
                elif isinstance(event, WatchingEvent):
                    self._watch_answers.put_nowait(event)
                elif isinstance(event, ConnectionEvent) and not event.connected:
                    self._offer(self._lose(f"{self.pole_id} disconnected from the service"))
                    return
        except LinkLost as exc:
            self._offer(self._lose(str(exc)))

    def _lose(self, reason: str) -> LinkLost:
        if self._lost is None:
            self._lost = LinkLost(reason)
        return self._lost

    def _offer(self, item: PoleMessage | LinkLost) -> None:
        put_dropping_oldest(self._messages, item)

    async def pole_messages(self) -> AsyncIterator[PoleMessage]:
        async for message in drain(self._messages, shared=True):
            yield message

    async def close(self) -> None:
        reader, self._reader = self._reader, None
        try:
            if reader is not None:
                await cancel_and_wait(reader)
        finally:  # the feed and client close even when the caller is cancelled meanwhile
            feed, self._feed = self._feed, None
            if feed is not None:
                await feed.aclose()
            client, self._client = self._client, None
            if client is not None:
                await client.aclose()


def _accepted(data: Any) -> dict[str, Any]:
    return {"status": "Accepted", "data": encode_data(data)}
