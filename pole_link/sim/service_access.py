"""Who may write on the virtual pole's service port (PROTOCOL.md "Service tokens", eis 69).

The pole's half of service tokens: the ``ServiceTokenKeys`` configuration key (set by
the CSMS over OCPP), the revoked token ids (``RevokeServiceTokens``), and the lockout
after repeated rejected ``Auth``. Kept apart from the configuration store, like
`PoleSecurity`, because none of it behaves like an ordinary key: a malformed key list
must be refused whole, and a pole keeps revoked ids and its lockout by its own clock.
All times are the pole's clock, so a simulated day can run in seconds.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ocpp.v16.enums import ConfigurationStatus

from pole_link.service_tokens import (
    CLOCK_SKEW_S,
    MAX_LIFETIME_S,
    Accepted,
    Rejected,
    RejectReason,
    Verdict,
    parse_keys,
    verify,
)

SERVICE_TOKEN_KEYS = "ServiceTokenKeys"
COMMISSIONING_PIN = "demo"
"""Every virtual pole's commissioning PIN (PROTOCOL.md), accepted only while it has no keys."""
PIN_LIFETIME = timedelta(hours=12)
"""How long an ``Auth`` with the PIN lasts on a factory-fresh pole: a working day on site."""
LOCKOUT_AFTER = 5
LOCKOUT_WINDOW = timedelta(minutes=10)
LOCKOUT_FOR = timedelta(minutes=5)
INVALID_SERVICE_TOKEN = "InvalidServiceToken"
REVOKED_KEPT_S = MAX_LIFETIME_S + CLOCK_SKEW_S
"""A revoked id is kept this long after it arrives: ``RevokeServiceTokens`` carries no
expiry, and no token issued before the revocation can still be valid after it."""


@dataclass
class ServiceAccess:
    """One pole's token keys, revoked ids and lockout; `changed` hears every change worth
    keeping, `locked_out` the moment a lockout begins (the pole reports it)."""

    keys_text: str = ""
    revoked: dict[str, float] = field(default_factory=dict)
    """jti → until when (Unix seconds, pole clock) the pole keeps it."""
    rejects: list[datetime] = field(default_factory=list)
    locked_until: datetime | None = None
    changed: list[Callable[[], None]] = field(default_factory=list)
    locked_out: list[Callable[[str], None]] = field(default_factory=list)

    @staticmethod
    def handles(key: str) -> bool:
        return key.lower() == SERVICE_TOKEN_KEYS.lower()

    @property
    def has_keys(self) -> bool:
        return bool(self.keys_text)

    def change(self, value: str) -> ConfigurationStatus:
        """ChangeConfiguration ``ServiceTokenKeys``: every key must parse, else nothing changes."""
        try:
            keys = parse_keys(value)
        except ValueError:
            return ConfigurationStatus.rejected
        if not keys and value.strip():
            return ConfigurationStatus.rejected
        self.keys_text = ",".join(item.strip() for item in value.split(",") if item.strip())
        self._changed()
        return ConfigurationStatus.accepted

    def entries(self, keys: Sequence[str] | None) -> tuple[list[dict[str, Any]], list[str]]:
        """GetConfiguration's entry for ``ServiceTokenKeys`` (public keys: readable), and the
        other keys asked."""
        if keys and not any(self.handles(k) for k in keys):
            return [], list(keys)
        entry = {"key": SERVICE_TOKEN_KEYS, "readonly": False, "value": self.keys_text}
        return [entry], [k for k in keys or () if not self.handles(k)]

    def revoke(self, jtis: Sequence[str], now: datetime) -> None:
        until = now.timestamp() + REVOKED_KEPT_S
        for jti in jtis:
            self.revoked[str(jti)] = until
        self._forget_old(now)
        self._changed()

    def authenticate(self, token: object, pole_id: str, now: datetime) -> Verdict:
        """The answer to ``Auth`` at ``now``; a rejection counts towards the lockout."""
        if self.locked_until is not None and now < self.locked_until:
            return Rejected(RejectReason.LOCKED_OUT)
        self._forget_old(now)
        if not self.has_keys:
            if token == COMMISSIONING_PIN:
                return Accepted("technician", now + PIN_LIFETIME, "")
            verdict: Verdict = Rejected(RejectReason.BAD_SIGNATURE)
        elif token == COMMISSIONING_PIN:
            verdict = Rejected(RejectReason.BAD_SIGNATURE)  # PROTOCOL.md: keys end the PIN
        else:
            verdict = verify(token, parse_keys(self.keys_text), pole_id, now, self.revoked)
        if isinstance(verdict, Rejected):
            self._count_reject(now, verdict.reason)
        return verdict

    def _count_reject(self, now: datetime, reason: RejectReason) -> None:
        self.rejects = [t for t in self.rejects if now - t < LOCKOUT_WINDOW] + [now]
        if len(self.rejects) >= LOCKOUT_AFTER:
            self.locked_until = now + LOCKOUT_FOR
            self.rejects = []
            detail = (f"{LOCKOUT_AFTER} rejected service-port Auth within "
                      f"{int(LOCKOUT_WINDOW.total_seconds() // 60)} min (last: {reason}); "
                      f"locked out until {self.locked_until.isoformat()}")
            for listener in list(self.locked_out):
                listener(detail)
        self._changed()  # kept: a restart must not wipe the count or the lockout

    def _forget_old(self, now: datetime) -> None:
        seconds = now.timestamp()
        for jti in [j for j, until in self.revoked.items() if until <= seconds]:
            del self.revoked[jti]

    def _changed(self) -> None:
        for listener in list(self.changed):
            listener()


ACCESS_FILE = "service_access.json"


def keep_access_in(access: ServiceAccess, directory: Path) -> None:
    """Persist keys, revoked ids, recent rejects and the lockout in the pole's state
    directory, as a real pole keeps them over a restart: a revoked token must not work
    again after a power cut, and pulling the plug must not buy a guesser five more tries."""
    path = directory / ACCESS_FILE
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stored = None
    if isinstance(stored, dict):
        keys = stored.get("keys")
        if isinstance(keys, str) and keys and not access.keys_text:
            access.keys_text = keys
        revoked = stored.get("revoked")
        if isinstance(revoked, dict):
            access.revoked.update({str(k): float(v) for k, v in revoked.items()})
        access.rejects = [*_times(stored.get("rejects")), *access.rejects]
        locked = _times([stored.get("lockedUntil")])
        if locked and access.locked_until is None:
            access.locked_until = locked[0]

    def save() -> None:
        directory.mkdir(parents=True, exist_ok=True)
        scratch = directory / (ACCESS_FILE + ".tmp")
        descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump({"keys": access.keys_text, "revoked": access.revoked,
                       "rejects": [t.isoformat() for t in access.rejects],
                       "lockedUntil": None if access.locked_until is None
                       else access.locked_until.isoformat()}, handle)
        scratch.replace(path)

    access.changed.append(save)
    save()


def _times(values: object) -> list[datetime]:
    """The aware timestamps among stored ISO texts; anything unreadable is left out (an
    old or damaged file then simply holds no rejects)."""
    found: list[datetime] = []
    for value in values if isinstance(values, list) else []:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            continue
        if moment.tzinfo is not None:
            found.append(moment)
    return found
