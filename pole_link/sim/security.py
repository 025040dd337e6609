"""The virtual pole's side of the OCPP 1.6 security profiles: what it logs in with.

``SecurityProfile`` (0–3, raised only: a pole refuses a lower one, as the OCPP security
whitepaper has it) and ``AuthorizationKey`` (the HTTP Basic password, 16–40 characters,
write-only: GetConfiguration lists the key but never its value, so a key cannot be read
back out of a pole). Kept apart from the configuration store because neither behaves like
an ordinary key: one only rises and one is never shown.
"""

from __future__ import annotations

import base64
import ssl
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ocpp.v16.enums import ConfigurationStatus

SECURITY_PROFILE = "SecurityProfile"
AUTHORIZATION_KEY = "AuthorizationKey"
KEYS = (SECURITY_PROFILE, AUTHORIZATION_KEY)
_PRINTABLE = frozenset(string.printable) - frozenset(string.whitespace)


def _canonical(key: str) -> str | None:
    """The security key's name (any letter case, as CiString50), or None for another key."""
    for name in KEYS:
        if key.lower() == name.lower():
            return name
    return None


def key_problem(key: str) -> str | None:
    """Why ``key`` cannot be an AuthorizationKey, in words; None if it can."""
    if not 16 <= len(key) <= 40:
        return f"an AuthorizationKey has 16 to 40 characters, not {len(key)}"
    if not set(key) <= _PRINTABLE:
        return "an AuthorizationKey holds printable ASCII characters only, without spaces"
    return None


@dataclass
class ClientCertificate:
    """The pole's own certificate (profile 3): PEM chain and private key."""

    chain_pem: str
    key_pem: str


@dataclass
class PoleSecurity:
    """One pole's security settings; `changed` listeners hear accepted changes by key."""

    profile: int = 0
    authorization_key: str | None = field(default=None, repr=False)
    ca_pem: str | None = None
    """The CSMS's CA (``--ca``): what the pole trusts for ``wss://``; None: the system's."""
    certificate: ClientCertificate | None = field(default=None, repr=False)
    changed: list[Callable[[str], None]] = field(default_factory=list)
    _pending_key_pem: str | None = field(default=None, repr=False)
    """The private key of the last CSR, until its certificate arrives."""

    def certificate_request(self, pole_id: str) -> str:
        """A new key pair and a CSR for it (CN = the pole id), as SignCertificate sends;
        the private key never leaves the pole."""
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        key = ec.generate_private_key(ec.SECP256R1())
        self._pending_key_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()).decode("ascii")
        request = (x509.CertificateSigningRequestBuilder()
                   .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, pole_id)]))
                   .sign(key, hashes.SHA256()))
        return request.public_bytes(serialization.Encoding.PEM).decode("ascii")

    def install_chain(self, chain_pem: str, pole_id: str) -> bool:
        """CertificateSigned: keep the chain if its first certificate is for this pole and
        for the key of the last CSR; False (nothing changed) otherwise."""
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization
        from cryptography.x509.oid import NameOID

        if self._pending_key_pem is None:
            return False
        try:
            leaf = x509.load_pem_x509_certificates(chain_pem.encode("ascii"))[0]
        except (ValueError, UnicodeEncodeError, IndexError):
            return False
        key = serialization.load_pem_private_key(self._pending_key_pem.encode("ascii"), None)
        names = leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        if not names or names[0].value != pole_id or leaf.public_key() != key.public_key():
            return False
        self.certificate = ClientCertificate(chain_pem, self._pending_key_pem)
        self._pending_key_pem = None
        for listener in list(self.changed):
            listener("Certificate")
        return True

    @staticmethod
    def handles(key: str) -> bool:
        return _canonical(key) is not None

    def change(self, key: str, value: str) -> ConfigurationStatus:
        """ChangeConfiguration of a security key: Accepted, or Rejected with nothing changed."""
        name = _canonical(key)
        if name == SECURITY_PROFILE:
            if not value.isdigit() or not self.profile <= int(value) <= 3:
                return ConfigurationStatus.rejected  # not 0–3, or lower: never lowered
            if int(value) == 3 and self.certificate is None:
                return ConfigurationStatus.rejected  # no certificate to log in with
            self.profile = int(value)
        elif name == AUTHORIZATION_KEY:
            if key_problem(value) is not None:
                return ConfigurationStatus.rejected
            self.authorization_key = value
        else:
            return ConfigurationStatus.not_supported
        for listener in list(self.changed):
            listener(name)
        return ConfigurationStatus.accepted

    def entries(self, keys: Sequence[str] | None) -> tuple[list[dict[str, Any]], list[str]]:
        """GetConfiguration for the security keys among ``keys`` (all when None/empty):
        (entries, the other keys asked). AuthorizationKey comes without a value."""
        wanted = list(KEYS) if not keys else [k for k in map(_canonical, keys) if k]
        entries: list[dict[str, Any]] = []
        for name in dict.fromkeys(wanted):
            entry: dict[str, Any] = {"key": name, "readonly": False}
            if name == SECURITY_PROFILE:
                entry["value"] = str(self.profile)
            entries.append(entry)
        return entries, [key for key in keys or () if _canonical(key) is None]

    def headers(self, pole_id: str) -> dict[str, str]:
        """The handshake's ``Authorization`` header (profiles 1 and 2), else none."""
        if self.profile not in (1, 2) or self.authorization_key is None:
            return {}
        token = base64.b64encode(f"{pole_id}:{self.authorization_key}".encode()).decode()
        return {"Authorization": f"Basic {token}"}

    def ssl_context(self, url: str, installed_roots: str = "") -> ssl.SSLContext | None:
        """TLS for a ``wss://`` URL: trusting ``ca_pem`` and the CentralSystemRootCertificates
        installed over OCPP (``installed_roots``, PEM) — or, with neither, the system —
        presenting the pole's certificate at profile 3."""
        if not url.startswith("wss://"):
            return None
        trusted = "\n".join(pem for pem in (self.ca_pem, installed_roots) if pem)
        context = ssl.create_default_context(cadata=trusted) if trusted \
            else ssl.create_default_context()
        if self.certificate is not None:
            _load_chain(context, self.certificate)  # presented always, required at 3
        return context


