"""Charging profiles from eMSPs (mod_charging_profiles, our Receiver interface; eis 62):
``PUT {session_id}`` becomes an OCPP ``SetChargingProfile`` TxProfile for that
transaction on its pole, ``DELETE`` a ``ClearChargingProfile`` of it, ``GET`` the pole's
``GetCompositeSchedule`` as an ActiveChargingProfile. Each is answered at once and its
result POSTed to the ``response_url``.

The eMSP's profile is a TxProfile under the pole's ChargePointMaxProfile (the tender's
capacity profile and the connection's limit): OCPP's composite rule takes the lowest, so
an eMSP can lower a charge but never raise it above what the grid allows.
Only the eMSP whose token started the session may shape it (otherwise REJECTED).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

from pole_link.errors import PoleLinkError
from service.ocpi.active_profiles import POLE_TIMEOUT_S, ActiveProfiles
from service.ocpi.client import PartnerCallError
from service.ocpi.envelope import OCPI_PREFIX, OcpiError, Status, answer, invalid_body
from service.ocpi.models import (
    VERSION,
    ChargingProfileResponse,
    ChargingProfileResponseType,
    ChargingProfileResult,
    ChargingProfileResultType,
    OcpiChargingProfile,
    SetChargingProfile,
    dumped,
)
from service.ocpi.registry import Caller, Registry
from service.ocpi.token_store import AsyncOcpiTokenRepository
from service.storage.models import Transaction
from service.storage.repository import AsyncRepository

LOGGER = logging.getLogger(__name__)
EMSP_PROFILE_ID = 6200
"""The chargingProfileId of eMSPs' TxProfiles (one per connector; a new one replaces it)."""
EMSP_STACK_LEVEL = 1


def asked_limit(profile: OcpiChargingProfile) -> float | None:
    """The eMSP's limit at its profile's start, in amperes (None in watts: the pole's
    composite is read in amperes, so a cap is only named for profiles in amperes)."""
    periods = profile.charging_profile_period or []
    if str(profile.charging_rate_unit) != "A" or not periods:
        return None
    return min(periods, key=lambda period: period.start_period).limit


def tx_profile(transaction: Transaction, profile: OcpiChargingProfile) -> dict[str, Any]:
    """The OCPP 1.6 SetChargingProfile request for an eMSP's profile."""
    schedule: dict[str, Any] = {
        "chargingRateUnit": str(profile.charging_rate_unit),
        "chargingSchedulePeriod": [
            {"startPeriod": period.start_period, "limit": round(period.limit, 1)}
            for period in profile.charging_profile_period or []]}
    if profile.duration is not None:
        schedule["duration"] = profile.duration
    if profile.min_charging_rate is not None:
        schedule["minChargingRate"] = round(profile.min_charging_rate, 1)
    kind = "Relative"
    if profile.start_date_time is not None:
        kind = "Absolute"
        schedule["startSchedule"] = profile.start_date_time.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"connectorId": transaction.connector_id, "csChargingProfiles": {
        "chargingProfileId": EMSP_PROFILE_ID, "transactionId": transaction.id,
        "stackLevel": EMSP_STACK_LEVEL, "chargingProfilePurpose": "TxProfile",
        "chargingProfileKind": kind, "chargingSchedule": schedule}}


