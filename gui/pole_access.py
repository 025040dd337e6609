"""Whether the laptop may write on the pole it is connected to, and why not, in words.

Qt-free state (`PoleAccess`) set by the `PoleController` after ``Auth``; the Pole view
shows `access_text` and disables its commands when `writable` is false. A technician in
the rain must read what to do next, not a protocol reason, so each PROTOCOL.md reason
gets its own sentence with the remedy.
"""

from __future__ import annotations

from datetime import datetime

from gui.fleet.rows import QT_TRANSLATE_NOOP, Translate, duration_text
from pole_link.site_access import NO_TOKEN, PoleAccess

CONTEXT = "PoleAccess"
__all__ = ["NO_TOKEN", "PoleAccess", "access_text"]

_REASONS: dict[str, str] = {
    NO_TOKEN: QT_TRANSLATE_NOOP(
        "PoleAccess", "Read only: this laptop has no service token for %1. While online, "
        "use Connect › Prepare a site visit… to fetch one."),
    "Malformed": QT_TRANSLATE_NOOP(
        "PoleAccess", "Read only: the service token for %1 is damaged. Fetch a new one "
        "while online."),
    "BadSignature": QT_TRANSLATE_NOOP(
        "PoleAccess", "Read only: %1 does not trust the service that issued this token. "
        "Fetch a token from the pole's own service while online."),
    "Expired": QT_TRANSLATE_NOOP(
        "PoleAccess", "Read only: the service token for %1 has expired (or the pole's clock "
        "is wrong). Fetch a new one while online."),
    "NotForThisPole": QT_TRANSLATE_NOOP(
        "PoleAccess", "Read only: the service token is not for %1. Fetch one for this pole "
        "while online."),
    "Revoked": QT_TRANSLATE_NOOP(
        "PoleAccess", "Read only: the helpdesk withdrew the service token for %1. Ask them "
        "for a new one."),
    "Replay": QT_TRANSLATE_NOOP(
        "PoleAccess", "Replay of %1's message log: nothing is sent to the real pole, so "
        "every command is switched off."),
    "LockedOut": QT_TRANSLATE_NOOP(
        "PoleAccess", "Read only: %1 refused too many wrong tokens and accepts none for "
        "5 minutes. Wait, then connect again."),
}
_OTHER = QT_TRANSLATE_NOOP("PoleAccess", "Read only: %1 refused the service token (%2).")
_WITH_TOKEN = QT_TRANSLATE_NOOP("PoleAccess", "Writing allowed as %1 — token valid for %2")
_WITH_PIN = QT_TRANSLATE_NOOP(
    "PoleAccess", "Writing allowed with the commissioning PIN (the pole has no token keys yet)")
_VIA_SERVICE = QT_TRANSLATE_NOOP("PoleAccess", "Writing allowed through the service")
_ROLES = {
    "technician": QT_TRANSLATE_NOOP("PoleAccess", "technician"),
    "engineer": QT_TRANSLATE_NOOP("PoleAccess", "engineer"),
    "admin": QT_TRANSLATE_NOOP("PoleAccess", "administrator"),
}


def _english(context: str, text: str) -> str:
    return text


def access_text(access: PoleAccess, now: datetime, translate: Translate = _english) -> str:
    """The sentence the Pole view shows under its title."""
    if access.writable:
        if access.via_service:
            return translate(CONTEXT, _VIA_SERVICE)
        if access.expires is None:
            return translate(CONTEXT, _WITH_PIN)
        role = translate(CONTEXT, _ROLES.get(access.role or "", access.role or "?"))
        return translate(CONTEXT, _WITH_TOKEN).replace("%1", role).replace(
            "%2", duration_text(access.expires - now, translate))
    template = _REASONS.get(access.reason or NO_TOKEN)
    if template is None:
        return translate(CONTEXT, _OTHER).replace("%1", access.pole_id).replace(
            "%2", access.reason or "")
    return translate(CONTEXT, template).replace("%1", access.pole_id)
