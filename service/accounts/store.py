"""Operator accounts and their tokens in the database (issue 17).

Passwords are kept as slow salted hashes (`service.security.passwords`: scrypt), tokens as
SHA-256 only (they are long random strings: nothing to guess from a dictionary). A login
token lives `LOGIN_LIFETIME` (12 h by default); a personal token lives until revoked or
until the expiry its owner gave it. After `LOCKOUT_AFTER` wrong passwords in a row an
account is locked for `LOCKOUT_FOR`, so a password cannot be guessed over the API.

Synchronous and slow on purpose (scrypt): the service calls it through `Accounts`, which
runs it off the event loop.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, ParamSpec, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from service.accounts.permissions import Role
from service.accounts.principal import Principal
from service.security.passwords import hash_password, verify_password
from service.storage.database import storage_errors
from service.storage.models import ApiToken, User

if TYPE_CHECKING:
    from service.security.events import SecurityEvents
    from service.storage.repository import AsyncRepository

LOGIN_LIFETIME = timedelta(hours=12)
LOCKOUT_AFTER = 5
LOCKOUT_FOR = timedelta(minutes=15)
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
LOGIN, PERSONAL = "login", "personal"
Clock = Callable[[], datetime]

P = ParamSpec("P")
R = TypeVar("R")


class AccountError(ValueError):
    """A request about accounts that cannot be done; the message says why, in words."""


class LoginRefused(Exception):
    """A refused login; ``reason`` is for the audit trail, the caller reads a sentence."""

    def __init__(self, sentence: str, reason: str, *, kind: str = "wrong",
                 retry_after_s: int | None = None):
        super().__init__(sentence)
        self.sentence = sentence
        self.reason = reason
        self.kind = kind
        """What a client may know: ``wrong`` (name or password: never which), ``locked``
        or ``disabled``; it says so in its own language."""
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class UserInfo:
    name: str
    role: Role
    created: datetime
    disabled: bool


@dataclass(frozen=True)
class TokenInfo:
    """A token as its owner sees it: never the token itself, only what it is."""

    id: int
    user: str
    kind: str
    name: str
    created: datetime
    expires: datetime | None
    revoked: datetime | None


def _role(text: str) -> Role:
    try:
        return Role(text)
    except ValueError:
        raise AccountError(f"unknown role {text!r}: choose one of "
                           f"{', '.join(r.value for r in Role)}") from None


def _user_info(user: User) -> UserInfo:
    return UserInfo(user.name, Role(user.role), user.created, user.disabled is not None)


def _token_info(row: ApiToken) -> TokenInfo:
    assert row.id is not None
    return TokenInfo(row.id, row.user_name, row.kind, row.name, row.created, row.expires,
                     row.revoked)


def hash_token(token: str) -> str:
    """As `service.api.tokens.hash_token` (the admin token file): SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def one_time_password() -> str:
    """A password to hand over once (20 characters, letters and digits)."""
    return secrets.token_urlsafe(15)


