"""Accounts, tokens and the audit trail of the operator API (``/api/v1/auth``,
``/api/v1/users``, ``/api/v1/audit``; issue 17), as typed values and calls.

A mixin of `pole_link.service_api.ServiceClient`, like `pole_link.service_cards`: one
subject with its own records, while the client stays the one place that maps the
service's refusals onto `pole_link.errors` (a 403 is `NotAuthorised` whose text is the
service's sentence, e.g. "Your role helpdesk may not change configuration; ask an
engineer or admin."). Signing in needs no token yet: `login` is a plain function.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx

from pole_link.errors import ConnectError, NotAuthorised
from pole_link.service_values import json_time as _time
from pole_link.timeutil import format_time

LOGIN_TIMEOUT_S = 15.0


@dataclass(frozen=True, slots=True)
class UserRecord:
    name: str
    role: str
    """``helpdesk``, ``technician``, ``engineer`` or ``admin``."""
    created: datetime | None = None
    disabled: bool = False

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> UserRecord:
        if not item.get("name") or not item.get("role"):
            raise ValueError(f"a user without name or role: {dict(item)!r}")
        return cls(str(item["name"]), str(item["role"]), _time(item.get("created")),
                   bool(item.get("disabled", False)))


@dataclass(frozen=True, slots=True)
class LoginRecord:
    """A sign-in: the token to send from now on, until ``expires_at``."""

    token: str
    expires_at: datetime
    user: UserRecord


@dataclass(frozen=True, slots=True)
class MeRecord:
    """Who a token belongs to and what their role may call (``"PUT /api/v1/…"``)."""

    name: str
    role: str
    permissions: frozenset[str]

    def may(self, method: str, route: str) -> bool:
        """May this user call ``route`` (a template, ``/api/v1/poles/{pole_id}/reset``)?"""
        return f"{method.upper()} {route}" in self.permissions


@dataclass(frozen=True, slots=True)
class TokenRecord:
    id: int
    name: str
    kind: str
    """``login`` or ``personal``."""
    user: str
    created: datetime | None
    expires_at: datetime | None
    token: str | None = None
    """The token itself, only in the answer that made it."""

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> TokenRecord:
        return cls(int(item["id"]), str(item.get("name", "")), str(item.get("kind", "")),
                   str(item.get("user", "")), _time(item.get("created")),
                   _time(item.get("expiresAt")), item.get("token") or None)


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One entry of the audit trail."""

    id: int
    time: datetime
    actor: str
    role: str
    action: str
    pole_id: str | None
    result: str
    detail: str
    hash: str | None

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> AuditRecord:
        moment = _time(item.get("time"))
        if moment is None:
            raise ValueError(f"an audit entry without time: {dict(item)!r}")
        return cls(int(item["id"]), moment, str(item.get("actor", "")),
                   str(item.get("role", "")), str(item.get("action", "")),
                   item.get("poleId") or None, str(item.get("result", "")),
                   str(item.get("detail", "")), item.get("hash") or None)


class LoginRefused(NotAuthorised):
    """The service refused a sign-in; the description is its sentence."""

    @property
    def reason(self) -> str:
        """``wrong`` (the name or the password: the service never says which), ``locked``
        (too many wrong passwords; for a while) or ``disabled``."""
        return str((self.details or {}).get("reason", "wrong"))


async def login(url: str, name: str, password: str, *,
                timeout: float = LOGIN_TIMEOUT_S) -> LoginRecord:
    """Sign in at the service at ``url`` (``http://host:port``). `NotAuthorised` with the
    service's sentence for a wrong password or a locked account; `ConnectError` when the
    service cannot be reached."""
    api = url.rstrip("/") + "/api/v1"
    try:
        async with httpx.AsyncClient(timeout=timeout) as http:
            response = await http.post(f"{api}/auth/login",
                                       json={"name": name, "password": password})
    except httpx.HTTPError as exc:
        raise ConnectError(f"cannot reach the service at {url}: "
                           f"{exc or type(exc).__name__}") from None
    body: Any = None
    with contextlib.suppress(ValueError):
        body = response.json()
    if response.status_code == 200 and isinstance(body, dict):
        expires = _time(body.get("expiresAt"))
        if expires is None or not body.get("token"):
            raise ConnectError(f"the service at {url} answered the sign-in without a token")
        return LoginRecord(str(body["token"]), expires, UserRecord.from_json(body["user"]))
    text = body.get("description") if isinstance(body, dict) else None
    if response.status_code == 401:
        details = body.get("details") if isinstance(body, dict) else None
        raise LoginRefused(str(text or "the user name or password is wrong"),
                           dict(details) if isinstance(details, dict) else None,
                           action="sign in")
    raise ConnectError(f"sign in at {url}: the service answered {response.status_code}"
                       + (f": {text}" if text else ""))


