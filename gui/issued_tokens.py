"""The service tokens a service issued, as the "Issued service tokens" screen lists them
(issue 17, eis 69): who holds one, for which poles, until when, and whether it was revoked.

Qt-free, like `gui.fleet.rows`: a helpdesk colleague taking the call "my laptop was stolen"
finds the technician's tokens here and revokes them; the words are marked for translation
and turned into the user's language where they are shown (`Reason.text`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from gui.account_words import role_word
from gui.audit.trail import ADMIN_ZONE
from gui.fleet.rows import QT_TRANSLATE_NOOP, Reason, duration_reason
from pole_link.service_token_requests import ServiceTokenRecord

_ALL_POLES = QT_TRANSLATE_NOOP("FleetRows", "all poles")
_VALID = QT_TRANSLATE_NOOP("FleetRows", "valid, %1 left")
_EXPIRED = QT_TRANSLATE_NOOP("FleetRows", "expired")
_REVOKED = QT_TRANSLATE_NOOP("FleetRows", "revoked by %1 at %2")
_HOLDER = QT_TRANSLATE_NOOP("FleetRows", "%1 (%2)")
_TOLD = QT_TRANSLATE_NOOP(
    "FleetRows", "Revoked. Told at once: %1. Poles not connected now refuse it from their "
                 "next connection to the service.")
_TOLD_NONE = QT_TRANSLATE_NOOP(
    "FleetRows", "Revoked. No pole it covers is connected now: each refuses it from its "
                 "next connection to the service.")
_NOT_REACHED = QT_TRANSLATE_NOOP(
    "FleetRows", "Not reached now: %1 (they hear of it at their next connection).")
_ASK_REVOKE = QT_TRANSLATE_NOOP(
    "FleetRows", "Revoke the service token of %1 for %2? It stops working on every pole; "
                 "a technician on site without signal cannot get a new one there.")


@dataclass(frozen=True, slots=True)
class IssuedTokenRow:
    """One line of the screen: the record and its cells in words."""

    record: ServiceTokenRecord
    holder: Reason
    poles: Reason | str
    issued: str
    valid_until: str
    state: Reason

    @property
    def revocable(self) -> bool:
        """Only a token still in force is worth revoking."""
        return not self.record.revoked and self.state.template == _VALID


def poles_text(record: ServiceTokenRecord) -> Reason | str:
    return Reason(_ALL_POLES) if record.all_poles else ", ".join(record.poles)


def local_text(moment: datetime, zone: ZoneInfo = ADMIN_ZONE) -> str:
    """In the operators' zone (as on the Audit page), never the machine's."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def token_row(record: ServiceTokenRecord, now: datetime) -> IssuedTokenRow:
    if record.revoked_at is not None:
        state = Reason(_REVOKED, (record.revoked_by or "?", local_text(record.revoked_at)))
    elif record.expires <= now:
        state = Reason(_EXPIRED)
    else:
        state = Reason(_VALID, (duration_reason(record.expires - now),))
    issued = local_text(record.issued_at) if record.issued_at is not None else "—"
    return IssuedTokenRow(record, Reason(_HOLDER, (record.subject, role_word(record.role))),
                          poles_text(record), issued, local_text(record.expires), state)


def token_rows(records: Sequence[ServiceTokenRecord], now: datetime) -> list[IssuedTokenRow]:
    """Newest first, as the service lists them; tokens still in force before the others."""
    rows = [token_row(record, now) for record in records]
    return sorted(rows, key=lambda row: not row.revocable)


def revoke_question(record: ServiceTokenRecord) -> Reason:
    return Reason(_ASK_REVOKE, (record.subject, poles_text(record)))


def revocation_outcome(poles: Mapping[str, str]) -> list[Reason]:
    """What revoking did, in words: which poles were told at once, which were not reached."""
    told = sorted(pole for pole, outcome in poles.items() if outcome == "Accepted")
    missed = sorted(pole for pole, outcome in poles.items() if outcome != "Accepted")
    lines = [Reason(_TOLD, (", ".join(told),)) if told else Reason(_TOLD_NONE)]
    if missed:
        lines.append(Reason(_NOT_REACHED, (", ".join(missed),)))
    return lines
