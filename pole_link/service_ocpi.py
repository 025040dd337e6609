"""Roaming partners in the operator API (``/api/v1/ocpi/partners``, issue 21), as typed
values and calls: invite an eMSP (its token A shown once), register with one, suspend,
resume, delete.

A mixin of `pole_link.service_api.ServiceClient` like `pole_link.service_cards`: one
subject with its own records, the client's one mapping of refusals onto errors kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pole_link.service_values import json_records as _records
from pole_link.service_values import json_time as _time

PARTNER_STATUSES = ("invited", "registering", "registered", "suspended", "failed")


@dataclass(frozen=True, slots=True)
class PartnerRecord:
    """One roaming partner as the operator sees it (never its tokens)."""

    id: int
    name: str
    status: str
    country_code: str | None = None
    party_id: str | None = None
    roles: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()
    versions_url: str | None = None
    version: str | None = None
    last_error: str | None = None
    updated_at: datetime | None = None
    parties: tuple[str, ...] = ()
    """Every party the partner registered, ``NL-ABC (EMSP)``: a platform may host several
    (a hub and an eMSP, eMSPs of two countries); pushes are addressed to each."""

    @property
    def party(self) -> str:
        """``NL-ABC`` once known, else empty."""
        return f"{self.country_code}-{self.party_id}" if self.party_id else ""

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> PartnerRecord:
        if not isinstance(item.get("id"), int) or not item.get("name") \
                or not item.get("status"):
            raise ValueError(f"a partner without id, name or status: {dict(item)!r}")

        def text(key: str) -> str | None:
            value = item.get(key)
            return str(value) if value else None

        return cls(int(item["id"]), str(item["name"]), str(item["status"]),
                   text("countryCode"), text("partyId"),
                   tuple(str(role) for role in item.get("roles") or ()),
                   tuple(str(module) for module in item.get("modules") or ()),
                   text("versionsUrl"), text("version"), text("lastError"),
                   _time(item.get("updatedAt")),
                   tuple(f"{party.get('countryCode')}-{party.get('partyId')} "
                         f"({party.get('role')})"
                         for party in item.get("parties") or () if isinstance(party, dict)))


@dataclass(frozen=True, slots=True)
class PartnerInvitation:
    """A partner invited to register with us: what its admin needs, shown once."""

    partner: PartnerRecord
    token_a: str
    versions_url: str


class OcpiRequests:
    """The partners' calls; `ServiceClient` supplies ``_request`` (and its errors)."""

    async def _request(self, method: str, path: str, *, what: str,
                       timeout: float | None = None, raw: bool = False, **kwargs: Any) -> Any:
        raise NotImplementedError

    async def ocpi_partners(self) -> list[PartnerRecord]:
        return _records(await self._request("GET", "/ocpi/partners",
                                            what="list the roaming partners"),
                        PartnerRecord.from_json)

    async def invite_ocpi_partner(self, name: str) -> PartnerInvitation:
        """A partner that will register with us: its token A and our versions URL, for
        its admin (sent out of band; the token is not shown again)."""
        body = await self._request("POST", "/ocpi/partners/invite", json={"name": name},
                                   what=f"invite roaming partner {name}")
        return PartnerInvitation(PartnerRecord.from_json(body["partner"]),
                                 str(body["tokenA"]), str(body["versionsUrl"]))

    async def register_ocpi_partner(self, name: str, versions_url: str, token_a: str
                                    ) -> PartnerRecord:
        """Register with a partner given its versions URL and the token A it issued;
        `ServiceRefused` (424, ``RegistrationFailed``) says why it did not work."""
        return PartnerRecord.from_json(await self._request(
            "POST", "/ocpi/partners/register", timeout=60,
            json={"name": name, "versionsUrl": versions_url, "token": token_a},
            what=f"register with roaming partner {name}"))

    async def suspend_ocpi_partner(self, partner_id: int) -> PartnerRecord:
        return PartnerRecord.from_json(await self._request(
            "POST", f"/ocpi/partners/{partner_id}/suspend",
            what=f"suspend roaming partner {partner_id}"))

    async def resume_ocpi_partner(self, partner_id: int) -> PartnerRecord:
        return PartnerRecord.from_json(await self._request(
            "POST", f"/ocpi/partners/{partner_id}/resume",
            what=f"resume roaming partner {partner_id}"))

    async def delete_ocpi_partner(self, partner_id: int) -> None:
        await self._request("DELETE", f"/ocpi/partners/{partner_id}",
                            what=f"delete roaming partner {partner_id}")
