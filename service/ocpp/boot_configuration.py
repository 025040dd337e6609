"""One GetConfiguration per boot, shared by everything that checks a pole's settings then.

After each accepted boot three parts of the service each read a key of the pole's
configuration before deciding whether to change it: the grid limit
(``GridConnectionMaxCurrent``, eis 33), the capacity profile's verification (the same key,
eis 24) and the service-token keys (``ServiceTokenKeys``, eis 69). Asked separately that
was three GetConfiguration calls per pole — in a reconnect storm thousands of needless
round trips through the pace of the service's own calls (`service.ocpp.call_budget`).

`SharedConfiguration` stands between those parts and the pole's connection: the first
GetConfiguration for any of its keys asks the pole for all of them at once, the others are
answered from that one answer, and a ChangeConfiguration the pole Accepted updates it, so
a later reader sees what the pole now holds. Every other call passes through unchanged. It
lives for one boot only: the next boot reads again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any, Protocol

__all__ = ["SharedConfiguration"]


class Caller(Protocol):
    async def call_action(self, action: str, payload: dict[str, Any], *,
                          timeout: float | None = None) -> dict[str, Any]: ...


class SharedConfiguration:
    """A pole's connection whose GetConfiguration of `keys` is asked once, for all of them."""

    def __init__(self, caller: Caller, keys: Iterable[str]) -> None:
        self.caller = caller
        self.keys = tuple(dict.fromkeys(keys))
        self._read: asyncio.Future[dict[str, dict[str, Any]]] | None = None
        self.reads = 0
        """GetConfiguration calls actually sent (for tests and diagnosis)."""

    async def call_action(self, action: str, payload: dict[str, Any], *,
                          timeout: float | None = None) -> dict[str, Any]:
        asked = payload.get("key") if action == "GetConfiguration" else None
        if isinstance(asked, list) and asked and all(key in self.keys for key in asked):
            known = await self._configuration(timeout)
            return {"configurationKey": [dict(known[key]) for key in asked if key in known],
                    "unknownKey": [key for key in asked if key not in known]}
        answer = await self.caller.call_action(action, payload, timeout=timeout)
        if action == "ChangeConfiguration" and answer.get("status") == "Accepted":
            self._changed(str(payload.get("key")), str(payload.get("value")))
        return answer

    async def _configuration(self, timeout: float | None) -> dict[str, dict[str, Any]]:
        """The pole's entries for `keys`, asked on first use; a failed read is not kept,
        so the next reader asks again (each reader sees the failure it would have seen)."""
        if self._read is None:
            self._read = asyncio.get_running_loop().create_future()
            try:
                self.reads += 1
                answer = await self.caller.call_action(
                    "GetConfiguration", {"key": list(self.keys)}, timeout=timeout)
            except BaseException as exc:
                read, self._read = self._read, None
                if isinstance(exc, asyncio.CancelledError):
                    read.cancel()
                else:
                    read.set_exception(exc)
                    read.exception()  # retrieved: unlogged if nobody else waited for it
                raise
            entries = {str(entry.get("key")): entry
                       for entry in answer.get("configurationKey") or []
                       if isinstance(entry, dict) and entry.get("key") in self.keys}
            self._read.set_result(entries)
            return entries
        return await asyncio.shield(self._read)

    def _changed(self, key: str, value: str) -> None:
        if key not in self.keys or self._read is None or not self._read.done() \
                or self._read.exception() is not None:
            return
        entries = self._read.result()
        entry = dict(entries.get(key) or {"key": key, "readonly": False})
        entry["value"] = value
        entries[key] = entry
