"""``/api/v1/ocpi/partners``: roaming partners in the operator API (issue 21). Everyone
reads the list; only admins invite, register, suspend, resume and delete (permissions
table), and every write is on the audit trail — without any token text: token A is in the
invitation's answer only.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import AfterValidator, BaseModel, Field

from service.api.params import RowId
from service.api.routes import PREFIX, ApiError
from service.ocpi.client import PartnerCallError
from service.ocpi.partner_store import PartnerRow, PartnerStatus
from service.ocpi.registry import RegistrationError, Registry
from service.storage.repository import AsyncRepository


def _storable(text: str) -> str:
    """Refuse text no database can hold (lone surrogates from a broken client)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("contains characters that are not valid Unicode") from None
    return text


PartnerName = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_storable)]


class InviteRequest(BaseModel):
    name: PartnerName


class RegisterRequest(BaseModel):
    name: PartnerName
    versionsUrl: Annotated[str, Field(min_length=8, max_length=255,  # noqa: N815 - JSON
                                      pattern=r"^https?://[\x21-\x7e]+$")]
    token: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$")]


def partner_json(row: PartnerRow) -> dict[str, Any]:
    """What operators see of a partner: never a token, hashed or sealed."""
    return {"id": row.id, "name": row.name, "status": row.status,
            "countryCode": row.country_code, "partyId": row.party_id,
            "roles": [role.get("role") for role in row.role_list],
            "parties": [{"countryCode": country, "partyId": party, "role": role}
                        for country, party, role in row.parties],
            "modules": sorted({str(item.get("identifier")) for item in row.endpoint_list}),
            "versionsUrl": row.versions_url, "version": row.version,
            "lastError": row.last_error, "createdAt": row.created_at.isoformat(),
            "updatedAt": row.updated_at.isoformat()}


def build_partners_router(registry: Registry, repository: AsyncRepository) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["roaming partners"])

    async def found(partner_id: int) -> PartnerRow:
        row = await registry.partners.get(partner_id)
        if row is None:
            raise ApiError(404, "UnknownPartner", f"no roaming partner with id {partner_id}")
        return row

    @router.get("/ocpi/partners")
    async def list_partners() -> list[dict[str, Any]]:
        """Every partner with its registration status and last error."""
        return [partner_json(row) for row in await registry.partners.listed()]

    @router.post("/ocpi/partners/invite")
    async def invite(body: InviteRequest) -> dict[str, Any]:
        """``{partner, tokenA, versionsUrl}``: hand token A and the URL to the partner's
        admin out of band; token A is in this answer only."""
        row, token = await registry.invite(body.name)
        await repository.audit("api", "ocpi-partner.invite", f"id={row.id} name={row.name}")
        return {"partner": partner_json(row), "tokenA": token,
                "versionsUrl": registry.versions_url}

    @router.post("/ocpi/partners/register")
    async def register(body: RegisterRequest) -> dict[str, Any]:
        """Register with a partner: its versions fetched with its token A, our credentials
        posted, its token kept encrypted. 424 ``RegistrationFailed`` says what went wrong
        (the partner is listed as failed with that reason)."""
        try:
            row = await registry.register_with(body.name, body.versionsUrl, body.token)
        except RegistrationError as exc:
            await repository.audit("api", "ocpi-partner.register", str(exc), result="failed")
            raise ApiError(424, "RegistrationFailed", str(exc)) from None
        await repository.audit("api", "ocpi-partner.register",
                               f"id={row.id} name={row.name} party={row.country_code}-"
                               f"{row.party_id}")
        return partner_json(row)

    @router.post("/ocpi/partners/{partner_id}/suspend")
    async def suspend(partner_id: RowId) -> dict[str, Any]:
        """Refuse the partner's calls (403) and push nothing to it until resumed."""
        return await _suspension(partner_id, True)

    @router.post("/ocpi/partners/{partner_id}/resume")
    async def resume(partner_id: RowId) -> dict[str, Any]:
        return await _suspension(partner_id, False)

    async def _suspension(partner_id: int, suspended: bool) -> dict[str, Any]:
        await found(partner_id)
        try:
            row = await registry.set_suspended(partner_id, suspended)
        except ValueError as exc:
            raise ApiError(409, "PartnerNotRegistered", str(exc)) from None
        assert row is not None
        await repository.audit("api", "ocpi-partner.suspend" if suspended
                               else "ocpi-partner.resume", f"id={row.id} name={row.name}")
        return partner_json(row)

    @router.delete("/ocpi/partners/{partner_id}")
    async def delete(partner_id: RowId) -> dict[str, Any]:
        """Forget the partner; a registered one is told first (DELETE on its credentials
        endpoint), and whether it heard is in the answer."""
        row = await found(partner_id)
        told = "not registered"
        url = row.endpoint("credentials", "RECEIVER") or row.endpoint("credentials",
                                                                        "SENDER")
        if row.status in (PartnerStatus.REGISTERED, PartnerStatus.SUSPENDED) and url:
            try:
                await registry.client_for(row).call("DELETE", url)
                told = "told"
            except (PartnerCallError, ValueError) as exc:
                told = f"not told: {exc}"
        await registry.partners.delete(partner_id)
        await repository.audit("api", "ocpi-partner.delete",
                               f"id={row.id} name={row.name} partner {told}")
        return {"deleted": partner_id, "partner": told}

    return router
