"""The pole register in the operator API: register, change security, decommission.

``POST /api/v1/poles`` registers a pole (id, security profile, optional first password);
``PUT /api/v1/poles/{id}/security`` raises its profile or sets its password (route name
fixed: an outside compliance suite uses it); ``POST …/security/rotate-key`` makes the pole
a new key; ``DELETE /api/v1/poles/{id}`` decommissions it (its history stays);
``GET …/security`` and ``GET …/security-events`` show where it stands and what was
refused. A password is never echoed, logged or stored other than as its hash.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from service.api.routes import PREFIX, ApiError, PoleConnections
from service.security.events import SecurityEvent, SecurityEvents
from service.security.models import PoleCredentials
from service.security.passwords import (
    PasswordRuleError,
    check_password_rules,
    generate_key,
    hash_password,
)
from service.security.rotation import ChangeRefused, change_configuration
from service.security.store import CredentialStore, RegistrationError
from service.storage.repository import AsyncRepository

POLE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,47}$"
"""Letters, digits, ``.``, ``_``, ``-``; at most 48 (OCPP's chargeBoxIdentity length)."""

Profile = Annotated[int, Field(ge=0, le=3, description="OCPP security profile 0–3")]


class _Camel(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")


class RegisterBody(_Camel):
    id: str = Field(pattern=POLE_ID_PATTERN, examples=["PW-0001"])
    security_profile: Profile = Field(default=0, alias="securityProfile")
    basic_auth_password: str | None = Field(default=None, alias="basicAuthPassword",
                                            repr=False)


class SecurityBody(_Camel):
    security_profile: Profile = Field(alias="securityProfile")
    basic_auth_password: str | None = Field(default=None, alias="basicAuthPassword",
                                            repr=False)


class SecurityOut(BaseModel):
    """A pole's place in the register (camelCase on the wire, like OCPP)."""

    model_config = ConfigDict(populate_by_name=True)

    id: str
    security_profile: int = Field(alias="securityProfile")
    has_password: bool = Field(alias="hasPassword")
    key_change_pending: bool = Field(alias="keyChangePending")
    registered_at: datetime = Field(alias="registeredAt")
    decommissioned_at: datetime | None = Field(alias="decommissionedAt")


def security_out(row: PoleCredentials) -> SecurityOut:
    return SecurityOut(id=row.pole_id, securityProfile=row.security_profile,
                       hasPassword=row.password_hash is not None,
                       keyChangePending=row.pending_hash is not None,
                       registeredAt=row.registered_at,
                       decommissionedAt=row.decommissioned_at)


def _checked(password: str | None) -> str | None:
    if password is None:
        return None
    try:
        check_password_rules(password)
    except PasswordRuleError as exc:
        raise ApiError(422, "InvalidPassword", f"basicAuthPassword: {exc}") from None
    return password


def build_security_router(connections: PoleConnections, repository: AsyncRepository,
                          store: CredentialStore, events: SecurityEvents,
                          clock: Callable[[], datetime]) -> APIRouter:
    """The register routes (mounted behind the operator guard, like the rest of the API)."""
    router = APIRouter(prefix=PREFIX)

    async def credentials_of(pole_id: str) -> PoleCredentials:
        row = await store.aget(pole_id)
        if row is None:
            if await repository.get_pole(pole_id) is None:
                raise ApiError(404, "UnknownPole", f"no pole with id {pole_id!r} is registered")
            # Seen (auto-registered) but never registered: it joins the register at profile 0.
            row = await asyncio.to_thread(store.register, pole_id, 0, None, clock())
        if row.decommissioned_at is not None:
            raise ApiError(409, "Decommissioned", f"pole {pole_id!r} is decommissioned; "
                                                  f"register it again with POST {PREFIX}/poles")
        return row

    @router.post("/poles", status_code=201, response_model=SecurityOut)
    async def register(body: RegisterBody) -> SecurityOut:
        """Register a pole. At profile 1 or 2 it needs a password (``basicAuthPassword``);
        at profile 3 it logs in with a certificate from this service's CA."""
        password = _checked(body.basic_auth_password)
        if body.security_profile in (1, 2) and password is None:
            raise ApiError(422, "PasswordRequired",
                           f"security profile {body.security_profile} uses HTTP Basic: give "
                           f"basicAuthPassword ({16} to {40} characters)")
        hashed = await asyncio.to_thread(hash_password, password) if password else None
        try:
            row = await asyncio.to_thread(store.register, body.id, body.security_profile,
                                          hashed, clock())
        except RegistrationError as exc:
            if exc.code == "ProfileLowered":
                await events.record(body.id, SecurityEvent.PROFILE_LOWERING_REFUSED,
                                    exc.description, clock())
            raise ApiError(409, exc.code, exc.description) from None
        await events.record(body.id, SecurityEvent.REGISTERED,
                            f"registered at security profile {body.security_profile}", clock())
        return security_out(row)

    @router.get("/poles/{pole_id}/security", response_model=SecurityOut)
    async def security(pole_id: str) -> SecurityOut:
        row = await store.aget(pole_id)
        if row is None:
            raise ApiError(404, "NotRegistered", f"pole {pole_id!r} is not in the register "
                                                 f"(unregistered poles are at profile 0)")
        return security_out(row)

    @router.put("/poles/{pole_id}/security", response_model=SecurityOut)
    async def change_security(pole_id: str, body: SecurityBody) -> SecurityOut:
        """Raise the profile and/or set the password. A connected pole is sent the change
        (ChangeConfiguration AuthorizationKey, then SecurityProfile) and it is stored once
        the pole accepted; an offline pole's new values are stored at once (the pole is
        configured on site). A profile is never lowered."""
        row = await credentials_of(pole_id)
        if body.security_profile < row.security_profile:
            detail = (f"security profile {row.security_profile} cannot be lowered to "
                      f"{body.security_profile}")
            await events.record(pole_id, SecurityEvent.PROFILE_LOWERING_REFUSED, detail,
                                clock())
            raise ApiError(409, "ProfileLowered", detail)
        password = _checked(body.basic_auth_password)
        connection = connections.get(pole_id)
        needs_password = body.security_profile in (1, 2) and row.password_hash is None
        if password is None and needs_password:
            if connection is None:
                raise ApiError(422, "PasswordRequired",
                               f"pole {pole_id!r} has no password and is offline: give "
                               f"basicAuthPassword (set on the pole on site)")
            password = generate_key()
        if password is not None:
            await _set_password(pole_id, password, connection)
        if body.security_profile > row.security_profile:
            await _raise_profile(pole_id, body.security_profile, connection)
        return security_out(await credentials_of(pole_id))

    @router.post("/poles/{pole_id}/security/rotate-key", response_model=SecurityOut)
    async def rotate_key(pole_id: str) -> SecurityOut:
        """A new random key (40 hex characters) for a connected pole, in force once the pole
        accepted it; the old one works until then."""
        await credentials_of(pole_id)
        connection = connections.get(pole_id)
        if connection is None:
            raise ApiError(409, "PoleOffline", f"pole {pole_id!r} is not connected: a new key "
                                               f"can only be handed over a live connection")
        await _set_password(pole_id, generate_key(), connection)
        return security_out(await credentials_of(pole_id))

    async def _set_password(pole_id: str, password: str, connection: Any) -> None:
        if connection is None:
            hashed = await asyncio.to_thread(hash_password, password)
            await asyncio.to_thread(store.set_password, pole_id, hashed, clock())
            await events.record(pole_id, SecurityEvent.KEY_CHANGED,
                                "password set by the operator (pole offline)", clock())
            return
        try:  # the pole's handler keeps the register in step (`KeyTracker`)
            await change_configuration(connection, "AuthorizationKey", password)
        except ChangeRefused as exc:
            await events.record(pole_id, SecurityEvent.KEY_CHANGE_REFUSED, str(exc), clock())
            raise ApiError(502, "KeyNotChanged", f"{exc}; the old password stays") from None
        await events.record(pole_id, SecurityEvent.KEY_CHANGED,
                            "the pole accepted a new AuthorizationKey", clock())

    async def _raise_profile(pole_id: str, profile: int, connection: Any) -> None:
        if connection is not None:
            try:
                await change_configuration(connection, "SecurityProfile", str(profile))
            except ChangeRefused as exc:
                raise ApiError(502, "ProfileNotChanged", str(exc)) from None
        # A connected pole's handler stored it once accepted (`KeyTracker`); idempotent.
        if not await asyncio.to_thread(store.raise_profile, pole_id, profile, clock()):
            raise ApiError(409, "ProfileLowered", "the profile was raised meanwhile")
        await events.record(pole_id, SecurityEvent.PROFILE_RAISED,
                            f"security profile raised to {profile}", clock())

    @router.delete("/poles/{pole_id}", response_model=SecurityOut)
    async def decommission(pole_id: str) -> SecurityOut:
        """The pole leaves service: it may no longer connect (a live connection is closed);
        its transactions, meter values and history stay."""
        if await repository.get_pole(pole_id) is None:
            raise ApiError(404, "UnknownPole", f"no pole with id {pole_id!r} is registered")
        await asyncio.to_thread(store.decommission, pole_id, clock())
        await events.record(pole_id, SecurityEvent.DECOMMISSIONED_BY_OPERATOR,
                            "decommissioned by the operator", clock())
        connection = connections.get(pole_id)
        hang_up = getattr(getattr(connection, "link", None), "hang_up", None)
        if hang_up is not None:
            from service.ocpp.connection_end import EndReason

            await hang_up(EndReason.CLOSED, "decommissioned")
        row = await store.aget(pole_id)
        assert row is not None
        return security_out(row)

    return router
