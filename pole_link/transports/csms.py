"""The ``csms`` transport: a pole reached through the service's operator API.

Calls go through ``POST /api/v1/poles/{id}/call`` and the pole's ``Live`` data comes
back on the ``/api/v1/live`` feed, so a `PoleSession` over the service behaves like one
over a cable: same calls, same answers, same Live samples. Three vendor messages mean
something else remotely and are answered here, not by the pole:

- ``Hello``: built from the service's record of the pole (the pole's OCPP connection has
  no service-port session to start);
- ``Auth``: the operator's bearer token already authorises every call, so it is granted;
- ``LiveSubscribe``: becomes a ``watch`` on the live feed; the service subscribes the pole
  at ≥ 1000 ms (PROTOCOL.md) for as long as anyone watches.

When the pole leaves the service, the link reports `LinkLost` like a pulled cable.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import quote

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from pole_link.errors import CallError, ConnectError, LinkLost, LinkTimeout, NotAuthorised
from pole_link.protocol.vendor import VENDOR_ID, VendorMessage, decode_data, encode_data
from pole_link.timeutil import format_time
from pole_link.transports.base import PoleAddress, PoleLink, PoleMessage

REMOTE_CALL_TIMEOUT = 30.0
"""PROTOCOL.md: 30 s over OCPP; the service enforces it towards the pole as well."""
REMOTE_MIN_LIVE_MS = 1000
_HTTP_MARGIN_S = 5.0
_CONNECT_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class ServiceEndpoint:
    """A running ``paalwerk service``: its base URL and an operator API token."""

    url: str
    """e.g. ``http://127.0.0.1:8180`` (no path)."""
    token: str

    @property
    def api(self) -> str:
        return self.url.rstrip("/") + "/api/v1"

    @property
    def live_url(self) -> str:
        base = self.api
        scheme = "wss" if base.startswith("https:") else "ws"
        return scheme + base[base.index(":"):] + "/live"

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @classmethod
    def from_env(cls) -> ServiceEndpoint | None:
        """``PAALWERK_SERVICE_URL`` + ``PAALWERK_SERVICE_TOKEN``, when both are set."""
        url = os.environ.get("PAALWERK_SERVICE_URL")
        token = os.environ.get("PAALWERK_SERVICE_TOKEN")
        return cls(url, token) if url and token else None


def _refusal(response: httpx.Response) -> tuple[str, str]:
    """The API's ``{"error", "description"}``, or the HTTP reason when it sent none."""
    try:
        body = response.json()
        return str(body.get("error", response.status_code)), str(body.get("description", ""))
    except (ValueError, AttributeError):
        return str(response.status_code), response.reason_phrase


