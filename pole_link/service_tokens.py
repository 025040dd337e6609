"""Service tokens (PROTOCOL.md "Service tokens", eis 69): the one owner of their format.

A technician's right to write on a pole's service port is a short-lived Ed25519-signed
token the CSMS issues, so it can be fetched online and used offline on site. The service
issues with `issue`; a (virtual) pole checks with `verify`; the laptop reads the claims
with `peek` to pick the token that fits a pole. Keeping all three here means the format
cannot drift between the end that signs and the end that checks.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ROLES = ("technician", "engineer", "admin")
MAX_LIFETIME_S = 72 * 3600
"""PROTOCOL.md: ``exp - iat`` at most 72 h."""
CLOCK_SKEW_S = 300
"""PROTOCOL.md: a pole accepts a token from ``iat - 300`` on (its clock may run ahead)."""
ALL_POLES = "*"


class RejectReason(StrEnum):
    """The reasons ``Auth`` may give (PROTOCOL.md), in its spelling."""

    MALFORMED = "Malformed"
    BAD_SIGNATURE = "BadSignature"
    EXPIRED = "Expired"
    NOT_FOR_THIS_POLE = "NotForThisPole"
    REVOKED = "Revoked"
    LOCKED_OUT = "LockedOut"


@dataclass(frozen=True)
class Claims:
    """What a token says: who (``sub``, ``role``) may write on which poles, and when."""

    iss: str
    sub: str
    role: str
    poles: tuple[str, ...]
    iat: int
    exp: int
    jti: str

    def to_json(self) -> dict[str, Any]:
        return {"iss": self.iss, "sub": self.sub, "role": self.role, "poles": list(self.poles),
                "iat": self.iat, "exp": self.exp, "jti": self.jti}

    @classmethod
    def from_json(cls, data: Any) -> Claims:
        """The claims of a decoded token; ValueError saying what is wrong."""
        if not isinstance(data, dict):
            raise ValueError("claims are not a JSON object")
        try:
            poles = data["poles"]
            claims = cls(iss=str(data["iss"]), sub=str(data["sub"]), role=data["role"],
                         poles=tuple(poles), iat=data["iat"], exp=data["exp"],
                         jti=str(data["jti"]))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"claim missing or wrong: {exc}") from exc
        if claims.role not in ROLES:
            raise ValueError(f"unknown role {claims.role!r}")
        if not isinstance(poles, list) or not all(isinstance(p, str) for p in poles):
            raise ValueError("poles is not a list of pole ids")
        for name in ("iat", "exp"):
            value = getattr(claims, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} is not Unix seconds")
        if not 0 < claims.exp - claims.iat <= MAX_LIFETIME_S:
            raise ValueError("lifetime is not between 0 and 72 hours")
        return claims

    def covers(self, pole_id: str) -> bool:
        return ALL_POLES in self.poles or pole_id in self.poles

    @property
    def expires(self) -> datetime:
        return datetime.fromtimestamp(self.exp, UTC)


@dataclass(frozen=True)
class Accepted:
    role: str
    expires: datetime
    jti: str


@dataclass(frozen=True)
class Rejected:
    reason: RejectReason


Verdict = Accepted | Rejected


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    if not text or any(c not in _URL_ALPHABET for c in text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_URL_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def issue(private_key: Ed25519PrivateKey, claims: Claims) -> str:
    """The signed token text for ``claims``."""
    head = _b64url(json.dumps(claims.to_json(), separators=(",", ":")).encode("utf-8"))
    return head + "." + _b64url(private_key.sign(head.encode("ascii")))


def peek(token: str) -> Claims:
    """The claims of ``token`` without checking its signature (the laptop's wallet: it
    only needs to know which pole a token is for and until when); ValueError if malformed."""
    head, dot, signature = token.strip().partition(".")
    if not dot:
        raise ValueError("a service token has two parts separated by a dot")
    try:
        _unb64url(signature)
        data = json.loads(_unb64url(head).decode("utf-8"))
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError(f"not a service token: {exc}") from exc
    return Claims.from_json(data)


def public_key_text(key: Ed25519PublicKey) -> str:
    """One entry of ``ServiceTokenKeys``: standard base64 of the raw 32-byte key."""
    return base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode("ascii")


def parse_keys(value: str) -> list[Ed25519PublicKey]:
    """``ServiceTokenKeys`` (comma-separated base64 raw keys) → keys; ValueError in words."""
    keys: list[Ed25519PublicKey] = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            raw = base64.b64decode(item, validate=True)
        except (ValueError, binascii.Error) as exc:
            raise ValueError(f"{item[:12]}…: not standard base64") from exc
        if len(raw) != 32:
            raise ValueError(f"{item[:12]}…: an Ed25519 key has 32 bytes, not {len(raw)}")
        keys.append(Ed25519PublicKey.from_public_bytes(raw))
    return keys


def verify(token: object, keys: Iterable[Ed25519PublicKey], pole_id: str, now: datetime,
           revoked: Mapping[str, int] | Iterable[str] = ()) -> Verdict:
    """Whether a pole with ``keys`` and id ``pole_id`` accepts ``token`` at ``now`` (its own
    clock), in PROTOCOL.md's order: form, signature, time, pole, revocation."""
    if not isinstance(token, str):
        return Rejected(RejectReason.MALFORMED)
    head, dot, signature_text = token.strip().partition(".")
    try:
        if not dot:
            raise ValueError("no dot")
        signature = _unb64url(signature_text)
        claims = Claims.from_json(json.loads(_unb64url(head).decode("utf-8")))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return Rejected(RejectReason.MALFORMED)
    if not _signed_by_one_of(keys, signature, head.encode("ascii")):
        return Rejected(RejectReason.BAD_SIGNATURE)
    seconds = now.timestamp()
    if not claims.iat - CLOCK_SKEW_S <= seconds < claims.exp:
        return Rejected(RejectReason.EXPIRED)
    if not claims.covers(pole_id):
        return Rejected(RejectReason.NOT_FOR_THIS_POLE)
    if claims.jti in revoked:
        return Rejected(RejectReason.REVOKED)
    return Accepted(claims.role, claims.expires, claims.jti)


def _signed_by_one_of(keys: Iterable[Ed25519PublicKey], signature: bytes, data: bytes) -> bool:
    for key in keys:
        try:
            key.verify(signature, data)
        except InvalidSignature:
            continue
        return True
    return False