class AccountRequests:
    """Accounts and audit calls; `ServiceClient` supplies ``_request`` (and its errors)."""

    async def _request(self, method: str, path: str, *, what: str,
                       timeout: float | None = None, raw: bool = False, **kwargs: Any) -> Any:
        raise NotImplementedError

    async def me(self) -> MeRecord:
        item = await self._request("GET", "/auth/me", what="ask who is signed in")
        return MeRecord(str(item["name"]), str(item["role"]),
                        frozenset(str(p) for p in item.get("permissions", [])))

    async def logout(self) -> bool:
        """Revoke this client's token; False for a token that cannot be (the admin file's)."""
        return bool((await self._request("POST", "/auth/logout", what="sign out"))["revoked"])

    async def personal_tokens(self) -> list[TokenRecord]:
        items = await self._request("GET", "/auth/tokens", what="list your tokens")
        return [TokenRecord.from_json(item) for item in items]

    async def add_personal_token(self, name: str, expires_at: datetime | None = None
                                 ) -> TokenRecord:
        """A new personal token; the record holds the token itself, this once."""
        body: dict[str, Any] = {"name": name}
        if expires_at is not None:
            body["expiresAt"] = format_time(expires_at)
        return TokenRecord.from_json(await self._request(
            "POST", "/auth/tokens", json=body, what=f"make the token {name!r}"))

    async def revoke_token(self, token_id: int) -> None:
        await self._request("DELETE", f"/auth/tokens/{token_id}",
                            what=f"revoke token #{token_id}")

    async def users(self) -> list[UserRecord]:
        items = await self._request("GET", "/users", what="list the users")
        return [UserRecord.from_json(item) for item in items]

    async def add_user(self, name: str, role: str) -> tuple[UserRecord, str]:
        """A new account and its one-time password."""
        item = await self._request("POST", "/users", json={"name": name, "role": role},
                                   what=f"make the user {name!r}")
        return UserRecord.from_json(item), str(item["password"])

    async def change_user(self, name: str, *, role: str | None = None,
                          disabled: bool | None = None, new_password: bool = False
                          ) -> tuple[UserRecord, str | None]:
        """Change a role, disable/enable, or get a new one-time password (returned)."""
        body: dict[str, Any] = {"newPassword": new_password}
        if role is not None:
            body["role"] = role
        if disabled is not None:
            body["disabled"] = disabled
        item = await self._request("PUT", f"/users/{quote(name, safe='')}", json=body,
                                   what=f"change the user {name!r}")
        password = item.get("password")
        return UserRecord.from_json(item), str(password) if password else None

    async def delete_user(self, name: str) -> None:
        await self._request("DELETE", f"/users/{quote(name, safe='')}",
                            what=f"remove the user {name!r}")

    async def audit(self, *, since: datetime | None = None, until: datetime | None = None,
                    actor: str | None = None, pole_id: str | None = None,
                    action: str | None = None, limit: int = 1000, offset: int = 0
                    ) -> list[AuditRecord]:
        """Audit entries, oldest first (admins)."""
        items = await self._request("GET", "/audit", what="read the audit trail",
                                    params=_audit_params(since, until, actor, pole_id,
                                                         action, limit, offset))
        return [AuditRecord.from_json(item) for item in items]

    async def audit_csv(self, *, since: datetime | None = None,
                        until: datetime | None = None, actor: str | None = None,
                        pole_id: str | None = None, action: str | None = None) -> bytes:
        return bytes(await self._request(
            "GET", "/audit.csv", what="export the audit trail", raw=True,
            params=_audit_params(since, until, actor, pole_id, action, 100000, 0)))


def _audit_params(since: datetime | None, until: datetime | None, actor: str | None,
                  pole_id: str | None, action: str | None, limit: int, offset: int
                  ) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": limit, "offset": offset}
    for key, value in (("since", since), ("until", until)):
        if value is not None:
            params[key] = format_time(value)
    for key, text in (("actor", actor), ("pole", pole_id), ("action", action)):
        if text is not None:
            params[key] = text
    return params