class AccountStore:
    """Users and tokens on one engine; every method is one transaction."""

    def __init__(self, engine: Engine, clock: Clock = lambda: datetime.now(UTC), *,
                 login_lifetime: timedelta = LOGIN_LIFETIME) -> None:
        self.engine = engine
        self.clock = clock
        self.login_lifetime = login_lifetime

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # -- users --------------------------------------------------------------------------

    def add_user(self, name: str, role: str) -> str:
        """Make an account; returns its one-time password (shown once, stored hashed)."""
        if not NAME.match(name):
            raise AccountError(f"{name!r} cannot be a user name: use letters, digits and "
                               ". _ @ - (at most 64), starting with a letter or digit")
        checked = _role(role)
        password = one_time_password()
        with storage_errors(self.engine.url), self._session() as session:
            if session.get(User, name) is not None:
                raise AccountError(f"a user named {name!r} exists already")
            session.add(User(name=name, role=checked.value, password_hash=hash_password(password),
                             created=self.clock()))
            session.commit()
        return password

    def users(self) -> list[UserInfo]:
        with storage_errors(self.engine.url), self._session() as session:
            return [_user_info(u) for u in session.exec(select(User).order_by(col(User.name)))]

    def user(self, name: str) -> UserInfo | None:
        with storage_errors(self.engine.url), self._session() as session:
            found = session.get(User, name)
            return None if found is None else _user_info(found)

    def update_user(self, name: str, *, role: str | None = None, disabled: bool | None = None,
                    new_password: bool = False) -> tuple[UserInfo, str | None]:
        """Change a role, disable or enable, or set a new one-time password (returned).
        Disabling revokes the user's tokens: a leaver's GUI is signed out at once."""
        password = one_time_password() if new_password else None
        now = self.clock()
        with storage_errors(self.engine.url), self._session() as session:
            user = session.get(User, name)
            if user is None:
                raise KeyError(name)
            if role is not None:
                user.role = _role(role).value
            if disabled is True and user.disabled is None:
                user.disabled = now
                self._revoke_all(session, name, now)
            elif disabled is False:
                user.disabled = None
            if password is not None:
                user.password_hash = hash_password(password)
                user.failed_logins, user.locked_until = 0, None
            session.add(user)
            session.commit()
            return _user_info(user), password

    def delete_user(self, name: str) -> None:
        with storage_errors(self.engine.url), self._session() as session:
            user = session.get(User, name)
            if user is None:
                raise KeyError(name)
            session.execute(sa.delete(ApiToken).where(col(ApiToken.user_name) == name))
            session.delete(user)
            session.commit()

    @staticmethod
    def _revoke_all(session: Session, name: str, now: datetime) -> None:
        session.execute(sa.update(ApiToken).where(col(ApiToken.user_name) == name,
                                                  col(ApiToken.revoked).is_(None))
                        .values(revoked=now))

    # -- signing in ---------------------------------------------------------------------

    def login(self, name: str, password: str) -> tuple[str, TokenInfo, UserInfo]:
        """A new login token for the right password; `LoginRefused` otherwise. The same
        sentence for an unknown name and a wrong password: it tells no-one who exists."""
        now = self.clock()
        wrong = LoginRefused("the user name or password is wrong", "wrong password")
        with storage_errors(self.engine.url), self._session() as session:
            user = session.get(User, name)
            if user is None:
                verify_password(password, _dummy_hash())  # the time a known name takes
                raise LoginRefused(wrong.sentence, "unknown user")
            if user.disabled is not None:
                raise LoginRefused("this account is disabled; ask an admin", "disabled",
                                   kind="disabled")
            if user.locked_until is not None and user.locked_until > now:
                wait = int((user.locked_until - now).total_seconds()) + 1
                raise LoginRefused(
                    f"too many wrong passwords: this account is locked for {wait // 60 + 1} "
                    f"more minute(s); try again later or ask an admin", "locked",
                    kind="locked", retry_after_s=wait)
            if not verify_password(password, user.password_hash):
                user.failed_logins += 1
                if user.failed_logins >= LOCKOUT_AFTER:
                    user.locked_until, user.failed_logins = now + LOCKOUT_FOR, 0
                    wrong.reason = f"wrong password; locked for {LOCKOUT_FOR}"
                session.add(user)
                session.commit()
                raise wrong
            user.failed_logins, user.locked_until = 0, None
            session.add(user)
            token, row = self._new_token(session, name, LOGIN, "login",
                                         now + self.login_lifetime)
            session.commit()
            return token, _token_info(row), _user_info(user)

    def _new_token(self, session: Session, user: str, kind: str, name: str,
                   expires: datetime | None) -> tuple[str, ApiToken]:
        token = secrets.token_urlsafe(32)
        row = ApiToken(sha256=hash_token(token), user_name=user, kind=kind, name=name,
                       created=self.clock(), expires=expires)
        session.add(row)
        session.flush()
        return token, row

    def authenticate(self, token: str) -> Principal | None:
        """The principal a presented token stands for, or None (unknown, expired, revoked,
        or its user disabled)."""
        now = self.clock()
        with storage_errors(self.engine.url), self._session() as session:
            found = session.exec(select(ApiToken, User).join(User).where(
                ApiToken.sha256 == hash_token(token))).first()
            if found is None:
                return None
            row, user = found
            if row.revoked is not None or user.disabled is not None:
                return None
            if row.expires is not None and row.expires <= now:
                return None
            return Principal(user.name, Role(user.role), row.id)

    # -- tokens -------------------------------------------------------------------------

    def add_personal_token(self, user: str, name: str,
                           expires: datetime | None = None) -> tuple[str, TokenInfo]:
        if not name.strip() or len(name) > 100:
            raise AccountError("give the token a name of 1 to 100 characters, e.g. "
                               "'monitoring script'")
        if expires is not None and expires <= self.clock():
            raise AccountError("the expiry is in the past")
        with storage_errors(self.engine.url), self._session() as session:
            token, row = self._new_token(session, user, PERSONAL, name.strip(), expires)
            session.commit()
            return token, _token_info(row)

    def tokens(self, user: str | None = None) -> list[TokenInfo]:
        """Tokens not revoked and not expired; one user's, or everyone's (None)."""
        now = self.clock()
        query = select(ApiToken).where(col(ApiToken.revoked).is_(None))
        if user is not None:
            query = query.where(ApiToken.user_name == user)
        with storage_errors(self.engine.url), self._session() as session:
            return [_token_info(row) for row in session.exec(query.order_by(col(ApiToken.id)))
                    if row.expires is None or row.expires > now]

    def revoke(self, token_id: int, *, owner: str | None) -> bool:
        """Revoke one token; ``owner`` None may revoke anyone's (an admin). False: no such
        token of that owner."""
        with storage_errors(self.engine.url), self._session() as session:
            row = session.get(ApiToken, token_id)
            if row is None or (owner is not None and row.user_name != owner) \
                    or row.revoked is not None:
                return False
            row.revoked = self.clock()
            session.add(row)
            session.commit()
            return True


@functools.cache
def _dummy_hash() -> str:
    return hash_password("not anyone's password: only spends the time a check takes")


class Accounts:
    """`AccountStore` for the event loop (its calls in a worker thread), with where
    refusals are recorded: the audit trail and the poles' security events."""

    def __init__(self, store: AccountStore, repository: AsyncRepository | None = None,
                 security_events: SecurityEvents | None = None) -> None:
        self.store = store
        self.repository = repository
        self.security_events = security_events

    async def run(self, method: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        return await asyncio.to_thread(method, *args, **kwargs)

    async def authenticate(self, token: str) -> Principal | None:
        return await asyncio.to_thread(self.store.authenticate, token)
