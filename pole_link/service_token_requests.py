"""The operator API's service-token calls (issue 17, eis 69), typed: issue a token for a
site visit, list what was issued, revoke one. A mixin of `pole_link.service_api.ServiceClient`
like `pole_link.service_cards`, so the GUI and scripts reach these routes through the
one client."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from pole_link.service_tokens import ALL_POLES
from pole_link.service_values import json_records as _records
from pole_link.service_values import json_str as _str
from pole_link.service_values import json_time as _time
from pole_link.timeutil import format_time


@dataclass(frozen=True, slots=True)
class ServiceTokenRecord:
    """A service token the service issued (issue 17, eis 69): ``/service-tokens``.

    ``token`` is the signed text, present only in the answer to the request that issued
    it: the service keeps the claims, never the token, so a listing cannot leak one.
    """

    jti: str
    subject: str
    role: str
    poles: tuple[str, ...]
    issued_at: datetime | None
    expires: datetime
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    token: str | None = field(default=None, repr=False)

    @property
    def all_poles(self) -> bool:
        return ALL_POLES in self.poles

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "jti": self.jti, "subject": self.subject, "role": self.role,
            "poles": list(self.poles),
            "issued_at": format_time(self.issued_at) if self.issued_at else None,
            "expires": format_time(self.expires),
            "revoked_at": format_time(self.revoked_at) if self.revoked_at else None,
            "revoked_by": self.revoked_by}
        if self.token is not None:
            data["token"] = self.token
        return data

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> ServiceTokenRecord:
        jti, expires, poles = _str(item.get("jti")), _time(item.get("expires")), \
            item.get("poles")
        if jti is None or expires is None or not isinstance(poles, list):
            raise ValueError(f"a service token needs jti, poles and expires: {dict(item)!r}")
        return cls(jti, str(item.get("subject") or ""), str(item.get("role") or ""),
                   tuple(str(pole) for pole in poles), _time(item.get("issued_at")), expires,
                   _time(item.get("revoked_at")), _str(item.get("revoked_by")),
                   _str(item.get("token")))


@dataclass(frozen=True, slots=True)
class ServiceTokenRevocation:
    """What revoking did: the token as now recorded, and per connected pole it covers
    what the pole answered (``Accepted``, or ``not reached: …``); poles not listed hear of
    it at their next boot."""

    token: ServiceTokenRecord
    poles: Mapping[str, str]

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> ServiceTokenRevocation:
        token, poles = item.get("token"), item.get("poles")
        if not isinstance(token, Mapping) or not isinstance(poles, Mapping):
            raise ValueError(f"a revocation needs token and poles: {dict(item)!r}")
        return cls(ServiceTokenRecord.from_json(token),
                   {str(pole): str(outcome) for pole, outcome in poles.items()})


class ServiceTokenRequests:
    """The service-token calls; `ServiceClient` supplies ``_request`` (and its errors)."""

    async def _request(self, method: str, path: str, *, what: str,
                       timeout: float | None = None, raw: bool = False, **kwargs: Any) -> Any:
        raise NotImplementedError

    async def issue_service_tokens(self, poles: Sequence[str], hours: float
                                   ) -> ServiceTokenRecord:
        """A token for the caller to write on ``poles`` (``["*"]``: all) for ``hours``
        (at most 72): fetched online, used offline on site."""
        return ServiceTokenRecord.from_json(await self._request(
            "POST", "/service-tokens", json={"poles": list(poles), "hours": hours},
            what="issue a service token"))

    async def service_tokens(self) -> list[ServiceTokenRecord]:
        """The tokens issued that have not expired yet, newest first (never their text)."""
        items = await self._request("GET", "/service-tokens", what="list service tokens")
        return _records(items, ServiceTokenRecord.from_json)

    async def revoke_service_token(self, jti: str) -> ServiceTokenRevocation:
        """Revoke a token: connected poles hear at once, the others at their next boot."""
        return ServiceTokenRevocation.from_json(await self._request(
            "POST", f"/service-tokens/{quote(jti, safe='')}/revoke",
            what=f"revoke service token {jti}"))
