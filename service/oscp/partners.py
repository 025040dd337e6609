"""The Capacity Providers we talk OSCP with, and who a request's token says is asking.

A partner's token for us is kept only as a SHA-256 digest (tokens are random, 256 bits:
no salt or slow hash needed) and compared in constant time. The token we must send to the
partner cannot be hashed; it is held in memory only, never logged, never in a repr.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

LOGGER = logging.getLogger(__name__)


class PartnerState(StrEnum):
    NEW = "new"
    """Created by an operator, holding the initial token; not registered yet."""
    REGISTERED = "registered"
    HANDSHAKEN = "handshaken"
    ONLINE = "online"
    OFFLINE = "offline"
    """Its heartbeats stopped: its forecasts run out at their end, fallbacks apply."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass
class Partner:
    """One Capacity Provider. ``their_token`` is what we send them (``repr=False``)."""

    partner_id: str
    name: str
    token_digest: str
    base_url: str | None = None
    their_token: str | None = field(default=None, repr=False)
    state: PartnerState = PartnerState.NEW
    heartbeat_interval_s: int | None = None
    """How often *they* want our heartbeat (their required behaviour); None: never."""
    last_heartbeat: datetime | None = None
    offline_mode_at: datetime | None = None
    last_sent_heartbeat: datetime | None = None


@dataclass(frozen=True)
class Refusal:
    """A request we refused, for the operator: when, from where, why — never the token."""

    at: datetime
    path: str
    client: str
    reason: str


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class Partners:
    """Every partner, by id; who a token belongs to; the refusals, newest last (bounded)."""

    MAX_REFUSALS = 1000

    def __init__(self) -> None:
        self.by_id: dict[str, Partner] = {}
        self.refusals: list[Refusal] = []

    def add(self, partner_id: str, name: str) -> tuple[Partner, str]:
        """A new partner and the initial token it registers with (shown once)."""
        if partner_id in self.by_id:
            raise ValueError(f"a capacity provider with id {partner_id!r} exists already")
        token = new_token()
        partner = Partner(partner_id, name, digest(token))
        self.by_id[partner_id] = partner
        return partner, token

    def remove(self, partner_id: str) -> bool:
        return self.by_id.pop(partner_id, None) is not None

    def identify(self, authorization: str | None) -> Partner:
        """The partner whose token the ``Authorization: Token …`` header carries."""
        if not authorization:
            raise Refused(401, "no Authorization header: OSCP asks 'Authorization: Token …'")
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "token" or not token.strip():
            raise Refused(401, "the Authorization header is not 'Token …'")
        wanted = digest(token.strip())
        for partner in self.by_id.values():
            if hmac.compare_digest(partner.token_digest, wanted):
                return partner
        raise Refused(401, "unknown or replaced token")

    def refused(self, refusal: Refusal) -> None:
        LOGGER.warning("OSCP request to %s from %s refused: %s", refusal.path, refusal.client,
                       refusal.reason)
        self.refusals.append(refusal)
        del self.refusals[:-self.MAX_REFUSALS]
