"""One-time upload slots: how a pole may upload diagnostics without a bearer token.

OCPP 1.6 gives a pole only a ``location`` URL for GetDiagnostics, so the URL itself
must carry the permission. Each request opens a slot with a random token that names
one pole, expires (an hour by default), and accepts one file — the pole may retry that
same file after a broken upload, but cannot use the token to drop anything else.
Slots live in memory: a service restart simply means the operator asks again. With several
service processes each change is told to the others (``share``, `adopt`), since the pole's
upload may reach any of them.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from service.files.store import FileStoreError

SLOT_LIFETIME = timedelta(hours=1)


@dataclass
class UploadSlot:
    pole_id: str
    token: str
    expires: datetime
    file_name: str | None = None
    """The one file this slot takes; bound by the first upload."""


def _now() -> datetime:
    return datetime.now(UTC)


class UploadSlots:
    """The open slots of this service process, by token."""

    def __init__(self, lifetime: timedelta = SLOT_LIFETIME,
                 clock: Callable[[], datetime] = _now,
                 share: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.lifetime = lifetime
        self._clock = clock
        self._slots: dict[str, UploadSlot] = {}
        self.share = share
        """With several processes (`service.cluster`): tells the others of a change."""

    def open(self, pole_id: str, lifetime: timedelta | None = None) -> UploadSlot:
        self._prune()
        slot = UploadSlot(pole_id, secrets.token_urlsafe(24),
                          self._clock() + (self.lifetime if lifetime is None else lifetime))
        self._slots[slot.token] = slot
        self._share(slot)
        return slot

    def close(self, token: str) -> None:
        slot = self._slots.pop(token, None)
        if slot is not None and self.share is not None:
            self.share({"token": token, "closed": True})

    def _share(self, slot: UploadSlot) -> None:
        if self.share is not None:
            self.share({"pole": slot.pole_id, "token": slot.token,
                        "expires": slot.expires.isoformat(), "fileName": slot.file_name})

    def adopt(self, data: dict[str, Any]) -> None:
        """A change another process made (the data ``share`` gets)."""
        token = str(data["token"])
        if data.get("closed"):
            self._slots.pop(token, None)
            return
        self._slots[token] = UploadSlot(str(data["pole"]), token,
                                        datetime.fromisoformat(str(data["expires"])),
                                        data.get("fileName"))

    def claim(self, pole_id: str, token: str, file_name: str) -> UploadSlot:
        """The slot for this upload, or 403 saying why it may not go ahead."""
        slot = self._slots.get(token)
        if slot is None or slot.pole_id != pole_id:
            raise FileStoreError(403, "Forbidden", "this upload location is not valid: ask "
                                 "for diagnostics again to get a new one")
        if slot.expires <= self._clock():
            self.close(token)
            raise FileStoreError(403, "Forbidden", "this upload location has expired: ask "
                                 "for diagnostics again to get a new one")
        if slot.file_name is not None and slot.file_name != file_name:
            raise FileStoreError(403, "Forbidden",
                                 f"this upload location already took {slot.file_name!r} "
                                 "and accepts no other file")
        if slot.file_name is None:
            slot.file_name = file_name
            self._share(slot)
        return slot

    def _prune(self) -> None:
        now = self._clock()
        for token in [token for token, slot in self._slots.items() if slot.expires <= now]:
            del self._slots[token]
