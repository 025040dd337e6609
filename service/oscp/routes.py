"""``/oscp/fp/2.0/…``: the endpoints a Capacity Provider calls (OSCP 2.0).

The Flexibility Provider's end as the published OpenAPI lists it: ``register`` (POST, PUT,
DELETE), ``handshake``, ``handshake_acknowledge``, ``heartbeat`` and
``update_group_capacity_forecast``. ``adjust_group_capacity_forecast`` and
``group_capacity_compliance_error`` go the other way (we send them to the Capacity
Provider's ``/oscp/cp/2.0``), so they are no endpoints of ours.

Outside the operator API's bearer guard: every route identifies the partner by its
``Authorization: Token …`` and needs an ``X-Request-ID``; a refusal is answered 401/403/400
with OSCP's ``{"message": …}`` (`service.oscp.errors`) and recorded (path, client address,
reason — never the token). Each message is applied
before the 204 goes out; what we send back follows in the background.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response

from service.oscp.errors import OscpError
from service.oscp.messages import (
    GroupCapacityForecast,
    Handshake,
    HandshakeAcknowledgement,
    Heartbeat,
    Register,
)
from service.oscp.partners import Partner, PartnerState, Refusal, Refused
from service.oscp.provider import PREFIX, FlexibilityProvider

NO_CONTENT = 204
_MESSAGE = {"application/json": {"schema": {
    "type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}}}
REFUSALS: dict[int | str, dict[str, object]] = {
    400: {"description": "Malformed message or header (OSCP answers 400 with a `message`)",
          "content": _MESSAGE},
    401: {"description": "No token, or an unknown or replaced one", "content": _MESSAGE,
          "headers": {"WWW-Authenticate": {"schema": {"type": "string"}}}},
    403: {"description": "Not registered yet (or unregistered): only `register` is open",
          "content": _MESSAGE},
}
Auth = Annotated[str | None, Header()]
RequestId = Annotated[str | None, Header(alias="X-Request-ID")]


def build_oscp_router(provider: FlexibilityProvider) -> APIRouter:
    async def identify(request: Request, authorization: Auth = None,
                       x_request_id: RequestId = None) -> None:
        """Who asks, before the body is even read: the answer to a stranger says nothing
        about our message formats."""
        try:
            if not x_request_id:
                raise Refused(400, "no X-Request-ID header: OSCP asks one on every request")
            try:
                partner = provider.partners.identify(authorization)
            except Refused as unknown:
                if unknown.status != 401 or provider.share is None:
                    raise
                # Another process may just have handed this token out (registration).
                await provider.refresh_partners()
                partner = provider.partners.identify(authorization)
            if partner.state is PartnerState.NEW and not request.url.path.endswith(
                    "/register"):
                raise Refused(403, "register first: the initial token only registers")
            request.state.partner = partner
        except Refused as refused:
            client = request.client.host if request.client else "?"
            provider.partners.refused(Refusal(provider.clock(), request.url.path, client,
                                              refused.reason))
            headers = {"WWW-Authenticate": "Token"} if refused.status == 401 else None
            raise OscpError(refused.status, refused.reason, headers=headers) from None

    router = APIRouter(prefix=PREFIX, tags=["OSCP 2.0"], dependencies=[Depends(identify)],
                       responses=REFUSALS)

    def partner(request: Request) -> Partner:
        found: Partner = request.state.partner
        return found

    @router.post("/register", status_code=NO_CONTENT)
    async def register(body: Register, request: Request) -> Response:
        try:
            await provider.registered(partner(request), body)
        except ValueError as exc:
            raise OscpError(400, str(exc)) from None
        return Response(status_code=NO_CONTENT)

    @router.put("/register", status_code=NO_CONTENT)
    async def register_again(body: Register, request: Request) -> Response:
        """A registered partner changes its URL or token: handled as a registration
        (we answer with a fresh token of ours)."""
        return await register(body, request)

    @router.delete("/register", status_code=NO_CONTENT)
    async def unregister(request: Request) -> Response:
        await provider.unregistered(partner(request))
        return Response(status_code=NO_CONTENT)

    @router.post("/handshake", status_code=NO_CONTENT)
    async def handshake(body: Handshake, request: Request,
                        x_request_id: RequestId = None) -> Response:
        await provider.handshaken(partner(request), body, x_request_id or "")
        return Response(status_code=NO_CONTENT)

    @router.post("/handshake_acknowledge", status_code=NO_CONTENT)
    async def handshake_acknowledge(body: HandshakeAcknowledgement,
                                    request: Request) -> Response:
        provider.acknowledged(partner(request), body)
        return Response(status_code=NO_CONTENT)

    @router.post("/heartbeat", status_code=NO_CONTENT)
    async def heartbeat(body: Heartbeat, request: Request) -> Response:
        provider.heartbeat(partner(request), body)
        return Response(status_code=NO_CONTENT)

    @router.post("/update_group_capacity_forecast", status_code=NO_CONTENT)
    async def update_group_capacity_forecast(body: GroupCapacityForecast,
                                             request: Request) -> Response:
        await provider.forecast(partner(request), body, adjust=False)
        return Response(status_code=NO_CONTENT)

    return router
