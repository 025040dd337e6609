"""``/ocpi``: the versions list, our 2.2.1 details and the credentials module, each route
checking the caller's credentials token first (`Registry.authenticate`).

Mounted by `service.app.create_app` without the operator guard: partners are not
operators, they carry OCPI's own ``Authorization: Token <base64>``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from service.ocpi.envelope import OCPI_PREFIX, OcpiError, Status, answer
from service.ocpi.models import (
    VERSION,
    Endpoint,
    InterfaceRole,
    ModuleID,
    Version,
    VersionDetails,
    dumped,
)
from service.ocpi.registry import Caller, Registry
from service.ocpi.secrets_box import token_of

MODULES: list[tuple[ModuleID, InterfaceRole]] = [
    (ModuleID.CREDENTIALS, InterfaceRole.RECEIVER),
    (ModuleID.LOCATIONS, InterfaceRole.SENDER),
    (ModuleID.TOKENS, InterfaceRole.RECEIVER),
    (ModuleID.COMMANDS, InterfaceRole.RECEIVER),
    (ModuleID.CHARGING_PROFILES, InterfaceRole.RECEIVER),
    (ModuleID.TARIFFS, InterfaceRole.SENDER),
]
"""The modules we serve, as listed in our version details; later modules append."""


def build_ocpi_router(registry: Registry, clock: Callable[[], datetime],
                      modules: list[tuple[ModuleID, InterfaceRole]] | None = None
                      ) -> APIRouter:
    router = APIRouter(prefix=OCPI_PREFIX, tags=["ocpi"])
    listed = modules if modules is not None else MODULES

    async def caller(request: Request, module: str) -> Caller:
        route = request.scope.get("route")
        what = f"{request.method} {getattr(route, 'path', request.url.path)}"
        return await registry.authenticate(request.headers.get("Authorization"), module,
                                           what)

    @router.get("/versions")
    async def versions(request: Request) -> JSONResponse:
        """The OCPI versions this CPO speaks (2.2.1 only)."""
        await caller(request, "versions")
        return answer(request, [dumped(Version(version=VERSION, url=registry.details_url))],
                      clock())

    @router.get(f"/{VERSION}")
    async def details(request: Request) -> JSONResponse:
        """Our 2.2.1 endpoints."""
        await caller(request, "versions")
        endpoints = [Endpoint(identifier=module, role=role,
                              url=f"{registry.details_url}/{module.value}")
                     for module, role in listed]
        return answer(request, dumped(VersionDetails(version=VERSION, endpoints=endpoints)),
                      clock())

    @router.get(f"/{VERSION}/credentials")
    async def get_credentials(request: Request) -> JSONResponse:
        """Our credentials object for a registered partner (its token unchanged)."""
        who = await caller(request, "credentials")
        if who.partner.sealed_token is None:
            raise OcpiError(405, Status.CLIENT_ERROR,
                            "not registered yet: POST your credentials first")
        return answer(request, dumped(registry.identity.credentials(
            _presented(request), registry.versions_url)), clock())

    @router.post(f"/{VERSION}/credentials")
    async def register(request: Request) -> JSONResponse:
        """Registration: token A in, the partner's token B fetched-with, token C out."""
        who = await caller(request, "credentials")
        ours = await registry.accept(who, await _json(request), update=False)
        return answer(request, dumped(ours), clock())

    @router.put(f"/{VERSION}/credentials")
    async def update(request: Request) -> JSONResponse:
        """New credentials from a registered partner: endpoints fetched again, a new token
        for it."""
        who = await caller(request, "credentials")
        ours = await registry.accept(who, await _json(request), update=True)
        return answer(request, dumped(ours), clock())

    @router.delete(f"/{VERSION}/credentials")
    async def unregister(request: Request) -> JSONResponse:
        who = await caller(request, "credentials")
        await registry.unregister(who)
        return answer(request, None, clock())

    return router


def _presented(request: Request) -> str:
    token = token_of(request.headers.get("Authorization"))
    assert token is not None  # authenticated
    return token


async def _json(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        raise OcpiError(400, Status.INVALID_PARAMETERS, "the body is not JSON") from None
