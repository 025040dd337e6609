"""Who may sign firmware, and the check a pole makes before it installs an image.

The model is the OCPP 1.6 security whitepaper's: a manufacturer root certificate is
installed on the pole (``InstallCertificate`` type ``ManufacturerRootCertificate``); a
release is signed by a *signing certificate* that root issued; the pole accepts an image
only when the signing certificate chains to one of its roots and its key's signature over
the image's SHA-256 verifies (PROTOCOL.md ``FirmwareBegin``: the signature is over the
raw 32-byte digest).

Ed25519, because: signatures are deterministic (no per-signature nonce for a build server
to get wrong, the flaw behind most ECDSA key leaks), keys and signatures are small (32 and
64 bytes: cheap in a manifest and on a pole's flash), verification is fast on the small
processors in a pole, and `cryptography` supports it in X.509 certificates. ECDSA P-256
would be the choice only for a pole whose secure element can do nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import cast

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.x509.oid import NameOID

ROOT_LIFETIME = timedelta(days=20 * 365)
SIGNING_LIFETIME = timedelta(days=5 * 365)


class Refusal(StrEnum):
    """Why a pole refuses an image (PROTOCOL.md ``FirmwareCommit`` statuses)."""

    INVALID_CERTIFICATE = "InvalidCertificate"
    INVALID_SIGNATURE = "InvalidSignature"
    HASH_MISMATCH = "HashMismatch"
    INCOMPLETE = "Incomplete"
    WRONG_MODEL = "WrongModel"


class FirmwareRefused(Exception):
    """An image a pole must not install; `reason` is the protocol's word for why."""

    def __init__(self, reason: Refusal, detail: str) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Paalwerk"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_root(common_name: str, now: datetime) -> tuple[Ed25519PrivateKey, x509.Certificate]:
    """A manufacturer root: a self-signed CA that may only issue (path length 0)."""
    key = Ed25519PrivateKey.generate()
    name = _name(common_name)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + ROOT_LIFETIME)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, algorithm=None))
    return key, cert


def make_signing_cert(root_key: Ed25519PrivateKey, root: x509.Certificate, common_name: str,
                      now: datetime) -> tuple[Ed25519PrivateKey, x509.Certificate]:
    """A firmware signing certificate issued by ``root`` (not a CA itself)."""
    key = Ed25519PrivateKey.generate()
    cert = (x509.CertificateBuilder().subject_name(_name(common_name))
            .issuer_name(root.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + SIGNING_LIFETIME)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(root_key, algorithm=None))
    return key, cert


def sign_digest(key: Ed25519PrivateKey, sha256: bytes) -> bytes:
    """The signature PROTOCOL.md asks for: over the raw 32-byte SHA-256 of the image."""
    if len(sha256) != 32:
        raise ValueError("sign the raw 32-byte SHA-256 digest, not its hex")
    return key.sign(sha256)


def load_certificate(pem: str | bytes) -> x509.Certificate:
    """A PEM certificate; `FirmwareRefused` (InvalidCertificate) when it is not one."""
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        return x509.load_pem_x509_certificate(data)
    except ValueError as exc:
        raise FirmwareRefused(Refusal.INVALID_CERTIFICATE,
                              f"the signing certificate is not a PEM certificate ({exc})"
                              ) from None


def load_certificates(pem: str | bytes) -> list[x509.Certificate]:
    """Every certificate in a PEM bundle (a pole's or a service's trusted roots)."""
    data = pem.encode() if isinstance(pem, str) else pem
    return x509.load_pem_x509_certificates(data) if data.strip() else []


def pem_of(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def subject_of(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def verify_signed_digest(sha256: bytes, signature: bytes, signing_cert: x509.Certificate,
                         roots: Sequence[x509.Certificate], now: datetime) -> x509.Certificate:
    """What a pole checks before it installs; returns the root that vouched for it.

    The signing certificate must be valid at ``now``, not a CA, issued by one of
    ``roots`` (signature and names), and its key's Ed25519 signature over the digest
    must verify. `FirmwareRefused` says which check failed.
    """
    issuer = verify_signing_certificate(signing_cert, roots, now)
    try:
        # verify_signing_certificate made sure the key is Ed25519.
        cast(Ed25519PublicKey, signing_cert.public_key()).verify(signature, sha256)
    except InvalidSignature:
        raise FirmwareRefused(Refusal.INVALID_SIGNATURE,
                              "the signature does not match the image (tampered image or "
                              "another key)") from None
    return issuer


def verify_signing_certificate(signing_cert: x509.Certificate,
                               roots: Sequence[x509.Certificate], now: datetime
                               ) -> x509.Certificate:
    """The certificate half of `verify_signed_digest`, for what can be judged before the
    image is there (OCPP ``SignedUpdateFirmware`` answers ``InvalidCertificate`` at once,
    before any download). Returns the root that issued it."""
    if not signing_cert.not_valid_before_utc <= now <= signing_cert.not_valid_after_utc:
        raise FirmwareRefused(Refusal.INVALID_CERTIFICATE,
                              f"the signing certificate {subject_of(signing_cert)!r} is not "
                              f"valid at {now:%Y-%m-%d %H:%M} UTC")
    try:
        constraints = signing_cert.extensions.get_extension_for_class(x509.BasicConstraints)
        if constraints.value.ca:
            raise FirmwareRefused(Refusal.INVALID_CERTIFICATE,
                                  "firmware is signed by a CA certificate, not a signing one")
    except x509.ExtensionNotFound:
        pass
    issuer = _issuer_among(signing_cert, roots)
    if issuer is None:
        raise FirmwareRefused(Refusal.INVALID_CERTIFICATE,
                              f"the signing certificate {subject_of(signing_cert)!r} was not "
                              "issued by a manufacturer root this pole trusts")
    public_key = signing_cert.public_key()
    if not isinstance(public_key, Ed25519PublicKey):
        raise FirmwareRefused(Refusal.INVALID_CERTIFICATE,
                              "the signing certificate's key is not Ed25519")
    return issuer


def _issuer_among(cert: x509.Certificate, roots: Sequence[x509.Certificate]
                  ) -> x509.Certificate | None:
    for root in roots:
        try:
            cert.verify_directly_issued_by(root)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return root
    return None
