"""A virtual pole's certificate store: the OCPP 1.6 security whitepaper's root certificates.

Two kinds, as ``InstallCertificate`` names them: ``ManufacturerRootCertificate`` (what
signed firmware must chain to, `FirmwareSlots.roots`) and ``CentralSystemRootCertificate``
(what the CSMS's TLS certificate chains to: the pole trusts these for ``wss://``
besides its ``--ca``, `PoleSecurity.ssl_context`). The lists themselves stay in `FirmwareSlots`,
so installing a manufacturer root here is exactly what lets a ``SignedUpdateFirmware``
under it pass, and deleting it is what makes such firmware refused; this module adds what
the back office asks of them:

* ``InstallCertificate``: a PEM that does not parse, or holds a certificate that is no CA,
  is ``Rejected``; a full store (`MAX_CERTIFICATES`) is ``Failed``.
* ``GetInstalledCertificateIds``: each certificate as ``certificateHashData``
  (whitepaper / RFC 6960's CertID): SHA256 of the issuer's DER-encoded name, SHA256 of the
  issuer's public key (the BIT STRING's value), and the serial number in lowercase hex
  without leading zeros.
* ``DeleteCertificate``: ``Accepted``, ``NotFound``, or ``Failed`` for the last
  CentralSystemRootCertificate of a pole at security profile 2 or 3 — without it the pole
  could never again trust its CSMS's TLS certificate (the whitepaper forbids leaving a
  charge point without one in use).

Every change is a ``ReconfigurationOfSecurityParameters`` security event (the
whitepaper's word for it), so it lands in the pole's security log and at its CSMS.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from pole_link.firmware.signing import load_certificates, subject_of

if TYPE_CHECKING:
    from pole_link.sim.pole import VirtualPole

LOGGER = logging.getLogger(__name__)

MANUFACTURER = "ManufacturerRootCertificate"
CENTRAL_SYSTEM = "CentralSystemRootCertificate"
TYPES = (CENTRAL_SYSTEM, MANUFACTURER)
MAX_CERTIFICATES = 20
"""Per type: what the simulated pole's certificate flash holds (``CertificateStoreMaxLength``)."""
RECONFIGURATION = "ReconfigurationOfSecurityParameters"
CERTIFICATES_FILE = "certificates.json"


def _bit_string_value(spki_der: bytes) -> bytes:
    """The subjectPublicKey BIT STRING's bytes (without its unused-bits octet) of a DER
    SubjectPublicKeyInfo: what RFC 6960 hashes for ``issuerKeyHash``."""

    def header(at: int) -> tuple[int, int]:
        """(start of content, content length) of the TLV at ``at``."""
        length = spki_der[at + 1]
        if length < 0x80:
            return at + 2, length
        count = length & 0x7F
        return at + 2 + count, int.from_bytes(spki_der[at + 2:at + 2 + count], "big")

    content, _ = header(0)  # SEQUENCE
    algorithm_start, algorithm_length = header(content)  # AlgorithmIdentifier
    bits_start, bits_length = header(algorithm_start + algorithm_length)
    return spki_der[bits_start + 1:bits_start + bits_length]


def hash_data(certificate: x509.Certificate,
              issuer: x509.Certificate | None = None) -> dict[str, str]:
    """``certificateHashData`` of ``certificate``; ``issuer`` defaults to itself (a root)."""
    signer = issuer or certificate
    spki = signer.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
    return {"hashAlgorithm": "SHA256",
            "issuerNameHash": hashlib.sha256(certificate.issuer.public_bytes()).hexdigest(),
            "issuerKeyHash": hashlib.sha256(_bit_string_value(spki)).hexdigest(),
            "serialNumber": format(certificate.serial_number, "x")}


def _same(wanted: Mapping[str, Any], have: Mapping[str, str]) -> bool:
    """Hash data match: hashes case-insensitively, serial numbers also without leading 0s."""
    def serial(text: Any) -> str:
        return str(text).lower().lstrip("0") or "0"
    return (str(wanted.get("hashAlgorithm", "")).upper() == have["hashAlgorithm"]
            and str(wanted.get("issuerNameHash", "")).lower() == have["issuerNameHash"]
            and str(wanted.get("issuerKeyHash", "")).lower() == have["issuerKeyHash"]
            and serial(wanted.get("serialNumber", "")) == serial(have["serialNumber"]))


