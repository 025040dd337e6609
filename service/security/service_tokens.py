"""The service's side of service tokens (issue 17, eis 69): the signing key, issuing,
keeping poles' ``ServiceTokenKeys`` right and telling them of revocations.

The signing key is an Ed25519 private key in ``service-token-key.pem`` beside the API
token file (the service's config directory), created on first start with mode 0600 and
never logged: whoever reads it can sign tokens for every pole, so it is protected like
the API token hashes next to it, and a service process started by another user cannot
read it. Keeping it in a file (not in the database) means a database backup holds no
signing secret; several service processes on one host share the file.

Provisioning runs after a pole's boot, in a background task so the boot is never held
up, and only changes ``ServiceTokenKeys`` when the pole's value differs.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pole_link.errors import PoleLinkError
from pole_link.protocol.vendor import VENDOR_ID, VendorMessage
from pole_link.service_tokens import MAX_LIFETIME_S, Claims, issue, public_key_text
from service.ocpp.link_loss import pole_call_failed
from service.security.private_file import create_once
from service.storage.service_token_store import AsyncServiceTokenRepository, ServiceTokenRow

LOGGER = logging.getLogger(__name__)

KEY_FILE_NAME = "service-token-key.pem"
SERVICE_TOKEN_KEYS = "ServiceTokenKeys"
CALL_TIMEOUT_S = 30.0


class Caller(Protocol):
    async def call_action(self, action: str, payload: dict[str, Any], *,
                          timeout: float | None = None) -> dict[str, Any]: ...


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """The service's signing key from ``path``, made (0600) on first start."""
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        key = Ed25519PrivateKey.generate()
        create_once(path, key.private_bytes(serialization.Encoding.PEM,
                                            serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()))
        return load_or_create_key(path)  # another process's, if it was first
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} holds no Ed25519 private key")
    return key


@dataclass(frozen=True)
class IssuedToken:
    token: str
    claims: Claims


class ServiceTokenIssuer:
    """Issues tokens under the service's name and keeps connected poles in step."""

    def __init__(self, key: Ed25519PrivateKey, repository: AsyncServiceTokenRepository,
                 clock: Callable[[], datetime], issuer_name: str = "paalwerk") -> None:
        self.key = key
        self.repository = repository
        self.clock = clock
        self.issuer_name = issuer_name

    @property
    def keys_value(self) -> str:
        """What every pole's ``ServiceTokenKeys`` should hold."""
        return public_key_text(self.key.public_key())

    async def issue(self, subject: str, role: str, poles: list[str], hours: float
                    ) -> IssuedToken:
        """A new token, its claims stored (never the token text) for listing and revoking."""
        now = int(self.clock().timestamp())
        lifetime = min(int(hours * 3600), MAX_LIFETIME_S)
        claims = Claims(iss=self.issuer_name, sub=subject, role=role, poles=tuple(poles),
                        iat=now, exp=now + lifetime, jti=secrets.token_urlsafe(12))
        await self.repository.add(ServiceTokenRow(
            jti=claims.jti, subject=subject, role=role, poles=json.dumps(list(poles)),
            issued_at=self.clock(), expires_at=claims.expires))
        return IssuedToken(issue(self.key, claims), claims)

    async def provision(self, pole_id: str, connection: Caller) -> str:
        """Set the pole's ``ServiceTokenKeys`` when it differs, then repeat the revocations
        that cover it; returns what happened to the keys (``Unchanged``, ``Accepted``, …)."""
        wanted = self.keys_value
        answer = await connection.call_action(
            "GetConfiguration", {"key": [SERVICE_TOKEN_KEYS]}, timeout=CALL_TIMEOUT_S)
        current = next((entry.get("value") for entry in answer.get("configurationKey") or []
                        if entry.get("key") == SERVICE_TOKEN_KEYS), None)
        outcome = "Unchanged"
        if current != wanted:
            result = await connection.call_action(
                "ChangeConfiguration", {"key": SERVICE_TOKEN_KEYS, "value": wanted},
                timeout=CALL_TIMEOUT_S)
            outcome = str(result.get("status"))
        revoked = await self.repository.revoked_for(pole_id, self.clock())
        if revoked:
            await send_revocations(connection, list(revoked))
        return outcome

    async def provision_logged(self, pole_id: str, connection: Caller) -> None:
        """`provision` after a boot, its outcome logged: a pole that could not be reached
        is a log line, not an error (its next boot tries again)."""
        try:
            outcome = await self.provision(pole_id, connection)
        except PoleLinkError as exc:
            pole_call_failed(LOGGER, pole_id, "service token keys not provisioned", exc,
                             boot=connection)
            return
        LOGGER.info("%s: ServiceTokenKeys %s", pole_id, outcome)

    async def revoke(self, jti: str, by: str, connections: Iterable[tuple[str, Caller]]
                     ) -> tuple[ServiceTokenRow | None, dict[str, str]]:
        """Remember the revocation, then tell every given connected pole the token covers:
        ``(row, {pole id: outcome})``; poles not reached hear it at their next boot."""
        row = await self.repository.revoke(jti, by, self.clock())
        if row is None:
            return None, {}
        outcomes: dict[str, str] = {}
        for pole_id, connection in connections:
            if not row.covers(pole_id):
                continue
            try:
                outcomes[pole_id] = await send_revocations(connection, [jti])
            except PoleLinkError as exc:
                outcomes[pole_id] = f"not reached: {exc}"
        return row, outcomes


async def send_revocations(connection: Caller, jtis: list[str]) -> str:
    """``DataTransfer RevokeServiceTokens {jtis}``: the data's status, or the transfer's."""
    result = await connection.call_action("DataTransfer", {
        "vendorId": VENDOR_ID, "messageId": VendorMessage.REVOKE_SERVICE_TOKENS.value,
        "data": json.dumps({"jtis": jtis})}, timeout=CALL_TIMEOUT_S)
    status = str(result.get("status"))
    if status == "Accepted":
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            status = str(json.loads(result.get("data") or "{}").get("status", status))
    return status
