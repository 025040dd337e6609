"""A stand-in eMSP for the OCPI tests, written from the OCPI 2.2.1 specification: a real
FastAPI app served by uvicorn on 127.0.0.1 (our CSMS calls it over real HTTP), and the
eMSP's own client calls to the CSMS. Everything it receives from the CSMS is validated
against the specification's rules (`service.ocpi.models`), envelope included.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import secrets
import socket
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from service.ocpi.models import Credentials, Envelope, VersionDetails

COUNTRY, PARTY = "DE", "EMS"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": "Token " + base64.b64encode(token.encode()).decode()}


def ok(data: Any = None, status: int = 1000) -> JSONResponse:
    body: dict[str, Any] = {"status_code": status,
                            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    if data is not None:
        body["data"] = data
    return JSONResponse(body)


@dataclass
class Push:
    method: str
    path: str
    body: Any
    headers: dict[str, str]


@dataclass
class Emsp:
    """The eMSP's state: the tokens it issued and holds, and what the CPO pushed."""

    base: str = ""
    token_a: str = field(default_factory=lambda: secrets.token_hex(16))
    """What the eMSP gives the CPO's admin out of band, for the CPO to register with."""
    token_for_cpo: str | None = None
    """The token the CPO uses with the eMSP once registered (B or C)."""
    cpo_token: str | None = None
    """The token the eMSP uses with the CPO."""
    cpo_versions: str | None = None
    cpo_endpoints: list[dict[str, Any]] = field(default_factory=list)
    pushes: list[Push] = field(default_factory=list)
    pushed: asyncio.Event = field(default_factory=asyncio.Event)
    refused: int = 0
    verdicts: dict[str, str] = field(default_factory=dict)
    """Real-time answers per token uid (ALLOWED when not listed)."""
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    roles: list[dict[str, Any]] = field(default_factory=list)
    """The CredentialsRoles it registers with (one eMSP, DE-EMS, when empty)."""

    def token(self, uid: str, whitelist: str, *, valid: bool = True) -> dict[str, Any]:
        """A Token object as mod_tokens describes it."""
        token = {"country_code": COUNTRY, "party_id": PARTY, "uid": uid, "type": "RFID",
                 "contract_id": f"DE-EMS-C{uid[:10]}", "issuer": "Stand-in eMSP",
                 "valid": valid, "whitelist": whitelist,
                 "last_updated": "2026-12-04T12:00:00Z"}
        self.tokens[uid] = token
        return token

    async def push_token(self, token: dict[str, Any]) -> httpx.Response:
        base = self.cpo_url("tokens", "RECEIVER")
        return await self.call("PUT", f"{base}/{COUNTRY}/{PARTY}/{token['uid']}", body=token)

    def credentials(self, token: str) -> dict[str, Any]:
        return {"token": token, "url": f"{self.base}/emsp/versions",
                "roles": self.roles or [
                    {"role": "EMSP", "party_id": PARTY, "country_code": COUNTRY,
                     "business_details": {"name": "Stand-in eMSP"}}]}

    def cpo_url(self, module: str, role: str = "SENDER") -> str:
        return next(item["url"] for item in self.cpo_endpoints
                    if item["identifier"] == module and item["role"] == role)

    # -- the eMSP as client ---------------------------------------------------------------
    async def call(self, method: str, url: str, token: str | None = None,
                   body: Any = None, headers: dict[str, str] | None = None
                   ) -> httpx.Response:
        token = token or self.cpo_token
        assert token is not None
        request_headers = {**auth(token), "X-Request-ID": str(uuid.uuid4()),
                           "X-Correlation-ID": str(uuid.uuid4()), **(headers or {})}
        async with httpx.AsyncClient(timeout=20) as client:
            response = await client.request(method, url, json=body, headers=request_headers)
        if response.headers.get("content-type", "").startswith("application/json"):
            Envelope[Any].model_validate(response.json())  # every answer in the envelope
        return response

    async def register_with(self, versions_url: str, token_a: str) -> Credentials:
        """The eMSP starts the handshake with the token A the CPO's admin gave it."""
        versions = (await self.call("GET", versions_url, token_a)).json()["data"]
        chosen = next(item for item in versions if item["version"] == "2.2.1")
        details = VersionDetails.model_validate(
            (await self.call("GET", chosen["url"], token_a)).json()["data"])
        self.cpo_endpoints = [item.model_dump(mode="json") for item in details.endpoints]
        self.token_for_cpo = secrets.token_hex(16)
        response = await self.call("POST", self.cpo_url("credentials", "RECEIVER"), token_a,
                                   self.credentials(self.token_for_cpo))
        assert response.status_code == 200, response.text
        theirs = Credentials.model_validate(response.json()["data"])
        self.cpo_token, self.cpo_versions = theirs.token, theirs.url
        return theirs

    # -- the eMSP as server ---------------------------------------------------------------
    def app(self) -> FastAPI:
        app = FastAPI()
        emsp = self

        def token_in(request: Request) -> str | None:
            header = request.headers.get("Authorization", "")
            if not header.startswith("Token "):
                return None
            return base64.b64decode(header[6:]).decode()

        def allowed(request: Request) -> bool:
            token = token_in(request)
            good = token is not None and token in (emsp.token_a, emsp.token_for_cpo)
            if not good:
                emsp.refused += 1
            return good

        def unauthorised() -> JSONResponse:
            return JSONResponse({"status_code": 2000, "status_message": "Unauthorized",
                                 "timestamp": "2026-12-05T00:00:00Z"}, status_code=401)

        @app.get("/emsp/versions")
        async def versions(request: Request) -> JSONResponse:
            if not allowed(request):
                return unauthorised()
            return ok([{"version": "2.2.1", "url": f"{emsp.base}/emsp/2.2.1"}])

        @app.get("/emsp/2.2.1")
        async def details(request: Request) -> JSONResponse:
            if not allowed(request):
                return unauthorised()
            base = f"{emsp.base}/emsp/2.2.1"
            return ok({"version": "2.2.1", "endpoints": [
                {"identifier": "credentials", "role": "RECEIVER", "url": f"{base}/credentials"},
                {"identifier": "locations", "role": "RECEIVER", "url": f"{base}/locations"},
                {"identifier": "sessions", "role": "RECEIVER", "url": f"{base}/sessions"},
                {"identifier": "cdrs", "role": "RECEIVER", "url": f"{base}/cdrs"},
                {"identifier": "tokens", "role": "SENDER", "url": f"{base}/tokens"},
                {"identifier": "commands", "role": "RECEIVER", "url": f"{base}/commands"},
                {"identifier": "chargingprofiles", "role": "SENDER",
                 "url": f"{base}/chargingprofiles"}]})

        @app.post("/emsp/2.2.1/credentials")
        async def registered(request: Request) -> JSONResponse:
            """The CPO registers with us: its credentials validated, then we call its
            versions with the token it sent, and answer with our token C."""
            if token_in(request) != emsp.token_a:
                emsp.refused += 1
                return unauthorised()
            theirs = Credentials.model_validate(await request.json())
            versions = (await emsp.call("GET", theirs.url, theirs.token)).json()["data"]
            chosen = next(item for item in versions if item["version"] == "2.2.1")
            details = VersionDetails.model_validate(
                (await emsp.call("GET", chosen["url"], theirs.token)).json()["data"])
            emsp.cpo_endpoints = [item.model_dump(mode="json") for item in details.endpoints]
            emsp.cpo_token, emsp.cpo_versions = theirs.token, theirs.url
            emsp.token_for_cpo = secrets.token_hex(16)
            emsp.token_a = secrets.token_hex(16)  # A is spent
            return ok(emsp.credentials(emsp.token_for_cpo))

        @app.post("/emsp/2.2.1/tokens/{uid}/authorize")
        async def authorize(uid: str, request: Request) -> JSONResponse:
            """Real-time authorisation (mod_tokens, Sender interface)."""
            if token_in(request) != emsp.token_for_cpo:
                emsp.refused += 1
                return unauthorised()
            emsp.pushes.append(Push("POST", f"tokens/{uid}/authorize", None,
                                    dict(request.headers)))
            if uid not in emsp.tokens:
                return JSONResponse({"status_code": 2004, "status_message": "Unknown Token",
                                     "timestamp": "2026-12-05T00:00:00Z"}, status_code=404)
            return ok({"allowed": emsp.verdicts.get(uid, "ALLOWED"),
                       "token": emsp.tokens[uid]})

        @app.delete("/emsp/2.2.1/credentials")
        async def unregistered(request: Request) -> JSONResponse:
            if token_in(request) != emsp.token_for_cpo:
                emsp.refused += 1
                return unauthorised()
            emsp.pushes.append(Push("DELETE", "credentials", None, dict(request.headers)))
            emsp.token_for_cpo = None
            return ok()

        @app.post("/emsp/2.2.1/{module}")
        async def posted(module: str, request: Request) -> JSONResponse:
            return await receiver(module, "", request)

        @app.api_route("/emsp/2.2.1/{module}/{rest:path}",
                       methods=["GET", "PUT", "PATCH", "POST"])
        async def receiver(module: str, rest: str, request: Request) -> JSONResponse:
            if token_in(request) != emsp.token_for_cpo:
                emsp.refused += 1
                return unauthorised()
            body = await request.json() if await request.body() else None
            emsp.pushes.append(Push(request.method, f"{module}/{rest}" if rest else module,
                                    body, dict(request.headers)))
            emsp.pushed.set()
            return ok()

        return app


@contextlib.asynccontextmanager
async def running_emsp() -> AsyncIterator[Emsp]:
    """The stand-in eMSP served on 127.0.0.1 (any free port)."""
    emsp = Emsp()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    emsp.base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = uvicorn.Server(uvicorn.Config(emsp.app(), log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]), name="stand-in eMSP")
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        yield emsp
    finally:
        server.should_exit = True
        await task
        sock.close()
