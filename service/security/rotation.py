"""Giving a connected pole a new password (``AuthorizationKey``) or a higher profile.

The order protects against locking a pole out: the new key's hash is stored as *pending*
before the ChangeConfiguration goes out, and becomes the password only once the pole
answers Accepted (or logs in with it, `Gate`). Until then the old password still works;
a refusal or no answer drops the pending key, and the old one stays in force.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
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


async def send_new_key(connection: Commandable, store: CredentialStore, pole_id: str,
                       key: str, clock: Callable[[], datetime],
                       timeout: float = CALL_TIMEOUT_S) -> None:
    """Send ``key`` as the pole's AuthorizationKey; store it once the pole accepted it."""
    pending = await asyncio.to_thread(hash_password, key)
    await asyncio.to_thread(store.set_pending, pole_id, pending, clock())
    try:
        await change_configuration(connection, "AuthorizationKey", key, timeout)
    except ChangeRefused:
        current = await store.aget(pole_id)
        if current is not None and current.pending_hash == pending:
            await asyncio.to_thread(store.set_pending, pole_id, None, clock())
        raise
    await asyncio.to_thread(store.confirm_pending, pole_id, pending, clock())
