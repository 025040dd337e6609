"""Pole passwords (OCPP ``AuthorizationKey``), kept only as slow salted hashes.

A pole's password is the key to act as that pole: a leaked database must not hand out
the fleet. Unlike API tokens (`service.api.tokens`, long random strings), a password may be
typed by a technician, so it gets a memory-hard KDF: scrypt with N=2**14, r=8, p=1 (16 MiB,
tens of milliseconds per check) and a 16-byte random salt per hash. The parameters are
stored with each hash, so they can be raised later without invalidating old ones.

Stored form: ``scrypt$<N>$<r>$<p>$<salt hex>$<hash hex>``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

SCRYPT_N = 2 ** 14
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
HASH_BYTES = 32
MIN_LENGTH = 16
MAX_LENGTH = 40
"""The OCPP security whitepaper's password length (``AuthorizationKey``: 16 to 40 characters)."""
GENERATED_KEY_BYTES = 20
"""A key the CSMS makes: 20 random bytes, sent as 40 hex characters (the whitepaper's range
is 16 to 20 bytes)."""

_PRINTABLE = frozenset(string.printable) - frozenset(string.whitespace)


class PasswordRuleError(ValueError):
    """A proposed password that a pole could not store or that is too weak to use."""


def check_password_rules(password: str) -> None:
    """Raise `PasswordRuleError` saying why ``password`` cannot be a pole's password."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise PasswordRuleError(f"a pole password has {MIN_LENGTH} to {MAX_LENGTH} characters, "
                                f"not {len(password)}")
    if not set(password) <= _PRINTABLE:
        raise PasswordRuleError("a pole password holds printable ASCII characters only, "
                                "without spaces")


def generate_key() -> str:
    """A new random AuthorizationKey (hex), as the CSMS makes for key rotation."""
    return secrets.token_hex(GENERATED_KEY_BYTES)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=128 * r * n * p + 1024 * 1024, dklen=HASH_BYTES)


def hash_password(password: str) -> str:
    """The stored form of ``password``; slow on purpose (run it off the event loop)."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    """Does ``password`` match the stored hash? False for a malformed stored value."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        computed = _scrypt(password, bytes.fromhex(salt), int(n), int(r), int(p))
        return hmac.compare_digest(computed, bytes.fromhex(digest))
    except ValueError:
        return False
