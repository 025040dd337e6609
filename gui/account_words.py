"""The signed-in operator in words: their role, and the status bar's line (issue 17).

Qt-free, like `gui.fleet.rows`: the texts are marked with `QT_TRANSLATE_NOOP` and turned
into the user's language where they are shown (`Reason.text`).
"""

from __future__ import annotations

from dataclasses import dataclass

from gui.fleet.rows import QT_TRANSLATE_NOOP, Reason

ROLE_WORDS = {
    "helpdesk": QT_TRANSLATE_NOOP("FleetRows", "helpdesk"),
    "technician": QT_TRANSLATE_NOOP("FleetRows", "technician"),
    "engineer": QT_TRANSLATE_NOOP("FleetRows", "engineer"),
    "admin": QT_TRANSLATE_NOOP("FleetRows", "admin"),
}
_SIGNED_IN = QT_TRANSLATE_NOOP("FleetRows", "Signed in: %1 (%2)")
_ROLE_MAY_NOT = QT_TRANSLATE_NOOP(
    "FleetRows", "Your role (%1) may not do this; ask a colleague with a role that may.")
_NOT_SIGNED_IN = QT_TRANSLATE_NOOP("FleetRows", "Not signed in to the service")
_LOGIN_REFUSED = {
    "wrong": QT_TRANSLATE_NOOP("FleetRows", "The user name or password is wrong."),
    "locked": QT_TRANSLATE_NOOP(
        "FleetRows", "Too many wrong passwords: this account is locked for a while. Try "
                     "again later or ask an admin."),
    "disabled": QT_TRANSLATE_NOOP("FleetRows", "This account is disabled; ask an admin."),
}


def role_word(role: str) -> Reason | str:
    """An operator role in the user's language (an unknown one as the service named it)."""
    words = ROLE_WORDS.get(role)
    return Reason(words) if words else role


@dataclass(frozen=True, slots=True)
class Operator:
    """Who the app acts as at the service (``GET /api/v1/auth/me``)."""

    name: str
    role: str
    permissions: frozenset[str] = frozenset()

    def may(self, method: str, route: str) -> bool:
        return f"{method.upper()} {route}" in self.permissions

    def refusal(self, method: str, route: str) -> Reason | None:
        """Why this operator may not call the route (a tooltip), or None when they may."""
        if self.may(method, route):
            return None
        return Reason(_ROLE_MAY_NOT, (role_word(self.role),))

    def status_line(self) -> Reason:
        return Reason(_SIGNED_IN, (self.name, role_word(self.role)))


def login_refusal(reason: str) -> Reason:
    """Why the service refused a sign-in (`pole_link.service_accounts.LoginRefused`)."""
    return Reason(_LOGIN_REFUSED.get(reason, _LOGIN_REFUSED["wrong"]))


def not_signed_in() -> Reason:
    return Reason(_NOT_SIGNED_IN)
