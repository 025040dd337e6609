"""What the app remembers between runs: the service URL in QSettings, its token in the
OS keyring.

A token is a password: it goes to the keyring (Windows Credential Manager, macOS
Keychain, Secret Service on Linux). Where no keyring backend exists (headless CI, a bare
Linux box) the token is not written anywhere, and `token_storage_note` says so plainly so
the Connect view can tell the user why it must be typed again.
"""

from __future__ import annotations

import logging

import keyring
from keyring.errors import KeyringError, NoKeyringError
from PySide6.QtCore import QSettings

LOGGER = logging.getLogger(__name__)
KEYRING_SERVICE = "paalwerk"


def _settings() -> QSettings:
    return QSettings("Paalwerk", "Paalwerk")


def remembered_service_url() -> str:
    value = _settings().value("service/url", "")
    return str(value or "")


def remember_service(url: str, token: str) -> str:
    """Store the URL (and the token when a keyring exists); returns what happened to it."""
    _settings().setValue("service/url", url)
    try:
        keyring.set_password(KEYRING_SERVICE, url, token)
    except NoKeyringError:
        return token_storage_note()
    except KeyringError as exc:
        return f"the token was not saved: the keyring refused it ({exc})"
    return "the token is kept in your system keyring"


def remembered_token(url: str) -> str:
    try:
        return keyring.get_password(KEYRING_SERVICE, url) or ""
    except (KeyringError, RuntimeError) as exc:
        LOGGER.info("no token from the keyring: %s", exc)
        return ""


def token_storage_note() -> str:
    return ("no system keyring is available here, so the token is not saved: "
            "type it again next time (or install a keyring backend)")


def remembered_roots_path() -> str:
    """The PEM file of manufacturer roots the Firmware view checks packages against."""
    value = _settings().value("firmware/roots", "")
    return str(value or "")


def remember_roots_path(path: str) -> None:
    _settings().setValue("firmware/roots", path)


def remembered_technician() -> str:
    """The name the last commissioning run was signed with (the laptop's technician)."""
    value = _settings().value("commissioning/technician", "")
    return str(value or "")


def remember_technician(name: str) -> None:
    _settings().setValue("commissioning/technician", name)