class CertificateStore:
    """The pole's installed roots of both types; `changed` listeners hear every change."""

    def __init__(self, pole: VirtualPole) -> None:
        self.pole = pole
        self.changed: list[Callable[[], None]] = []

    def _list(self, certificate_type: str) -> list[x509.Certificate]:
        slots = self.pole.firmware
        return slots.roots if certificate_type == MANUFACTURER else slots.central_system_roots

    def install(self, certificate_type: str, pem: str) -> str:
        """``InstallCertificate``: Accepted, Rejected (not a CA certificate) or Failed."""
        try:
            certificates = load_certificates(pem)
        except ValueError:
            certificates = []
        store = self._list(certificate_type)
        if not certificates:
            LOGGER.warning("%s: InstallCertificate %s rejected: no PEM certificate",
                           self.pole.pole_id, certificate_type)
            return "Rejected"
        new = [cert for cert in certificates if cert not in store]
        if len(store) + len(new) > MAX_CERTIFICATES:
            return "Failed"
        if not self.pole.firmware.install_root(pem, manufacturer=certificate_type == MANUFACTURER):
            return "Rejected"  # `install_root` takes CA certificates only
        self.pole.security_event(RECONFIGURATION, f"{certificate_type} installed: " +
                                 ", ".join(subject_of(cert) for cert in certificates))
        self._changed()
        return "Accepted"

    def installed(self, certificate_type: str) -> list[dict[str, str]]:
        """``GetInstalledCertificateIds``: the hash data of each certificate of the type."""
        store = self._list(certificate_type)
        return [hash_data(cert, self._issuer(cert, store)) for cert in store]

    @staticmethod
    def _issuer(certificate: x509.Certificate, store: list[x509.Certificate]
                ) -> x509.Certificate | None:
        """The installed certificate that issued ``certificate`` (None: itself, a root)."""
        if certificate.issuer == certificate.subject:
            return None
        return next((cert for cert in store if cert.subject == certificate.issuer), None)

    def delete(self, wanted: Mapping[str, Any]) -> str:
        """``DeleteCertificate``: Accepted, NotFound, or Failed (see the module's rules)."""
        for certificate_type in TYPES:
            store = self._list(certificate_type)
            for cert in list(store):
                if not _same(wanted, hash_data(cert, self._issuer(cert, store))):
                    continue
                if (certificate_type == CENTRAL_SYSTEM and len(store) == 1
                        and self.pole.security.profile >= 2):
                    LOGGER.warning("%s: DeleteCertificate refused: the last %s at security "
                                   "profile %d", self.pole.pole_id, CENTRAL_SYSTEM,
                                   self.pole.security.profile)
                    return "Failed"
                store.remove(cert)
                self.pole.security_event(RECONFIGURATION, f"{certificate_type} deleted: "
                                         f"{subject_of(cert)}")
                self._changed()
                return "Accepted"
        return "NotFound"

    def pem(self, certificate_type: str) -> str:
        """The installed certificates of one type as one PEM text ("" for none)."""
        return "".join(cert.public_bytes(serialization.Encoding.PEM).decode("ascii")
                       for cert in self._list(certificate_type))

    def to_json(self) -> dict[str, list[str]]:
        return {kind: [cert.public_bytes(serialization.Encoding.PEM).decode("ascii")
                       for cert in self._list(kind)] for kind in TYPES}

    def restore(self, data: Mapping[str, Any]) -> None:
        """Put back what `to_json` kept (certificates that no longer load are skipped)."""
        for kind in TYPES:
            store = self._list(kind)
            for pem in data.get(kind) or ():
                try:
                    certificates = load_certificates(str(pem))
                except ValueError:
                    continue
                store.extend(cert for cert in certificates if cert not in store)

    def _changed(self) -> None:
        for listener in list(self.changed):
            listener()


def keep_certificates_in(store: CertificateStore, directory: Path) -> None:
    """Persist the installed certificates in the pole's state directory, as a pole keeps
    them in flash: restore what a previous run stored, then store every change. Roots given
    on the command line (``--trust``) are installed at every start in addition."""
    path = directory / CERTIFICATES_FILE
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stored = None
    if isinstance(stored, dict):
        store.restore(stored)

    def save() -> None:
        directory.mkdir(parents=True, exist_ok=True)
        scratch = directory / (CERTIFICATES_FILE + ".tmp")
        descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(store.to_json(), handle)
        scratch.replace(path)

    store.changed.append(save)
    save()
