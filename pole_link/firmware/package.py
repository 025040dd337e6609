"""A firmware package: the one file a vendor ships, image and manifest together.

Format (documented for vendors in the README): a ZIP archive (stored, not compressed —
firmware images rarely compress and a pole's loader should not need inflate) with two
members:

* ``manifest.json`` — ``{"format": 1, "version", "models": [..], "size", "sha256"
  (hex, lowercase), "signature" (base64 of the Ed25519 signature over the raw 32-byte
  SHA-256), "signingCertificate" (PEM)}``. ``models`` lists the pole models it fits;
  an empty list fits every model.
* ``image.bin`` — the image, exactly ``size`` bytes.

Reading never trusts the manifest: `read_package` recomputes size and hash and refuses a
package whose image does not match them; whether the *signature* is good is a separate
question (`FirmwarePackage.verify`), answered against the roots a pole or service trusts.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pole_link.firmware.signing import (
    FirmwareRefused,
    Refusal,
    load_certificate,
    pem_of,
    sign_digest,
    verify_signed_digest,
)

FORMAT = 1
MANIFEST = "manifest.json"
IMAGE = "image.bin"
MAX_IMAGE_BYTES = 64 * 1024 * 1024
MAX_MANIFEST_BYTES = 1024 * 1024
"""A manifest is a few kB; the cap keeps a compressed "manifest" from filling memory."""


class PackageError(ValueError):
    """A file that is not a usable firmware package; the message says what is wrong."""


@dataclass(frozen=True)
class Manifest:
    version: str
    models: tuple[str, ...]
    size: int
    sha256: str
    """Hex, lowercase."""
    signature: bytes
    signing_certificate: str
    """PEM."""

    def fits(self, model: str) -> bool:
        return not self.models or model in self.models

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": self.version, "models": list(self.models),
                "size": self.size, "sha256": self.sha256,
                "signature": base64.b64encode(self.signature).decode(),
                "signingCertificate": self.signing_certificate}

    @classmethod
    def from_json(cls, data: Any) -> Manifest:
        if not isinstance(data, dict):
            raise PackageError("manifest.json is not a JSON object")
        if data.get("format") != FORMAT:
            raise PackageError(f"manifest format {data.get('format')!r} is not {FORMAT}")
        try:
            models = data.get("models") or []
            if not isinstance(models, list):
                raise TypeError("models must be a list")
            return cls(str(data["version"]), tuple(str(m) for m in models), int(data["size"]),
                       str(data["sha256"]).lower(),
                       base64.b64decode(str(data["signature"]), validate=True),
                       str(data["signingCertificate"]))
        except KeyError as exc:
            raise PackageError(f"manifest.json lacks {exc.args[0]!r}") from None
        except (TypeError, ValueError, binascii.Error) as exc:
            raise PackageError(f"manifest.json: {exc}") from None


@dataclass(frozen=True)
class FirmwarePackage:
    manifest: Manifest
    image: bytes

    @property
    def digest(self) -> bytes:
        return bytes.fromhex(self.manifest.sha256)

    def signing_certificate(self) -> x509.Certificate:
        return load_certificate(self.manifest.signing_certificate)

    def verify(self, roots: Sequence[x509.Certificate], now: datetime) -> x509.Certificate:
        """The pole's own check, made early (by the service, the app): the root that
        vouches for it, or `FirmwareRefused` with the reason."""
        if hashlib.sha256(self.image).hexdigest() != self.manifest.sha256:
            raise FirmwareRefused(Refusal.HASH_MISMATCH, "the image does not match its hash")
        return verify_signed_digest(self.digest, self.manifest.signature,
                                    self.signing_certificate(), roots, now)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
            archive.writestr(MANIFEST, json.dumps(self.manifest.to_json(), indent=2))
            archive.writestr(IMAGE, self.image)
        return buffer.getvalue()


def build_package(image: bytes, *, version: str, models: Sequence[str],
                  key: Ed25519PrivateKey, signing_cert: x509.Certificate) -> FirmwarePackage:
    """Sign ``image`` as release ``version`` for ``models`` (empty: every model)."""
    digest = hashlib.sha256(image).digest()
    manifest = Manifest(version, tuple(models), len(image), digest.hex(),
                        sign_digest(key, digest), pem_of(signing_cert))
    return FirmwarePackage(manifest, image)


def parse_package(data: bytes) -> FirmwarePackage:
    """A package from its bytes; `PackageError` when it is not one or does not add up."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise PackageError("not a firmware package (not a ZIP archive, or a truncated one)"
                           ) from None
    try:
        with archive:
            names = set(archive.namelist())
            if not {MANIFEST, IMAGE} <= names:
                raise PackageError(f"a firmware package holds {MANIFEST} and {IMAGE}; this "
                                   f"one holds {sorted(names)}")
            if archive.getinfo(IMAGE).file_size > MAX_IMAGE_BYTES:
                raise PackageError("the image is larger than 64 MiB")
            if archive.getinfo(MANIFEST).file_size > MAX_MANIFEST_BYTES:
                raise PackageError("manifest.json is larger than 1 MiB")
            manifest = Manifest.from_json(json.loads(archive.read(MANIFEST)))
            image = archive.read(IMAGE)
    except zipfile.BadZipFile as exc:  # a member's CRC-32 or header does not check out
        raise PackageError(f"the package is damaged, a changed or corrupted copy ({exc})"
                           ) from None
    except json.JSONDecodeError as exc:
        raise PackageError(f"manifest.json is not JSON: {exc}") from None
    if len(image) != manifest.size:
        raise PackageError(f"the image has {len(image)} bytes, the manifest says "
                           f"{manifest.size}")
    if hashlib.sha256(image).hexdigest() != manifest.sha256:
        raise PackageError("the image does not match the manifest's SHA-256")
    return FirmwarePackage(manifest, image)


def read_package(path: str | Path) -> FirmwarePackage:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise PackageError(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse_package(data)


def read_manifest(path: str | Path) -> Manifest:
    """Only the manifest of a package file (what a sender needs for OCPP
    ``SignedUpdateFirmware``: signature and signing certificate), without reading the
    image. Trusts the file as the one that was verified when it was stored."""
    try:
        with zipfile.ZipFile(path) as archive:
            if archive.getinfo(MANIFEST).file_size > MAX_MANIFEST_BYTES:
                raise PackageError("manifest.json is larger than 1 MiB")
            return Manifest.from_json(json.loads(archive.read(MANIFEST)))
    except KeyError:
        raise PackageError(f"{path} holds no {MANIFEST}") from None
    except (OSError, zipfile.BadZipFile, json.JSONDecodeError) as exc:
        raise PackageError(f"cannot read the manifest of {path}: {exc}") from None
