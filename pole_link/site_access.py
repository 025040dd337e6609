"""Opening a pole's service port for writing with the right credential (issue 17, eis 69).

One rule for the GUI and the command line: a pole that has ``ServiceTokenKeys`` (a free
read) gets the wallet's token for its id; a factory-fresh pole, which has none, gets its
commissioning PIN. A pole with keys and no fitting token gets no ``Auth`` at all, so a
laptop reconnecting again and again never walks the pole into its lockout. A refusal
is an answer, not an error: the session stays open read-only and says why.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime

from pole_link.errors import NotAuthorised
from pole_link.session import PoleSession
from pole_link.token_wallet import TokenWallet

LOGGER = logging.getLogger(__name__)

COMMISSIONING_PIN = "demo"
"""Every virtual pole's PIN (PROTOCOL.md); a real pole's comes with its papers."""
SERVICE_TOKEN_KEYS = "ServiceTokenKeys"
NO_TOKEN = "NoToken"


@dataclass(frozen=True)
class PoleAccess:
    """What ``Auth`` gave: writable or not, the pole's reason, and until when."""

    pole_id: str
    writable: bool
    reason: str | None = None
    """PROTOCOL.md's reject reason, or `NO_TOKEN`; None when writable."""
    role: str | None = None
    expires: datetime | None = None
    """The token's expiry; None with the PIN or through the service."""
    via_service: bool = False


async def pole_has_keys(session: PoleSession) -> bool:
    """Whether the pole checks service tokens (``ServiceTokenKeys`` set); a pole that does
    not know the key is treated as one that does (the PIN is then its own business)."""
    configuration = await session.get_configuration([SERVICE_TOKEN_KEYS])
    entry = configuration.entries.get(SERVICE_TOKEN_KEYS)
    return entry is None or bool(entry.value)


async def open_for_writing(session: PoleSession, pole_id: str, wallet: TokenWallet | None,
                           *, token: str | None = None, via_service: bool = False
                           ) -> PoleAccess:
    """``Auth`` with ``token`` if given, else the wallet's token or the PIN (see above);
    a link that can never write (a replay) is read only with its own reason, unasked."""
    if session.link.read_only_reason is not None:
        return PoleAccess(pole_id, False, session.link.read_only_reason)
    if via_service:  # the operator's API token already authorises (csms transport)
        grant = await session.authenticate(token or COMMISSIONING_PIN)
        return PoleAccess(pole_id, True, role=grant.role, via_service=True)
    pin = False
    if token is None:
        if await pole_has_keys(session):
            entry = await asyncio.to_thread(wallet.token_for, pole_id) if wallet else None
            if entry is None:
                return PoleAccess(pole_id, False, NO_TOKEN)
            token = entry.token
        else:
            token, pin = COMMISSIONING_PIN, True
    try:
        grant = await session.authenticate(token)
    except NotAuthorised as exc:
        reason = str((exc.details or {}).get("reason") or "") or NO_TOKEN
        LOGGER.info("%s: read only (%s)", pole_id, reason)
        return PoleAccess(pole_id, False, reason)
    return PoleAccess(pole_id, True, role=grant.role, expires=None if pin else grant.expires)
