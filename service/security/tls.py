"""TLS for the service (profiles 2 and 3): ``wss://`` and ``https://`` on one port.

``paalwerk service --tls-cert CERT.pem --tls-key KEY.pem`` serves TLS 1.2 or newer. With
the service's own CA initialised (`service.security.ca`), a pole may also present a
client certificate; it is verified against that CA during the TLS handshake (optional
there, so profile 1 and 2 poles still connect) and its subject reaches the application as
the ASGI TLS extension (`tls_extension`), where profile 3 requires it (`Gate`).
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID


class TlsError(ValueError):
    """TLS material that cannot be used; the message names the file and why."""


@dataclass(frozen=True)
class TlsFiles:
    cert: Path
    key: Path
    client_ca: Path | None = None
    """The CA pole certificates must chain to (profile 3); None: no client certificates."""


def server_context(files: TlsFiles) -> ssl.SSLContext:
    """The service's TLS context, or `TlsError` saying which file is wrong."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(files.cert, files.key)
    except FileNotFoundError as exc:
        raise TlsError(f"--tls-cert/--tls-key: {exc.filename}: no such file") from None
    except (ssl.SSLError, OSError) as exc:
        raise TlsError(f"--tls-cert {files.cert} / --tls-key {files.key}: not a matching PEM "
                       f"certificate and private key ({exc})") from None
    if files.client_ca is not None:
        try:
            context.load_verify_locations(cafile=files.client_ca)
        except (ssl.SSLError, OSError) as exc:
            raise TlsError(f"CA {files.client_ca}: cannot use it ({exc})") from None
        context.verify_mode = ssl.CERT_OPTIONAL
    return context


def common_name(certificate: x509.Certificate) -> str | None:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else None


def tls_extension(transport: Any) -> dict[str, Any] | None:
    """The ASGI TLS extension for a connection's transport (None without TLS): the
    verified client certificate, if any, as PEM and as its subject (RFC 4514)."""
    ssl_object = transport.get_extra_info("ssl_object")
    if ssl_object is None:
        return None
    extension: dict[str, Any] = {"tls_version": None, "cipher_suite": None,
                                 "client_cert_chain": [], "client_cert_name": None,
                                 "client_cert_error": None, "server_cert": None}
    der = ssl_object.getpeercert(binary_form=True)
    if der:
        certificate = x509.load_der_x509_certificate(der)
        extension["client_cert_chain"] = [certificate.public_bytes(Encoding.PEM).decode()]
        extension["client_cert_name"] = certificate.subject.rfc4514_string()
    return extension


def client_common_name(extension: dict[str, Any]) -> str | None:
    """The CN of the verified client certificate in a TLS extension, if there is one."""
    chain = extension.get("client_cert_chain") or []
    if not chain or extension.get("client_cert_error"):
        return None
    return common_name(x509.load_pem_x509_certificate(chain[0].encode()))
