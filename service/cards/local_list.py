"""The register sent to a pole as its OCPP 1.6 local authorisation list (SendLocalList).

Per pole the service keeps the list version the pole holds and the register revision
that list reflects, so a differential update carries exactly the cards changed since —
deleted cards as entries without ``idTagInfo``, which removes them. A differential is only
sent when the pole still holds the version we last gave it (GetLocalListVersion);
otherwise, or when the pole answers Failed/VersionMismatch, the full list goes instead,
as OCPP 1.6 advises. A list longer than the pole's ``SendLocalListMaxLength`` goes in
several messages (a Full with the first part, then differentials), each version higher
than the last.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pole_link.timeutil import format_time
from service.storage.id_tag_models import IdTagRow
from service.storage.id_tags import AsyncIdTagRepository

UpdateType = Literal["Full", "Differential"]
Call = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]
"""One OCPP call to the pole (action, payload) → its result payload."""
INCOMPLETE = -1
"""The revision stored while a list sent in parts is not complete on the pole."""


def entry(row: IdTagRow) -> dict[str, Any]:
    """One ``AuthorizationData``: a deleted card has no ``idTagInfo`` (removal). The
    expiry date goes as stored: the pole judges it on its own clock while offline."""
    if row.deleted:
        return {"idTag": row.id_tag}
    info: dict[str, Any] = {"status": row.status}
    if row.expiry_date is not None:
        info["expiryDate"] = format_time(row.expiry_date)
    if row.parent_id_tag:
        info["parentIdTag"] = row.parent_id_tag
    return {"idTag": row.id_tag, "idTagInfo": info}


@dataclass
class LocalListOutcome:
    """What happened, for the operator."""

    status: str
    """The pole's last answer (``Accepted``, ``Failed``, ``NotSupported``,
    ``VersionMismatch``), or ``UpToDate`` when nothing needed sending."""
    update_type: UpdateType
    list_version: int
    """The version the pole holds now, as far as this service knows."""
    entries: int = 0
    messages: int = 0
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "updateType": self.update_type,
                "listVersion": self.list_version, "entries": self.entries,
                "messages": self.messages, "notes": self.notes}


async def _max_length(call: Call) -> int | None:
    """The pole's ``SendLocalListMaxLength`` (None: it does not say)."""
    answer = await call("GetConfiguration", {"key": ["SendLocalListMaxLength"]})
    for item in answer.get("configurationKey") or ():
        if item.get("key") == "SendLocalListMaxLength":
            try:
                return max(1, int(item.get("value")))
            except (TypeError, ValueError):
                return None
    return None


def _parts(entries: Sequence[dict[str, Any]], size: int | None) -> list[list[dict[str, Any]]]:
    if not entries:
        return [[]]
    size = size or len(entries)
    return [list(entries[start:start + size]) for start in range(0, len(entries), size)]


class LocalListSender:
    """Sends the register to one pole at a time and remembers what each pole holds."""

    def __init__(self, register: AsyncIdTagRepository, clock: Callable[[], datetime]) -> None:
        self.register = register
        self.clock = clock
        self._busy: dict[str, asyncio.Lock] = {}
        """One update at a time per pole: an operator's and an automatic one (issue 16,
        `service.cards.auto_push`) interleaved would each think the other's version is
        someone else's list, and fall back to sending it in full."""

    @staticmethod
    async def pole_version(call: Call) -> int:
        """The pole's own list version (0: empty, -1: no local list support)."""
        answer = await call("GetLocalListVersion", {})
        return int(answer["listVersion"])

    async def send(self, pole_id: str, call: Call, update_type: UpdateType
                   ) -> LocalListOutcome:
        lock = self._busy.setdefault(pole_id, asyncio.Lock())
        try:
            async with lock:
                return await self._send(pole_id, call, update_type)
        finally:
            if not lock.locked() and self._busy.get(pole_id) is lock:
                del self._busy[pole_id]  # no lock per pole kept for ever

    async def _send(self, pole_id: str, call: Call, update_type: UpdateType
                    ) -> LocalListOutcome:
        revision = await self.register.revision()
        held = await self.register.local_list(pole_id)
        on_pole = await self.pole_version(call)
        if on_pole < 0:
            return LocalListOutcome("NotSupported", update_type, on_pole,
                                    notes=["the pole has no local authorisation list"])
        notes: list[str] = []
        if update_type == "Differential":
            if held is None:
                notes.append("this service never sent the pole a list: sending it in full")
            elif on_pole != held.version:
                notes.append(f"the pole holds list version {on_pole}, not {held.version} as "
                             "last sent: sending it in full")
            elif held.revision == INCOMPLETE:
                notes.append("the last list sent was not completed: sending it in full")
            elif held.revision == revision:
                return LocalListOutcome("UpToDate", "Differential", on_pole,
                                        notes=["the pole's list is up to date"])
            else:
                rows = await self.register.changed_since(held.revision)
                outcome = await self._send_parts(pole_id, call, "Differential",
                                                 [entry(row) for row in rows],
                                                 on_pole + 1, revision)
                if outcome.status not in ("Failed", "VersionMismatch"):
                    return outcome
                notes.append(f"the pole answered {outcome.status} to the differential "
                             "update: sending the list in full")
                on_pole = outcome.list_version
        entries = [entry(row) for row in await self.register.every()]
        full = await self._send_parts(pole_id, call, "Full", entries, max(on_pole, 0) + 1,
                                      revision)
        full.notes[:0] = notes
        return full

    async def _send_parts(self, pole_id: str, call: Call, update_type: UpdateType,
                          entries: list[dict[str, Any]], version: int, revision: int
                          ) -> LocalListOutcome:
        """``entries`` from ``version`` on, in as many messages as the pole needs."""
        parts = _parts(entries, await _max_length(call))
        outcome = LocalListOutcome("Accepted", update_type, version - 1)
        for index, part in enumerate(parts):
            kind: UpdateType = update_type if index == 0 else "Differential"
            payload: dict[str, Any] = {"listVersion": version + index, "updateType": kind,
                                       "localAuthorizationList": part}
            answer = await call("SendLocalList", payload)
            outcome.messages += 1
            outcome.status = str(answer.get("status"))
            if outcome.status != "Accepted":
                return outcome
            outcome.list_version = version + index
            outcome.entries += len(part)
            last = index == len(parts) - 1
            await self.register.local_list_sent(pole_id, version + index,
                                                revision if last else INCOMPLETE, kind,
                                                len(part), self.clock())
        return outcome
