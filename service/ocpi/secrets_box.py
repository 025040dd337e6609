"""Credentials tokens at rest: the ones partners use with us are kept only as hashes, the
ones we must send to partners are encrypted.

A partner's token for us (A while it registers, then C — or B when we registered with
it) is compared by its SHA-256: the tokens are 256 random bits, so a plain hash is as
good as a slow one and lets every request find its partner with one indexed look-up.
The token a partner gave us (B, or C when we registered with it) must be sent back on
every call, so it cannot be hashed: it is encrypted with Fernet (AES-128-CBC + HMAC)
under a key in a file of its own, 0600, beside the service's other secrets — no keyring
on a server. A copy of the database alone therefore gives no way into any partner.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from service.security.private_file import create_once

KEY_FILE_NAME = "ocpi-credentials.key"


def new_token() -> str:
    """A fresh credentials token: 43 URL-safe characters (fits OCPI's 64)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def authorization(token: str) -> str:
    """The ``Authorization`` header value for ``token`` (OCPI 2.2.1: Base64 of UTF-8)."""
    return "Token " + base64.b64encode(token.encode("utf-8")).decode("ascii")


def token_of(header: str | None) -> str | None:
    """The credentials token in an ``Authorization: Token <base64>`` header, or None.

    A value that is not valid Base64 is taken as the token itself: many 2.1.1/2.2
    implementations send it unencoded (the specification's note), and such a value
    simply matches no partner if it was meant otherwise.
    """
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "token" or not value:
        return None
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return value
    return decoded.strip() or None


class SecretBox:
    """Encrypts and decrypts the tokens we send to partners."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def seal(self, token: str) -> str:
        return self._fernet.encrypt(token.encode("utf-8")).decode("ascii")

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise ValueError("this partner's credentials token was encrypted under another "
                             f"key: is {KEY_FILE_NAME} the one this database was used "
                             "with? Register the partner again.") from None


def load_or_create_box(path: Path) -> SecretBox:
    """The box under the key in ``path``, made (0600) on first start; several processes
    starting at once agree on the first key written."""
    try:
        return SecretBox(path.read_bytes().strip())
    except FileNotFoundError:
        create_once(path, Fernet.generate_key())
        return SecretBox(path.read_bytes().strip())