def _load_chain(context: ssl.SSLContext, certificate: ClientCertificate) -> None:
    """`ssl` loads a client certificate from files only: a private temporary directory."""
    import os
    import tempfile

    with tempfile.TemporaryDirectory(prefix="pole-cert-") as directory:
        chain = Path(directory) / "chain.pem"
        key = Path(directory) / "key.pem"
        for path, text in ((chain, certificate.chain_pem), (key, certificate.key_pem)):
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(text)
        context.load_cert_chain(chain, key)


SECURITY_FILE = "security.json"


def keep_in(security: PoleSecurity, directory: Path) -> None:
    """Persist ``security`` in the pole's state directory, as a real pole keeps its key
    and certificate over a restart: restore what a previous run stored (a rotated key
    outlives the ``--password`` the simulator was started with; a profile stays raised),
    then store every accepted change. The file is readable by its owner only."""
    import json
    import os

    path = directory / SECURITY_FILE
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stored = None
    if isinstance(stored, dict):
        security.profile = max(security.profile, int(stored.get("profile", 0)))
        security.authorization_key = stored.get("key") or security.authorization_key
        chain, key = stored.get("chain"), stored.get("privateKey")
        if isinstance(chain, str) and isinstance(key, str):
            security.certificate = ClientCertificate(chain, key)

    def save(_key: str = "") -> None:
        certificate = security.certificate
        data = {"profile": security.profile, "key": security.authorization_key,
                "chain": certificate.chain_pem if certificate else None,
                "privateKey": certificate.key_pem if certificate else None}
        directory.mkdir(parents=True, exist_ok=True)
        scratch = directory / (SECURITY_FILE + ".tmp")
        descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        scratch.replace(path)

    security.changed.append(save)
    save()