async def fetch_poles(service: ServiceEndpoint, client: httpx.AsyncClient | None = None, *,
                      uptime_days: int | None = None) -> list[dict[str, Any]]:
    """``GET /api/v1/poles``; `ConnectError` says why the service could not be asked.

    ``uptime_days`` adds each pole's uptime % (eis 48) over that many days.
    """
    own = client is None
    http = client or httpx.AsyncClient(timeout=_CONNECT_TIMEOUT_S * 6)
    params = {"uptime_days": uptime_days} if uptime_days else None
    try:
        response = await http.get(f"{service.api}/poles", headers=service.headers,
                                  params=params)
    except httpx.HTTPError as exc:
        raise ConnectError(f"cannot reach the service at {service.url}: {exc}") from None
    finally:
        if own:
            await http.aclose()
    if response.status_code == 401:
        raise ConnectError(f"the service at {service.url} refused the API token")
    if response.status_code != 200:
        code, text = _refusal(response)
        raise ConnectError(f"the service at {service.url} answered {code}: {text}")
    poles: list[dict[str, Any]] = response.json()
    return poles


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
        self._http: httpx.AsyncClient | None = None
        self._feed: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._messages: asyncio.Queue[PoleMessage | LinkLost] = asyncio.Queue(maxsize=1024)
        self._watch_answers: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._lost: LinkLost | None = None
        self._connect_record: dict[str, Any] | None = None
        """The pole record `connect` just read: the Hello right after it needs no second GET."""

    @classmethod
    async def discover(cls, service: ServiceEndpoint | None = None) -> list[PoleAddress]:
        """Every pole the service knows, connected ones first; [] when no service is set."""
        endpoint = service or ServiceEndpoint.from_env()
        if endpoint is None:
            return []
        poles = await fetch_poles(endpoint)
        poles.sort(key=lambda pole: (not pole.get("connected"), str(pole.get("id"))))
        return [
            PoleAddress(
                transport=cls.transport, target=str(pole["id"]), pole_id=str(pole["id"]),
                label=f"{pole['id']} ({'online' if pole.get('connected') else 'offline'}"
                      f" at {endpoint.url})",
                details={"service": endpoint.url, "connected": bool(pole.get("connected"))},
            )
            for pole in poles
        ]

    @property
    def connected(self) -> bool:
        return self._http is not None and self._lost is None

    @property
    def description(self) -> str:
        return f"{self.pole_id} via {self.service.url}"

    async def connect(self) -> None:
        """Check the service knows the pole and holds its connection, then join the feed."""
        await self.close()
        self._lost = None
        self._http = httpx.AsyncClient(timeout=self.call_timeout + _HTTP_MARGIN_S,
                                       headers=self.service.headers)
        try:
            pole = await self._pole_record()
            self._connect_record = pole
            if not pole.get("connected"):
                seen = pole.get("last_seen") or "never"
                raise ConnectError(f"{self.pole_id} is not connected to the service "
                                   f"(last seen {seen})")
            try:
                async with asyncio.timeout(_CONNECT_TIMEOUT_S):
                    self._feed = await connect(self.service.live_url,
                                               additional_headers=self.service.headers,
                                               max_size=2**22)
            except (OSError, InvalidHandshake, TimeoutError) as exc:
                raise ConnectError(f"cannot open the live feed at {self.service.live_url}: "
                                   f"{exc}") from None
        except BaseException:
            await self.close()
            raise
        self._reader = asyncio.create_task(self._read_feed(self._feed),
                                           name=f"csms feed {self.pole_id}")

    async def _pole_record(self) -> dict[str, Any]:
        assert self._http is not None
        try:
            response = await self._http.get(f"{self.service.api}/poles/{quote(self.pole_id)}")
        except httpx.HTTPError as exc:
            raise ConnectError(f"cannot reach the service at {self.service.url}: "
                               f"{exc or type(exc).__name__}") from None
        if response.status_code == 401:
            raise ConnectError(f"the service at {self.service.url} refused the API token")
        if response.status_code == 404:
            raise ConnectError(f"the service at {self.service.url} knows no pole "
                               f"{self.pole_id!r}")
        if response.status_code != 200:
            code, text = _refusal(response)
            raise ConnectError(f"{self.pole_id}: the service answered {code}: {text}")
        record: dict[str, Any] = response.json()
        return record

    # ------------------------------------------------------------ calls
    async def call(self, action: str, payload: dict[str, Any], *,
                   timeout: float | None = None) -> dict[str, Any]:
        if self._http is None or self._lost is not None:
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
        return await self._pass_through(action, payload, limit)

    async def _pass_through(self, action: str, payload: dict[str, Any], limit: float
                            ) -> dict[str, Any]:
        assert self._http is not None
        url = f"{self.service.api}/poles/{quote(self.pole_id)}/call"
        try:
            response = await self._http.post(url, params={"timeout": limit},
                                             json={"action": action, "payload": payload},
                                             timeout=limit + _HTTP_MARGIN_S)
        except httpx.TimeoutException:
            raise LinkTimeout(f"{action}: the service did not answer within "
                              f"{limit + _HTTP_MARGIN_S:g} s") from None
        except httpx.HTTPError as exc:
            raise self._lose(f"the service at {self.service.url} went away: "
                             f"{exc or type(exc).__name__}") from None
        if response.status_code == 200:
            result: dict[str, Any] = response.json()["result"]
            return result
        code, text = _refusal(response)
        if response.status_code == 504:
            raise LinkTimeout(f"{action}: {text}")
        if response.status_code == 409:
            raise self._lose(f"{self.pole_id}: {text}")
        if response.status_code == 401:
            raise NotAuthorised(f"the service refused the API token: {text}", action=action)
        details: dict[str, Any] = {}
        with contextlib.suppress(ValueError, AttributeError):
            details = dict(response.json().get("details") or {})
        if code == "SecurityError":
            raise NotAuthorised(text, details, action=action)
        raise CallError(code, text, details, action=action)

    async def _hello(self) -> dict[str, Any]:
        pole, self._connect_record = self._connect_record, None
        if pole is None:
            try:
                pole = await self._pole_record()
            except ConnectError as exc:
                raise self._lose(str(exc)) from None
        sockets = [c for c in pole.get("connectors", []) if int(c.get("connector_id", 0)) > 0]
        return {"poleId": pole["id"], "vendor": pole.get("vendor") or "",
                "model": pole.get("model") or "", "serialNumber": pole.get("serial") or "",
                "firmwareVersion": pole.get("firmware") or "", "protocolVersion": 1,
                "sockets": len(sockets) or 2, "maxFrame": 65536,
                "time": format_time(datetime.now(UTC))}

    async def _watch(self, request: Any, limit: float) -> dict[str, Any]:
        """``LiveSubscribe`` as a feed request; answers with the service's verdict."""
        interval = int(request.get("intervalMs", 0)) if isinstance(request, dict) else 0
        if self._feed is None:
            raise self._lose("the live feed is closed")
        if interval <= 0:
            await self._send_feed({"unwatch": self.pole_id})
            return {"status": "Accepted"}
        await self._send_feed({"watch": self.pole_id,
                               "intervalMs": max(REMOTE_MIN_LIVE_MS, interval)})
        try:
            async with asyncio.timeout(limit):
                answer = await self._watch_answers.get()
        except TimeoutError:
            raise LinkTimeout(f"LiveSubscribe: the service did not confirm within {limit:g} s"
                              ) from None
        return {"status": answer.get("status", "Rejected"),
                "description": answer.get("description", "")}

    async def _send_feed(self, request: dict[str, Any]) -> None:
        assert self._feed is not None
        try:
            await self._feed.send(json.dumps(request))
        except ConnectionClosed as exc:
            raise self._lose(f"the live feed closed ({exc})") from None

    # ------------------------------------------------------------ the pole's messages
    async def _read_feed(self, feed: ClientConnection) -> None:
        try:
            async for text in feed:
                event = json.loads(text)
                if not isinstance(event, dict) or event.get("poleId") != self.pole_id:
                    continue
                kind = event.get("type")
                if kind == "live":
                    self._offer(PoleMessage("DataTransfer", {
                        "vendorId": VENDOR_ID, "messageId": VendorMessage.LIVE,
                        "data": encode_data(event.get("data"))}))
                elif kind == "watching":
                    self._watch_answers.put_nowait(event)
                elif kind == "connection" and not event.get("connected"):
                    self._offer(self._lose(f"{self.pole_id} disconnected from the service"))
                    return
            self._offer(self._lose("the service closed the live feed"))
        except (ConnectionClosed, InvalidStatus, OSError, ValueError) as exc:
            self._offer(self._lose(f"the live feed was lost ({exc})"))

    def _lose(self, reason: str) -> LinkLost:
        if self._lost is None:
            self._lost = LinkLost(reason)
        return self._lost

    def _offer(self, item: PoleMessage | LinkLost) -> None:
        if self._messages.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                self._messages.get_nowait()
        self._messages.put_nowait(item)

    async def pole_messages(self) -> AsyncIterator[PoleMessage]:
        while True:
            item = await self._messages.get()
            if isinstance(item, LinkLost):
                self._messages.put_nowait(item)
                raise item
            yield item

    async def close(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
        feed, self._feed = self._feed, None
        if feed is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2):
                    await feed.close()
        http, self._http = self._http, None
        if http is not None:
            await http.aclose()


def _accepted(data: Any) -> dict[str, Any]:
    return {"status": "Accepted", "data": encode_data(data)}
