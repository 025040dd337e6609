"""Every error a technician sees, as a sentence that says what to do; the rest is detail.

"substring not found", "[Errno 111] Connection refused" or ``ConnectError(...)`` in a
status bar tell a technician nothing. `explain` turns an exception into one sentence in
the user's language (what went wrong and, where we know it, what to check) and keeps the
technical text for the "Details" button, where a developer or vendor helpdesk wants it.
Qt-free: the words are templates translated by whoever shows them.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass

import httpx

from gui.account_words import login_refusal, role_word
from gui.fleet.rows import QT_TRANSLATE_NOOP, Reason
from pole_link.errors import (
    CallError,
    ConnectError,
    FrameError,
    LinkLost,
    LinkTimeout,
    NotAuthorised,
    PoleLinkError,
)
from pole_link.service_accounts import LoginRefused
from pole_link.service_api import RoleRefused, ServiceRefused

_REFUSED = QT_TRANSLATE_NOOP(
    "FleetRows", "Nothing answers at that address (connection refused): is the service "
    "running, and is the address right?")
_UNREACHABLE = QT_TRANSLATE_NOOP(
    "FleetRows", "The service cannot be reached: check the network and the address.")
_TOKEN = QT_TRANSLATE_NOOP(
    "FleetRows", "Access refused: the token is not valid (any more). Ask for a new one.")
_POLE_TOKEN = QT_TRANSLATE_NOOP(
    "FleetRows", "The pole rejected the service token: fetch a new one from the service.")
_NOT_LOGGED_IN = QT_TRANSLATE_NOOP(
    "FleetRows", "The pole refused: this session is not logged in to change it (log in "
    "first).")
_ROLE_REFUSED = QT_TRANSLATE_NOOP(
    "FleetRows", "Your role (%1) may not do this: it needs %2 or higher. Ask a colleague "
                 "who has that role.")
_TIMEOUT = QT_TRANSLATE_NOOP(
    "FleetRows", "The pole did not answer in time. It may be busy or the link is weak: try "
                 "again.")
_LOST = QT_TRANSLATE_NOOP(
    "FleetRows", "The link to the pole was lost. The app reconnects by itself.")
_POLE_REFUSED = QT_TRANSLATE_NOOP("FleetRows", "The pole refused: %1")
_GARBLED = QT_TRANSLATE_NOOP(
    "FleetRows", "The pole sent something the app cannot read. If this repeats, send the "
                 "details to the helpdesk.")
_CANNOT_OPEN = QT_TRANSLATE_NOOP("FleetRows", "Could not open the link: %1")
_SERVICE_SAYS = QT_TRANSLATE_NOOP("FleetRows", "The service refused: %1")
_UNEXPECTED = QT_TRANSLATE_NOOP(
    "FleetRows", "Something unexpected went wrong. The details help the helpdesk.")

_POLE_CODES = {
    "NotSupported": QT_TRANSLATE_NOOP("FleetRows", "it does not support this"),
    "SecurityError": QT_TRANSLATE_NOOP(
        "FleetRows", "not authorised for this (log in with a service token)"),
    "NotImplemented": QT_TRANSLATE_NOOP("FleetRows", "it does not know this command"),
    "Rejected": QT_TRANSLATE_NOOP("FleetRows", "it rejected the request"),
}


@dataclass(frozen=True, slots=True)
class Explained:
    """One sentence for the screen, the technical text for "Details"."""

    sentence: Reason
    detail: str


def explain(error: BaseException) -> Explained:
    detail = f"{type(error).__name__}: {error}"
    return Explained(_sentence(error), detail)


def _sentence(error: BaseException) -> Reason:
    if isinstance(error, LoginRefused):
        return login_refusal(error.reason)
    if isinstance(error, RoleRefused):
        if error.role and error.required:
            return Reason(_ROLE_REFUSED, (role_word(error.role), role_word(error.required)))
        return Reason(_SERVICE_SAYS, (error.description,))
    if isinstance(error, NotAuthorised):
        if "API token" in error.description:
            return Reason(_TOKEN)
        if "rejected the token" in error.description:
            return Reason(_POLE_TOKEN)
        return Reason(_NOT_LOGGED_IN)
    if isinstance(error, ServiceRefused):
        return Reason(_SERVICE_SAYS, (str(error),))
    if isinstance(error, CallError):
        words = _POLE_CODES.get(error.code)
        return Reason(_POLE_REFUSED, (Reason(words) if words else
                                      error.description or error.code,))
    if isinstance(error, LinkTimeout | TimeoutError | httpx.TimeoutException):
        return Reason(_TIMEOUT)
    if isinstance(error, LinkLost):
        return Reason(_LOST)
    if isinstance(error, FrameError):
        return Reason(_GARBLED)
    if isinstance(error, ConnectionRefusedError) or (
            isinstance(error, OSError) and error.errno == errno.ECONNREFUSED):
        return Reason(_REFUSED)
    if isinstance(error, ConnectError):
        refused = "Errno 111" in str(error) or "refused" in str(error).lower()
        return Reason(_REFUSED) if refused else Reason(_CANNOT_OPEN, (str(error),))
    if isinstance(error, httpx.ConnectError):
        return Reason(_REFUSED) if "refused" in str(error).lower() else Reason(_UNREACHABLE)
    if isinstance(error, httpx.HTTPError | OSError):
        return Reason(_UNREACHABLE)
    if isinstance(error, PoleLinkError):
        return Reason(_CANNOT_OPEN, (str(error),))
    return Reason(_UNEXPECTED)
