"""Helpers for the credential tests: a virtual pole with a security profile, raw handshakes."""

from __future__ import annotations

import asyncio
import base64
import ssl
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Subprotocol

from pole_link.sim.clock import SimClock
from pole_link.sim.ocpp_client import PoleOcppClient
from pole_link.sim.outbox import Outbox
from pole_link.sim.pole import VirtualPole
from pole_link.sim.security import ClientCertificate, PoleSecurity
from service.security.ca import ServiceCa
from tests.support import Api, ConnectedPole, until

OCPP = [Subprotocol("ocpp1.6")]
START = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
PASSWORD = "correct-horse-battery-staple-1"
"""A pole password that appears nowhere else in any output, so a grep can find leaks."""


def basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@asynccontextmanager
async def secured_pole(ocpp_url: str, state_dir: Path, pole_id: str = "PW-0001", *,
                       profile: int = 0, password: str | None = None,
                       ca_pem: str | None = None,
                       certificate: ClientCertificate | None = None,
                       central_system_roots: Sequence[str] = (),
                       wait: bool = True,
                       start: datetime | None = None) -> AsyncIterator[ConnectedPole]:
    """A virtual pole with its real OCPP client at ``profile``, connected (unless not
    ``wait``) and with its outbox drained; ``central_system_roots`` are installed as
    InstallCertificate would.

    The pole's clock starts at ``start``, by default at the wall clock's now: the services
    these tests run against keep wall time (TLS checks certificates against it), and a
    pole whose clock sat at a fixed date would drift one more day behind its service
    every day the suite is run."""
    pole = VirtualPole(pole_id, clock=SimClock(start or wall_now()))
    for root in central_system_roots:
        assert pole.certificates.install("CentralSystemRootCertificate", root) == "Accepted"
    pole.security.profile = profile
    pole.security.authorization_key = password
    pole.security.ca_pem = ca_pem
    pole.security.certificate = certificate
    outbox = Outbox(state_dir / pole_id / "outbox.sqlite")
    client = PoleOcppClient(pole, ocpp_url, outbox)
    tasks = [asyncio.create_task(client.run()), asyncio.create_task(pole.scheduler.run())]
    try:
        if wait:
            await until(lambda: client.connected and len(outbox) == 0, timeout=20)
        yield ConnectedPole(pole, client, outbox)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        outbox.close()


async def refused(url: str, headers: dict[str, str] | None = None,
                  ssl_context: ssl.SSLContext | None = None) -> int:
    """The HTTP status of a handshake the service refuses (fails if it upgrades)."""
    try:
        async with connect(url, subprotocols=OCPP, additional_headers=headers or {},
                           ssl=ssl_context, open_timeout=20):
            pass
    except InvalidStatus as exc:
        return exc.response.status_code
    raise AssertionError(f"{url}: the service upgraded a connection it should refuse")


@asynccontextmanager
async def raw_pole(url: str, headers: dict[str, str] | None = None,
                   ssl_context: ssl.SSLContext | None = None
                   ) -> AsyncIterator[ClientConnection]:
    async with connect(url, subprotocols=OCPP, additional_headers=headers or {},
                       ssl=ssl_context, open_timeout=20) as websocket:
        yield websocket


BOOT_AS_IMPOSTOR = {"chargePointVendor": "Impostor", "chargePointModel": "Fake"}


def wall_now() -> datetime:
    """TLS checks certificates against the real clock, so TLS material is made valid
    around it (a day either side): no date is assumed."""
    return datetime.now(UTC)


def server_certificate(ca: ServiceCa, directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 issued by ``ca``; (cert file, key file)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    now = wall_now()
    certificate = (x509.CertificateBuilder()
                   .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                                               "127.0.0.1")]))
                   .issuer_name(ca.certificate.subject).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - timedelta(days=1))
                   .not_valid_after(now + timedelta(days=1))
                   .add_extension(x509.SubjectAlternativeName(
                       [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
                   .sign(ca.key, hashes.SHA256()))
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / "server.pem", directory / "server-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def trusting(ca_pem: str, certificate: ClientCertificate | None = None) -> ssl.SSLContext:
    """A client TLS context that trusts the service's CA (and presents ``certificate``)."""
    security = PoleSecurity(ca_pem=ca_pem, certificate=certificate)
    context = security.ssl_context("wss://")
    assert context is not None
    return context


@asynccontextmanager
async def tls_service(tmp_path: Path, backend: str) -> AsyncIterator[tuple[Api, ServiceCa]]:
    """The CSMS over TLS with its own CA (client certificates checked against it), on
    SQLite or PostgreSQL, with an API client that trusts that CA."""
    from contextlib import ExitStack

    import httpx

    from service.api.tokens import ensure_admin_token
    from service.security.ca import init_ca
    from service.security.tls import TlsFiles
    from service.server import start_service
    from tests.support import postgres_schema

    ca = init_ca(tmp_path / "ca", wall_now())
    cert, key = server_certificate(ca, tmp_path / "tls")
    token_file = tmp_path / "tokens.json"
    token = ensure_admin_token(token_file)
    assert token is not None
    with ExitStack() as stack:
        db_url = (f"sqlite:///{tmp_path / 'csms.sqlite'}" if backend == "sqlite"
                  else stack.enter_context(postgres_schema()))
        service = await start_service(db_url, token_file=token_file,
                                      files_dir=tmp_path / "files",
                                      tls=TlsFiles(cert, key, ca.cert_path), ca=ca)
        try:
            async with httpx.AsyncClient(
                    base_url=f"https://127.0.0.1:{service.port}",
                    headers={"Authorization": f"Bearer {token}"}, timeout=20,
                    verify=trusting(ca.certificate_pem())) as client:
                yield Api(service, client, token, db_url), ca
        finally:
            await service.stop()
