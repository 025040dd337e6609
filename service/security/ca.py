"""The service's own certificate authority: it issues the poles' client certificates.

Security profile 3 (mutual TLS) needs every pole to hold a certificate whose common name
is its pole id, from an issuer the service trusts. Rather than trust any public CA (which
would issue "PW-0001" to anyone who asks), the service runs its own: ``paalwerk service
ca init`` makes it once (an ECDSA P-256 key, readable by its owner only), and poles get
certificates through OCPP's SignCertificate → CertificateSigned exchange (`sign_request`),
only ever for their own id. Validity is counted from a time the caller gives, so tests
and the service agree on what "now" is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import platformdirs
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from service.security.tls import common_name

CA_CERT = "ca.pem"
CA_KEY = "ca-key.pem"
CA_VALIDITY = timedelta(days=3650)
POLE_VALIDITY = timedelta(days=730)
CA_NAME = "Paalwerk CSMS pole CA"


class CaError(ValueError):
    """The CA cannot do what was asked; the message says why in words."""


def default_ca_dir() -> Path:
    return Path(platformdirs.user_config_dir("paalwerk")) / "ca"


@dataclass(frozen=True)
class ServiceCa:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    directory: Path

    @property
    def cert_path(self) -> Path:
        return self.directory / CA_CERT

    def certificate_pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")

    def sign_request(self, csr_pem: str, pole_id: str, now: datetime) -> str:
        """A client certificate for ``pole_id`` from its CSR, as a PEM chain (the pole's
        certificate, then this CA's). `CaError` for a CSR that is unreadable, not signed
        by its own key, or made out to another name."""
        try:
            request = x509.load_pem_x509_csr(csr_pem.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            raise CaError("the CSR is not a PEM certificate signing request") from None
        if not request.is_signature_valid:
            raise CaError("the CSR's signature does not match its key")
        name = common_name_of(request.subject)
        if name != pole_id:
            raise CaError(f"the CSR asks for CN {name!r}; this pole may only ask for "
                          f"{pole_id!r}")
        public_key = request.public_key()
        if not isinstance(public_key, ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
            raise CaError("the CSR's key is neither EC nor RSA")
        issued = (x509.CertificateBuilder()
                  .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, pole_id)]))
                  .issuer_name(self.certificate.subject)
                  .public_key(public_key)
                  .serial_number(x509.random_serial_number())
                  .not_valid_before(now - timedelta(minutes=5))
                  .not_valid_after(now + POLE_VALIDITY)
                  .add_extension(x509.BasicConstraints(ca=False, path_length=None),
                                 critical=True)
                  .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]),
                                 critical=False)
                  .sign(self.key, hashes.SHA256()))
        return issued.public_bytes(serialization.Encoding.PEM).decode("ascii") \
            + self.certificate_pem()


def common_name_of(name: x509.Name) -> str | None:
    found = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(found[0].value) if found else None


def init_ca(directory: Path, now: datetime) -> ServiceCa:
    """Make the CA in ``directory``; `CaError` if one is there already (it is never
    replaced silently: every pole certificate it issued would stop working)."""
    if (directory / CA_KEY).exists() or (directory / CA_CERT).exists():
        raise CaError(f"{directory} holds a CA already; remove it first to start over "
                      f"(every pole certificate it issued stops working)")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME)])
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - timedelta(minutes=5))
                   .not_valid_after(now + CA_VALIDITY)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                   .add_extension(x509.KeyUsage(
                       digital_signature=False, content_commitment=False,
                       key_encipherment=False, data_encipherment=False, key_agreement=False,
                       key_cert_sign=True, crl_sign=True, encipher_only=False,
                       decipher_only=False), critical=True)
                   .sign(key, hashes.SHA256()))
    directory.mkdir(parents=True, exist_ok=True)
    key_pem = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    descriptor = os.open(directory / CA_KEY, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key_pem)
    (directory / CA_CERT).write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return ServiceCa(certificate, key, directory)


def load_ca(directory: Path) -> ServiceCa:
    """The CA made by `init_ca`; `CaError` saying what is missing or wrong."""
    try:
        certificate = x509.load_pem_x509_certificate((directory / CA_CERT).read_bytes())
        key = serialization.load_pem_private_key((directory / CA_KEY).read_bytes(), None)
    except FileNotFoundError as exc:
        raise CaError(f"no CA in {directory} ({Path(exc.filename).name} missing): run "
                      f"'paalwerk service ca init' first") from None
    except ValueError as exc:
        raise CaError(f"the CA in {directory} is unreadable ({exc})") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise CaError(f"the CA key in {directory} is not an EC key")
    if common_name(certificate) is None:
        raise CaError(f"the CA certificate in {directory} has no common name")
    return ServiceCa(certificate, key, directory)