def build_charging_profiles_router(registry: Registry, active: ActiveProfiles,
                                   repository: AsyncRepository,
                                   tokens: AsyncOcpiTokenRepository,
                                   clock: Callable[[], datetime]) -> APIRouter:
    router = APIRouter(prefix=f"{OCPI_PREFIX}/{VERSION}/chargingprofiles", tags=["ocpi"])
    tasks: set[asyncio.Task[None]] = set()

    def respond(request: Request, result: ChargingProfileResponseType) -> JSONResponse:
        timeout = POLE_TIMEOUT_S if result == ChargingProfileResponseType.ACCEPTED else 0
        return answer(request, dumped(ChargingProfileResponse(result=result,
                                                              timeout=timeout)), clock())

    async def session(request: Request, session_id: str
                      ) -> tuple[Caller, Transaction | None, ChargingProfileResponseType]:
        route = request.scope.get("route")
        caller = await registry.authenticate(
            request.headers.get("Authorization"), "chargingprofiles",
            f"{request.method} {getattr(route, 'path', '')}", request.headers)
        transaction = (await repository.get_transaction(int(session_id))
                       if session_id.isdigit() and len(session_id) < 10 else None)
        if transaction is None or transaction.stopped is not None:
            return caller, None, ChargingProfileResponseType.UNKNOWN_SESSION
        row = await tokens.by_uid(transaction.id_tag)
        if row is None or row.partner_id != caller.partner.id:
            return caller, None, ChargingProfileResponseType.REJECTED
        return caller, transaction, ChargingProfileResponseType.ACCEPTED

    def later(caller: Caller, response_url: str,
              work: Callable[[], Awaitable[BaseModel]]) -> None:
        async def run() -> None:
            try:
                result = await work()
            except PoleLinkError as exc:
                LOGGER.info("OCPI charging profile: the pole did not do it: %s", exc)
                result = ChargingProfileResult(result=ChargingProfileResultType.REJECTED)
            try:
                await registry.client_for(caller.partner, caller.reply_to).call(
                    "POST", response_url,
                                                               dumped(result))
            except (PartnerCallError, ValueError) as exc:
                LOGGER.warning("OCPI: charging profile result not delivered to %s: %s",
                               caller.partner.name, exc)

        task = asyncio.create_task(run(), name="OCPI charging profile")
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    @router.put("/{session_id}")
    async def set_profile(session_id: str, request: Request) -> JSONResponse:
        """The eMSP's profile for a running session, as the pole's TxProfile."""
        caller, transaction, verdict = await session(request, session_id)
        body = _parse(SetChargingProfile, await _json(request))
        if transaction is None:
            return respond(request, verdict)
        running = transaction

        async def work() -> BaseModel:
            answered = await active.pole_call(running, "SetChargingProfile",
                                              tx_profile(running, body.charging_profile))
            if answered.get("status") == "Accepted":
                await active.follow(int(running.id or 0), int(caller.partner.id or 0),
                                    asked_limit(body.charging_profile), caller.reply_to)
                await active.push(caller.partner, running, always=True)
            return ChargingProfileResult(
                result=ChargingProfileResultType.ACCEPTED
                if answered.get("status") == "Accepted" else ChargingProfileResultType.REJECTED)

        later(caller, body.response_url, work)
        return respond(request, verdict)

    @router.delete("/{session_id}")
    async def clear_profile(session_id: str, response_url: str,
                            request: Request) -> JSONResponse:
        """The eMSP's profile removed: the pole's own limits apply again."""
        caller, transaction, verdict = await session(request, session_id)
        if transaction is None:
            return respond(request, verdict)
        running = transaction

        async def work() -> BaseModel:
            answered = await active.pole_call(running, "ClearChargingProfile",
                                              {"id": EMSP_PROFILE_ID})
            if answered.get("status") == "Accepted":
                await active.follow(int(running.id or 0), int(caller.partner.id or 0), None,
                                    caller.reply_to)
                await active.push(caller.partner, running, always=True)
                await active.forget(int(running.id or 0))
            return ChargingProfileResult(
                result=ChargingProfileResultType.ACCEPTED
                if answered.get("status") == "Accepted" else ChargingProfileResultType.UNKNOWN)

        later(caller, response_url, work)
        return respond(request, verdict)

    @router.get("/{session_id}")
    async def active_profile(session_id: str, duration: int, response_url: str,
                             request: Request) -> JSONResponse:
        """The limits the pole will apply to the session: its composite schedule."""
        caller, transaction, verdict = await session(request, session_id)
        if transaction is None:
            return respond(request, verdict)
        running = transaction

        async def work() -> BaseModel:
            return await active.active_of(running, duration)

        later(caller, response_url, work)
        return respond(request, verdict)

    return router


def _parse(model: type[SetChargingProfile], body: Any) -> SetChargingProfile:
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise invalid_body(exc, "SetChargingProfile") from None


async def _json(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        raise OcpiError(400, Status.INVALID_PARAMETERS, "the body is not JSON") from None
