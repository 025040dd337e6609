"""Giving a connected pole a new password (``AuthorizationKey``) or a higher profile.

The order protects against locking a pole out: the new key's hash is stored as *pending*
before the ChangeConfiguration goes out, and becomes the password only once the pole
answers Accepted (or logs in with it, `Gate`). Until then the old password still works;
a refusal or no answer drops the pending key, and the old one stays in force. The
bookkeeping sits in the pole's connection handler (`KeyTracker`), so it holds for every
route that sends such a change.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Protocol

from pole_link.errors import PoleLinkError
from service.security.passwords import hash_password
from service.security.store import CredentialStore


class Commandable(Protocol):
    async def call_action(self, action: str, payload: dict[str, Any], *,
                          timeout: float | None = None) -> dict[str, Any]: ...


class ChangeRefused(Exception):
    """The pole did not take the change; the message says what it answered."""


CALL_TIMEOUT_S = 30.0


async def change_configuration(connection: Commandable, key: str, value: str,
                               timeout: float = CALL_TIMEOUT_S) -> None:
    """ChangeConfiguration, or `ChangeRefused` unless the pole Accepted it."""
    try:
        result = await connection.call_action("ChangeConfiguration",
                                              {"key": key, "value": value}, timeout=timeout)
    except (PoleLinkError, TimeoutError) as exc:
        raise ChangeRefused(f"ChangeConfiguration {key} failed: {exc}") from None
    status = result.get("status")
    if status != "Accepted":
        raise ChangeRefused(f"the pole answered ChangeConfiguration {key} with {status}")


class KeyTracker:
    """Keeps the register in step with the credential changes sent to poles.

    Used by the pole's connection handler for every ChangeConfiguration it sends, so the
    rule holds whichever route asked: the new key is pending before the call, the
    password once the pole answered Accepted, dropped otherwise; a SecurityProfile the
    pole accepted is stored (never lower than the stored one). Poles outside the register
    are left alone (profile 0, nothing to keep).
    """

    def __init__(self, store: CredentialStore, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock

    @staticmethod
    def concerns(action: str, payload: dict[str, Any]) -> bool:
        return action == "ChangeConfiguration" and str(payload.get("key", "")).lower() in (
            "authorizationkey", "securityprofile")

    async def tracked(self, pole_id: str, payload: dict[str, Any],
                      send: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
        if await self.store.aget(pole_id) is None:
            return await send()
        value = str(payload.get("value", ""))
        if str(payload.get("key", "")).lower() == "securityprofile":
            result = await send()
            if result.get("status") == "Accepted" and value.isdigit():
                await asyncio.to_thread(self.store.raise_profile, pole_id, int(value),
                                        self.clock())
            return result
        pending = await asyncio.to_thread(hash_password, value)
        await asyncio.to_thread(self.store.set_pending, pole_id, pending, self.clock())
        accepted = False
        try:
            result = await send()
            accepted = result.get("status") == "Accepted"
            return result
        finally:
            if accepted:
                await asyncio.to_thread(self.store.confirm_pending, pole_id, pending,
                                        self.clock())
            else:
                current = await self.store.aget(pole_id)
                if current is not None and current.pending_hash == pending:
                    await asyncio.to_thread(self.store.set_pending, pole_id, None,
                                            self.clock())
