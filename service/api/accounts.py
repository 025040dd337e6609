"""``/api/v1/auth``, ``/api/v1/users`` and ``/api/v1/audit``: signing in, accounts, and
reading the audit trail (issue 17, eis 69).

Who may call what is the permission table's (`service.accounts.permissions`): signing in
is open, one's own tokens are everyone's, users and the audit trail are the admins'.
Passwords and tokens appear in answers once (a new token, a one-time password) and never
in the log or the audit trail.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import AwareDatetime, BaseModel, Field
from starlette.responses import Response

from service.accounts.permissions import Role, permissions_of
from service.accounts.principal import Principal
from service.accounts.store import (
    AccountError,
    Accounts,
    LoginRefused,
    TokenInfo,
    UserInfo,
)
from service.api.params import Offset, RowId
from service.api.routes import PREFIX, ApiError, _Camel
from service.api.tokens import TokenStore
from service.storage.models import AuditLog
from service.storage.repository import AsyncRepository

Since = Annotated[AwareDatetime | None, Query(description="ISO-8601 with offset, inclusive")]
Until = Annotated[AwareDatetime | None, Query(description="ISO-8601 with offset, exclusive")]


class LoginBody(_Camel):
    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class UserOut(BaseModel):
    name: str
    role: str
    created: datetime | None = None
    disabled: bool = False


class LoginOut(_Camel):
    token: str
    expires_at: datetime = Field(serialization_alias="expiresAt")
    user: UserOut


class MeOut(BaseModel):
    name: str
    role: str
    permissions: list[str]


class TokenBody(_Camel):
    name: str = Field(min_length=1, max_length=100)
    expires_at: AwareDatetime | None = Field(default=None, alias="expiresAt")


class TokenOut(_Camel):
    id: int
    name: str
    kind: str
    user: str
    created: datetime
    expires_at: datetime | None = Field(serialization_alias="expiresAt")
    token: str | None = None
    """The token itself: in the answer that made it, once; never again."""


class NewUserBody(_Camel):
    name: str = Field(min_length=1, max_length=64)
    role: str


class UserChangeBody(_Camel):
    role: str | None = None
    disabled: bool | None = None
    new_password: bool = Field(default=False, alias="newPassword")


class UserWithPassword(UserOut):
    password: str | None = None
    """A one-time password, in the answer that made it only: hand it over, then the user
    signs in with it."""


class AuditOut(_Camel):
    id: int
    time: datetime
    actor: str
    role: str
    action: str
    pole_id: str | None = Field(serialization_alias="poleId")
    result: str
    detail: str
    hash: str | None


def _user_out(user: UserInfo) -> UserOut:
    return UserOut(name=user.name, role=user.role.value, created=user.created,
                   disabled=user.disabled)


def _token_out(token: TokenInfo, secret: str | None = None) -> TokenOut:
    return TokenOut(id=token.id, name=token.name, kind=token.kind, user=token.user,
                    created=token.created, expires_at=token.expires, token=secret)


def _audit_out(row: AuditLog) -> AuditOut:
    assert row.id is not None
    return AuditOut(id=row.id, time=row.time, actor=row.actor, role=row.role,
                    action=row.action, pole_id=row.pole_id, result=row.result,
                    detail=row.detail, hash=row.hash)


def principal_of(request: Request) -> Principal:
    principal = getattr(request.state, "principal", None)
    assert isinstance(principal, Principal), "the guard sets it for every non-public route"
    return principal


def _account_of(principal: Principal) -> str:
    """The caller's account name; the admin token file's tokens have none."""
    if principal.token_id is None:
        raise ApiError(409, "NoAccount",
                       "the admin token file's tokens belong to no user account: make one "
                       "('paalwerk service user add NAME --role admin') and sign in with it")
    return principal.name


def build_accounts_router(tokens: TokenStore | None, accounts: Accounts,
                          repository: AsyncRepository,
                          clock: Callable[[], datetime]) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["accounts"])
    store = accounts.store

    # -- signing in -------------------------------------------------------------------

    @router.post("/auth/login", response_model=LoginOut, response_model_by_alias=True)
    async def login(body: LoginBody, request: Request) -> LoginOut:
        """A login token (valid for hours) for a user name and password."""
        request.state.audited = True  # recorded here, with the outcome in words
        try:
            token, info, user = await accounts.run(store.login, body.name, body.password)
        except LoginRefused as refused:
            await repository.audit(body.name, "POST /api/v1/auth/login",
                                   f"refused: {refused.reason}", clock(), result="401")
            headers = {"WWW-Authenticate": "Bearer"}
            if refused.retry_after_s is not None:
                headers["Retry-After"] = str(refused.retry_after_s)
            raise ApiError(401, "LoginRefused", refused.sentence, {"reason": refused.kind},
                           headers=headers) from None
        await repository.audit(user.name, "POST /api/v1/auth/login", "signed in", clock(),
                               role=user.role.value, result="200")
        assert info.expires is not None
        return LoginOut(token=token, expires_at=info.expires, user=_user_out(user))

    @router.get("/auth/me", response_model=MeOut)
    async def me(request: Request) -> MeOut:
        """Who the token belongs to and every route their role may call (the GUI greys
        out the rest)."""
        principal = principal_of(request)
        return MeOut(name=principal.name, role=principal.role.value,
                     permissions=permissions_of(principal.role))

    @router.post("/auth/logout")
    async def logout(request: Request) -> dict[str, Any]:
        """Revoke the token of this request (a login or personal token)."""
        principal = principal_of(request)
        revoked = principal.token_id is not None and await accounts.run(
            store.revoke, principal.token_id, owner=principal.name)
        return {"revoked": revoked}

    # -- personal tokens ------------------------------------------------------------------

    @router.post("/auth/tokens", response_model=TokenOut, response_model_by_alias=True,
                 status_code=201)
    async def add_token(body: TokenBody, request: Request) -> TokenOut:
        """A personal token for scripts: shown in this answer only; revocable."""
        owner = _account_of(principal_of(request))
        try:
            secret, info = await accounts.run(store.add_personal_token, owner, body.name,
                                              body.expires_at)
        except AccountError as exc:
            raise ApiError(422, "InvalidRequest", str(exc)) from None
        return _token_out(info, secret)

    @router.get("/auth/tokens", response_model=list[TokenOut], response_model_by_alias=True)
    async def list_tokens(request: Request) -> list[TokenOut]:
        """The caller's tokens in force (without the tokens themselves)."""
        principal = principal_of(request)
        if principal.token_id is None:
            return []
        return [_token_out(t) for t in await accounts.run(store.tokens, principal.name)]

    @router.delete("/auth/tokens/{token_id}")
    async def revoke_token(token_id: RowId, request: Request) -> dict[str, Any]:
        """Revoke one of one's own tokens (an admin: anyone's)."""
        principal = principal_of(request)
        owner = None if principal.role is Role.ADMIN else principal.name
        if not await accounts.run(store.revoke, token_id, owner=owner):
            raise ApiError(404, "UnknownToken", f"no token #{token_id} of yours is in force")
        return {"revoked": True}

    # -- users (admins) -----------------------------------------------------------------

    @router.post("/users", response_model=UserWithPassword, status_code=201)
    async def add_user(body: NewUserBody) -> UserWithPassword:
        """A new account with a one-time password (in this answer only)."""
        try:
            password = await accounts.run(store.add_user, body.name, body.role)
        except AccountError as exc:
            raise ApiError(409 if "exists" in str(exc) else 422, "InvalidRequest",
                           str(exc)) from None
        user = await accounts.run(store.user, body.name)
        assert user is not None
        return UserWithPassword(**_user_out(user).model_dump(), password=password)

    @router.get("/users", response_model=list[UserOut])
    async def list_users() -> list[UserOut]:
        return [_user_out(u) for u in await accounts.run(store.users)]

    @router.get("/users/{name}", response_model=UserOut)
    async def get_user(name: str) -> UserOut:
        user = await accounts.run(store.user, name)
        if user is None:
            raise ApiError(404, "UnknownUser", f"no user named {name!r}")
        return _user_out(user)

    @router.put("/users/{name}", response_model=UserWithPassword)
    async def change_user(name: str, body: UserChangeBody) -> UserWithPassword:
        """Change the role, disable (signs the user out) or enable, or give a new
        one-time password."""
        try:
            user, password = await accounts.run(
                store.update_user, name, role=body.role, disabled=body.disabled,
                new_password=body.new_password)
        except KeyError:
            raise ApiError(404, "UnknownUser", f"no user named {name!r}") from None
        except AccountError as exc:
            raise ApiError(422, "InvalidRequest", str(exc)) from None
        return UserWithPassword(**_user_out(user).model_dump(), password=password)

    @router.delete("/users/{name}")
    async def delete_user(name: str) -> dict[str, Any]:
        """Remove the account and its tokens (the audit trail keeps what it did)."""
        try:
            await accounts.run(store.delete_user, name)
        except KeyError:
            raise ApiError(404, "UnknownUser", f"no user named {name!r}") from None
        return {"deleted": name}

    # -- the audit trail (admins) ---------------------------------------------------------

    async def entries(since: datetime | None, until: datetime | None, actor: str | None,
                      pole: str | None, action: str | None, limit: int,
                      offset: int) -> list[AuditLog]:
        return await repository.audit_entries(since=since, until=until, actor=actor,
                                              pole_id=pole, action=action, limit=limit,
                                              offset=offset)

    @router.get("/audit", response_model=list[AuditOut], response_model_by_alias=True)
    async def audit(since: Since = None, until: Until = None, actor: str | None = None,
                    pole: str | None = None, action: str | None = None,
                    limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
                    offset: Offset = 0) -> list[AuditOut]:
        """Audit entries, oldest first; ``action`` matches part of it (e.g. ``reset``)."""
        return [_audit_out(row) for row in
                await entries(since, until, actor, pole, action, limit, offset)]

    @router.get("/audit.csv", response_class=Response,
                responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}})
    async def audit_csv(since: Since = None, until: Until = None, actor: str | None = None,
                        pole: str | None = None, action: str | None = None,
                        limit: Annotated[int, Query(ge=1, le=100000)] = 100000,
                        offset: Offset = 0) -> Response:
        """The same entries as CSV, for a spreadsheet or an auditor."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["id", "time", "actor", "role", "action", "pole", "result", "detail",
                         "hash"])
        for row in await entries(since, until, actor, pole, action, limit, offset):
            writer.writerow([row.id, row.time.isoformat(), row.actor, row.role, row.action,
                             row.pole_id or "", row.result, row.detail, row.hash or ""])
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="audit.csv"'})

    return router
