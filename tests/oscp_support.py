"""A Capacity Provider stand-in, written from the OSCP 2.0 message list: its own HTTP
endpoints on 127.0.0.1 (uvicorn) that record what the CSMS sends, and a client that
calls the CSMS's ``/oscp/fp/2.0`` endpoints the way a grid operator's system would."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI, Request, Response

from tests.support import until

CP_PREFIX = "/oscp/cp/2.0"


@dataclass(frozen=True)
class Received:
    endpoint: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class CapacityProvider:
    """The grid operator: ``token`` is what the CSMS must send us; ``fp_token`` what the
    CSMS told us to send it (initial one first, then the one it registered back with)."""

    url: str
    fp_url: str
    fp_token: str
    http: httpx.AsyncClient
    token: str = field(default_factory=lambda: uuid.uuid4().hex + uuid.uuid4().hex)
    received: list[Received] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    async def call(self, endpoint: str, body: dict[str, Any] | None, *,
                   token: str | None = None, request_id: str | None = None,
                   method: str = "POST") -> httpx.Response:
        headers = {"Authorization": f"Token {token or self.fp_token}",
                   "X-Request-ID": request_id or uuid.uuid4().hex}
        return await self.http.request(method, f"{self.fp_url}/{endpoint}", json=body,
                                       headers=headers)

    def of(self, endpoint: str) -> list[Received]:
        return [r for r in self.received if r.endpoint == endpoint]

    async def next(self, endpoint: str, after: int = 0, timeout: float = 10.0) -> Received:
        await until(lambda: len(self.of(endpoint)) > after, timeout)
        return self.of(endpoint)[after]

    async def register(self) -> None:
        """Register with the initial token; take the token the CSMS registers back with."""
        answer = await self.call("register", {"token": self.token, "version_url": [
            {"version": "2.0", "base_url": self.url}]})
        assert answer.status_code == 204, answer.text
        back = await self.next("register")
        self.fp_token = back.body["token"]

    async def handshake(self, heartbeat_interval: int = 1) -> Received:
        answer = await self.call("handshake", {"required_behaviour": {
            "heartbeat_interval": heartbeat_interval}}, request_id="handshake-1")
        assert answer.status_code == 204, answer.text
        return await self.next("handshake_acknowledge")


@asynccontextmanager
async def capacity_provider(fp_base: str, initial_token: str, *,
                            fresh_connections: bool = False) -> AsyncIterator[CapacityProvider]:
    """``fresh_connections``: every call on a new connection (with several service
    processes, whichever one the kernel picks takes it)."""
    app = FastAPI()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}{CP_PREFIX}"
    limits = httpx.Limits(max_keepalive_connections=0) if fresh_connections else \
        httpx.Limits()
    async with httpx.AsyncClient(timeout=10, limits=limits) as http:
        cp = CapacityProvider(url, f"{fp_base}/oscp/fp/2.0", initial_token, http)

        @app.post(CP_PREFIX + "/{endpoint}")
        async def receive(endpoint: str, request: Request) -> Response:
            if request.headers.get("authorization") != f"Token {cp.token}":
                cp.refused.append(endpoint)
                return Response(status_code=401)
            if not request.headers.get("x-request-id"):
                return Response(status_code=400)
            cp.received.append(Received(endpoint, dict(request.headers),
                                        await request.json()))
            return Response(status_code=204)

        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        task = asyncio.create_task(server.serve(sockets=[sock]))
        try:
            await until(lambda: server.started)
            yield cp
        finally:
            server.should_exit = True
            await task
            sock.close()
