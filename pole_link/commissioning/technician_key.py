"""The technician's signing key: who vouches for a commissioning report.

A report is evidence for the grantor, so it carries a signature a third party can check
without trusting the laptop it came from: an Ed25519 signature (deterministic, 64 bytes,
the same choice as firmware signing in `pole_link.firmware.signing`) by a key that only
this technician holds. The service knows the matching public key (registered by an
operator) and refuses a report it does not verify.

Where the private key lives:

* **The OS keyring** (Windows Credential Manager, macOS Keychain, Secret Service on
  Linux), service name `KEYRING_SERVICE`, one entry per technician name. This is the
  normal case, the same place the app keeps its API token (`gui.settings`).
* **The fallback**: where no keyring backend exists (a headless box, CI) the key is kept
  in a file ``<fallback dir>/<name>.key`` created with mode 0600 (readable by this user
  only), default under the user data directory. `KeptKey.storage` says so in words, so
  the app can tell the technician; the key itself is never logged or shown.

A person compares keys by `TechnicianKey.fingerprint`: the first 80 bits of the SHA-256
of the public key, in five groups of four hex digits (printed in the report's PDF and by
the service's key listing).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import keyring
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from keyring.errors import KeyringError, NoKeyringError
from platformdirs import user_data_dir

KEYRING_SERVICE = "paalwerk-commissioning"
MAX_NAME_LENGTH = 128
_FILE_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class TechnicianKeyError(Exception):
    """A key that cannot be read or kept, said in words (never with the key's bytes)."""


def check_name(name: str) -> str:
    """The technician's name as reports and the service key it: 1–128 printable
    characters, not only spaces (`ValueError` otherwise)."""
    if not name.strip() or len(name) > MAX_NAME_LENGTH or not name.isprintable():
        raise ValueError(f"{name[:40]!r} is not a technician name: use 1–{MAX_NAME_LENGTH} "
                         f"printable characters")
    return name


def fingerprint_of(public_key: bytes) -> str:
    """``"ab12 cd34 ef56 7890 1a2b"``: short enough to read out over the phone, long
    enough (80 bits) that nobody makes a key with the same one."""
    digest = hashlib.sha256(public_key).hexdigest()[:20]
    return " ".join(digest[i:i + 4] for i in range(0, 20, 4))


def public_key_from_base64(text: str) -> Ed25519PublicKey:
    """A public key as the report and the service carry it (`ValueError` in words)."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("the public key is not base64") from None
    if len(raw) != 32:
        raise ValueError(f"an Ed25519 public key has 32 bytes, this one {len(raw)}")
    return Ed25519PublicKey.from_public_bytes(raw)


@dataclass(frozen=True)
class TechnicianKey:
    """A technician's name and Ed25519 private key."""

    name: str
    private_key: Ed25519PrivateKey

    @classmethod
    def generate(cls, name: str) -> TechnicianKey:
        return cls(check_name(name), Ed25519PrivateKey.generate())

    @classmethod
    def from_private_bytes(cls, name: str, raw: bytes) -> TechnicianKey:
        if len(raw) != 32:
            raise TechnicianKeyError(f"the stored key of {name!r} is damaged (not 32 bytes)")
        return cls(check_name(name), Ed25519PrivateKey.from_private_bytes(raw))

    def private_bytes(self) -> bytes:
        """The raw 32-byte secret: only for the keyring or the 0600 fallback file."""
        return self.private_key.private_bytes(serialization.Encoding.Raw,
                                              serialization.PrivateFormat.Raw,
                                              serialization.NoEncryption())

    @property
    def public_bytes(self) -> bytes:
        return self.private_key.public_key().public_bytes(serialization.Encoding.Raw,
                                                          serialization.PublicFormat.Raw)

    @property
    def public_base64(self) -> str:
        """What the report carries and ``PUT /api/v1/technicians/{name}/key`` registers."""
        return base64.b64encode(self.public_bytes).decode("ascii")

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.public_bytes)

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data)

    def __repr__(self) -> str:  # never the secret, also not in a traceback's locals
        return f"TechnicianKey({self.name!r}, fingerprint {self.fingerprint!r})"


@dataclass(frozen=True)
class KeptKey:
    """A technician's key and, in words, where it is kept."""

    key: TechnicianKey
    storage: str
    in_keyring: bool
    created: bool


def default_fallback_dir() -> Path:
    return Path(user_data_dir("paalwerk")) / "technician-keys"


def fallback_file(name: str, folder: Path | None = None) -> Path:
    """Where the key of ``name`` is kept when there is no keyring (a safe file name plus
    a short hash, so two names that clean up alike never share a file)."""
    safe = _FILE_UNSAFE.sub("-", name).strip("-.") or "technician"
    tag = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return (folder or default_fallback_dir()) / f"{safe[:60]}-{tag}.key"


def keep_key(name: str, *, fallback_dir: Path | None = None,
             create: bool = True) -> KeptKey:
    """The technician's key from the keyring (or the fallback file), made and kept there
    the first time when ``create``. `TechnicianKeyError` when there is none and
    ``create`` is false, or the keyring refuses."""
    check_name(name)
    path = fallback_file(name, fallback_dir)
    try:
        stored = keyring.get_password(KEYRING_SERVICE, name)
    except NoKeyringError:
        return _keep_in_file(name, path, create)
    except KeyringError as exc:
        raise TechnicianKeyError(f"the system keyring did not give the key of {name!r}: "
                                 f"{type(exc).__name__}") from None
    where = f"the key of {name} is kept in your system keyring"
    if stored is not None:
        return KeptKey(_decode(name, stored), where, True, False)
    if path.exists():  # made before a keyring backend was installed: keep using it
        return KeptKey(_read_file(name, path), _file_note(name, path), False, False)
    if not create:
        raise TechnicianKeyError(f"{name!r} has no signing key on this computer yet")
    key = TechnicianKey.generate(name)
    try:
        keyring.set_password(KEYRING_SERVICE, name, _encode(key))
    except NoKeyringError:
        return _keep_in_file(name, path, create, key)
    except KeyringError as exc:
        raise TechnicianKeyError(f"the system keyring refused to keep the key of {name!r}: "
                                 f"{type(exc).__name__}") from None
    return KeptKey(key, where, True, True)


def _keep_in_file(name: str, path: Path, create: bool,
                  key: TechnicianKey | None = None) -> KeptKey:
    if path.exists():
        return KeptKey(_read_file(name, path), _file_note(name, path), False, False)
    if not create:
        raise TechnicianKeyError(f"{name!r} has no signing key on this computer yet")
    key = key or TechnicianKey.generate(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created 0600 from the start (no window in which another user could read it).
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(_encode(key) + "\n")
    return KeptKey(key, _file_note(name, path), False, True)


def _file_note(name: str, path: Path) -> str:
    return (f"no system keyring is available here, so the key of {name} is kept in the "
            f"file {path} (readable only by you); install a keyring backend to keep it "
            f"there instead")


def _read_file(name: str, path: Path) -> TechnicianKey:
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise TechnicianKeyError(f"cannot read the key file {path}: "
                                 f"{type(exc).__name__}") from None
    return _decode(name, text)


def _encode(key: TechnicianKey) -> str:
    return base64.b64encode(key.private_bytes()).decode("ascii")


def _decode(name: str, text: str) -> TechnicianKey:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise TechnicianKeyError(f"the stored key of {name!r} is damaged (not base64)") \
            from None
    return TechnicianKey.from_private_bytes(name, raw)
