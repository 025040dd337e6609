"""Who may open ``/ocpp/{pole_id}``: the security profile's checks, before the upgrade.

A refused client gets a plain HTTP answer (401 with a Basic challenge, or 403) and never
a WebSocket, so it cannot send a single OCPP message as the pole (issue 16: an impostor
once booted as a live pole and took its commands). Each refusal is a security event.

Password checks cost a slow KDF (`service.security.passwords`); after an outage thousands
of poles reconnect at once, so a password verified once is remembered for this process as
an HMAC under a key that exists only in memory, valid while the stored hash is unchanged,
and at most `KDF_AT_ONCE` checks run at a time (wrong passwords cannot eat every core).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from service.security.events import SecurityEvent, SecurityEvents
from service.security.models import PoleCredentials
from service.security.passwords import verify_password
from service.security.store import CredentialStore
from service.security.tls import client_common_name

KDF_AT_ONCE = 2
BASIC_CHALLENGE = {"WWW-Authenticate": 'Basic realm="Paalwerk OCPP", charset="UTF-8"'}


@dataclass(frozen=True)
class Admission:
    """The verdict on one connection attempt."""

    status: int | None
    """None: admitted; else the HTTP status of the refusal."""
    reason: str = ""
    authenticated: bool = False
    """The client proved it is the pole (password or certificate), so it may replace a
    live connection of the same pole (a rebooted pole); an unauthenticated one may not."""
    headers: Mapping[str, str] | None = None

    @property
    def admitted(self) -> bool:
        return self.status is None


@dataclass(frozen=True)
class Attempt:
    """What the handshake told about the client (from the ASGI scope)."""

    pole_id: str
    secure: bool
    """Arrived over TLS (``wss://``)."""
    authorization: str | None
    client_cert_name: str | None
    """The verified client certificate's common name (CN), if one was presented."""
    peer: str

    @classmethod
    def from_scope(cls, pole_id: str, scope: Mapping[str, Any]) -> Attempt:
        headers = {key.decode("latin-1").lower(): value.decode("latin-1")
                   for key, value in scope.get("headers", [])}
        tls = (scope.get("extensions") or {}).get("tls") or {}
        client = scope.get("client") or ("?", 0)
        return cls(pole_id, scope.get("scheme") == "wss", headers.get("authorization"),
                   client_common_name(tls), f"{client[0]}:{client[1]}")


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(user, password) of an ``Authorization: Basic`` header; None if absent or unreadable."""
    if header is None:
        return None
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, colon, password = decoded.partition(":")
    return (user, password) if colon else None


class Gate:
    """Admits or refuses connection attempts by the pole's registered credentials."""

    def __init__(self, store: CredentialStore, events: SecurityEvents,
                 clock: Callable[[], datetime]) -> None:
        self.store = store
        self.events = events
        self.clock = clock
        self._memory_key = secrets.token_bytes(32)
        self._verified: dict[str, tuple[str, bytes]] = {}
        self._kdf = asyncio.Semaphore(KDF_AT_ONCE)

    async def admit(self, attempt: Attempt) -> Admission:
        credentials = await self.store.aget(attempt.pole_id)
        if credentials is None:
            return Admission(None)  # unregistered: profile 0, registration rules apply
        if credentials.decommissioned_at is not None:
            return await self._refuse(attempt, 403, SecurityEvent.DECOMMISSIONED,
                                      "this pole is decommissioned")
        profile = credentials.security_profile
        if profile >= 2 and not attempt.secure:
            return await self._refuse(attempt, 403, SecurityEvent.TLS_REQUIRED,
                                      f"security profile {profile} needs TLS: connect with "
                                      f"wss://")
        if profile == 3:
            return await self._certificate(attempt)
        presented = basic_credentials(attempt.authorization)
        if presented is None:
            if profile == 0:
                return Admission(None)
            return await self._refuse(attempt, 401, SecurityEvent.CREDENTIALS_MISSING,
                                      f"security profile {profile}: HTTP Basic credentials "
                                      f"(user = pole id, password = AuthorizationKey) needed",
                                      BASIC_CHALLENGE)
        user, password = presented
        if user == attempt.pole_id and await self._password_matches(credentials, password):
            return Admission(None, authenticated=True)
        if profile == 0 and credentials.password_hash is None:
            return Admission(None)  # nothing to check against: as without credentials
        return await self._refuse(attempt, 401, SecurityEvent.CREDENTIALS_WRONG,
                                  "the user name or password is wrong", BASIC_CHALLENGE)

    async def _certificate(self, attempt: Attempt) -> Admission:
        name = attempt.client_cert_name
        if name is None:
            return await self._refuse(attempt, 403, SecurityEvent.CERTIFICATE_REFUSED,
                                      "security profile 3 needs a client certificate issued "
                                      "by this service's CA")
        if name != attempt.pole_id:
            return await self._refuse(attempt, 403, SecurityEvent.CERTIFICATE_REFUSED,
                                      f"the client certificate names {name!r}, not this pole")
        return Admission(None, authenticated=True)

    async def _password_matches(self, credentials: PoleCredentials, password: str) -> bool:
        pole_id = credentials.pole_id
        mark = hmac.new(self._memory_key, password.encode("utf-8"), hashlib.sha256).digest()
        for stored in (credentials.password_hash, credentials.pending_hash):
            if stored is None:
                continue
            remembered = self._verified.get(pole_id)
            if remembered is not None and remembered[0] == stored and hmac.compare_digest(
                    remembered[1], mark):
                matched = True
            else:
                async with self._kdf:
                    matched = await asyncio.to_thread(verify_password, password, stored)
            if matched:
                self._verified[pole_id] = (stored, mark)
                if stored == credentials.pending_hash:
                    # The pole logs in with the key it was sent: it has it, whatever became
                    # of the ChangeConfiguration answer.
                    await asyncio.to_thread(self.store.confirm_pending, pole_id, stored,
                                            self.clock())
                return True
        return False

    async def _refuse(self, attempt: Attempt, status: int, kind: SecurityEvent, reason: str,
                      headers: Mapping[str, str] | None = None) -> Admission:
        await self.events.record(attempt.pole_id, kind, f"{reason} (from {attempt.peer})",
                                 self.clock())
        return Admission(status, reason, headers=headers)
